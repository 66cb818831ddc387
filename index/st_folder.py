"""Write the files that make a Hugging Face model folder a sentence-transformers model folder.

The layout is the one sentence-transformers 6 saves (``modules.json`` naming its own module
classes, ``1_Pooling``, ``2_Normalize``), plus the classic ``max_seq_length`` key, so that
``SentenceTransformer(folder)`` gives mean-pooled, L2-normalised embeddings with named prompts.
"""
from __future__ import annotations

import json
from pathlib import Path

from tokenizers import Tokenizer

_MODULES = [
    {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
    {
        "idx": 1,
        "name": "1",
        "path": "1_Pooling",
        "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
    },
    {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.base.modules.normalize.Normalize"},
]


def write_tokenizer_files(
    folder: Path, tokenizer: Tokenizer, special_tokens: dict[str, str], max_length: int
) -> None:
    """Write ``tokenizer.json``, ``tokenizer_config.json`` and ``special_tokens_map.json``.

    The config names the generic fast tokenizer class so that ``transformers`` uses the pipeline
    in ``tokenizer.json`` as written instead of rebuilding a model-specific one.
    """
    tokenizer.save(str(folder / "tokenizer.json"))
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": max_length,
        "padding_side": "right",
        "truncation_side": "right",
        "clean_up_tokenization_spaces": False,
        **special_tokens,
    }
    write_json(folder / "tokenizer_config.json", config)
    write_json(folder / "special_tokens_map.json", special_tokens)


def write_sentence_transformer_files(
    folder: Path, *, dim: int, max_seq_length: int, prompts: dict[str, str]
) -> None:
    """Write ``modules.json``, the pooling/normalise modules and the sentence-transformers configs."""
    write_json(folder / "modules.json", _MODULES)
    write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": max_seq_length,
            "do_lower_case": False,
            "transformer_task": "feature-extraction",
            "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
            "module_output_name": "token_embeddings",
        },
    )
    write_json(
        folder / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            "prompts": prompts,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    pooling = folder / "1_Pooling"
    pooling.mkdir(exist_ok=True)
    write_json(pooling / "config.json", {"embedding_dimension": dim, "pooling_mode": "mean", "include_prompt": True})
    normalize = folder / "2_Normalize"
    normalize.mkdir(exist_ok=True)
    write_json(
        normalize / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )


def write_json(path: Path, content: object) -> None:
    """Write ``content`` as indented UTF-8 JSON (non-ASCII kept readable)."""
    path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

"""The relevance model: (question, clause window) → probability that the window answers the question.

A cross-encoder on the first ``layers`` layers of the locally built multilingual-e5-small: the
question and the window are read together (``[CLS] question [SEP] window [SEP]``), mean-pooled and
scored by a linear head. The repository ships only what training changed (``data/relevance/``):
the tuned layers in float16 (or LoRA updates, when trained with a rank) and the head, with a card
(:class:`RelevanceCard`) saying how it was trained and the thresholds chosen on dev data.
:meth:`RelevanceModel.load` applies them to the e5 weights at load; nothing is downloaded.

Measured on 2 cores (issue 13): the full 12 layers cost ~300 ms for 20 windows of 80 tokens, 6
layers ~150 ms. torch's dynamic int8 halves that but ruined the tuned model's ranking (``quantize``
stays off by default; see docs/relevance.md). At query time the model runs as an ONNX Runtime graph
(:class:`OnnxRelevanceModel`, exported and checked against this torch model by
:func:`policyqa.index.onnx_export.ensure_onnx_relevance`); torch is for training and the check.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from policyqa.errors import PolicyQAError

ARTIFACT_DIR = Path(__file__).resolve().parent / "data" / "relevance"
WEIGHTS_NAME = "relevance.safetensors"
CARD_NAME = "card.json"
LORA_TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value",
                "attention.output.dense", "intermediate.dense", "output.dense")


class RelevanceModelMissing(PolicyQAError):
    """The relevance artifact or its base model is not there."""


@dataclass(frozen=True)
class RelevanceCard:
    """How the shipped relevance model was made, and the thresholds chosen for it on dev data.

    ``answerable``: the assistant answers only when some candidate's probability reaches it
    (chosen for ≤ 5 % false refusals on dev questions). ``decides``: a verdict (禁止/允许/要求) is
    given only from a window whose probability reaches it. ``fusion_weight``: candidates are
    ordered by probability + this × their fused score (relative to the best one), chosen on dev
    questions (the fused ranking still knows things the small model misses)."""

    layers: int
    max_length: int
    lora_rank: int
    lora_alpha: float
    answerable: float
    decides: float
    fusion_weight: float = 0.0
    base: str = "multilingual-e5-small"
    data_sha256: str = ""
    sources: tuple[str, ...] = ()
    groups: int = 0
    epochs: float = 0.0
    seed: int = 0
    dev: dict = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path) -> "RelevanceCard":
        data = json.loads((folder / CARD_NAME).read_text("utf-8"))
        data["sources"] = tuple(data.get("sources", ()))
        return cls(**data)

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / CARD_NAME).write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", "utf-8")


def artifact_digest(folder: Path = ARTIFACT_DIR) -> str:
    """sha256 of the weights file (the first 12 hex digits name the model in ``policyqa models``)."""
    return hashlib.sha256((folder / WEIGHTS_NAME).read_bytes()).hexdigest()


def truncated_encoder(base_folder: Path, layers: int):
    """The first ``layers`` layers of the e5 encoder in ``base_folder`` (a transformers BertModel)."""
    from transformers import AutoConfig, AutoModel, logging as hf_logging

    config = AutoConfig.from_pretrained(base_folder)
    config.num_hidden_layers = layers
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # the unused upper layers are expected
    hf_logging.disable_progress_bar()   # a CLI error must stay one line (off for good: see embedder)
    try:
        return AutoModel.from_pretrained(base_folder, config=config, add_pooling_layer=False)
    finally:
        hf_logging.set_verbosity(verbosity)


def mean_pool(hidden, mask):
    """Average of the token states under ``mask``."""
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class RelevanceModel:
    """Scores (question, text) pairs; load with :meth:`load`."""

    def __init__(self, encoder, head, tokenizer, card: RelevanceCard, digest: str) -> None:
        self.encoder, self.head, self.tokenizer, self.card, self.digest = encoder, head, tokenizer, card, digest

    @classmethod
    def load(cls, base_folder: Path, artifact: Path = ARTIFACT_DIR, *, quantize: bool = False) -> "RelevanceModel":
        """The shipped model on the e5 weights in ``base_folder``; raises RelevanceModelMissing."""
        require_artifact(base_folder, artifact)
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        card = RelevanceCard.read(artifact)
        encoder = truncated_encoder(base_folder, card.layers)
        weights = load_file(str(artifact / WEIGHTS_NAME))
        apply_update(encoder, weights, card)
        head = torch.nn.Linear(encoder.config.hidden_size, 1)
        head.load_state_dict({"weight": weights["head.weight"].float(), "bias": weights["head.bias"].float()})
        encoder.eval()
        head.eval()
        if quantize:
            encoder = _int8(encoder)
        tokenizer = AutoTokenizer.from_pretrained(base_folder)
        return cls(encoder, head, tokenizer, card, artifact_digest(artifact))

    def probabilities(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """P(text answers question) for each of ``texts``."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        import torch

        batch = self.tokenizer([question] * len(texts), list(texts), truncation="longest_first",
                               max_length=self.card.max_length, padding=True, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.encoder(**batch).last_hidden_state
            logits = self.head(mean_pool(hidden, batch["attention_mask"])).squeeze(-1)
        return torch.sigmoid(logits).numpy().astype(np.float32)


def require_artifact(base_folder: Path, artifact: Path = ARTIFACT_DIR) -> None:
    """Raise RelevanceModelMissing unless the artifact and the e5 base it applies to are there."""
    if not (artifact / WEIGHTS_NAME).exists() or not (artifact / CARD_NAME).exists():
        raise RelevanceModelMissing(f"没有相关性模型：{artifact} 下缺少 {WEIGHTS_NAME} 或 {CARD_NAME}"
                                    "（用 policyqa relevance train 训练）")
    if not (base_folder / "config.json").exists():
        raise RelevanceModelMissing(f"没有 e5 基础模型：{base_folder}（首次 policyqa ingest/serve 时构建）")


class OnnxRelevanceModel:
    """The relevance model's ONNX export (same card, digest and probabilities as
    :class:`RelevanceModel`, no torch); build it with ``onnx_export.ensure_onnx_relevance``."""

    def __init__(self, export: Path, base_folder: Path, card: RelevanceCard, digest: str, *,
                 precision: str = "fp32") -> None:
        from policyqa.index.onnx_runtime import RELEVANCE_FILES, folder_tokenizer, session

        self.card, self.digest, self.precision = card, digest, precision
        self._session = session(export / RELEVANCE_FILES[precision])   # first: the tokenizer may be loading elsewhere
        self.tokenizer = folder_tokenizer(base_folder)

    def probabilities(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """P(text answers question) for each of ``texts``, in one padded batch."""
        from policyqa.index.onnx_runtime import id_arrays

        if not texts:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encode([(question, text) for text in texts], self.card.max_length)
        ids, mask = id_arrays(encodings, self.tokenizer.pad_id)
        return self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0].astype(np.float32)


def apply_update(encoder, weights: dict, card: RelevanceCard) -> None:
    """Merge the artifact's LoRA updates, layer norms and other full tensors into ``encoder``."""
    import torch

    scale = card.lora_alpha / card.lora_rank if card.lora_rank else 0.0
    params = dict(encoder.named_parameters())
    with torch.no_grad():
        for name, tensor in weights.items():
            if name.startswith("head."):
                continue
            if name.endswith(".lora_A"):
                base = name[: -len(".lora_A")]
                update = weights[base + ".lora_B"].float() @ tensor.float()
                params[base + ".weight"].add_(update * scale)
            elif name.endswith(".lora_B"):
                continue
            elif name in params:
                params[name].copy_(tensor.float())
            else:
                raise RelevanceModelMissing(f"相关性模型与 e5 不匹配：未知参数 {name}")


def _int8(encoder):
    import warnings

    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(encoder, {torch.nn.Linear}, dtype=torch.qint8)

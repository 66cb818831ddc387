"""On-disk form of a :class:`~policyqa.index.vector_store.FaissStore`, checked on every load.

A store folder holds ``vectors.faiss`` (the serialised FAISS index), ``vectors.npy`` (the raw
float32 rows, for reuse by id) and ``ids.json``, the manifest written last: row ids, dim, index
parameters and the SHA-256 of the two binary files, so a truncated or altered file is refused
before FAISS ever parses it.
"""
from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import faiss
import numpy as np

from policyqa.errors import IndexMismatch
from policyqa.atomic import atomic_write_bytes, atomic_write_text

INDEX_FILE = "vectors.faiss"
VECTORS_FILE = "vectors.npy"
MANIFEST_FILE = "ids.json"
FORMAT = 1
PARAM_NAMES = frozenset({"exact_limit", "hnsw_m", "ef_construction", "ef_search"})


@dataclass(frozen=True)
class StoreFiles:
    """The parts of a saved store: ids in row order, their vectors and the built FAISS index."""

    dim: int
    ids: tuple[str, ...]
    vectors: np.ndarray
    index: faiss.Index
    params: dict[str, int] = field(default_factory=dict)


def write_store(folder: Path, files: StoreFiles) -> None:
    """Write the three files into ``folder`` (created if needed), each atomically, manifest last."""
    buffer = io.BytesIO()
    np.save(buffer, files.vectors, allow_pickle=False)
    blobs = {
        VECTORS_FILE: buffer.getvalue(),
        INDEX_FILE: faiss.serialize_index(files.index).tobytes(),
    }
    for name, data in blobs.items():
        atomic_write_bytes(folder / name, data)
    manifest = {
        "format": FORMAT, "dim": files.dim, "count": len(files.ids), "params": files.params,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in blobs.items()},
        "ids": list(files.ids),
    }
    atomic_write_text(folder / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False))


def read_store(folder: Path, dim: int | None = None) -> StoreFiles:
    """Read and cross-check a store folder; ``dim`` is the dimension the caller's model produces.

    Raises IndexMismatch (one line, with the rebuild command) when a file is missing, truncated,
    altered or inconsistent with the others, or when the stored dim differs from ``dim``.
    """
    manifest = _read_manifest(folder)
    stored_dim, ids = manifest["dim"], manifest["ids"]
    if dim is not None and dim != stored_dim:
        raise _mismatch(folder, f"索引维度 {stored_dim} 与当前模型的 {dim} 不一致")
    vectors_blob = _read_blob(folder, VECTORS_FILE, manifest)
    index_blob = _read_blob(folder, INDEX_FILE, manifest)
    try:
        vectors = np.load(io.BytesIO(vectors_blob), allow_pickle=False)
        index = faiss.deserialize_index(np.frombuffer(index_blob, dtype=np.uint8))
    except (ValueError, RuntimeError, OSError) as err:
        raise _mismatch(folder, "无法解析（文件已损坏或不完整）") from err
    shapes_ok = vectors.dtype == np.float32 and vectors.shape == (len(ids), stored_dim)
    if not shapes_ok or index.d != stored_dim or index.ntotal != len(ids):
        raise _mismatch(folder, "向量、索引与 ids.json 的行数或维度不一致")
    return StoreFiles(stored_dim, tuple(ids), vectors, index, dict(manifest["params"]))


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise _mismatch(folder, f"缺少 {MANIFEST_FILE}") from err
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _mismatch(folder, f"{MANIFEST_FILE} 已损坏") from err
    expected = {"format": int, "dim": int, "count": int, "params": dict, "sha256": dict, "ids": list}
    if not isinstance(manifest, dict) or any(
        not isinstance(manifest.get(key), kind) for key, kind in expected.items()
    ):
        raise _mismatch(folder, f"{MANIFEST_FILE} 缺少字段")
    params = manifest["params"]
    if set(params) - PARAM_NAMES or not all(isinstance(v, int) for v in params.values()):
        raise _mismatch(folder, f"{MANIFEST_FILE} 的索引参数无效")
    if manifest["format"] != FORMAT:
        raise _mismatch(folder, f"索引格式版本 {manifest['format']}，当前为 {FORMAT}")
    ids = manifest["ids"]
    if manifest["count"] != len(ids) or len(set(ids)) != len(ids):
        raise _mismatch(folder, f"{MANIFEST_FILE} 的 id 数目不符或有重复")
    return manifest


def _read_blob(folder: Path, name: str, manifest: dict) -> bytes:
    try:
        data = (folder / name).read_bytes()
    except FileNotFoundError as err:
        raise _mismatch(folder, f"缺少 {name}") from err
    except OSError as err:
        raise _mismatch(folder, f"无法读取 {name}") from err
    if hashlib.sha256(data).hexdigest() != manifest["sha256"].get(name):
        raise _mismatch(folder, f"{name} 校验失败（被截断或改动）")
    return data


def _mismatch(folder: Path, reason: str) -> IndexMismatch:
    return IndexMismatch(f"向量索引 {folder} 不可用：{reason}。请运行 policyqa ingest --rebuild 重建索引")

"""The index manifest: which model, dimension and tokenizer built the index, over which clauses.

Written last by a build, it also records the SHA-256 of every other file of the index folder and
a digest of its own fields, so a truncated, emptied or altered file (clauses.jsonl, ids.json, the
BM25 files, the manifest itself) is refused on load with the rebuild command, before any of it
is parsed. A manifest from before these checks (no ``files``/``digest``) loads unchecked.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.atomic import atomic_write_text

MANIFEST_FILE = "manifest.json"
FORMAT = 1
REBUILD = "运行 policyqa ingest --rebuild 重建索引"


@dataclass(frozen=True)
class Manifest:
    """Written last by a build; a reader trusts the other files only when this one agrees."""

    model_id: str
    dim: int
    tokenizer: str
    clause_hashes: dict[str, str] = field(default_factory=dict)   # clause id → content hash
    corpus_hash: str = ""
    passages: str = ""   # passages.PASSAGE_SCHEME of the build ("" for indexes built before it was stored)
    backend: str = ""    # what computed the vectors: torch, onnx-fp32, onnx-int8, hash ("" for older indexes: torch)
    format: int = FORMAT
    files: dict[str, str] = field(default_factory=dict)           # file name → SHA-256, set by save
    digest: str = ""                                               # SHA-256 of the other fields

    def save(self, folder: Path) -> None:
        """Write the manifest atomically into ``folder``, with the checksums of the files already
        there (the index files, written before it) and its own digest."""
        record = asdict(self) | {"files": _file_hashes(folder)}
        record["digest"] = _digest(record)
        atomic_write_text(folder / MANIFEST_FILE, json.dumps(record, ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Read the manifest and check the files it lists; raises IndexMissing when absent and
        IndexMismatch (naming the damaged file and the rebuild command) when anything differs."""
        path = folder / MANIFEST_FILE
        if not path.exists():
            raise IndexMissing(f"{folder} 中没有索引：请先运行 policyqa ingest")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as err:
            raise IndexMismatch(f"索引清单 {path} 已损坏或不完整：{REBUILD}") from None
        if manifest.format != FORMAT:
            raise IndexMismatch(f"索引格式 {manifest.format} 与本版本（{FORMAT}）不符：{REBUILD}")
        if manifest.digest and manifest.digest != _digest(data):
            raise IndexMismatch(f"索引清单 {path} 校验失败（被改动或损坏）：{REBUILD}")
        manifest.verify_files(folder)
        return manifest

    def verify_files(self, folder: Path) -> None:
        """Raise IndexMismatch when a file listed in ``files`` is missing or differs from the build."""
        for name, expected in sorted(self.files.items()):
            try:
                actual = _sha256(folder / name)
            except FileNotFoundError:
                raise IndexMismatch(f"索引文件 {folder / name} 缺失：{REBUILD}") from None
            except OSError as err:
                raise IndexMismatch(f"索引文件 {folder / name} 无法读取（{err.strerror}）：{REBUILD}") from None
            if actual != expected:
                raise IndexMismatch(f"索引文件 {folder / name} 校验失败（被截断或改动）：{REBUILD}")

    def check_model(self, model_id: str) -> None:
        """Raise IndexMismatch when the index was built with another embedding model."""
        if model_id != self.model_id:
            raise IndexMismatch(
                f"索引由模型 {self.model_id} 构建，当前配置为 {model_id}：运行 policyqa ingest --rebuild")


    def check_backend(self, backend: str, *, checked: bool) -> None:
        """Raise IndexMismatch when this index's vectors came from another backend than
        ``backend`` and the two were never ``checked`` against each other (an ONNX export is
        checked against the torch model it came from when it is built)."""
        built = self.backend or "torch"
        if backend != built and not checked:
            raise IndexMismatch(f"索引的向量由 {built} 后端计算，当前为 {backend}，二者未经比对："
                                f"设置 POLICYQA_BACKEND={_SETTING.get(built, built)}，或运行 policyqa ingest --rebuild")


_SETTING = {"onnx-fp32": "onnx", "onnx-int8": "onnx-int8", "torch": "torch"}


def _file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of each visible regular file directly in ``folder`` except the manifest."""
    return {p.name: _sha256(p) for p in sorted(folder.iterdir())
            if p.is_file() and p.name != MANIFEST_FILE and not p.name.startswith(".")}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _digest(record: dict) -> str:
    """SHA-256 of the record's fields other than ``digest``, in a canonical JSON form."""
    body = {k: v for k, v in record.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

"""The index manifest: which model, dimension and tokenizer built the index, over which clauses."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.index.atomic import atomic_write_text

MANIFEST_FILE = "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """Written last by a build; a reader trusts the other files only when this one agrees."""

    model_id: str
    dim: int
    tokenizer: str
    clause_hashes: dict[str, str] = field(default_factory=dict)   # clause id → content hash
    corpus_hash: str = ""
    format: int = FORMAT

    def save(self, folder: Path) -> None:
        """Write the manifest atomically into ``folder``."""
        atomic_write_text(folder / MANIFEST_FILE, json.dumps(asdict(self), ensure_ascii=False, indent=1))

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """Read the manifest; raises IndexMissing when absent, IndexMismatch when unreadable."""
        path = folder / MANIFEST_FILE
        if not path.exists():
            raise IndexMissing(f"{folder} 中没有索引：请先运行 policyqa ingest")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(**data)
        except (ValueError, TypeError) as err:
            raise IndexMismatch(f"索引清单 {path} 已损坏（{err.__class__.__name__}）：运行 policyqa ingest --rebuild") from None
        if manifest.format != FORMAT:
            raise IndexMismatch(f"索引格式 {manifest.format} 与本版本（{FORMAT}）不符：运行 policyqa ingest --rebuild")
        return manifest

    def check_model(self, model_id: str) -> None:
        """Raise IndexMismatch when the index was built with another embedding model."""
        if model_id != self.model_id:
            raise IndexMismatch(
                f"索引由模型 {self.model_id} 构建，当前配置为 {model_id}：运行 policyqa ingest --rebuild")

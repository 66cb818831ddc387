"""Read-only views of an index folder's library for the CLI and UI."""
from __future__ import annotations

import json
from pathlib import Path

from policyqa.errors import IndexMissing
from policyqa.ingest.pipeline import DOCUMENTS_FILE


def load_documents(index_dir: Path) -> list[dict]:
    """The ``documents.jsonl`` records of an index; raises IndexMissing when there is none."""
    path = index_dir / DOCUMENTS_FILE
    if not path.exists():
        raise IndexMissing(f"{index_dir} 中没有文库：请先运行 policyqa ingest")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]

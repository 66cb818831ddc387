"""Read-only views of an index folder's library for the CLI and UI."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from policyqa.domain import DocKind, Level
from policyqa.errors import IndexMissing
from policyqa.vocabulary import LEGAL_FORMS
from policyqa.ingest.records import DOCUMENTS_FILE


def load_documents(index_dir: Path) -> list[dict]:
    """The ``documents.jsonl`` records of an index; raises IndexMissing when there is none."""
    path = index_dir / DOCUMENTS_FILE
    if not path.exists():
        raise IndexMissing(f"{index_dir} 中没有文库：请先运行 policyqa ingest")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


STATUSES = {"in_force": "现行", "superseded": "已被修订", "copy": "副本", "repost": "转载"}
"""A document's standing in the library (see :func:`status_of`), with its name on the page."""


def status_of(record: dict) -> str:
    """``copy`` (the same document is ingested from another file), ``superseded`` (an older
    version of a law), ``repost`` (a page carrying another document), else ``in_force``."""
    if record.get("copy_of"):
        return "copy"
    if record.get("superseded_by"):
        return "superseded"
    return "repost" if record.get("repost_of") else "in_force"


@dataclass(frozen=True)
class LibraryQuery:
    """Which documents to show: each set field must match (empty fields match everything).
    ``region`` and ``title`` match a part (河南 finds 河南省; 美育 finds every 美育 title);
    ``year`` is the year of the document's date; ``form`` a legal form (法律, 行政法规 …)."""

    level: Level | None = None
    region: str = ""
    kind: DocKind | None = None
    year: str = ""
    status: str = ""
    title: str = ""
    form: str = ""

    @classmethod
    def parse(cls, *, level: str = "", region: str = "", kind: str = "", year: str = "", status: str = "",
              title: str = "", form: str = "") -> "LibraryQuery":
        """Read the fields as typed; raises ValueError (one line, naming the valid values)."""
        year = year.strip()
        if year and not re.fullmatch(r"\d{4}", year):
            raise ValueError(f"年份应为四位数字，如 2016，而不是 “{year}”")
        if status and status not in STATUSES:
            raise ValueError(f"未知状态 “{status}”。可选：{'、'.join(STATUSES)}")
        if form and form not in LEGAL_FORMS:
            raise ValueError(f"未知法律形式 “{form}”。可选：{'、'.join(LEGAL_FORMS)}")
        return cls(Level.from_str(level) if level else None, region.strip(),
                   DocKind.from_str(kind) if kind else None, year, status, re.sub(r"\s", "", title), form)

    def admits(self, record: dict) -> bool:
        """Does one ``documents.jsonl`` record pass?"""
        return ((self.level is None or record.get("level") == self.level.value)
                and (not self.region or self.region in (record.get("region") or ""))
                and (self.kind is None or record.get("kind") == self.kind.value)
                and (not self.year or (record.get("date") or "").startswith(self.year))
                and (not self.status or status_of(record) == self.status)
                and (not self.form or record.get("legal_form") == self.form)
                and (not self.title or self.title in re.sub(r"\s", "", (record.get("title") or "") + record["doc"])))

    def select(self, records: list[dict]) -> list[dict]:
        """The records that pass, in library order."""
        return [r for r in records if self.admits(r)]

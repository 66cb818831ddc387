"""The library as loaded for querying: clauses and document metadata, looked up by id and name."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from policyqa.domain import Clause, DocumentMeta
from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.ingest.records import CLAUSES_FILE, DOCUMENTS_FILE, meta_from_record


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise IndexMissing(f"{path.parent} 中没有 {path.name}：请先运行 policyqa ingest")
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except ValueError:
        raise IndexMismatch(f"{path} 已损坏：运行 policyqa ingest --rebuild") from None


@dataclass(frozen=True)
class Catalog:
    """All clauses and documents of one index, in reading order."""

    clauses: tuple[Clause, ...]
    documents: tuple[DocumentMeta, ...]
    _by_id: dict[str, Clause] = field(repr=False, compare=False, default_factory=dict)
    _by_doc: dict[str, DocumentMeta] = field(repr=False, compare=False, default_factory=dict)
    _copies: dict[str, tuple[Clause, ...]] = field(repr=False, compare=False, default_factory=dict)

    @classmethod
    def build(cls, clauses: tuple[Clause, ...], documents: tuple[DocumentMeta, ...]) -> "Catalog":
        """A catalog over the given records, with its lookup tables."""
        copies: dict[str, list[Clause]] = {}
        for clause in clauses:
            if clause.duplicate_of:
                copies.setdefault(clause.duplicate_of, []).append(clause)
        return cls(clauses, documents, {c.id: c for c in clauses}, {d.doc: d for d in documents},
                   {k: tuple(v) for k, v in copies.items()})

    @classmethod
    def load(cls, folder: Path) -> "Catalog":
        """Read ``clauses.jsonl`` and ``documents.jsonl``; raises IndexMissing / IndexMismatch."""
        clauses = tuple(Clause.from_record(r) for r in _read_jsonl(folder / CLAUSES_FILE))
        documents = tuple(meta_from_record(r) for r in _read_jsonl(folder / DOCUMENTS_FILE))
        return cls.build(clauses, documents)

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; raises KeyError."""
        return self._by_id[clause_id]

    def meta(self, doc: str) -> DocumentMeta:
        """The metadata of a document by file name; raises KeyError."""
        return self._by_doc[doc]

    def cited_title(self, doc: str) -> str:
        """The title an answer cites: the document's title (its file name when it has none), with
        the version when the library holds several of one law (中华人民共和国某法（2016年版，
        已被修订）)."""
        meta = self._by_doc[doc]
        title = meta.title or doc
        year = f"{meta.date[:4]}年版" if meta.date else "旧版"
        if meta.superseded_by:
            return f"{title}（{year}，已被修订）"
        if any(d.superseded_by == doc for d in self.documents):
            return f"{title}（{year}）"
        return title

    def in_force(self, doc: str) -> bool:
        """False for an older version of a law (superseded) and for a copy ingested elsewhere."""
        meta = self._by_doc[doc]
        return not (meta.superseded_by or meta.copy_of)

    def clauses_of(self, doc: str) -> list[Clause]:
        """The clauses of one document in reading order."""
        return [c for c in self.clauses if c.doc == doc]

    def canonical(self, clause: Clause) -> Clause:
        """The official twin of a reposted clause, or the clause itself."""
        return self._by_id.get(clause.duplicate_of, clause) if clause.duplicate_of else clause

    def alternates(self, clause: Clause) -> list[Clause]:
        """Reposted copies of ``clause`` (alternate sources of the same text)."""
        return list(self._copies.get(clause.id, ()))

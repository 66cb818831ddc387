"""JSON records of documents (``documents.jsonl``) and their inverse."""
from __future__ import annotations

from policyqa.domain import DocKind, DocumentMeta, Level, ParsedDocument

CLAUSES_FILE = "clauses.jsonl"
DOCUMENTS_FILE = "documents.jsonl"
"""The library's parsed clauses and document records, one JSON object per line."""


def meta_to_record(meta: DocumentMeta, doc: ParsedDocument | None = None) -> dict:
    """The document's metadata (plus clause counts and warnings when ``doc`` is given) as a dict."""
    record = {
        "doc": meta.doc, "title": meta.title, "issuers": list(meta.issuers),
        "doc_number": meta.doc_number, "date": meta.date,
        "level": meta.level.value if meta.level else None, "is_draft": meta.is_draft,
        "kind": meta.kind.value, "adopted": meta.adopted, "amended": list(meta.amended),
        "region": meta.region, "repost_of": meta.repost_of, "copy_of": meta.copy_of,
        "superseded_by": meta.superseded_by, "legal_form": meta.legal_form,
    }
    if doc is not None:
        record["clauses"] = len(doc.clauses)
        record["duplicates"] = sum(1 for c in doc.clauses if c.duplicate_of)
        record["warnings"] = list(doc.warnings)
        record["encoding"] = doc.source.encoding
    return record


def meta_from_record(rec: dict) -> DocumentMeta:
    """Inverse of :func:`meta_to_record` (extra keys ignored)."""
    return DocumentMeta(
        doc=rec["doc"], title=rec.get("title"), issuers=tuple(rec.get("issuers") or ()),
        doc_number=rec.get("doc_number"), date=rec.get("date"),
        level=Level(rec["level"]) if rec.get("level") else None, is_draft=bool(rec.get("is_draft")),
        kind=DocKind(rec.get("kind") or "other"), adopted=rec.get("adopted"),
        amended=tuple(rec.get("amended") or ()), region=rec.get("region"), repost_of=rec.get("repost_of"),
        copy_of=rec.get("copy_of"), superseded_by=rec.get("superseded_by"), legal_form=rec.get("legal_form"),
    )

"""What a library looks like in Milvus: one row per embedded passage, its metadata, its text
analysed by jieba for BM25, and the document keys that make a document's rows one version.

Clauses and the sentence windows of long clauses live in two collections (``NAME`` and
``NAME_windows``): BM25's document count and average length are computed over every row of a
collection, and windows (which BM25 does not rank) would skew both; the dense ranking searches
both collections.

A row's primary key is ``row id @ document key``. The document key is a digest of everything a
document's rows hold (model, passage scheme, clause hashes, metadata), so a changed document is
written as a new set of rows beside the old one; a reader filters by the keys of the library it
loaded (``view.json``), so it sees every row of a document's version or none of them.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policyqa.domain import Clause, DocumentMeta
from policyqa.index.passages import PASSAGE_SCHEME, embedded_rows, passage_text
from policyqa.index.tokenize import STOPWORDS_PATH, USERDICT_PATH, read_word_list

MAX_TEXT = 65_535      # Milvus's VARCHAR limit (bytes); longer passages are cut for BM25 only
MAX_TOPK = 16_384      # Milvus's largest limit per search
FIELDS = ("pk", "row", "clause", "doc", "doc_key", "level", "kind", "region", "status", "draft",
          "window", "hash", "text", "sparse", "dense")


ANALYZERS = ("tokens", "jieba")
"""How the BM25 text is cut: ``tokens``, our ChineseTokenizer's terms (jieba search mode with the
user dictionary, sub-words of every length, stopwords dropped) written space-separated and split
on spaces by Milvus, so its BM25 ranks as our bm25s index does; ``jieba``, the passage itself cut
by Milvus's own jieba analyzer (:func:`analyzer_params`)."""


def analyzer_params(analyzer: str = "tokens", *, server: bool = True, userdict: Path = USERDICT_PATH,
                    stopwords: Path = STOPWORDS_PATH) -> dict:
    """Milvus analyzer settings for ``analyzer`` (one of :data:`ANALYZERS`).

    ``tokens``: split on whitespace (a server's ``whitespace`` tokenizer; Milvus Lite has none, and
    its ``standard`` one splits on non-word characters, which our terms do not contain).
    ``jieba``: Milvus's jieba analyzer with the project's user dictionary (added to jieba's own),
    search mode (a long word also yields its sub-words), no HMM guessing (an unknown word is cut
    alike in question and clause), punctuation dropped and our stopwords as the stop filter.
    Raises ValueError for another name."""
    if analyzer == "tokens":
        return {"tokenizer": "whitespace" if server else "standard"}
    if analyzer != "jieba":
        raise ValueError(f"analyzer must be one of {', '.join(ANALYZERS)}, got {analyzer}")
    words = sorted({line.split()[0] for line in read_word_list(userdict)})
    return {
        "tokenizer": {"type": "jieba", "dict": ["_default_", *words], "mode": "search", "hmm": False},
        "filter": ["removepunct", {"type": "stop", "stop_words": sorted(read_word_list(stopwords))}],
    }


def analyzer_signature(params: Mapping) -> str:
    """A short digest of the analyzer settings, stored with the collection."""
    return hashlib.sha256(json.dumps(params, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def status_of(meta: DocumentMeta) -> str:
    """``copy``, ``superseded``, ``repost`` or ``in_force`` (as ``policyqa library --status``)."""
    if meta.copy_of:
        return "copy"
    if meta.superseded_by:
        return "superseded"
    return "repost" if meta.repost_of else "in_force"


def _meta_fields(meta: DocumentMeta) -> dict[str, object]:
    return {"level": meta.level.value if meta.level else "", "kind": meta.kind.value,
            "region": meta.region or "", "status": status_of(meta), "draft": bool(meta.is_draft)}


def document_keys(documents: Sequence[DocumentMeta], clauses: Sequence[Clause], model_id: str) -> dict[str, str]:
    """Per document, the key of its current rows: a digest of the model, the passage scheme, its
    metadata fields and its clauses' ids and hashes. Any change to them makes a new key."""
    by_doc: dict[str, list[tuple[str, str]]] = {}
    for clause in clauses:
        by_doc.setdefault(clause.doc, []).append((clause.id, clause.hash))
    keys = {}
    for meta in documents:
        body = json.dumps([model_id, PASSAGE_SCHEME, _meta_fields(meta), sorted(by_doc.get(meta.doc, []))],
                          ensure_ascii=False, sort_keys=True)
        keys[meta.doc] = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return keys


@dataclass(frozen=True)
class MilvusRow:
    """One embedded passage as Milvus stores it (without its vector)."""

    row: str          # the passage id: a clause id, or a window id (clause id @wN)
    clause: str
    doc: str
    doc_key: str
    hash: str         # the clause's content hash
    window: bool
    text: str         # analysed for BM25; unused for a window (BM25 ranks clauses)
    meta: tuple[tuple[str, object], ...]

    @property
    def pk(self) -> str:
        return primary_key(self.row, self.doc_key)

    def record(self, vector: np.ndarray) -> dict:
        """The row as a Milvus insert record (a window's has no text: its collection has no BM25)."""
        record = {"pk": self.pk, "row": self.row, "clause": self.clause, "doc": self.doc, "doc_key": self.doc_key,
                  "hash": self.hash, "window": self.window, "dense": vector.tolist(), **dict(self.meta)}
        return record if self.window else record | {"text": _cut(self.text)}


def primary_key(row: str, doc_key: str) -> str:
    return f"{row}@{doc_key}"


def library_rows(documents: Sequence[DocumentMeta], clauses: Sequence[Clause], keys: Mapping[str, str],
                 texts: Mapping[str, str] | None = None) -> list[MilvusRow]:
    """Every embedded passage of ``clauses`` (the clause, then its windows, as the FAISS store
    holds them), with the metadata of its document and its document's key; a clause row's BM25
    text is ``texts[clause id]`` (default: its passage text)."""
    metas = {m.doc: tuple(_meta_fields(m).items()) for m in documents}
    rows = []
    for clause in clauses:
        for row, _text in embedded_rows(clause):
            window = row != clause.id
            rows.append(MilvusRow(row, clause.id, clause.doc, keys[clause.doc], clause.hash, window,
                                  "" if window else (texts[clause.id] if texts else passage_text(clause)),
                                  metas[clause.doc]))
    return rows


def _cut(text: str) -> str:
    data = text.encode("utf-8")
    return text if len(data) <= MAX_TEXT else data[:MAX_TEXT].decode("utf-8", errors="ignore")


def in_list(field: str, values: Iterable[str]) -> str:
    """A Milvus filter expression ``field in [...]`` (values quoted as JSON strings)."""
    return f"{field} in {json.dumps(sorted(set(values)), ensure_ascii=False)}"


def build_schema(dim: int, analyzer: dict | None, *, description: str = ""):
    """A collection schema: scalar metadata and the dense e5 vector, and with an ``analyzer`` the
    analysed text and its BM25 sparse vector (computed by Milvus from ``text``). Imports pymilvus
    (installed with the ``milvus`` or ``test`` extra)."""
    from pymilvus import DataType, Function, FunctionType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False, description=description)
    schema.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=1024)
    for name in ("row", "clause", "doc"):
        schema.add_field(name, DataType.VARCHAR, max_length=1024)
    for name in ("doc_key", "level", "kind", "status", "hash"):
        schema.add_field(name, DataType.VARCHAR, max_length=64)
    schema.add_field("region", DataType.VARCHAR, max_length=256)
    schema.add_field("draft", DataType.BOOL)
    schema.add_field("window", DataType.BOOL)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    if analyzer is None:
        return schema
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True, analyzer_params=analyzer)
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    return schema

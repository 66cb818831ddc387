"""Building the search indexes of a library: FAISS (or a Milvus collection) over embeddings and
BM25 over jieba terms.

Incremental: a clause whose content hash is unchanged keeps its vector from the previous build,
so re-ingesting unchanged files embeds nothing. Into Milvus, only documents whose rows are not
stored yet are written, and their vectors come from the previous build (FAISS files or Milvus
rows) wherever the clause is unchanged, so moving a FAISS index to Milvus embeds nothing.
"""
from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from policyqa.domain import Clause, DocumentMeta
from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.index.bm25 import BM25Index
from policyqa.index.embedder import Embedder
from policyqa.index.manifest import Manifest
from policyqa.index.milvus_schema import document_keys, library_rows, primary_key
from policyqa.index.milvus_store import VIEW_FILE, MilvusTarget, MilvusView
from policyqa.index.passages import PASSAGE_SCHEME, embedded_rows, passage_text
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.index.vector_store import FaissStore


@dataclass(frozen=True)
class BuildStats:
    """Figures of one index build."""

    clauses: int
    embedded: int      # vectors computed (clauses and their sentence windows)
    reused: int        # vectors kept from the previous build
    seconds: float


def _previous_vectors(previous: Path | None, model_id: str) -> tuple[dict[str, str], dict[str, np.ndarray], int | None]:
    """Hashes, vectors and dimension of the last build when it used the same model and passage
    scheme; empty otherwise (a window row of another scheme holds other text under the same id)."""
    if previous is None:
        return {}, {}, None
    try:
        manifest = Manifest.load(previous)
        if manifest.model_id != model_id or manifest.passages != PASSAGE_SCHEME:
            return {}, {}, None
        store = FaissStore.load(previous, manifest.dim)
    except (IndexMissing, IndexMismatch):
        return {}, {}, None
    return manifest.clause_hashes, store.vectors_for(store.ids), manifest.dim


def _previous_milvus(previous: Path | None, target: MilvusTarget, model_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The clause hashes and document keys of the last build when it wrote the same collection
    with the same model and passage scheme; empty otherwise."""
    if previous is None or not (previous / VIEW_FILE).exists():
        return {}, {}
    try:
        manifest, view = Manifest.load(previous), MilvusView.load(previous)
    except (IndexMissing, IndexMismatch):
        return {}, {}
    if view.collection != target.collection or manifest.model_id != model_id or manifest.passages != PASSAGE_SCHEME:
        return {}, {}
    return manifest.clause_hashes, view.doc_keys


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


class IndexBuilder:
    """Embeds and indexes clauses into a folder; reuses vectors of unchanged clauses."""

    def __init__(self, embedder: Embedder, tokenizer: ChineseTokenizer) -> None:
        self.embedder = embedder
        self.tokenizer = tokenizer

    def build(self, clauses: Sequence[Clause], folder: Path, *, previous: Path | None = None,
              progress: bool = False, milvus: MilvusTarget | None = None,
              documents: Sequence[DocumentMeta] = ()) -> BuildStats:
        """Write ``vectors.*`` (or, with ``milvus``, the collection's rows and ``milvus.json``),
        ``bm25.*`` and ``manifest.json`` (last) for ``clauses`` into ``folder``. ``documents``
        (the clauses' documents) give the Milvus rows their metadata. Raises StoreUnavailable or
        IndexMismatch (a collection built with another model) for Milvus."""
        start = time.perf_counter()
        ids = [c.id for c in clauses]
        passages = [passage_text(c) for c in clauses]
        rows = [(row, clause.id, text) for clause in clauses for row, text in embedded_rows(clause)]  # (row id, clause id, text)
        terms = [self.tokenizer.tokens(p) for p in passages]
        if milvus is None:
            embedded, dim = self._write_faiss(clauses, rows, folder, previous, progress)
        else:
            texts = {c.id: " ".join(t) if milvus.analyzer == "tokens" else p for c, t, p in zip(clauses, terms, passages)}
            embedded, dim = self._write_milvus(clauses, documents, texts, rows, folder, previous, progress, milvus)
        BM25Index().fit(ids, terms).save(folder)
        hashes = {c.id: c.hash for c in clauses}
        corpus = hashlib.sha256("".join(f"{k}{v}" for k, v in sorted(hashes.items())).encode()).hexdigest()[:16]
        Manifest(self.embedder.model_id, dim, self.tokenizer.signature, hashes, corpus, PASSAGE_SCHEME,
                 backend=self.embedder.backend).save(folder)
        return BuildStats(len(clauses), embedded, len(rows) - embedded, time.perf_counter() - start)

    def _write_faiss(self, clauses: Sequence[Clause], rows: list[tuple[str, str, str]], folder: Path,
                     previous: Path | None, progress: bool) -> tuple[int, int]:
        """Embed what changed, save the FAISS store; returns (rows embedded, dim)."""
        old_hashes, old_vectors, old_dim = _previous_vectors(previous, self.embedder.model_id)
        hash_of = {c.id: c.hash for c in clauses}
        fresh = [i for i, (row, cid, _) in enumerate(rows) if old_hashes.get(cid) != hash_of[cid] or row not in old_vectors]
        dim = self.embedder.dim if fresh or old_dim is None else old_dim  # no model load when nothing changed
        vectors = np.zeros((len(rows), dim), dtype=np.float32)
        self._embed(fresh, rows, vectors, progress)
        fresh_rows = set(fresh)
        for i, (row, _cid, _text) in enumerate(rows):
            if i not in fresh_rows:
                vectors[i] = old_vectors[row]
        store = FaissStore(dim)
        if rows:
            store.add([r[0] for r in rows], vectors)
        store.save(folder)
        return len(fresh), dim

    def _write_milvus(self, clauses: Sequence[Clause], documents: Sequence[DocumentMeta], texts: dict[str, str],
                      rows: list[tuple[str, str, str]], folder: Path, previous: Path | None,
                      progress: bool, target: MilvusTarget) -> tuple[int, int]:
        """Write the rows of every document whose current version is not in the collection yet
        (vectors reused from the previous FAISS files or Milvus rows where the clause is
        unchanged; ``texts``: each clause's BM25 text), then ``milvus.json``; returns (rows
        embedded, dim). Older versions stay until
        the new index folder is in place (:func:`policyqa.index.service.ingest_and_index`)."""
        model_id = self.embedder.model_id
        collection = target.open()
        if target.recreate:
            collection.drop()
        if collection.exists():
            dim = int(collection.properties().get("policyqa.dim", 0))
            collection.check(model_id, dim, target.analyzer)
        else:
            dim = self.embedder.dim
            collection.create(model_id, dim, target.analyzer)
        keys = document_keys(documents, clauses, model_id)
        table = library_rows(documents, clauses, keys, texts)
        stored = collection.present([r.pk for r in table])
        todo = [i for i, r in enumerate(table) if r.pk not in stored]
        vectors = np.zeros((len(rows), dim), dtype=np.float32)
        fresh = self._reuse(todo, table, rows, previous, target, collection, vectors)
        self._embed(fresh, rows, vectors, progress)
        collection.insert([table[i].record(vectors[i]) for i in todo])
        MilvusView(target.collection, model_id, dim, keys).save(folder)
        return len(fresh), dim

    def _reuse(self, todo: list[int], table, rows, previous: Path | None, target: MilvusTarget,
               collection, vectors: np.ndarray) -> list[int]:
        """Fill ``vectors`` for the rows in ``todo`` whose clause is unchanged since the previous
        build, from its FAISS files or its Milvus rows; returns the rows left to embed."""
        model_id = self.embedder.model_id
        faiss_hashes, faiss_vectors, _ = _previous_vectors(previous, model_id)
        milvus_hashes, old_keys = _previous_milvus(previous, target, model_id)
        old_pks = {i: primary_key(table[i].row, old_keys[table[i].doc]) for i in todo
                   if table[i].doc in old_keys and milvus_hashes.get(table[i].clause) == table[i].hash}
        from_milvus = collection.vectors(list(old_pks.values())) if old_pks else {}
        fresh = []
        for i in todo:
            row = table[i]
            if faiss_hashes.get(row.clause) == row.hash and row.row in faiss_vectors:
                vectors[i] = faiss_vectors[row.row]
            elif old_pks.get(i) in from_milvus:
                vectors[i] = from_milvus[old_pks[i]]
            else:
                fresh.append(i)
        return fresh

    def _embed(self, fresh: list[int], rows: list[tuple[str, str, str]], vectors: np.ndarray, progress: bool) -> None:
        if fresh and progress:
            self._embed_with_progress(fresh, rows, vectors)
        elif fresh:
            vectors[fresh] = self.embedder.embed_passages([rows[i][2] for i in fresh])

    def _embed_with_progress(self, fresh: list[int], rows: list[tuple[str, str, str]], vectors: np.ndarray) -> None:
        """Embed the ``fresh`` rows in chunks of :data:`EMBED_CHUNK`, showing one progress bar for
        the whole ingest with the time spent and left (estimated from the characters embedded so
        far, which is what the work grows with)."""
        bar = ProgressBar(len(fresh), sum(len(rows[i][2]) for i in fresh), sys.stderr)
        for start in range(0, len(fresh), EMBED_CHUNK):
            chunk = fresh[start : start + EMBED_CHUNK]
            texts = [rows[i][2] for i in chunk]
            vectors[chunk] = self.embedder.embed_passages(texts)
            bar.advance(len(chunk), sum(map(len, texts)))
        bar.close()


EMBED_CHUNK = 128
"""Passages per embedding call while showing progress (the embedder batches them by length)."""


class ProgressBar:
    """One line on ``stream``: ``嵌入 [████░░░░] 40%  8,400/21,076 段  已用 1:10  预计剩余 1:45``.
    Redrawn in place on a terminal; otherwise a new line every 10 % (a log stays short)."""

    WIDTH = 24

    def __init__(self, total: int, work: int, stream) -> None:
        self.total, self.work, self.stream = total, max(work, 1), stream
        self.done = self.work_done = 0
        self.start = time.perf_counter()
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._shown_tenths = -1

    def advance(self, rows: int, work: int) -> None:
        """Count ``rows`` more passages of ``work`` characters and redraw."""
        self.done += rows
        self.work_done += work
        tenths = 10 * self.work_done // self.work
        if self.tty or tenths > self._shown_tenths:
            self._shown_tenths = tenths
            self.stream.write(("\r" if self.tty else "") + self.line() + ("" if self.tty else "\n"))
            self.stream.flush()

    def line(self) -> str:
        spent = time.perf_counter() - self.start
        share = self.work_done / self.work
        left = spent / share * (1 - share) if share else 0.0
        filled = round(self.WIDTH * share)
        return (f"嵌入 [{'█' * filled}{'░' * (self.WIDTH - filled)}] {share:4.0%}  {self.done:,}/{self.total:,} 段  "
                f"已用 {_clock(spent)}  预计剩余 {_clock(left)}")

    def close(self) -> None:
        """End the line on a terminal."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

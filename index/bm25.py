"""Okapi BM25 over pre-tokenised clauses, on a sparse document-term matrix.

Score of document d for the distinct query terms t present in it::

    score(d) = Σ_t idf(t) · tf(t,d) · (k1 + 1) / (tf(t,d) + k1 · (1 − b + b · |d| / avgdl))
    idf(t)   = ln((N − df(t) + 0.5) / (df(t) + 0.5) + 1)

N is the number of documents, df(t) how many contain t, |d| the token count of d and avgdl the
mean of |d|. The ``+ 1`` inside the log (Lucene's form) keeps idf positive even for a term found
in most clauses, so every document sharing a term scores above zero. A term repeated in the query
counts once. Scoring is ``bm25s``'s (its ``lucene`` method computes exactly this, less the constant
factor k1 + 1, which is put back so scores stay the ones written above); jieba's tokens go in, since
bm25s's own tokenizer keeps a run of Chinese characters as one token. The term counts are kept
here too: they are the file format (with a checksum), and they give each term's df and idf to the
assistant's evidence weights.
"""
from __future__ import annotations

import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
from scipy import sparse

from policyqa.errors import IndexMismatch
from policyqa.atomic import atomic_write_bytes, atomic_write_text

MATRIX_FILE = "bm25.npz"
MANIFEST_FILE = "bm25.json"
FORMAT = 1


class BM25Index:
    """Okapi BM25 (see the module docstring) over clause ids; build with :meth:`fit`."""

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        """Set the parameters; raises ValueError unless k1 ≥ 0 and 0 ≤ b ≤ 1."""
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 ≥ 0 and 0 ≤ b ≤ 1, got k1={k1}, b={b}")
        self.k1 = k1
        self.b = b
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._vocab: dict[str, int] = {}
        self._tf = sparse.csr_matrix((0, 0), dtype=np.int32)
        self._scorer: bm25s.BM25 | None = None
        self._df = np.zeros(0)

    @property
    def ids(self) -> tuple[str, ...]:
        """The indexed ids in row order; ``allowed`` masks are aligned with it."""
        return tuple(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def mask(self, ids: Iterable[str]) -> np.ndarray:
        """A boolean row mask that is True exactly for the given ids (unknown ids are ignored)."""
        result = np.zeros(len(self._ids), dtype=bool)
        result[[self._rows[i] for i in ids if i in self._rows]] = True
        return result

    def fit(self, ids: Sequence[str], token_lists: Sequence[Sequence[str]]) -> BM25Index:
        """Index one token list per id, replacing any previous content; returns ``self``.

        Raises ValueError when the lengths differ or an id repeats.
        """
        if len(ids) != len(token_lists) or len(set(ids)) != len(ids):
            raise ValueError("fit needs one token list per id and unique ids")
        vocab = {term: col for col, term in enumerate(sorted({t for ts in token_lists for t in ts}))}
        counts = [Counter(tokens) for tokens in token_lists]
        rows = [row for row, c in enumerate(counts) for _ in c]
        cols = [vocab[term] for c in counts for term in c]
        data = [n for c in counts for n in c.values()]
        tf = sparse.csr_matrix((data, (rows, cols)), shape=(len(ids), len(vocab)), dtype=np.int32)
        self._set(list(ids), vocab, tf)
        return self

    def document_frequencies(self) -> dict[str, int]:
        """Every indexed term with the number of rows it occurs in."""
        return {term: int(self._df[col]) for term, col in self._vocab.items()}

    def idf(self, term: str) -> float:
        """The term's inverse document frequency as BM25 weighs it (a term in no document gets
        the highest value)."""
        col = self._vocab.get(term)
        return float(_idf(len(self._ids), self._df[col] if col is not None else 0.0))

    def scores(self, query_tokens: Iterable[str]) -> np.ndarray:
        """The BM25 score of every row (0 where no query term occurs), in row order."""
        known = [t for t in dict.fromkeys(query_tokens) if t in self._vocab]
        if not known or self._scorer is None:
            return np.zeros(len(self._ids))
        return self._scorer.get_scores(known).astype(np.float64) * (self.k1 + 1.0)

    def search(
        self, query_tokens: Iterable[str], k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best (id, score) pairs with score > 0, best first; ties go to the earlier row.

        ``allowed`` is a boolean array of length ``len(self)`` applied before ranking; raises
        ValueError when it has another shape or dtype.
        """
        scores = self.scores(query_tokens)
        if allowed is not None:
            allowed = np.asarray(allowed)
            if allowed.dtype != np.bool_ or allowed.shape != (len(self),):
                raise ValueError(f"allowed must be a bool array of shape ({len(self)},)")
            scores = np.where(allowed, scores, 0.0)
        if k < 1:
            return []
        hits = np.flatnonzero(scores > 0)
        order = hits[np.argsort(-scores[hits], kind="stable")][:k]
        return [(self._ids[row], float(scores[row])) for row in order]

    def save(self, folder: Path) -> None:
        """Write ``bm25.npz`` (term counts) then ``bm25.json`` (ids, vocabulary, k1, b, checksum)."""
        buffer = io.BytesIO()
        np.savez(buffer, data=self._tf.data, indices=self._tf.indices, indptr=self._tf.indptr,
                 shape=np.asarray(self._tf.shape, dtype=np.int64))
        blob = buffer.getvalue()
        atomic_write_bytes(Path(folder) / MATRIX_FILE, blob)
        manifest = {"format": FORMAT, "k1": self.k1, "b": self.b, "ids": self._ids,
                    "vocab": sorted(self._vocab, key=self._vocab.__getitem__),
                    "sha256": hashlib.sha256(blob).hexdigest()}
        atomic_write_text(Path(folder) / MANIFEST_FILE, json.dumps(manifest, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        """Read a saved index; raises IndexMismatch when it is missing, damaged or inconsistent."""
        folder = Path(folder)
        try:
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
            blob = (folder / MATRIX_FILE).read_bytes()
            if manifest["format"] != FORMAT or hashlib.sha256(blob).hexdigest() != manifest["sha256"]:
                raise ValueError("checksum or format differs")
            arrays = np.load(io.BytesIO(blob), allow_pickle=False)
            tf = sparse.csr_matrix((arrays["data"], arrays["indices"], arrays["indptr"]),
                                   shape=tuple(arrays["shape"]), dtype=np.int32)
            ids, vocab = list(manifest["ids"]), list(manifest["vocab"])
            index = cls(k1=float(manifest["k1"]), b=float(manifest["b"]))
        except FileNotFoundError as err:
            raise _mismatch(folder, f"缺少 {Path(err.filename).name}") from err
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise _mismatch(folder, "文件已损坏或不完整") from err
        if tf.shape != (len(ids), len(vocab)) or len(set(ids)) != len(ids):
            raise _mismatch(folder, "词表、id 与矩阵大小不一致")
        index._set(ids, {term: col for col, term in enumerate(vocab)}, tf)
        return index

    def _set(self, ids: list[str], vocab: dict[str, int], tf: sparse.csr_matrix) -> None:
        """Install ids, vocabulary and counts, and index the counts with bm25s."""
        self._ids, self._vocab, self._tf = ids, vocab, tf
        self._rows = {clause_id: row for row, clause_id in enumerate(ids)}
        self._df = np.bincount(tf.indices, minlength=len(vocab)).astype(np.float64)
        terms = sorted(vocab, key=vocab.__getitem__)
        corpus = [[terms[col] for col, n in zip(tf.indices[tf.indptr[r]:tf.indptr[r + 1]],
                                                 tf.data[tf.indptr[r]:tf.indptr[r + 1]]) for _ in range(n)]
                  for r in range(len(ids))]
        self._scorer = None
        if ids and vocab:
            self._scorer = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
            self._scorer.index(corpus, show_progress=False)


def _idf(n_docs: int, df):
    """ln((N − df + 0.5) / (df + 0.5) + 1), elementwise for an array of document frequencies."""
    return np.log((n_docs - df + 0.5) / (df + 0.5) + 1.0)


def _mismatch(folder: Path, reason: str) -> IndexMismatch:
    return IndexMismatch(f"BM25 索引 {folder} 不可用：{reason}。请运行 policyqa ingest --rebuild 重建索引")

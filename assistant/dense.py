"""Dense similarity of a question to the retrieved clauses and to the windows of long clauses,
read from the vectors already in the index (nothing is embedded but the question, once).

The lexical coverage of :mod:`policyqa.assistant.evidence` is blind to paraphrase (幼儿园每天要让
孩子到外面玩吗 shares no term with 户外活动时间); the stored vectors are not.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from policyqa.domain import Clause
from policyqa.index.embedder import Embedder
from policyqa.index.passages import passage_windows, window_id
from policyqa.index.vector_store import FaissStore


class QueryVectorCache:
    """Wraps an embedder so that a question embedded by the retriever is not embedded again by
    the assistant (an LRU of the last ``size`` queries); passages pass straight through."""

    def __init__(self, embedder: Embedder, size: int = 256) -> None:
        self.inner, self.size = embedder, size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def model_id(self) -> str:
        """The wrapped embedder's model id."""
        return self.inner.model_id

    @property
    def dim(self) -> int:
        """The wrapped embedder's dimension."""
        return self.inner.dim

    def load(self) -> "QueryVectorCache":
        """Load the wrapped embedder's model."""
        getattr(self.inner, "load", lambda: None)()
        return self

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised query vectors, from the cache where possible."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.inner.embed_queries(missing)):
                self._cache[text] = vector
                if len(self._cache) > self.size:
                    self._cache.popitem(last=False)
        for t in texts:
            self._cache.move_to_end(t)
        return np.stack([self._cache[t] for t in texts])

    def embed_passages(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """Passage vectors from the wrapped embedder (never cached)."""
        return self.inner.embed_passages(texts, progress=progress)


class DenseScorer:
    """Cosine of a question to clauses and their windows, from stored vectors."""

    def __init__(self, store: FaissStore, embedder: Embedder) -> None:
        self.store, self.embedder = store, embedder

    def similarities(self, question: str, clauses: Sequence[Clause]) -> dict[str, list[tuple[str, float]]]:
        """For each clause id: (text, cosine) for the whole clause first, then for each window
        of a long clause. Clauses without stored vectors are left out."""
        q = self.embedder.embed_queries([question])[0]
        out: dict[str, list[tuple[str, float]]] = {}
        for clause in clauses:
            windows = passage_windows(clause)
            ids = [clause.id] + [window_id(clause.id, n) for n in range(1, len(windows) + 1)]
            vectors = self.store.vectors_for(ids)
            if clause.id not in vectors:
                continue
            texts = [clause.text] + [w.split("\n", 2)[-1] for w in windows]
            out[clause.id] = [(text, float(vectors[i] @ q)) for text, i in zip(texts, ids) if i in vectors]
        return out


def unit_similarity(unit: str, scored: list[tuple[str, float]]) -> float:
    """The cosine of the window holding ``unit`` (its first characters), else the clause's."""
    head = unit[:12]
    windows = [sim for text, sim in scored[1:] if head in text]
    return max(windows) if windows else scored[0][1]

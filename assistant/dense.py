"""Dense similarity of a question to the retrieved clauses and to the windows of long clauses,
read from the vectors already in the index and the question's vector from its one reading
(:class:`~policyqa.index.query.Query`): nothing is embedded here.

The lexical coverage of :mod:`policyqa.assistant.evidence` is blind to paraphrase (a question about
letting children play outside shares no term with a clause on 户外活动); the stored vectors are not.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np

from policyqa.domain import Clause
from policyqa.index.passages import passage_windows, window_id


class StoredVectors(Protocol):
    """What the scorer reads from a vector store (FAISS or Milvus): vectors by passage id."""

    def vectors_for(self, ids: Iterable[str]) -> dict[str, np.ndarray]: ...


class DenseScorer:
    """Cosine of a question to clauses and their windows, from stored vectors."""

    def __init__(self, store: StoredVectors) -> None:
        self.store = store

    def similarities(self, q: np.ndarray, clauses: Sequence[Clause]) -> dict[str, list[tuple[str, float]]]:
        """For each clause id: (text, cosine to the question's vector ``q``) for the whole clause
        first, then for each window of a long clause. Clauses without stored vectors are left out."""
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

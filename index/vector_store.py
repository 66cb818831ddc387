"""Dense vector stores: the :class:`VectorStore` protocol and its FAISS implementation.

The protocol is the seam for other back ends: a deployment that outgrows one process would put an
adapter over a llama-index vector store (``QdrantVectorStore``, ``MilvusVectorStore``) behind the
same calls, mapping ``allowed`` to the server's payload filter, instead of changing callers.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, Self, runtime_checkable

import faiss
import numpy as np

from policyqa.index.faiss_files import StoreFiles, read_store, write_store

_NORM_TOLERANCE = 1e-3


@runtime_checkable
class VectorStore(Protocol):
    """Rows of L2-normalised float32 vectors, each named by a clause id, searchable by cosine."""

    dim: int

    @property
    def ids(self) -> tuple[str, ...]:
        """The stored ids in row order; ``allowed`` masks are aligned with it."""
        ...

    def __len__(self) -> int: ...

    def mask(self, ids: Iterable[str]) -> np.ndarray:
        """A boolean row mask that is True exactly for the given ids."""
        ...

    def vectors_for(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of the given ids that are present (embedding reuse)."""
        ...

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Append one row per id; raises ValueError on a duplicate id or a bad shape/norm."""
        ...

    def remove(self, ids: Iterable[str]) -> int:
        """Drop the rows of these ids (unknown ids are ignored); returns how many were dropped."""
        ...

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best (id, cosine) pairs, best first, among rows where ``allowed`` is True."""
        ...

    def save(self, folder: Path) -> None:
        """Persist to ``folder``; each file is replaced atomically."""
        ...

    @classmethod
    def load(cls, folder: Path, dim: int | None = None) -> Self:
        """Read a saved store; raises IndexMismatch when it is missing, damaged or of another dim."""
        ...


class FaissStore:
    """Exact-then-approximate inner-product search over L2-normalised vectors with FAISS.

    Inner product equals cosine on normalised vectors, so scores are cosine similarities.
    Up to ``exact_limit`` rows (50,000 by default) the index is an exact ``IndexFlatIP``: a
    brute-force scan of 50k × 768 floats costs ~40M multiply-adds per query, a few milliseconds
    on two cores, so exact search is affordable and gives results that never depend on graph
    luck. Above it the scan grows linearly with the library, so the store switches to
    ``IndexHNSWFlat`` (METRIC_INNER_PRODUCT, ``hnsw_m`` links per node): logarithmic search with
    recall typically above 0.95, and, unlike IVF, no training step, so incremental ``add`` keeps
    working. HNSW cannot delete, so :meth:`remove` rebuilds from the kept vectors, which the store
    keeps anyway (``vectors.npy``) so re-indexing can reuse embeddings by id.

    Filtered search (``allowed`` mask) is exact over the allowed rows with numpy whenever at most
    ``exact_limit`` rows are allowed; only larger subsets of an HNSW store are searched through
    FAISS's ``IDSelectorBatch`` in ``SearchParametersHNSW``.
    """

    def __init__(
        self, dim: int, *, exact_limit: int = 50_000, hnsw_m: int = 32,
        ef_construction: int = 200, ef_search: int = 128,
    ) -> None:
        """Create an empty store; raises ValueError on a non-positive size parameter."""
        if min(dim, exact_limit, hnsw_m, ef_construction, ef_search) < 1:
            raise ValueError("dim, exact_limit and the HNSW parameters must be positive")
        self.dim = dim
        self.exact_limit = exact_limit
        self.hnsw_m = hnsw_m
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._vectors = np.empty((0, dim), dtype=np.float32)
        self._index: faiss.Index = faiss.IndexFlatIP(dim)

    @property
    def ids(self) -> tuple[str, ...]:
        """The stored ids in row order."""
        return tuple(self._ids)

    @property
    def is_exact(self) -> bool:
        """True while the FAISS index is the exact ``IndexFlatIP``; False once it is HNSW."""
        return not isinstance(self._index, faiss.IndexHNSWFlat)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self._rows

    def mask(self, ids: Iterable[str]) -> np.ndarray:
        """A boolean row mask that is True exactly for the given ids (unknown ids are ignored)."""
        result = np.zeros(len(self._ids), dtype=bool)
        result[[self._rows[i] for i in ids if i in self._rows]] = True
        return result

    def vectors_for(self, ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vector (a copy) of each given id that is present, for embedding reuse."""
        return {i: self._vectors[self._rows[i]].copy() for i in ids if i in self._rows}

    def add(self, ids: Sequence[str], vectors: np.ndarray) -> None:
        """Append one row per id; raises ValueError on a duplicate id or a bad shape/norm."""
        new_ids = list(ids)
        rows = _checked_rows(vectors, self.dim, len(new_ids))
        clash = [i for i in new_ids if i in self._rows]
        if clash or len(set(new_ids)) != len(new_ids):
            raise ValueError(f"duplicate id(s) {clash[:3] or new_ids}: remove them before adding")
        for offset, clause_id in enumerate(new_ids):
            self._rows[clause_id] = len(self._ids) + offset
        self._ids.extend(new_ids)
        self._vectors = np.vstack([self._vectors, rows])
        if self.is_exact and len(self._ids) > self.exact_limit:
            self._index = self._build_index(self._vectors)
        else:
            self._index.add(rows)

    def remove(self, ids: Iterable[str]) -> int:
        """Drop the rows of these ids (unknown ids are ignored) and rebuild; returns the count."""
        gone = {i for i in ids if i in self._rows}
        if not gone:
            return 0
        keep = [row for row, i in enumerate(self._ids) if i not in gone]
        self._restore([self._ids[row] for row in keep], self._vectors[keep])
        return len(gone)

    def search(
        self, query: np.ndarray, k: int, allowed: np.ndarray | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` best (id, cosine) pairs, best first, among rows where ``allowed`` is True.

        ``allowed`` is a boolean array of length ``len(self)`` applied before ranking. Raises
        ValueError when the query or the mask has the wrong shape.
        """
        q = _checked_rows(query.reshape(1, -1), self.dim, 1)
        if allowed is not None:
            allowed = np.asarray(allowed)
            if allowed.dtype != np.bool_ or allowed.shape != (len(self),):
                raise ValueError(f"allowed must be a bool array of shape ({len(self)},)")
        if k < 1 or not self._ids:
            return []
        if allowed is None:
            return self._search_index(q, k, None)
        rows = np.flatnonzero(allowed)
        if self.is_exact or rows.size <= self.exact_limit:
            return self._search_exact(q[0], k, rows)
        return self._search_index(q, k, faiss.IDSelectorBatch(rows.astype(np.int64)))

    def save(self, folder: Path) -> None:
        """Write ``vectors.faiss``, ``vectors.npy`` and ``ids.json`` (last) into ``folder``."""
        write_store(Path(folder), self._as_files())

    @classmethod
    def load(cls, folder: Path, dim: int | None = None) -> FaissStore:
        """Read a saved store; raises IndexMismatch when it is missing, damaged or of another dim."""
        files = read_store(Path(folder), dim)
        store = cls(files.dim, **files.params)
        store._restore(list(files.ids), files.vectors, files.index)
        return store

    def _search_exact(self, q: np.ndarray, k: int, rows: np.ndarray) -> list[tuple[str, float]]:
        scores = self._vectors[rows] @ q
        order = np.argsort(-scores, kind="stable")[:k]  # ties: lower row first, deterministic
        return [(self._ids[rows[j]], float(scores[j])) for j in order]

    def _search_index(
        self, q: np.ndarray, k: int, selector: faiss.IDSelector | None
    ) -> list[tuple[str, float]]:
        params = None  # the exact index is only searched unfiltered: see search()
        if not self.is_exact:
            params = faiss.SearchParametersHNSW(sel=selector, efSearch=max(self.ef_search, k))
        scores, labels = self._index.search(q, min(k, len(self._ids)), params=params)
        return [(self._ids[r], float(s)) for s, r in zip(scores[0], labels[0]) if r >= 0]

    def _build_index(self, vectors: np.ndarray) -> faiss.Index:
        if len(vectors) <= self.exact_limit:
            index: faiss.Index = faiss.IndexFlatIP(self.dim)
        else:
            index = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = self.ef_construction
        index.add(vectors)
        return index

    def _restore(
        self, ids: list[str], vectors: np.ndarray, index: faiss.Index | None = None
    ) -> None:
        self._ids = ids
        self._rows = {clause_id: row for row, clause_id in enumerate(ids)}
        self._vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self._index = index if index is not None else self._build_index(self._vectors)

    def _as_files(self) -> StoreFiles:
        params = {"exact_limit": self.exact_limit, "hnsw_m": self.hnsw_m,
                  "ef_construction": self.ef_construction, "ef_search": self.ef_search}
        return StoreFiles(self.dim, tuple(self._ids), self._vectors, self._index, params)


def _checked_rows(vectors: np.ndarray, dim: int, count: int) -> np.ndarray:
    """``vectors`` as a contiguous float32 (count, dim) array; raises ValueError if unusable."""
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    if rows.shape != (count, dim):
        raise ValueError(f"expected vectors of shape ({count}, {dim}), got {rows.shape}")
    norms = np.linalg.norm(rows, axis=1)
    if not np.all(np.abs(norms - 1.0) <= _NORM_TOLERANCE):
        raise ValueError("vectors must be finite and L2-normalised (inner product = cosine)")
    return rows

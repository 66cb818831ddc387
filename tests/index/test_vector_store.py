"""FaissStore against brute-force numpy cosine, HNSW switch-over, persistence and damage."""
from pathlib import Path

import numpy as np
import pytest

from policyqa.errors import IndexMismatch
from policyqa.index.vector_store import FaissStore, VectorStore

DIM = 64


def _unit_rows(rng: np.random.Generator, n: int, dim: int = DIM) -> np.ndarray:
    rows = rng.standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _brute_force(vectors: np.ndarray, query: np.ndarray, k: int, allowed=None) -> list[int]:
    scores = vectors.astype(np.float64) @ query.astype(np.float64)
    if allowed is not None:
        scores[~allowed] = -np.inf
    order = np.argsort(-scores)[:k]
    return [int(r) for r in order if np.isfinite(scores[r])]


@pytest.fixture(scope="module")
def data() -> tuple[list[str], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    ids = [f"clause-{i}" for i in range(500)]
    return ids, _unit_rows(rng, 500), _unit_rows(rng, 40)


def _filled(data, **kwargs) -> FaissStore:
    ids, vectors, _ = data
    store = FaissStore(DIM, **kwargs)
    store.add(ids, vectors)
    return store


def test_flat_top_k_equals_brute_force_cosine(data) -> None:
    ids, vectors, queries = data
    store = _filled(data)
    assert store.is_exact and len(store) == 500 and isinstance(store, VectorStore)
    for q in queries:
        hits = store.search(q, 10)
        expected = _brute_force(vectors, q, 10)
        assert [h[0] for h in hits] == [ids[r] for r in expected]
        np.testing.assert_allclose([h[1] for h in hits], vectors[expected] @ q, atol=1e-5)


def test_filtered_search_ranks_only_allowed_rows(data) -> None:
    ids, vectors, queries = data
    store = _filled(data)
    allowed = np.random.default_rng(1).random(500) < 0.3
    for q in queries:
        hits = store.search(q, 10, allowed=allowed)
        assert [h[0] for h in hits] == [ids[r] for r in _brute_force(vectors, q, 10, allowed)]
    few = store.mask(["clause-3", "clause-9"])
    assert {h[0] for h in store.search(queries[0], 10, allowed=few)} == {"clause-3", "clause-9"}
    assert store.search(queries[0], 5, allowed=np.zeros(500, dtype=bool)) == []


def test_hnsw_is_used_above_exact_limit_with_high_recall(data) -> None:
    ids, vectors, queries = data
    store = _filled(data, exact_limit=100)
    assert not store.is_exact
    top1 = [store.search(q, 1)[0][0] == ids[_brute_force(vectors, q, 1)[0]] for q in queries]
    assert np.mean(top1) >= 0.9
    hits = store.search(queries[0], 5)
    rows = [ids.index(i) for i, _ in hits]
    np.testing.assert_allclose([s for _, s in hits], vectors[rows] @ queries[0], atol=1e-5)


def test_hnsw_filtered_search_keeps_to_the_mask(data) -> None:
    ids, vectors, queries = data
    store = _filled(data, exact_limit=100)
    big = np.random.default_rng(2).random(500) < 0.6   # > exact_limit rows: FAISS selector
    small = np.random.default_rng(3).random(500) < 0.1  # ≤ exact_limit rows: exact numpy
    assert big.sum() > 100 >= small.sum()
    recall = []
    for q in queries:
        hits = store.search(q, 5, allowed=big)
        assert len(hits) == 5 and all(big[ids.index(i)] for i, _ in hits)
        recall.append(hits[0][0] == ids[_brute_force(vectors, q, 1, big)[0]])
        exact = store.search(q, 5, allowed=small)
        assert [h[0] for h in exact] == [ids[r] for r in _brute_force(vectors, q, 5, small)]
    assert np.mean(recall) >= 0.9


def test_incremental_add_switches_index_and_remove_rebuilds(data) -> None:
    ids, vectors, queries = data
    store = FaissStore(DIM, exact_limit=100)
    store.add(ids[:80], vectors[:80])
    assert store.is_exact
    store.add(ids[80:160], vectors[80:160])
    assert not store.is_exact and len(store) == 160
    assert store.remove(ids[:100] + ["no-such-id"]) == 100
    assert store.is_exact and store.ids == tuple(ids[100:160])
    kept = vectors[100:160]
    hits = store.search(queries[0], 3)
    assert [h[0] for h in hits] == [ids[100 + r] for r in _brute_force(kept, queries[0], 3)]
    reused = store.vectors_for(["clause-120", "clause-5"])
    assert list(reused) == ["clause-120"]
    np.testing.assert_array_equal(reused["clause-120"], vectors[120])


def test_add_rejects_duplicates_bad_shapes_and_unnormalised_rows(data) -> None:
    ids, vectors, _ = data
    store = FaissStore(DIM)
    store.add(ids[:2], vectors[:2])
    with pytest.raises(ValueError, match="duplicate"):
        store.add(ids[1:3], vectors[1:3])
    with pytest.raises(ValueError, match="shape"):
        store.add(["x"], vectors[:1, :10])
    with pytest.raises(ValueError, match="normalised"):
        store.add(["y"], vectors[:1] * 2)
    with pytest.raises(ValueError, match="allowed"):
        store.search(vectors[0], 1, allowed=np.ones(3, dtype=bool))
    assert len(store) == 2


@pytest.mark.parametrize("exact_limit", [50_000, 100])
def test_save_load_round_trip(tmp_path: Path, data, exact_limit: int) -> None:
    ids, vectors, queries = data
    store = _filled(data, exact_limit=exact_limit)
    store.save(tmp_path)
    loaded = FaissStore.load(tmp_path, dim=DIM)
    assert loaded.ids == store.ids and loaded.is_exact == store.is_exact
    assert loaded.exact_limit == exact_limit
    np.testing.assert_array_equal(loaded.vectors_for(["clause-7"])["clause-7"], vectors[7])
    for q in queries[:10]:
        assert loaded.search(q, 5) == store.search(q, 5)


def _saved(tmp_path: Path, data) -> Path:
    _filled(data).save(tmp_path)
    return tmp_path


def _assert_mismatch(folder: Path, dim: int | None = None) -> str:
    with pytest.raises(IndexMismatch) as caught:
        FaissStore.load(folder, dim=dim)
    message = str(caught.value)
    assert "policyqa ingest --rebuild" in message and "\n" not in message
    return message


def test_truncated_index_file_is_refused(tmp_path: Path, data) -> None:
    folder = _saved(tmp_path, data)
    blob = (folder / "vectors.faiss").read_bytes()
    (folder / "vectors.faiss").write_bytes(blob[: len(blob) // 2])
    assert "vectors.faiss" in _assert_mismatch(folder)


def test_corrupted_vectors_file_is_refused(tmp_path: Path, data) -> None:
    folder = _saved(tmp_path, data)
    blob = bytearray((folder / "vectors.npy").read_bytes())
    blob[-5] ^= 0xFF
    (folder / "vectors.npy").write_bytes(bytes(blob))
    assert "vectors.npy" in _assert_mismatch(folder)


def test_missing_or_garbled_manifest_is_refused(tmp_path: Path, data) -> None:
    folder = _saved(tmp_path, data)
    (folder / "ids.json").write_text('{"ids": [', encoding="utf-8")
    _assert_mismatch(folder)
    (folder / "ids.json").unlink()
    assert "ids.json" in _assert_mismatch(folder)
    _assert_mismatch(tmp_path / "never-built")


def test_dimension_disagreement_is_refused(tmp_path: Path, data) -> None:
    folder = _saved(tmp_path, data)
    assert "768" in _assert_mismatch(folder, dim=768)

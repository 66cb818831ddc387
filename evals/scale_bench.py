"""Scale benchmark: insert throughput and query latency against collection size for the three
vector stores a deployment can choose, on synthetic clause rows.

    python -m policyqa.evals.scale_bench [--sizes 10000 100000] [--queries 50] [--index DIR] [--out FILE]

Rows are made from a real index (``--index``, default the configured one): each synthetic row is
a real e5 passage vector plus Gaussian noise (σ 0.02 per dimension, then normalised, so rows keep
the real data's clusters instead of the uniform sphere on which every ANN index looks worst) and a
real clause text; rows are grouped 40 to a document. Queries are real passage vectors, noised the
same way. For each size it measures, on this machine:

- **FAISS flat** (``IndexFlatIP``, the default up to 50,000 rows): add time, query p50 over all
  rows and over the rows of 10 % of the documents (our numpy row mask);
- **FAISS HNSW** (M 32, efConstruction 200, efSearch 128, as ``FaissStore`` above 50,000 rows): build
  time, query p50, recall@10 against flat;
- **Milvus Lite** (the ``MilvusCollection`` PolicyQA writes, FLAT index, jieba-analysed text for
  BM25): insert throughput, dense p50 with a 10 % document filter, BM25 p50 and hybrid (RRF) p50.

The resident memory after each part is reported. Nothing here gates anything: it prints figures.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from policyqa.config import Config

DOC_ROWS = 40
NOISE = 0.02
K = 150    # the retriever asks the store for 3 × its pool of 50


def synthetic_rows(index_dir: Path, size: int, seed: int = 0) -> tuple[np.ndarray, list[str], list[str]]:
    """``size`` unit vectors, texts and document names made from the index in ``index_dir``."""
    from policyqa.index.catalog import Catalog
    from policyqa.index.vector_store import FaissStore

    store = FaissStore.load(index_dir)
    catalog = Catalog.load(index_dir)
    base = np.stack([v for v in store.vectors_for(store.ids).values()])
    texts = [c.text[:400] for c in catalog.clauses]
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(base), size)
    vectors = base[pick]
    vectors += NOISE * rng.standard_normal(vectors.shape, dtype=np.float32)   # float32: 1M rows stay 1.5 GB
    vectors = _unit(vectors)
    docs = [f"doc-{i // DOC_ROWS:06d}" for i in range(size)]
    return vectors, [texts[i % len(texts)] for i in pick], docs


def _unit(rows: np.ndarray) -> np.ndarray:
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def _p50_ms(run: Callable[[int], object], count: int) -> float:
    """Median milliseconds of ``run(i)`` for i in 0 … count − 1."""
    times = []
    for i in range(count):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def faiss_figures(vectors: np.ndarray, docs: list[str], queries: np.ndarray, *, hnsw: bool = True) -> dict:
    """Flat and (unless ``hnsw`` is false) HNSW: build seconds, p50 ms (all rows; 10 % of
    documents for flat), HNSW recall@10."""
    import faiss

    out: dict[str, float] = {}
    start = time.perf_counter()
    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    out["flat_build_s"] = time.perf_counter() - start
    n = len(queries)
    out["flat_p50_ms"] = _p50_ms(lambda i: flat.search(queries[i:i + 1], K), n)
    allowed = np.flatnonzero(np.array([int(d[4:]) % 10 == 0 for d in docs]))
    out["flat_filtered_p50_ms"] = _p50_ms(lambda i: np.argsort(-(vectors[allowed] @ queries[i]))[:K], n)
    out["flat_rss_mb"] = _rss_mb()
    if not hnsw:
        return out
    start = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 200
    hnsw.add(vectors)
    out["hnsw_build_s"] = time.perf_counter() - start
    params = faiss.SearchParametersHNSW(efSearch=128)
    out["hnsw_p50_ms"] = _p50_ms(lambda i: hnsw.search(queries[i:i + 1], K, params=params), n)
    exact = flat.search(queries, 10)[1]
    approx = hnsw.search(queries, 10, params=faiss.SearchParametersHNSW(efSearch=128))[1]
    out["hnsw_recall@10"] = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
    out["hnsw_rss_mb"] = _rss_mb()
    return out


def milvus_figures(vectors: np.ndarray, texts: list[str], docs: list[str], queries: np.ndarray,
                   query_texts: Sequence[str]) -> dict:
    """Milvus Lite through PolicyQA's collection code: insert rows/s and p50 ms of dense (10 %
    of documents), BM25 and hybrid search."""
    from policyqa.index.intent import NO_INTENT
    from policyqa.index.milvus_schema import MilvusRow
    from policyqa.index.milvus_store import MilvusCollection, MilvusStore, MilvusView, connect
    from policyqa.index.query import Query
    from policyqa.index.tokenize import ChineseTokenizer

    tokenizer = ChineseTokenizer().load()
    start = time.perf_counter()
    terms = [" ".join(tokenizer.tokens(t)) for t in texts]   # the default analyzer: our terms
    tokenize_s = time.perf_counter() - start
    asked = []
    for text, vector in zip(query_texts, queries):
        words = tuple(tokenizer.tokens(text))
        asked.append(Query(text, (), NO_INTENT, words, (), words, vector))
    meta = (("level", "national"), ("kind", "law"), ("region", ""), ("status", "in_force"), ("draft", False))
    with tempfile.TemporaryDirectory(prefix="policyqa-scale-") as folder:
        uri = str(Path(folder) / "scale.db")
        collection = MilvusCollection(connect(uri), "scale", uri=uri)
        collection.create("synthetic", vectors.shape[1])
        rows = [MilvusRow(f"{d}#{i}", f"{d}#{i}", d, f"k-{d}", "h", False, t, meta)
                for i, (d, t) in enumerate(zip(docs, terms))]
        start = time.perf_counter()
        for at in range(0, len(rows), 5_000):
            collection.insert([r.record(v) for r, v in zip(rows[at:at + 5_000], vectors[at:at + 5_000])])
        seconds = time.perf_counter() - start
        names = sorted(set(docs))
        store = MilvusStore(collection, MilvusView("scale", "synthetic", vectors.shape[1], {d: f"k-{d}" for d in names}),
                            {r.clause: r.doc for r in rows})
        scope = names[::10]
        n = min(len(queries), 20)
        out = {"tokenize_rows_per_s": len(rows) / tokenize_s,
               "milvus_insert_rows_per_s": len(rows) / seconds, "milvus_insert_s": seconds,
               "milvus_dense_filtered_p50_ms": _p50_ms(lambda i: store.dense_search(queries[i], K, scope), n),
               "milvus_dense_all_p50_ms": _p50_ms(lambda i: store.dense_search(queries[i], K, names), n),
               "milvus_bm25_p50_ms": _p50_ms(lambda i: store.lexical_search(asked[i], 50, names), n),
               "milvus_hybrid_p50_ms": _p50_ms(lambda i: store.fused_search(
                   asked[i], 50, scope, ranker="rrf", rrf_k=10, weights=(1.5, 1.0)), n),
               "milvus_rss_mb": _rss_mb()}
        collection.client.close()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run each size and print one table row per size; optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--index", type=Path, help="the FAISS index whose vectors and texts seed the rows")
    parser.add_argument("--no-milvus", action="store_true", help="FAISS only (e.g. at 1M rows)")
    parser.add_argument("--no-hnsw", action="store_true", help="no HNSW build (it is the slow part at 1M rows)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    index_dir = args.index or Config.load().index_dir
    results = {}
    for size in args.sizes:
        vectors, texts, docs = synthetic_rows(index_dir, size)
        queries, query_texts, _ = synthetic_rows(index_dir, args.queries, seed=size + 1)
        figures = {"rows": size} | faiss_figures(vectors, docs, queries, hnsw=not args.no_hnsw)
        if not args.no_milvus:
            figures |= milvus_figures(vectors, texts, docs, queries, [t[:30] for t in query_texts])
        results[size] = figures
        print(json.dumps(figures, ensure_ascii=False), flush=True)
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

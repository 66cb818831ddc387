"""Retrieval benchmark: PolicyQA's retriever against the same retriever with the other bundled e5,
dense-only, BM25-only and llama-index's default chunking (SentenceSplitter 1024 + the same
embedder), all in one run over the gold question sets.

    python -m policyqa.evals.retrieval_bench [--gold FILE …] [--k 5] [--index DIR] [--out report.json]
        [--milvus-index DIR [--stores-only]]

By default it reads the three bundled sets (evals/data): ``gold`` (the first set, 160 answerable
questions), ``fresh`` (100, written later by someone who saw no code; used to find failures, so a
development set) and ``unseen`` (80, written the same way and only ever scored: the honest
figure). Prints a headline table (recall@5 per set, then recall@1, recall@5, MRR, mean context
characters and p50 latency over all sets), and per set the recall@5 on its two halves and per
question type. Unanswerable questions have no evidence and are left out.

With ``--milvus-index`` (the same library ingested with ``--store milvus``, read through the
``POLICYQA_MILVUS_*`` settings) the same retriever on Milvus runs in the same process: with our
fusion over Milvus's dense and BM25 rankings, and with Milvus's own RRF and weighted rankers
(those two without the relevance model);
``--stores-only`` leaves out the other systems (ablations, the other e5, llama-index).

The halves guard against tuning to the gold wording: an item belongs to the *tune* half when the
first byte of sha256(id) is even, else to the *held-out* half (about 50/50, fixed forever).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from collections import defaultdict
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from policyqa.config import Config
from policyqa.domain import Hit
from policyqa.evals.gold import GOLD_SETS, GoldItem, load_gold, load_aliases
from policyqa.evals.retrieval_metrics import Passage, context_chars, evidence_recall_at_k, reciprocal_rank
from policyqa.index.embedder import Embedder
from policyqa.index.retriever import HybridRetriever
from policyqa.index.service import load_retriever

System = Callable[[str, int], list[Passage]]


def clause_system(retriever: HybridRetriever) -> System:
    """Adapt a clause retriever: each hit stands for its clause and the reposted copies."""
    def run(question: str, k: int) -> list[Passage]:
        return [_passage(retriever, h) for h in retriever.retrieve(question, k=k)]
    return run


def _passage(retriever: HybridRetriever, hit: Hit) -> Passage:
    docs = {hit.clause.doc} | {retriever.catalog.clause(a).doc for a in hit.alternates}
    return Passage(frozenset(docs), "\n".join(filter(None, (hit.clause.text, hit.clause.schedule))))


def llamaindex_default_system(corpus_dir: Path, embedder: Embedder) -> System:
    """What a user would assemble from llama-index defaults: SimpleDirectoryReader +
    SentenceSplitter(chunk_size=1024) + the same embedder, top-k chunks by cosine."""
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.node_parser import SentenceSplitter

    files = sorted(p for p in corpus_dir.glob("*.txt"))
    documents = SimpleDirectoryReader(input_files=[str(p) for p in files]).load_data()
    nodes = SentenceSplitter(chunk_size=1024).get_nodes_from_documents(documents)
    texts = [n.get_content() for n in nodes]
    names = [n.metadata.get("file_name", "") for n in nodes]
    vectors = embedder.embed_passages(texts)

    def run(question: str, k: int) -> list[Passage]:
        scores = vectors @ embedder.embed_queries([question])[0]
        order = np.argsort(-scores, kind="stable")[:k]
        return [Passage(frozenset({names[i]}), texts[i]) for i in order]
    return run


SPLITS = ("tune", "held-out")


def split_of(item_id: str) -> str:
    """The gold half an item belongs to: ``tune`` or ``held-out`` (stable hash of the id)."""
    return SPLITS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2]


def evaluate(system: System, items: Sequence[GoldItem], k: int) -> dict:
    """Per-item and aggregate figures of one system (``by_split`` and ``by_type`` hold recall@k)."""
    rows = []
    for item in items:
        start = time.perf_counter()
        ranked = system(item.question, k)
        latency = (time.perf_counter() - start) * 1000
        rows.append({"id": item.id, "type": item.type.value, "split": split_of(item.id),
                     "r1": evidence_recall_at_k(item.evidence, ranked, 1),
                     "r5": evidence_recall_at_k(item.evidence, ranked, k),
                     "rr": reciprocal_rank(item.evidence, ranked),
                     "chars": context_chars(ranked, k), "ms": latency})
    by_type: dict[str, list[float]] = defaultdict(list)
    by_split: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        by_type[row["type"]].append(row["r5"])
        by_split[row["split"]].append(row["r5"])
    mean = lambda key: statistics.fmean(r[key] for r in rows)  # noqa: E731
    return {"recall@1": mean("r1"), f"recall@{k}": mean("r5"), "mrr": mean("rr"), "context_chars": mean("chars"),
            "latency_p50_ms": statistics.median(r["ms"] for r in rows),
            "by_split": {s: statistics.fmean(by_split[s]) for s in SPLITS if by_split[s]},
            "by_type": {t: statistics.fmean(v) for t, v in sorted(by_type.items())}, "items": rows}


def _resolve_docs(items: list[GoldItem], aliases: dict[str, str]) -> list[GoldItem]:
    from policyqa.evals.gold import Evidence
    return [replace(i, evidence=tuple(Evidence(aliases.get(e.doc, e.doc), e.quote) for e in i.evidence))
            for i in items]


def other_e5_system(config: Config, retriever: HybridRetriever) -> tuple[str, System] | None:
    """The same retriever over vectors of the other bundled e5 (with domain adaptation when the
    index uses the plain one, and the other way round), embedded here in memory; None when the
    configured embedder is a user's folder."""
    other = {"e5": "e5-adapted", "e5-adapted": "e5"}.get(config.embedder)
    if other is None:
        return None
    from policyqa.index.passages import embedded_rows
    from policyqa.index.vector_store import FaissStore
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import model_folder

    base = SentenceTransformerEmbedder(model_folder(replace(config, embedder=other))).load()
    rows = [row for clause in retriever.catalog.clauses for row in embedded_rows(clause)]
    store = FaissStore(base.dim)
    store.add([row for row, _ in rows], base.embed_passages([text for _, text in rows]))
    name = "policyqa, e5 with domain adaptation" if other == "e5-adapted" else "policyqa, e5 without domain adaptation"
    return name, clause_system(HybridRetriever(retriever.catalog, store, retriever.bm25, base, retriever.tokenizer))


def store_systems(config: Config, retriever: HybridRetriever, milvus_index: Path) -> dict[str, System]:
    """The retriever on the Milvus copy of the library (``milvus_index``), sharing ``retriever``'s
    embedder and relevance model: our fusion of Milvus's rankings with and without reranking,
    then Milvus's RRF and weighted rankers in place of our fusion (without reranking, to compare
    the fusions themselves)."""
    milvus = load_retriever(replace(config, store="milvus", index_dir=Path(milvus_index)),
                            embedder=retriever.embedder, reranker=retriever.reranker)
    parts = (milvus.catalog, milvus.store, milvus.bm25, milvus.embedder, milvus.tokenizer)
    reranked = " + relevance model" if retriever.reranker is not None else ""
    systems = {f"milvus: policyqa (hybrid + routes{reranked})": clause_system(milvus)}
    if retriever.reranker is not None:
        systems["milvus: policyqa without reranking"] = clause_system(HybridRetriever(*parts))
    for ranker in ("rrf", "weighted"):   # fusion against fusion: without the relevance model
        systems[f"milvus: Milvus {ranker} fusion, without reranking"] = clause_system(HybridRetriever(*parts, engine_fusion=ranker))
    return systems


def run_benchmark(config: Config, paths: Sequence[Path], k: int = 5, *, milvus_index: Path | None = None,
                  stores_only: bool = False) -> dict:
    """Run every system on the answerable items of each gold file; returns {set name: {system:
    figures}}. ``milvus_index`` adds the same retriever on Milvus (:func:`store_systems`);
    ``stores_only`` keeps only the shipped retriever on each store."""
    aliases = load_aliases(config.corpus_dir)
    sets = {_set_name(p): _resolve_docs([i for i in load_gold(p) if i.answerable and i.evidence], aliases) for p in paths}
    retriever = load_retriever(replace(config, store="faiss") if milvus_index else config)
    parts = (retriever.catalog, retriever.store, retriever.bm25, retriever.embedder, retriever.tokenizer)
    systems: dict[str, System] = {"policyqa (hybrid + routes)": clause_system(retriever)}
    if retriever.reranker is not None:   # the shipped pipeline reranks; its fused ranking alone beside it
        systems = {"policyqa (hybrid + routes + relevance model)": clause_system(retriever),
                   "policyqa without reranking": clause_system(HybridRetriever(*parts))}
    if milvus_index is not None:
        systems |= store_systems(config, retriever, milvus_index)
    if stores_only:
        return {name: {system: evaluate(run, items, k) for system, run in systems.items()} for name, items in sets.items()}
    variant = other_e5_system(config, retriever)
    if variant is not None:
        systems[variant[0]] = variant[1]
    systems |= {
        "fusion only (no routes)": clause_system(HybridRetriever(*parts, routes=False)),
        "dense only (clauses)": clause_system(HybridRetriever(*parts, routes=False, lexical=False)),
        "BM25 only (clauses)": clause_system(HybridRetriever(*parts, routes=False, dense=False)),
        "llama-index default (SentenceSplitter 1024)": llamaindex_default_system(config.corpus_dir, retriever.embedder),
    }
    return {name: {system: evaluate(run, items, k) for system, run in systems.items()} for name, items in sets.items()}


def _set_name(path: Path) -> str:
    return next((name for name, p in GOLD_SETS.items() if Path(path).resolve() == p.resolve()), Path(path).stem)


def combined(results_by_set: dict, k: int) -> dict:
    """Figures over all sets together, per system (items pooled)."""
    out = {}
    for system in next(iter(results_by_set.values())):
        rows = [row for figures in results_by_set.values() for row in figures[system]["items"]]
        mean = lambda key: statistics.fmean(r[key] for r in rows)  # noqa: E731
        out[system] = {"recall@1": mean("r1"), f"recall@{k}": mean("r5"), "mrr": mean("rr"),
                       "context_chars": mean("chars"), "latency_p50_ms": statistics.median(r["ms"] for r in rows),
                       "n": len(rows)}
    return out


def format_headline(results_by_set: dict, k: int) -> str:
    """One table: recall@k on each set, then the pooled figures."""
    names = list(results_by_set)
    pooled = combined(results_by_set, k)
    counts = {n: len(next(iter(results_by_set[n].values()))["items"]) for n in names}
    lines = ["| system | " + " | ".join(f"R@{k} {n} (n={counts[n]})" for n in names)
             + f" | all: R@1 | R@{k} | MRR | context chars | p50 ms |",
             "|---|" + "---|" * (len(names) + 5)]
    for system, p in pooled.items():
        lines.append(f"| {system} | " + " | ".join(f"{results_by_set[n][system][f'recall@{k}']:.3f}" for n in names)
                     + f" | {p['recall@1']:.3f} | {p[f'recall@{k}']:.3f} | {p['mrr']:.3f} | {p['context_chars']:.0f} | "
                     f"{p['latency_p50_ms']:.1f} |")
    return "\n".join(lines)


def format_table(results: dict, k: int) -> str:
    """Markdown tables for one gold set: the headline figures, recall@k per half, then per type."""
    lines = [f"| system | recall@1 | recall@{k} | MRR | context chars (top {k}) | p50 ms |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['recall@1']:.3f} | {r[f'recall@{k}']:.3f} | {r['mrr']:.3f} | "
                     f"{r['context_chars']:.0f} | {r['latency_p50_ms']:.1f} |")
    counts = {s: sum(row["split"] == s for row in next(iter(results.values()))["items"]) for s in SPLITS}
    lines += ["", "| system | " + " | ".join(f"recall@{k} {s} (n={counts[s]})" for s in SPLITS) + " |",
              "|---|" + "---|" * len(SPLITS)]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{r['by_split'].get(s, 0):.3f}" for s in SPLITS) + " |")
    types = sorted({t for r in results.values() for t in r["by_type"]})
    lines += ["", "| system | " + " | ".join(types) + " |", "|---|" + "---|" * len(types)]
    for name, r in results.items():
        lines.append(f"| {name} | " + " | ".join(f"{r['by_type'].get(t, 0):.2f}" for t in types) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: run and print; optionally write the full JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, nargs="+", default=list(GOLD_SETS.values()),
                        help="gold files (default: the bundled gold, fresh and unseen sets)")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--index", help="index folder (default: the configured one)")
    parser.add_argument("--out", type=Path, help="write the per-item JSON report here")
    parser.add_argument("--milvus-index", type=Path,
                        help="the same library ingested with --store milvus: adds the retriever on Milvus to the run")
    parser.add_argument("--stores-only", action="store_true",
                        help="only the shipped retriever on each store (needs --milvus-index)")
    args = parser.parse_args(argv)
    config = Config.load(index_dir=args.index)
    results = run_benchmark(config, args.gold, args.k, milvus_index=args.milvus_index, stores_only=args.stores_only)
    print(f"k={args.k}; answerable questions per set: "
          + ", ".join(f"{n} {len(next(iter(r.values()))['items'])}" for n, r in results.items()) + "\n")
    print(format_headline(results, args.k))
    for name, figures in results.items():
        print(f"\n### {name}\n")
        print(format_table(figures, args.k))
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

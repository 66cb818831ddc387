"""Library-size benchmark (issue 14): the same questions retrieved from the bundled library and
from the bundled library plus ../shared/corpus-wild, in one run, one embedder.

    python -m policyqa.evals.library_bench --index DIR --wild-index DIR [--gold gold_unseen,…]

For each index and each reranking setting (the shipped relevance model, and without it) it prints
the retrieval latency p50/p95 over the questions of the named gold sets (answerable or not, each
retrieved once after a warm-up), and the ratio of the large library's p50 to the bundled one's.
Retrieval is ``HybridRetriever.retrieve`` with k = 8, reranking included, as the assistant calls it.

Then the whole answer (``Assistant.ask``, issue 15): p50/p95 of its latency and the mean time of
each stage (reading the question, retrieval, evidence and decision, composing), per library and
setting, so that it shows where the time of a question goes as the library grows.
"""
from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import numpy as np

from policyqa.assistant.service import Assistant
from policyqa.config import Config
from policyqa.evals.gold import load_gold
from policyqa.index.service import load_embedder, load_retriever

GOLD_DIR = Path(__file__).parent / "data"
DEFAULT_GOLD = "gold_unseen,gold_wild_library_dev"


def latencies(retriever, questions: list[str], k: int = 8) -> np.ndarray:
    """Milliseconds per ``retrieve`` call, one per question (the first call is a warm-up)."""
    retriever.retrieve(questions[0], k=k)
    out = []
    for question in questions:
        start = time.perf_counter()
        retriever.retrieve(question, k=k)
        out.append((time.perf_counter() - start) * 1000)
    return np.array(out)


STAGES = ("read_ms", "retrieve_ms", "evidence_ms", "compose_ms")


def answer_timings(assistant, questions: list[str]) -> tuple[np.ndarray, dict[str, float]]:
    """Milliseconds per ``ask`` (one per question, after a warm-up) and the mean of each stage."""
    assistant.ask(questions[0])
    totals, stages = [], {stage: [] for stage in STAGES}
    for question in questions:
        start = time.perf_counter()
        answer = assistant.ask(question)
        totals.append((time.perf_counter() - start) * 1000)
        for stage in STAGES:
            stages[stage].append(answer.timings.get(stage, 0.0))
    return np.array(totals), {stage: float(np.mean(values)) for stage, values in stages.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="index of the bundled documents")
    parser.add_argument("--wild-index", required=True, help="index of the bundled documents plus corpus-wild")
    parser.add_argument("--gold", default=DEFAULT_GOLD, help=f"gold sets whose questions are timed (default {DEFAULT_GOLD})")
    args = parser.parse_args(argv)
    questions = [item.question for name in args.gold.split(",") if name
                 for item in load_gold(GOLD_DIR / f"{name}.jsonl")]
    config = Config.load(index_dir=Path(args.index))
    embedder = load_embedder(config)
    p50 = {}
    for label, folder in (("bundled", args.index), ("bundled+wild", args.wild_index)):
        retriever = load_retriever(config.with_overrides(index_dir=Path(folder)), embedder=embedder)
        plain = copy.copy(retriever)
        plain.reranker = None
        documents, clauses = len(retriever.catalog.documents), len(retriever.catalog.clauses)
        for setting, system in (("reranked", retriever), ("fused only", plain)):
            lat = latencies(system, questions)
            p50[label, setting] = float(np.percentile(lat, 50))
            print(f"{label:13} {documents:4} docs {clauses:5} clauses  {setting:10}  n={len(lat)}  "
                  f"p50 {p50[label, setting]:.0f} ms  p95 {np.percentile(lat, 95):.0f} ms")
            total, stages = answer_timings(Assistant(system, config=config), questions)
            parts = "  ".join(f"{stage[:-3]} {ms:.0f}" for stage, ms in stages.items())
            print(f"{'':13} {'':30}  answer      p50 {np.percentile(total, 50):.0f} ms  p95 "
                  f"{np.percentile(total, 95):.0f} ms  (mean ms: {parts})")
    for setting in ("reranked", "fused only"):
        print(f"ratio p50 bundled+wild / bundled ({setting}): {p50['bundled+wild', setting] / p50['bundled', setting]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Relevance benchmark (issue 13): the heuristic pipeline and the reranked pipelines, in one run,
on the same loaded index.

    python -m policyqa.evals.relevance_bench --index DIR [--wild-index DIR] [--artifact NAME=DIR …]
                                             [--splits dev,test] [--gold gold_unseen,…]

Systems: ``heuristic`` (no relevance model: the fused ranking and the word-coverage rules),
``reranked`` (the shipped model, ``index/data/relevance``), and one per ``--artifact`` (another
trained model, e.g. one trained with or without some documents). Figures:

- **gold sets** (over ``--index``, the bundled documents): the evaluation suite's table per set —
  recall@1/@5, MRR, key facts, citation support, refusal of the unanswerable, false refusal,
  latency — and recall@5 / key facts / false refusal per question type;
- **compliance** (``data/relevance/compliance.jsonl``, over ``--index``): of the questions a clause
  decides, the share given the right verdict while citing that clause; of those no clause decides,
  the share given no verdict;
- **wild** (``data/relevance/wild_questions.jsonl``, over ``--wild-index``, an index holding
  ``../shared/corpus-wild``): per split and label, hit@1 / hit@5 / MRR of the clause the question
  was written about, and the share refused (false refusal for ``answers``, correct for
  ``near_miss``); train items are never run;
- latency p50/p95 of every question each system answered.
"""
from __future__ import annotations

import argparse
import copy
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from policyqa.assistant.answer import Verdict
from policyqa.config import Config

DATA = Path(__file__).parent / "data" / "relevance"
GOLD_DIR = Path(__file__).parent / "data"
DEFAULT_GOLD = "gold_unseen,gold_unanswerable,gold_s11_test,gold_s11_dev,gold,gold_fresh"
RIGHT, WITHHELD = "decided: right verdict citing the clause", "undecided: no verdict"


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


class Timed:
    """An assistant whose ``ask`` latencies are recorded."""

    def __init__(self, name: str, assistant) -> None:
        self.name, self.assistant, self.latencies = name, assistant, []

    def ask(self, question: str):
        start = time.perf_counter()
        answer = self.assistant.ask(question)
        self.latencies.append((time.perf_counter() - start) * 1000)
        return answer


def compliance_figures(system, name: str = "compliance.jsonl") -> dict[str, float]:
    """Right verdicts on decided questions and withheld verdicts on undecided ones, over the
    compliance questions of ``data/relevance/<name>`` (``system.ask(question)`` → Answer)."""
    counts: Counter = Counter()
    for row in _rows(name):
        answer = system.ask(row["question"])
        verdict = None if answer.verdict in (None, Verdict.UNSPECIFIED) else answer.verdict
        if row["decided"]:
            cites = any(row["quote"][:10] in c.clause.text for c in answer.citations)
            counts["decided"] += 1
            counts["right"] += verdict is Verdict[row["verdict"].upper()] and cites
        else:
            counts["undecided"] += 1
            counts["withheld"] += verdict is None
    return {RIGHT: counts["right"] / max(counts["decided"], 1), WITHHELD: counts["withheld"] / max(counts["undecided"], 1)}


def wild_figures(system: Timed, splits: set[str]) -> dict[tuple[str, str], dict[str, float]]:
    """hit@1, hit@5, MRR (over the first 5 sources) and refusal share per (split, label)."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in (r for r in _rows("wild_questions.jsonl") if r["split"] in splits - {"train"}):
        answer = system.ask(row["question"])
        doc, key = row["doc"].split("/", 1)[-1], row["quote"][:12]
        top = [s.clause for s in answer.sources[:5]]
        rank = next((i for i, t in enumerate(top) if t.doc == doc and key in t.text), None)
        c = counts[(row["split"], row["label"])]
        c["n"] += 1
        c["hit@1"] += rank == 0
        c["hit@5"] += rank is not None
        c["MRR"] += 0.0 if rank is None else 1.0 / (rank + 1)
        c["refused"] += answer.abstained
    return {k: {m: c[m] / c["n"] for m in ("hit@1", "hit@5", "MRR", "refused")} | {"n": c["n"]}
            for k, c in sorted(counts.items())}


def load_systems(config: Config, artifacts: list[tuple[str, Path]]) -> list[Timed]:
    """``heuristic``, ``reranked`` (the shipped model) and one system per extra artifact, all on
    one loaded index and embedder."""
    from policyqa.assistant.service import Assistant
    from policyqa.index.model_build import MODEL_DIR_NAME
    from policyqa.index.relevance import ARTIFACT_DIR, RelevanceModel
    from policyqa.index.rerank import Reranker
    from policyqa.index.service import load_retriever

    base = load_retriever(config, reranker=None)
    systems = [Timed("heuristic", Assistant(base, config=config))]
    for name, folder in [("reranked", ARTIFACT_DIR), *artifacts]:
        retriever = copy.copy(base)
        retriever.reranker = Reranker(RelevanceModel.load(config.model_cache / MODEL_DIR_NAME, folder))
        systems.append(Timed(name, Assistant(retriever, config=config)))
    return systems


def gold_tables(config: Config, systems: list[Timed], names: list[str]) -> None:
    """The evaluation suite's summary per gold set, all systems, then recall@5 / key facts /
    false refusal per question type."""
    from policyqa.evals.scoring import Metric
    from policyqa.evals.report_text import fmt, summary_table
    from policyqa.evals.suite import EvalOptions, run_eval
    from policyqa.evals.systems import AssistantSystem

    for name in names:
        report = run_eval(config, EvalOptions(gold=GOLD_DIR / f"{name}.jsonl"),
                          systems=[AssistantSystem(s, s.name) for s in systems], progress=False)
        print(f"\n### {name}\n")
        print(summary_table(report))
        for metric in (Metric.RECALL_5, Metric.KEY_FACTS, Metric.FALSE_REFUSAL):
            cells = []
            for result in report.systems:
                by_type = result.by_type()
                cells.append(f"{result.name}: " + ", ".join(f"{t} {fmt(v.get(metric), metric)}" for t, v in by_type.items()))
            print(f"- {metric.value} by type — " + " | ".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="index of the bundled documents (default: the configured one)")
    parser.add_argument("--wild-index", help="index holding ../shared/corpus-wild (skip the wild figures without it)")
    parser.add_argument("--artifact", action="append", default=[], metavar="NAME=DIR",
                        help="another relevance model to compare (repeatable)")
    parser.add_argument("--splits", default="dev,test", help="wild splits to run (default dev,test)")
    parser.add_argument("--gold", default=DEFAULT_GOLD, help=f"gold sets to run (default {DEFAULT_GOLD}; '' for none)")
    args = parser.parse_args(argv)
    artifacts = [(a.split("=", 1)[0], Path(a.split("=", 1)[1])) for a in args.artifact]
    config = Config.load(**({"index_dir": Path(args.index)} if args.index else {}))
    start = time.perf_counter()
    systems = load_systems(config, artifacts)
    for system in systems:
        for name, value in compliance_figures(system).items():
            print(f"compliance  {system.name:10} {name}: {value:.3f}")
    if args.gold:
        gold_tables(config, systems, [g for g in args.gold.split(",") if g])
    if args.wild_index:
        wild = load_systems(config.with_overrides(index_dir=Path(args.wild_index)), artifacts)
        for system in wild:
            for (split, label), figures in wild_figures(system, set(args.splits.split(","))).items():
                shown = "  ".join(f"{m} {v:.3f}" for m, v in figures.items() if m != "n")
                print(f"wild {system.name:10} {split:5} {label:9} n={figures['n']:<4} {shown}")
        for mine, theirs in zip(systems, wild):
            mine.latencies += theirs.latencies
    print()
    for system in systems:
        lat = np.array(system.latencies)
        print(f"latency {system.name:10} n={len(lat)} p50 {np.percentile(lat, 50):.0f} ms  p95 {np.percentile(lat, 95):.0f} ms")
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

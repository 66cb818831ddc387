"""Relevance benchmark: today's assistant on the questions written for the relevance model
(``evals/data/relevance``, issue 13) — the figures a learned reranker has to beat.

    python -m policyqa.evals.relevance_bench [--index DIR] [--splits dev,test]

- **compliance** (over the bundled corpus): of the questions a clause decides, the share given the
  right verdict while citing that clause; of those no clause decides, the share given no verdict.
- **wild** (over ``../shared/corpus-wild``; ingest it into the index first): per split and label,
  hit@1 / hit@5 (the clause the question was written about among the first sources), and the
  share refused — a false refusal for ``answers``, a correct one for ``near_miss``.
Prints one line per figure; only the splits asked for are run (train items never are by default).
"""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from policyqa.assistant.answer import Verdict
from policyqa.config import Config

DATA = Path(__file__).parent / "data" / "relevance"
_VERDICTS = {"forbidden": Verdict.FORBIDDEN, "allowed": Verdict.ALLOWED, "required": Verdict.REQUIRED}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]


def compliance_figures(assistant) -> dict[str, float]:
    """Right verdicts on decided questions and withheld verdicts on undecided ones."""
    counts: Counter = Counter()
    for row in _rows("compliance.jsonl"):
        answer = assistant.ask(row["question"])
        verdict = None if answer.verdict in (None, Verdict.UNSPECIFIED) else answer.verdict
        if row["decided"]:
            cites = any(row["quote"][:10] in c.clause.text for c in answer.citations)
            counts["decided"] += 1
            counts["right"] += verdict is _VERDICTS[row["verdict"]] and cites
        else:
            counts["undecided"] += 1
            counts["withheld"] += verdict is None
    return {"decided: right verdict citing the clause": counts["right"] / max(counts["decided"], 1),
            "undecided: no verdict": counts["withheld"] / max(counts["undecided"], 1)}


def wild_figures(assistant, splits: set[str]) -> dict[tuple[str, str], dict[str, float]]:
    """hit@1, hit@5 and refusal share per (split, label)."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in (r for r in _rows("wild_questions.jsonl") if r["split"] in splits):
        answer = assistant.ask(row["question"])
        doc, key = row["doc"].split("/", 1)[-1], row["quote"][:12]
        top = [s.clause for s in answer.sources[:5]]
        c = counts[(row["split"], row["label"])]
        c["n"] += 1
        c["hit@1"] += bool(top) and top[0].doc == doc and key in top[0].text
        c["hit@5"] += any(t.doc == doc and key in t.text for t in top)
        c["refused"] += answer.abstained
    return {k: {m: c[m] / c["n"] for m in ("hit@1", "hit@5", "refused")} | {"n": c["n"]} for k, c in sorted(counts.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", help="index folder (default: the configured one)")
    parser.add_argument("--splits", default="dev,test", help="wild splits to run (default dev,test)")
    args = parser.parse_args(argv)
    from policyqa.assistant.service import Assistant
    config = Config.load(**({"index_dir": Path(args.index)} if args.index else {}))
    assistant = Assistant.load(config)
    start = time.perf_counter()
    for name, value in compliance_figures(assistant).items():
        print(f"compliance  {name}: {value:.3f}")
    for (split, label), figures in wild_figures(assistant, set(args.splits.split(","))).items():
        shown = "  ".join(f"{m} {v:.3f}" for m, v in figures.items() if m != "n")
        print(f"wild {split:5} {label:9} n={figures['n']:<4} {shown}")
    print(f"({time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

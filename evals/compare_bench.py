"""Comparison on a topic: does the comparison say which document covers the topic and which says
nothing, and are the clauses it shows about the topic?

Reads compare sets (``evals/data/compare_*.jsonl``: ``doc_a``, ``doc_b``, ``topic``, ``covers``
a/b/both/neither, ``a_clauses``, ``b_clauses``) and prints one table row per file::

    python -m policyqa.evals.compare_bench evals/data/compare_dev.jsonl

Figures:

- ``covers right``: the share of items whose finding says the right thing (which of the two
  documents have a clause on the topic);
- ``silent named``: of the items only one document covers, the share whose finding names the
  other as saying nothing;
- ``false silent``: of the documents that do cover the topic, the share called silent;
- ``clause recall``: of the gold clauses of covering documents, the share shown as on the topic;
- ``shown in gold``: of the clauses shown as on the topic, the share the gold lists (the gold
  lists may be incomplete, so this bounds precision from below);
- ``ms``: mean time per comparison.

Each file is scored twice in the same run: with the relevance floor (what the page shows) and
without it (every clause the retriever ranks for the topic, as before the floor).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from policyqa.evals.question_sets import label_key, read_jsonl, share, table_header, table_row


@dataclass(frozen=True)
class CompareItem:
    """Two documents, a topic, and which of them covers it with which clauses."""

    doc_a: str
    doc_b: str
    topic: str
    covers: str                      # a | b | both | neither
    a_clauses: tuple[str, ...]
    b_clauses: tuple[str, ...]


def _item(record: dict) -> CompareItem:
    if record["covers"] not in ("a", "b", "both", "neither"):
        raise KeyError("covers")
    return CompareItem(record["doc_a"], record["doc_b"], record["topic"], record["covers"],
                       tuple(record.get("a_clauses", ())), tuple(record.get("b_clauses", ())))


def load_items(path: Path) -> list[CompareItem]:
    """The items of a compare set; raises ValueError naming the file and line."""
    return read_jsonl(path, _item, "需要 doc_a、doc_b、topic、covers（a/b/both/neither）")


def score(results: list[tuple[CompareItem, object, float]]) -> dict[str, float]:
    """The figures of the module docstring from (item, Comparison, seconds) triples."""
    right = single = named = covering = false_silent = gold_total = gold_found = shown = shown_gold = 0
    for item, comparison, _ in results:
        said_a, said_b = bool(comparison.on_topic_a), bool(comparison.on_topic_b)
        truth_a, truth_b = item.covers in ("a", "both"), item.covers in ("b", "both")
        right += (said_a, said_b) == (truth_a, truth_b)
        silent = {d.doc for d in comparison.silent}
        if item.covers in ("a", "b"):
            single += 1
            named += (item.doc_b if item.covers == "a" else item.doc_a) in silent and comparison.finding.startswith("只有")
        for doc, truth, gold, on in ((item.doc_a, truth_a, item.a_clauses, comparison.on_topic_a),
                                     (item.doc_b, truth_b, item.b_clauses, comparison.on_topic_b)):
            labels = {label_key(c.label) for c in on}
            wanted = {label_key(g) for g in gold}
            shown += len(labels)
            shown_gold += len(labels & wanted)
            if truth:
                covering += 1
                false_silent += doc in silent
                gold_total += len(wanted)
                gold_found += len(labels & wanted)
    return {
        "items": len(results), "covers right": share(right, len(results)), "silent named": share(named, single),
        "false silent": share(false_silent, covering), "clause recall": share(gold_found, gold_total),
        "shown in gold": share(shown_gold, shown),
        "ms": round(1000 * sum(s for *_, s in results) / len(results)) if results else 0,
    }


COLUMNS = ["items", "covers right", "silent named", "false silent", "clause recall", "shown in gold", "ms"]


def main(argv: list[str] | None = None) -> int:
    """Compare every item of each file with the configured index and print the figures."""
    parser = argparse.ArgumentParser(description="按主题对比两份文件：是否说出哪份文件没有谈到该主题、列出的条款是否切题")
    parser.add_argument("files", nargs="+", type=Path, help="对比题集（JSONL）")
    parser.add_argument("--index", help="索引目录（默认：配置中的索引）")
    parser.add_argument("--show", action="store_true", help="逐题打印结论（只用于开发集）")
    args = parser.parse_args(argv)
    from policyqa.assistant.compare import DocumentComparer
    from policyqa.assistant.service import Assistant
    from policyqa.config import Config
    assistant = Assistant.load(Config.load(index_dir=args.index))
    print(table_header("file (system)", COLUMNS))
    for path in args.files:
        try:
            items = load_items(path)
        except (OSError, ValueError) as err:
            print(f"{path}: {err}", file=sys.stderr)
            continue
        for name, comparer in (("relevance floor", DocumentComparer(assistant.retriever)),
                               ("top-6, no floor", DocumentComparer(assistant.retriever, floor=False))):
            results = []
            for item in items:
                start = time.perf_counter()
                comparison = comparer.compare(item.doc_a, item.doc_b, item.topic)
                results.append((item, comparison, time.perf_counter() - start))
                if args.show and comparer.floor:
                    print(f"[{item.covers}] {item.topic}: {comparison.finding} | gold A {item.a_clauses} B {item.b_clauses}",
                          file=sys.stderr)
            figures = score(results)
            print(table_row(f"{path.name} ({name})", figures, COLUMNS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``policyqa ask --batch``: answer a JSONL file of questions, one output line per input line."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from policyqa.assistant.service import Assistant
from policyqa.errors import PolicyQAError


@dataclass(frozen=True)
class BatchStats:
    """What a batch run did."""

    lines: int
    answered: int
    abstained: int
    errors: int


def error_record(item_id: object, question: object, message: str) -> dict:
    """The output line for an input line that could not be answered (never a crash)."""
    return {"id": item_id, "question": question if isinstance(question, str) else None, "answer": None,
            "abstained": None, "citations": [], "sources": [], "latency_ms": 0.0, "error": message}


def answer_lines(assistant: Assistant, lines: Iterator[str]) -> Iterator[dict]:
    """One output record per non-blank input line, in order."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            yield error_record(None, None, f"第 {number} 行不是 JSON")
            continue
        if not isinstance(item, dict):
            yield error_record(None, None, f"第 {number} 行不是 JSON 对象")
            continue
        item_id, question = item.get("id", number), item.get("question")
        if not isinstance(question, str) or not question.strip():
            yield error_record(item_id, question, f"第 {number} 行缺少 question")
            continue
        start = time.perf_counter()
        try:
            record = assistant.ask(question).to_record(item_id)
        except PolicyQAError as err:
            yield error_record(item_id, question, str(err))
            continue
        record["latency_ms"] = round((time.perf_counter() - start) * 1000, 1)
        yield record


def run_batch(assistant: Assistant, source: Path, target: Path) -> BatchStats:
    """Answer every line of ``source`` into ``target`` (written as it goes); raises OSError."""
    counts = {"lines": 0, "answered": 0, "abstained": 0, "errors": 0}
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open(encoding="utf-8-sig") as lines, target.open("w", encoding="utf-8") as out:
        for record in answer_lines(assistant, lines):
            counts["lines"] += 1
            key = "errors" if "error" in record else "abstained" if record["abstained"] else "answered"
            counts[key] += 1
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
    return BatchStats(**counts)

"""What the page benchmarks (follow-ups, comparison, hygiene) share: reading a JSONL question set
with a one-line error per bad line, clause labels compared loosely, shares, and the Markdown
table they print."""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_BRACKETS = str.maketrans("()", "（）")


def read_jsonl(path: Path, parse: Callable[[dict], T], expects: str) -> list[T]:
    """One ``parse``d item per non-blank line of ``path``; raises ValueError naming the file, the
    line and what a line ``expects`` when a line is not JSON or ``parse`` finds a field missing
    or wrong (KeyError, TypeError, AttributeError)."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(parse(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise ValueError(f"{path} 第 {n} 行：{expects}") from None
    return items


def label_key(text: str) -> str:
    """A clause label compared loosely: no spaces, full-width brackets, no trailing 、or dot."""
    return re.sub(r"\s", "", text).translate(_BRACKETS).rstrip("、.．")


def share(hits: int, total: int) -> float:
    """``hits / total`` to three places (NaN when there is nothing to count)."""
    return round(hits / total, 3) if total else float("nan")


def table_header(first: str, columns: Sequence[str]) -> str:
    """The two header lines of a Markdown table: ``first`` (the row name), then ``columns``."""
    return f"| {first} | " + " | ".join(columns) + " |\n|---|" + "---|" * len(columns)


def table_row(name: str, figures: dict[str, object], columns: Sequence[str]) -> str:
    """One Markdown table row: ``name``, then the figures of ``columns`` in order."""
    return f"| {name} | " + " | ".join(str(figures[c]) for c in columns) + " |"

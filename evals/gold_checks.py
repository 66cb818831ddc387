"""Checks behind :func:`policyqa.evals.gold.validate_gold`, and the file-name alias table.

Kept apart from the gold types so each file holds one idea: here, what makes a gold item sound
with respect to a corpus directory.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policyqa.evals.gold import GoldItem

QUOTE_MIN, QUOTE_MAX = 12, 40
MUST_INCLUDE_MAX = 3
PROVENANCE = "PROVENANCE.md"
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")


def read_corpus(corpus_dir: Path) -> dict[str, str]:
    """Map each ``*.txt`` file name in ``corpus_dir`` to its UTF-8 text ({} when there is none)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(corpus_dir.glob("*.txt"))}


def load_aliases(corpus_dir: Path) -> dict[str, str]:
    """Read ``corpus_dir/PROVENANCE.md`` and map original file names to bundled names.

    Header rows (the row just above a ``|---|`` separator) are skipped; in every other table row the
    first cell is the bundled name and the second the original name (backticks and folders
    stripped). Rows whose two names are equal or empty are skipped. Returns {} when the file does
    not exist.
    """
    path = Path(corpus_dir) / PROVENANCE
    if not path.is_file():
        return {}
    rows = [_cells(line) for line in path.read_text(encoding="utf-8").splitlines()]
    aliases: dict[str, str] = {}
    for index, row in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else None
        if row is None or len(row) < 2 or _is_separator(row) or _is_separator(following):
            continue  # not a table row, a separator, or a header (the row above a separator)
        bundled, original = Path(row[0]).name, Path(row[1]).name
        if bundled and original and bundled != original:
            aliases[original] = bundled
    return aliases


def _cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if not stripped.startswith("|"):
        return None
    return [cell.strip().strip("`").strip() for cell in stripped.strip("|").split("|")]


def _is_separator(row: list[str] | None) -> bool:
    return row is not None and all(_SEPARATOR_CELL.match(cell.replace(" ", "")) for cell in row)


def item_problems(
    item: "GoldItem", corpus: Mapping[str, str], aliases: Mapping[str, str]
) -> list[str]:
    """All problems of one item against ``corpus`` (file name → text); [] when sound."""
    problems = [f"{item.id}：{p}" for p in _shape_problems(item)]
    texts: list[str] = []
    for evidence in item.evidence:
        name = evidence.doc if evidence.doc in corpus else aliases.get(evidence.doc, evidence.doc)
        text = corpus.get(name)
        if text is None:
            problems.append(f"{item.id}：未知文档 “{evidence.doc}”（语料中无此文件，也无别名）")
            continue
        texts.append(text)
        problems.extend(f"{item.id}：{p}" for p in _quote_problems(evidence.quote, name, text))
    for key in item.must_include:
        if texts and not any(key in text for text in texts):
            problems.append(f"{item.id}：must_include “{key}” 不在任何证据文件中")
    return problems


def _shape_problems(item: "GoldItem") -> list[str]:
    if not item.answerable:
        present = {"evidence": item.evidence, "must_include": item.must_include}
        return [f"不可回答的题目不应有 {name}" for name, value in present.items() if value]
    problems = []
    if not item.evidence:
        problems.append("可回答的题目缺少证据 evidence")
    if not 1 <= len(item.must_include) <= MUST_INCLUDE_MAX:
        problems.append(f"must_include 应有 1–{MUST_INCLUDE_MAX} 项，现有 {len(item.must_include)} 项")
    return problems


def _quote_problems(quote: str, name: str, text: str) -> list[str]:
    problems = []
    if not QUOTE_MIN <= len(quote) <= QUOTE_MAX:
        problems.append(f"引文长度 {len(quote)} 不在 {QUOTE_MIN}–{QUOTE_MAX} 字之间：“{quote}”")
    if "\n" in quote or "\r" in quote:
        problems.append(f"引文跨行（应位于同一行/段内）：“{quote}”")
    elif quote not in text:
        problems.append(f"引文不是 {name} 的原文子串：“{quote}”")
    return problems

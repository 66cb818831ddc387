"""Undo a PDF's page layout: drop page numbers and running headers, re-join wrapped lines.

Pure functions on the lines pypdf extracts, page by page. A line is joined to the next one only
when it fills the line width (a paragraph's last line and a heading are shorter), does not end a
sentence, and the next line does not open a new clause (第X条 / 一、 / （一） / 1. …) or paragraph.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

_PAGE_NUMBER = re.compile(
    r"^[-—–－~\s]*\d{1,4}[-—–－~\s]*$"
    r"|^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"
    r"|^\d+\s*/\s*\d+$"
    r"|^page\s*\d+(?:\s*(?:of|/)\s*\d+)?$",
    re.IGNORECASE,
)
_CN_NUM = "一二三四五六七八九十百千零〇两"
_CLAUSE_START = re.compile(
    rf"^(?:第[{_CN_NUM}\d]+[条章节编](?:\s|$)"
    rf"|[{_CN_NUM}]+、"
    rf"|[（(][{_CN_NUM}\d]+[）)]"
    r"|\d+[.．、](?!\d)"
    r"|[①-⑳])"
)
_SENTENCE_END = "。；：！？!?;:"
_CLOSERS = "”’）)」』】》\"'"
_CONTINUATION_START = "，。、；：！？）》”’,.;:!?)"
EDGE_LINES = 2            # page numbers are looked for among the first/last two lines of a page
_HEADER_SHARE = 0.6        # a running header is at a page edge on ≥ 60 % of the pages after the first
_WIDTH_PERCENTILE = 0.9
_MIN_FULL_SLACK = 4        # two CJK characters: justified lines end early before a closing mark


def display_width(line: str) -> int:
    """Width in half-width cells: CJK and full-width characters count 2, others 1."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def is_page_number(line: str) -> bool:
    """“- 3 -”, “3”, “第 3 页”, “第3页 共10页”, “3/10”, “Page 3 of 10”."""
    return bool(_PAGE_NUMBER.match(line.strip()))


def _edge_indices(lines: list[str], depth: int) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:depth] + filled[-depth:])


def remove_page_numbers(pages: list[list[str]]) -> tuple[list[list[str]], int]:
    """Drop page-number lines at the top or bottom of each page; returns the pages and how many went."""
    kept_pages, removed = [], 0
    for lines in pages:
        edges = _edge_indices(lines, EDGE_LINES)
        kept = [line for i, line in enumerate(lines) if not (i in edges and is_page_number(line))]
        removed += len(lines) - len(kept)
        kept_pages.append(kept)
    return kept_pages, removed


def running_headers(pages: list[list[str]]) -> set[str]:
    """Lines that open or close most pages after the first and never occur inside a page."""
    later = pages[1:]
    if len(later) < 2:
        return set()
    at_edge: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for lines in later:
        edges = _edge_indices(lines, 1)
        for i, line in enumerate(lines):
            if line.strip():
                (at_edge if i in edges else inside)[line.strip()] += 1
    needed = max(2, _HEADER_SHARE * len(later))
    return {text for text, count in at_edge.items() if count >= needed and not inside[text]}


def remove_running_headers(pages: list[list[str]]) -> tuple[list[list[str]], int]:
    """Drop running headers/footers from the pages after the first (the first keeps its title)."""
    headers = running_headers(pages)
    if not headers:
        return pages, 0
    kept_pages, removed = pages[:1], 0
    for lines in pages[1:]:
        edges = _edge_indices(lines, 1)
        kept = [line for i, line in enumerate(lines) if not (i in edges and line.strip() in headers)]
        removed += len(lines) - len(kept)
        kept_pages.append(kept)
    return kept_pages, removed


def full_line_width(lines: list[str]) -> int:
    """The width of a full line: the 90th percentile of the line widths (robust to a stray long line)."""
    widths = sorted(display_width(line.strip()) for line in lines if line.strip())
    if not widths:
        return 0
    return widths[min(len(widths) - 1, int(len(widths) * _WIDTH_PERCENTILE))]


def _ends_sentence(line: str) -> bool:
    return line.rstrip(_CLOSERS)[-1:] in tuple(_SENTENCE_END)


def _uses_indentation(lines: list[str], full: int, slack: int) -> bool:
    """True when paragraph starts are indented and continuation lines are not.

    Paragraph starts are the lines after a short line ending a sentence; continuations the lines
    after a full line ending mid-sentence. Then an indent marks every paragraph start, and a
    non-indented line after a full one goes on the paragraph even if the full line ends a sentence.
    """
    filled = [line for line in lines if line.strip()]
    starts, continuations = [], []
    for prev, nxt in zip(filled, filled[1:]):
        is_full = display_width(prev.strip()) >= full - slack
        if _ends_sentence(prev.strip()) and not is_full:
            starts.append(nxt[:1].isspace())
        elif is_full and not _ends_sentence(prev.strip()):
            continuations.append(nxt[:1].isspace())
    return (len(starts) >= 3 and sum(starts) >= 0.8 * len(starts)
            and sum(continuations) <= 0.2 * len(continuations))


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Re-join lines that the page layout broke inside a paragraph; blank lines end paragraphs."""
    full = full_line_width(lines)
    slack = max(_MIN_FULL_SLACK, round(full * 0.08))
    indents = _uses_indentation(lines, full, slack)
    out: list[str] = []
    open_paragraph = False
    for raw in lines:
        line = raw.strip()
        if not line:
            open_paragraph = False
            continue
        starts_block = bool(_CLAUSE_START.match(line)) or (indents and raw[:1].isspace())
        # No paragraph opens with a comma or a closing mark: such a line always continues.
        if out and (line[0] in _CONTINUATION_START or (open_paragraph and not starts_block)):
            out[-1] = _glue(out[-1], line)
        else:
            out.append(line)
        # With indented paragraph starts, a full line may end a sentence and still go on.
        open_paragraph = display_width(line) >= full - slack and (indents or not _ends_sentence(line))
    return out


def _glue(left: str, right: str) -> str:
    """Join two pieces of one paragraph; only two Latin words/numbers need a space between them."""
    latin = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    return left + (" " if latin else "") + right

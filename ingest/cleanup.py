"""Line-level clean-up shared by every reader: pure functions from lines to lines.

Readers turn a file into raw lines; :func:`clean_lines` turns those into the cleaned, non-empty
lines of a :class:`~policyqa.domain.SourceDocument`. Titles broken over two lines are left alone
(the metadata step joins them) and clauses are not parsed here.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from policyqa.ingest.web_chrome import SITE_TITLE_ZONE, is_export_chrome, is_web_chrome

# Artefacts of docx→txt converters: "[bookmark: _GoBack]" may sit anywhere in a line.
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
# Invisible characters that carry no meaning in Chinese text and break exact matching.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


@dataclass(frozen=True)
class CleanedLines:
    """The result of :func:`clean_lines`: the kept lines and one-line notes on what was removed."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    chrome_removed: int = 0


def split_lines(text: str) -> list[str]:
    """Split text on any line ending (``\\r\\n``, ``\\r``, ``\\n``, U+2028, form feed …)."""
    return text.splitlines()


def normalise_line_endings(lines: Iterable[str]) -> list[str]:
    """Re-split lines that still contain line breaks (``\\r``, ``\\n``, U+2029 …) inside them."""
    return [part for line in lines for part in (split_lines(line) or [""])]


def remove_bookmarks(lines: Iterable[str]) -> list[str]:
    """Remove ``[bookmark: …]`` artefacts wherever they occur in a line."""
    return [_BOOKMARK.sub("", line) for line in lines]


def strip_invisible(lines: Iterable[str]) -> list[str]:
    """Remove zero-width characters anywhere and strip spaces (incl. U+3000, NBSP, tabs) at the ends."""
    # str.strip() without arguments covers U+3000, NBSP, tabs and every other Unicode space.
    return [_ZERO_WIDTH.sub("", line).strip() for line in lines]


def drop_empty(lines: Iterable[str]) -> list[str]:
    """Keep only lines with at least one visible character."""
    return [line for line in lines if line]


def remove_web_chrome(lines: Iterable[str]) -> list[str]:
    """Drop web-page chrome lines (site titles, breadcrumbs, view counters, share bars, footers).

    Only lines matching the generic patterns of :mod:`policyqa.ingest.web_chrome` are dropped.
    """
    return [
        line for i, line in enumerate(lines) if not is_web_chrome(line, near_top=i < SITE_TITLE_ZONE)
    ]


def remove_export_chrome(lines: Iterable[str]) -> list[str]:
    """Drop the lines a legal database adds to an exported text (citation code, original link)."""
    return [line for line in lines if not is_export_chrome(line)]


def clean_lines(lines: Iterable[str]) -> CleanedLines:
    """Run every clean-up step on raw lines; returns the kept lines and notes on removed chrome.

    Export chrome is removed quietly (it says nothing about the text being a repost); web-page
    chrome is counted, since it marks the file as a saved web page."""
    stripped = drop_empty(strip_invisible(remove_bookmarks(normalise_line_endings(lines))))
    exported = remove_export_chrome(stripped)
    kept = remove_web_chrome(exported)
    removed = len(exported) - len(kept)
    warnings = (f"删去 {removed} 行网页杂项（网页标题、导航、浏览量、版权声明等）",) if removed else ()
    return CleanedLines(tuple(kept), warnings, removed)

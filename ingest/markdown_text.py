"""Strip Markdown markup from a text, keeping its words and its Chinese/Arabic clause numbering."""
from __future__ import annotations

import re

_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
_BLOCKQUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
# "- item", "* item", "+ item"; an ordered "1. item" is kept: in policy text it is the clause number.
_BULLET = re.compile(r"^\s*[-*+]\s+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![*\\\d])\*(?=\S)(.+?)(?<=\S)\*(?!\*)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"`+([^`]*)`+")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def strip_markdown(text: str) -> str:
    """Return ``text`` without Markdown markup: headings, emphasis, bullets, links, comments, rules."""
    lines = []
    for line in _HTML_COMMENT.sub("", text).splitlines():
        if _FENCE.match(line) or _TABLE_SEPARATOR.match(line) or _is_rule(line, lines):
            continue
        lines.append(strip_inline(_strip_block_prefix(line)))
    return "\n".join(lines)


def _is_rule(line: str, previous: list[str]) -> bool:
    """A thematic break or a setext heading underline (``===`` / ``---`` under a line of text)."""
    return bool(_RULE.match(line)) or (bool(previous) and bool(_SETEXT_UNDERLINE.match(line)))


def _strip_block_prefix(line: str) -> str:
    heading = _HEADING.match(line)
    if heading:
        return heading.group(1)
    return _BULLET.sub("", _BLOCKQUOTE.sub("", line), count=1)


def strip_inline(line: str) -> str:
    """Remove inline markup from one line: images → alt text, links → text, emphasis, code, tags."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(r"\1", line)
    line = _STRIKE.sub(r"\1", line)
    line = _HTML_TAG.sub("", line)
    return _ESCAPE.sub(r"\1", line)

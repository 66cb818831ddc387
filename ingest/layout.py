"""Reading a document's lines into its layout: title, header lines and the tree of numbered parts.

Policy documents nest 一、 → （一） → 1. → （1）. Laws nest 第X编/章/节 → 第X条, and everything
inside an article (its （一）（二） enumerations included) stays in that article.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from policyqa.ingest import line_kinds as lk
from policyqa.ingest.numbering import Level, Numbering, heading_title, is_schedule_line, parse_numbering

_LAW_LEVELS = (Level.PART, Level.CHAPTER, Level.SECTION)
_LONG_TITLE = 120
"""A title printed twice in a row may be this long (a notice forwarding a long-named document)."""


@dataclass
class Node:
    """One part of the outline while it is being read (mutable only inside this module)."""

    numbering: Numbering | None          # None for a preamble
    ancestors: tuple["Node", ...]
    section: str | None                  # the (sub)document title this node sits under
    lines: list[str] = field(default_factory=list)
    schedule: str | None = None
    children: int = 0
    ordinal: int = 0

    @property
    def heading(self) -> str:
        """``label + title`` as shown in a heading path (二、重大行动 / 第二章 学生)."""
        n = self.numbering
        if n is None:
            return "前言"
        if n.level in _LAW_LEVELS:
            return f"{n.label} {n.rest}".strip() if n.rest else n.label
        if n.level is Level.ARTICLE:
            return n.label
        return f"{n.label}{heading_title(n.rest)}"

    @property
    def level(self) -> int:
        """Depth for stack handling; a preamble sits above everything."""
        return 0 if self.numbering is None else int(self.numbering.level)


@dataclass(frozen=True)
class Layout:
    """The result of reading a document: its title lines, header lines and outline nodes."""

    title_lines: tuple[str, ...]
    header_lines: tuple[str, ...]
    nodes: tuple[Node, ...]
    is_law: bool
    warnings: tuple[str, ...]
    skipped: tuple[str, ...] = ()       # decorative, table-of-contents and repeated title lines left out


def _count_articles(lines: list[str]) -> int:
    return sum(1 for ln in lines if (n := parse_numbering(ln)) and n.level is Level.ARTICLE and n.spaced)


def read_title(lines: list[str], start: int = 0) -> tuple[list[str], int]:
    """Collect the title lines starting at ``start``; returns (title lines, index after them)."""
    i = start
    while i < len(lines) and lk.is_attachment_marker(lines[i]):
        i += 1
    if (i + 1 < len(lines) and lines[i] == lines[i + 1] and lk.is_title_piece(lines[i], max_chars=_LONG_TITLE)
            and lk.ends_like_title(lines[i])):
        return [lines[i]], i + 2   # a title printed twice (exports repeat it above the text)
    pieces: list[str] = []
    while i < len(lines) and len(pieces) < 4 and lk.is_title_piece(lines[i]):
        pieces.append(lines[i])
        i += 1
        if lk.ends_like_title("".join(pieces)):
            if i < len(lines) and lk.is_draft_marker(lines[i]):
                pieces.append(lines[i])
                i += 1
            break
    return pieces, i


def _is_midway_title(lines: list[str], i: int) -> int:
    """Number of lines (1 or 2) forming a new (sub)document title at ``i``, or 0."""
    if not lk.is_title_piece(lines[i]):
        return 0
    if lk.ends_like_title(lines[i]):
        return 1
    if i + 1 < len(lines) and lk.is_title_piece(lines[i + 1]) and lk.ends_like_title(lines[i] + lines[i + 1]):
        return 2
    return 0


def _signature_indices(lines: list[str]) -> set[int]:
    """Indices of signature blocks: an issuer line directly above a date-only line, and the date."""
    found: set[int] = set()
    for i, line in enumerate(lines):
        if lk.iso_date(line) is None:
            continue
        if i > 0 and lk.is_org_line(lines[i - 1]):
            found.update({i - 1, i})
        elif i == len(lines) - 1:
            found.add(i)
    return found


class LayoutReader:
    """Builds the outline of one document from its cleaned lines."""

    def read(self, lines: list[str]) -> Layout:
        """Read ``lines`` (cleaned, non-empty) into a :class:`Layout`."""
        is_law = _count_articles(lines) >= 3
        title_lines, start = read_title(lines)
        header = [ln for j, ln in enumerate(lines[:start]) if j == 0 or ln != lines[j - 1]]  # markers, title once
        repeated = [ln for j, ln in enumerate(lines[:start]) if j > 0 and ln == lines[j - 1]]
        signatures = _signature_indices(lines)
        state = _ReadState(is_law=is_law)
        i = start
        while i < len(lines):
            line = lines[i]
            if i in signatures or (not state.stack and self._is_header_line(line)):
                header.append(line)
            elif lk.is_decor(line):
                state.warnings.append(f"略去装饰行“{line}”")
                state.skipped.append(line)
            elif lk.is_toc_marker(line):
                end = self._skip_toc(lines, i)
                state.warnings.append(f"略去目录 {end - i} 行")
                state.skipped.extend(lines[i:end])
                i = end
                continue
            elif (taken := _is_midway_title(lines, i)) and not (is_law and state.stack):
                state.start_section("".join(lines[i:i + taken]))
                header.extend(lines[i:i + taken])
                i += taken
                continue
            else:
                state.feed(line)
            i += 1
        return Layout(tuple(title_lines), tuple(header), tuple(state.nodes), is_law,
                      tuple(state.warnings), tuple(repeated + state.skipped))

    @staticmethod
    def _is_header_line(line: str) -> bool:
        return bool(
            lk.doc_number_in(line) or lk.history_event(line) or lk.is_addressee(line) or lk.iso_date(line)
            or lk.is_draft_marker(line) or lk.is_attachment_marker(line)
        )

    @staticmethod
    def _skip_toc(lines: list[str], i: int) -> int:
        """Skip a table of contents: up to the second appearance of its first entry."""
        first = next((ln for ln in lines[i + 1:] if lk.CHAPTER_LINE.match(ln)), None)
        if first is None:
            return i + 1
        seen = 0
        for j in range(i + 1, len(lines)):
            if lines[j] == first:
                seen += 1
                if seen == 2:
                    return j
        return i + 1


class _ReadState:
    """The open headings while reading; turns lines into nodes."""

    def __init__(self, *, is_law: bool) -> None:
        self.is_law = is_law
        self.stack: list[Node] = []
        self.nodes: list[Node] = []
        self.section: str | None = None
        self.last_article = 0
        self.warnings: list[str] = []
        self.skipped: list[str] = []

    def start_section(self, title: str) -> None:
        """A new (sub)document begins (the plan under its covering notice, a reposted text)."""
        self.stack.clear()
        self.section = title

    def feed(self, line: str) -> None:
        """Place one body line."""
        numbering = parse_numbering(line)
        if numbering and self._accepts(numbering):
            self._open(numbering, line)
        elif is_schedule_line(line) and self.stack and self.stack[-1].schedule is None:
            self.stack[-1].schedule = line
        elif self.stack:
            self.stack[-1].lines.append(line)
        else:
            self._preamble().lines.append(line)

    def _accepts(self, n: Numbering) -> bool:
        if not self.is_law:
            return n.level >= Level.H1
        if n.level in _LAW_LEVELS:
            return True
        if n.level is Level.ARTICLE:
            if n.spaced or n.number == self.last_article + 1:
                if n.number != self.last_article + 1:
                    self.warnings.append(f"条文编号不连续：{n.label} 接在第{self.last_article}条之后")
                self.last_article = n.number
                return True
        return False

    def _open(self, numbering: Numbering, line: str) -> None:
        level = int(numbering.level)
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        if self.stack and self.stack[-1].numbering is None:
            self.stack.pop()
        node = Node(numbering, tuple(self.stack), self.section, [line], ordinal=len(self.nodes))
        if self.stack:
            self.stack[-1].children += 1
        self.stack.append(node)
        self.nodes.append(node)

    def _preamble(self) -> Node:
        node = Node(None, (), self.section, ordinal=len(self.nodes))
        self.stack.append(node)
        self.nodes.append(node)
        return node

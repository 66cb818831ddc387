"""Turning a document's layout into citable :class:`Clause` records."""
from __future__ import annotations

import hashlib

from policyqa.domain import Clause
from policyqa.ingest.layout import Layout, Node
from policyqa.ingest.numbering import Level, heading_title

HEADER_LABEL = "文件信息"
OUTLINE_LABEL = "提纲"
_OUTLINE_LEVELS = (Level.PART, Level.CHAPTER, Level.SECTION, Level.H1, Level.H2, Level.H3)
_KIND_BY_LEVEL = {Level.ARTICLE: "article", Level.H3: "item", Level.H4: "subitem"}


def content_hash(*parts: str | None) -> str:
    """A short stable hash of the parts that decide what a clause says and how it is embedded."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode("utf-8"))
    return digest.hexdigest()[:16]


def _label(node: Node, is_law: bool) -> str:
    if node.numbering is None:
        return "前言"
    if is_law:
        return node.numbering.label
    chain = [a.numbering.label for a in node.ancestors if a.numbering is not None]
    return "".join(chain) + node.numbering.label


def _has_own_text(node: Node) -> bool:
    if node.numbering is None or len(node.lines) > 1:
        return True
    rest = node.numbering.rest
    return bool(rest) and rest != heading_title(rest)


def _kind(node: Node) -> str:
    if node.numbering is None:
        return "preamble"
    if node.numbering.level in _KIND_BY_LEVEL:
        return _KIND_BY_LEVEL[node.numbering.level]
    return "intro" if node.children else ("section" if _has_own_text(node) else "heading")


def _inherited_schedules(nodes: tuple[Node, ...]) -> dict[int, str]:
    """Items without their own schedule line take the next one among their siblings: a plan may
    print one schedule line at the end of an action for all of that action's items."""
    inherited: dict[int, str] = {}
    by_parent: dict[int, list[Node]] = {}
    for node in nodes:
        if node.numbering is not None and node.numbering.level is Level.H3:
            parent = id(node.ancestors[-1]) if node.ancestors else 0
            by_parent.setdefault(parent, []).append(node)
    for siblings in by_parent.values():
        pending: list[Node] = []
        for node in siblings:
            if node.schedule is None:
                pending.append(node)
                continue
            inherited.update({id(p): node.schedule for p in pending})
            pending = []
    return inherited


def _outline(layout: Layout) -> str:
    """The document's headings down to numbered items, one per line as printed up to and
    including the first full stop (一、… / （一）… / 1.… / 第一章 …): what structure questions
    (几大行动, 多少项任务, 分几章) are answered from. Law articles are not listed."""
    lines = []
    for node in layout.nodes:
        if node.numbering is not None and node.numbering.level in _OUTLINE_LEVELS:
            depth = sum(1 for a in node.ancestors if a.numbering is not None)
            head, stop, _ = node.lines[0].partition("。")
            lines.append("  " * depth + head + stop)
    return "\n".join(lines) if len(lines) >= 2 else ""


class ClauseBuilder:
    """Builds the clause records of one document from its :class:`Layout`."""

    def build(self, doc: str, title: str, layout: Layout) -> tuple[Clause, ...]:
        """Return the document's clauses in reading order (header first when it has one)."""
        clauses: list[Clause] = []
        if layout.header_lines:
            text = "\n".join(layout.header_lines)
            clauses.append(Clause(
                id=f"{doc}#{HEADER_LABEL}", doc=doc, title=title, label=HEADER_LABEL,
                path=(HEADER_LABEL,), text=text, schedule=None, kind="header", ordinal=0,
                hash=content_hash(title, HEADER_LABEL, text),
            ))
        if outline := _outline(layout):
            clauses.append(Clause(
                id=f"{doc}#{OUTLINE_LABEL}", doc=doc, title=title, label=OUTLINE_LABEL,
                path=(OUTLINE_LABEL,), text=outline, schedule=None, kind="outline", ordinal=len(clauses),
                hash=content_hash(title, OUTLINE_LABEL, outline),
            ))
        inherited = _inherited_schedules(layout.nodes)
        seen_ids: dict[str, int] = {}
        for node in layout.nodes:
            if node.numbering is not None and node.children and not _has_own_text(node):
                continue  # a bare heading over its parts: kept in the outline, not a clause
            clauses.append(self._clause(doc, title, node, layout.is_law, inherited, seen_ids, len(clauses)))
        return tuple(clauses)

    @staticmethod
    def _clause(doc: str, title: str, node: Node, is_law: bool, inherited: dict[int, str],
                seen_ids: dict[str, int], ordinal: int) -> Clause:
        label = _label(node, is_law)
        base_id = f"{doc}#{label}"
        seen_ids[base_id] = seen_ids.get(base_id, 0) + 1
        clause_id = base_id if seen_ids[base_id] == 1 else f"{base_id}~{seen_ids[base_id]}"
        path = tuple(a.heading for a in node.ancestors if a.numbering is not None) + (node.heading,)
        text = "\n".join(node.lines)
        schedule = node.schedule or inherited.get(id(node))
        return Clause(
            id=clause_id, doc=doc, title=title, label=label, path=path, text=text,
            schedule=schedule, ordinal=ordinal, kind=_kind(node),
            number=node.numbering.number if node.numbering else None,
            hash=content_hash(title, "/".join(path), text, schedule),
        )

"""Raw lines of a ``.docx`` body in document order, with Word's automatic numbering made visible.

Paragraphs give one line each, prefixed by their list label (一、 （一） 1. …) when Word numbers
them. A table row gives one line with its non-empty cells joined by `` | ``; a row with a single
non-empty cell (a layout table) gives that cell's paragraphs as separate lines. Headers, footers,
footnotes, text boxes and deleted tracked changes are left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn
from lxml.etree import _Element

from policyqa.ingest.docx_numbering import ListNumbering

CELL_SEPARATOR = " | "
_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_TR, _TC = qn("w:tr"), qn("w:tc")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIPPED_CONTAINERS = {qn("w:del"), qn("w:txbxContent"), _MC + "Fallback"}
_VAL = qn("w:val")


@dataclass(frozen=True)
class _ParagraphStyle:
    """What a paragraph style says about numbering, and the style it is based on."""

    num_id: str | None
    ilvl: int | None
    based_on: str | None
    is_default: bool


def read_docx_lines(path: Path) -> list[str]:
    """The body of the document at ``path`` as raw lines; raises the library's errors on a bad file."""
    document = docx.Document(str(path))
    reader = _BodyReader(document)
    return list(reader.block_lines(document.element.body))


class _BodyReader:
    """Walks the body XML, keeping the list counters and the style→numbering table of one document."""

    def __init__(self, document: Document) -> None:
        self._styles = _paragraph_styles(document)
        self._default_style = next((sid for sid, s in self._styles.items() if s.is_default), None)
        style_num_ids = {sid: s.num_id for sid, s in self._styles.items() if s.num_id}
        self._numbering = ListNumbering(_numbering_element(document), style_num_ids)

    def block_lines(self, container: _Element) -> Iterator[str]:
        """Lines of the paragraphs, tables and content controls directly inside ``container``."""
        for child in container.iterchildren():
            if child.tag == _P:
                line = self._paragraph_line(child)
                if line:
                    yield line
            elif child.tag == _TBL:
                yield from self._table_lines(child)
            elif child.tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    yield from self.block_lines(content)

    def _table_lines(self, table: _Element) -> Iterator[str]:
        for row in table.iterchildren(_TR):
            cells = [list(self.block_lines(cell)) for cell in row.iterchildren(_TC)]
            cells = [lines for lines in cells if lines]
            if len(cells) == 1:
                yield from cells[0]
            elif cells:
                yield CELL_SEPARATOR.join(" ".join(lines) for lines in cells)

    def _paragraph_line(self, p: _Element) -> str:
        text = paragraph_text(p)
        label = self._label(p)
        if not label or not text.strip():
            return text
        stripped = text.lstrip()
        joiner = " " if label[-1].isascii() and stripped[:1].isascii() else ""
        return label + joiner + stripped

    def _label(self, p: _Element) -> str | None:
        style_id = _val(p.find(qn("w:pPr")), "w:pStyle") or self._default_style
        num_id, ilvl = _num_pr(p.find(qn("w:pPr")))
        chain_style = style_id
        seen: set[str] = set()
        while (num_id is None or ilvl is None) and chain_style and chain_style not in seen:
            seen.add(chain_style)
            style = self._styles.get(chain_style)
            if style is None:
                break
            num_id = num_id if num_id is not None else style.num_id
            ilvl = ilvl if ilvl is not None else style.ilvl
            chain_style = style.based_on
        if num_id is None:
            return None
        if ilvl is None:
            ilvl = self._numbering.level_for_style(num_id, style_id) if style_id else 0
        return self._numbering.label(num_id, ilvl)


def paragraph_text(p: _Element) -> str:
    """The visible text of one ``w:p``: runs, hyperlinks and insertions; tabs as ``\\t``, breaks as ``\\n``."""
    parts = []
    for element in p.iter(_T, _TAB, _BR, _CR):
        if any(a.tag in _SKIPPED_CONTAINERS for a in element.iterancestors()):
            continue
        if element.tag == _T:
            parts.append(element.text or "")
        else:
            parts.append("\t" if element.tag == _TAB else "\n")
    return "".join(parts)


def _val(element: _Element | None, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(_VAL) if child is not None else None


def _num_pr(ppr: _Element | None) -> tuple[str | None, int | None]:
    """(numId, ilvl) of a ``w:pPr``; either may be missing."""
    num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
    if num_pr is None:
        return None, None
    ilvl = _val(num_pr, "w:ilvl")
    return _val(num_pr, "w:numId"), int(ilvl) if ilvl is not None and ilvl.isdigit() else None


def _paragraph_styles(document: Document) -> dict[str, _ParagraphStyle]:
    """styleId → numbering facts for every paragraph style."""
    styles: dict[str, _ParagraphStyle] = {}
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) != "paragraph":
            continue
        num_id, ilvl = _num_pr(style.find(qn("w:pPr")))
        styles[style.get(qn("w:styleId"), "")] = _ParagraphStyle(
            num_id, ilvl, _val(style, "w:basedOn"), style.get(qn("w:default")) in ("1", "true"))
    return styles


def _numbering_element(document: Document) -> _Element | None:
    """The ``w:numbering`` root, or None when the document has no numbering part."""
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None

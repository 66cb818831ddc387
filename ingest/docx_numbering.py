"""The visible labels of Word's automatic numbering (``numbering.xml``), e.g. 一、 （一） 1.

Word stores “一、” not in the paragraph text but as a list level: ``w:num`` points at a
``w:abstractNum`` whose ``w:lvl`` gives a start value, a ``w:numFmt`` and a ``w:lvlText`` such as
``%1、`` or ``（%2）``. :class:`ListNumbering` replays the counters in document order.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Mapping

from docx.oxml.ns import qn
from lxml.etree import _Element

from policyqa.ingest.number_formats import format_number

_LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True)
class LevelFormat:
    """One ``w:lvl``: how a list level counts and what text it shows."""

    start: int = 1
    num_fmt: str = "decimal"
    lvl_text: str = ""
    restart: int | None = None        # w:lvlRestart: None = after any higher level, 0 = never
    is_legal: bool = False            # w:isLgl: show every level in decimal
    style_id: str | None = None       # w:pStyle: the paragraph style bound to this level


@dataclass(frozen=True)
class ListInstance:
    """One ``w:num``: its abstract definition plus per-level start and format overrides."""

    abstract_id: str
    start_overrides: Mapping[int, int] = field(default_factory=dict)
    level_overrides: Mapping[int, LevelFormat] = field(default_factory=dict)


def _val(element: _Element | None, tag: str) -> str | None:
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def parse_level(lvl: _Element) -> LevelFormat:
    """Read one ``w:lvl`` element."""
    restart = _val(lvl, "w:lvlRestart")
    legal = lvl.find(qn("w:isLgl"))
    return LevelFormat(
        start=_int(_val(lvl, "w:start"), 1),
        num_fmt=_val(lvl, "w:numFmt") or "decimal",
        lvl_text=_val(lvl, "w:lvlText") or "",
        restart=_int(restart, 0) if restart is not None else None,
        is_legal=legal is not None and legal.get(qn("w:val"), "1") not in ("0", "false"),
        style_id=_val(lvl, "w:pStyle"),
    )


def _levels(parent: _Element) -> dict[int, LevelFormat]:
    return {_int(lvl.get(qn("w:ilvl")), 0): parse_level(lvl) for lvl in parent.findall(qn("w:lvl"))}


class ListNumbering:
    """Counters for every list of one document; call :meth:`label` for each numbered paragraph in order.

    Lists sharing an abstract definition continue each other's numbering, as in Word, unless a
    ``w:num`` overrides a start value; such a list counts on its own.
    """

    def __init__(self, numbering: _Element | None, style_num_ids: Mapping[str, str] | None = None) -> None:
        self._abstracts: dict[str, dict[int, LevelFormat]] = {}
        self._style_links: dict[str, str] = {}
        self._instances: dict[str, ListInstance] = {}
        self._style_num_ids = dict(style_num_ids or {})
        self._counters: dict[str, list[int | None]] = {}
        if numbering is not None:
            self._read(numbering)

    def _read(self, numbering: _Element) -> None:
        for abstract in numbering.findall(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"), "")
            self._abstracts[abstract_id] = _levels(abstract)
            link = _val(abstract, "w:numStyleLink")
            if link:
                self._style_links[abstract_id] = link
        for num in numbering.findall(qn("w:num")):
            starts, formats = {}, {}
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl")), 0)
                if _val(override, "w:startOverride") is not None:
                    starts[ilvl] = _int(_val(override, "w:startOverride"), 1)
                formats.update({ilvl: lvl for lvl in _levels(override).values()})
            self._instances[num.get(qn("w:numId"), "")] = ListInstance(
                _val(num, "w:abstractNumId") or "", starts, formats)

    def level_for_style(self, num_id: str, style_id: str) -> int:
        """The level bound to paragraph style ``style_id`` in list ``num_id`` (0 when none is)."""
        for ilvl, fmt in self._levels_of(num_id).items():
            if fmt.style_id == style_id:
                return ilvl
        return 0

    def _levels_of(self, num_id: str) -> dict[int, LevelFormat]:
        instance = self._instances.get(num_id)
        if instance is None:
            return {}
        levels = self._abstracts.get(instance.abstract_id, {})
        linked_style = self._style_links.get(instance.abstract_id)
        if not levels and linked_style in self._style_num_ids:
            # A list-style link: the levels live in the abstract definition of the style's list.
            linked = self._instances.get(self._style_num_ids[linked_style])
            levels = self._abstracts.get(linked.abstract_id, {}) if linked else {}
        levels = {**levels, **instance.level_overrides}
        for ilvl, start in instance.start_overrides.items():
            if ilvl in levels:
                levels[ilvl] = replace(levels[ilvl], start=start)
        return levels

    def label(self, num_id: str, ilvl: int) -> str | None:
        """Advance list ``num_id`` at level ``ilvl`` and return the label Word shows, or None.

        None for ``numId`` 0 (numbering switched off), unknown lists or levels, and bullets.
        """
        levels = self._levels_of(num_id)
        fmt = levels.get(ilvl)
        if fmt is None or num_id == "0":
            return None
        counters = self._counters_for(num_id)
        counters[ilvl] = fmt.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, _LEVELS):
            deeper_fmt = levels.get(deeper)
            if deeper_fmt is None or deeper_fmt.restart is None or ilvl < deeper_fmt.restart:
                counters[deeper] = None
        if fmt.num_fmt in ("bullet", "none"):
            return None
        return self._render(fmt, levels, counters) or None

    def _counters_for(self, num_id: str) -> list[int | None]:
        instance = self._instances[num_id]
        key = f"num:{num_id}" if instance.start_overrides else f"abstract:{instance.abstract_id}"
        return self._counters.setdefault(key, [None] * _LEVELS)

    @staticmethod
    def _render(fmt: LevelFormat, levels: dict[int, LevelFormat], counters: list[int | None]) -> str:
        def substitute(match: re.Match[str]) -> str:
            ilvl = int(match.group(1)) - 1
            level = levels.get(ilvl, LevelFormat())
            value = counters[ilvl] if counters[ilvl] is not None else level.start
            return format_number(value, "decimal" if fmt.is_legal else level.num_fmt)

        return _PLACEHOLDER.sub(substitute, fmt.lvl_text)

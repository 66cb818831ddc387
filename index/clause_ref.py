"""Direct clause references in a question: 第四十一条, 第5条, 第5项, 二、（三）, 三、（一）2."""
from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.domain import Clause
from policyqa.errors import ClauseNotFound
from policyqa.numerals import CN_NUMERAL, cn_to_int

_NUMBERED = re.compile(rf"第\s*(\d{{1,4}}|{CN_NUMERAL})\s*(条|项|点)")
_LABEL = re.compile(rf"(?:{CN_NUMERAL}、)?(?:[（(]{CN_NUMERAL}[）)])?(?:\d{{1,3}}[.．])?")
_LABEL_CHARS = re.compile(r"[、.．\s]")


@dataclass(frozen=True)
class ClauseRef:
    """A reference to one clause: by number (article or item) or by printed label."""

    text: str
    number: int | None = None
    label: str | None = None


def find_refs(question: str) -> list[ClauseRef]:
    """Every clause reference in ``question``, in order."""
    refs = []
    for m in _NUMBERED.finditer(question):
        raw = m.group(1)
        refs.append(ClauseRef(m.group(0), number=int(raw) if raw.isdigit() else cn_to_int(raw)))
    for m in _LABEL.finditer(question):
        text = m.group(0)
        if ("、" in text or "（" in text or "(" in text) and len(text) >= 3 and any(c in text for c in "（("):
            refs.append(ClauseRef(text, label=_normal_label(text)))
    return refs


def _normal_label(label: str) -> str:
    """Brackets stay (十、（一） is not 十一、); separators and spaces go."""
    return _LABEL_CHARS.sub("", label.replace("(", "（").replace(")", "）"))


def resolve_ref(ref: ClauseRef, clauses: list[Clause], doc_name: str) -> Clause:
    """The clause of one document that ``ref`` names; raises ClauseNotFound with the valid range."""
    if ref.label is not None:
        for clause in clauses:
            if _normal_label(clause.label) == ref.label:
                return clause
        raise ClauseNotFound(f"{doc_name}没有“{ref.text}”这一条款")
    numbered = [c for c in clauses if c.kind in ("article", "item") and c.number is not None]
    for clause in numbered:
        if clause.number == ref.number:
            return clause
    if not numbered:
        raise ClauseNotFound(f"{doc_name}没有编号条款，无法定位“{ref.text}”")
    low, high = min(c.number for c in numbered), max(c.number for c in numbered)
    unit = "条" if numbered[0].kind == "article" else "项"
    raise ClauseNotFound(f"{doc_name}没有{ref.text}；它有第{low}–{high}{unit}")

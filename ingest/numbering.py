"""Recognising the numbering of Chinese official documents and laws at the start of a line.

Policy documents nest 一、 → （一） → 1. → （1）; laws nest 第X编 → 第X章 → 第X节 → 第X条.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from policyqa.numerals import CN_NUMERAL, cn_to_int

class Level(IntEnum):
    """Depth of a heading; laws and policy documents have their own ladders."""

    PART = 1       # 第X编
    CHAPTER = 2    # 第X章
    SECTION = 3    # 第X节
    ARTICLE = 4    # 第X条
    H1 = 11        # 一、
    H2 = 12        # （一）
    H3 = 13        # 1.
    H4 = 14        # （1）


@dataclass(frozen=True)
class Numbering:
    """A recognised number at the start of a line: its level, value, the label as printed
    (normalised to full-width brackets) and the rest of the line."""

    level: Level
    number: int
    label: str
    rest: str
    spaced: bool = True     # a space separates the number from the text (第一条 为了…)


_PATTERNS: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (Level.PART, re.compile(rf"^第({CN_NUMERAL})编(?:[\s\u3000]+|$)(.*)$")),
    (Level.CHAPTER, re.compile(rf"^第({CN_NUMERAL})章(?:[\s\u3000]+|$)(.*)$")),
    (Level.SECTION, re.compile(rf"^第({CN_NUMERAL})节(?:[\s\u3000]+|$)(.*)$")),
    (Level.ARTICLE, re.compile(rf"^第({CN_NUMERAL})条([\s\u3000]*)(.*)$")),
    (Level.H1, re.compile(rf"^({CN_NUMERAL})[、，．.]\s*(.*)$")),
    (Level.H2, re.compile(rf"^[（(]({CN_NUMERAL})[）)]\s*(.*)$")),
    (Level.H3, re.compile(r"^(\d{1,3})(?:[.．](?!\d)|、)\s*(.*)$")),
    (Level.H4, re.compile(r"^[（(](\d{1,3})[）)]\s*(.*)$")),
)
_LABEL_FORMAT = {
    Level.PART: "第{cn}编", Level.CHAPTER: "第{cn}章", Level.SECTION: "第{cn}节",
    Level.ARTICLE: "第{cn}条", Level.H1: "{cn}、", Level.H2: "（{cn}）",
    Level.H3: "{n}.", Level.H4: "（{n}）",
}


def parse_numbering(line: str) -> Numbering | None:
    """Recognise the numbering at the start of ``line``; None when the line has none."""
    for level, pattern in _PATTERNS:
        match = pattern.match(line)
        if not match:
            continue
        raw, rest = match.group(1), match.group(match.lastindex)
        spaced = level is not Level.ARTICLE or bool(match.group(2)) or not rest
        number = int(raw) if raw.isdigit() else cn_to_int(raw)
        if number <= 0:
            return None
        label = _LABEL_FORMAT[level].format(cn=raw, n=number)
        return Numbering(level=level, number=number, label=label, rest=rest.strip(), spaced=spaced)
    return None


_SCHEDULE = re.compile(r"^[（(][^（）()]{0,60}\d{4}\s*年[^（）()]{0,60}[）)][。.]?$")
_SCHEDULE_WORDS = ("部署", "推进", "完成", "启动", "实施", "安排", "前", "底", "持续")


def is_schedule_line(line: str) -> bool:
    """True for a bracketed time-table line such as （2024年8月部署安排，至2027年持续推进）."""
    return bool(_SCHEDULE.match(line)) and any(w in line for w in _SCHEDULE_WORDS)


def heading_title(rest: str, *, max_chars: int = 40) -> str:
    """The short title of a heading line: its text up to the first sentence or clause stop.

    ``实施学前教育普惠保障行动，推进优质普惠发展`` → ``实施学前教育普惠保障行动``.
    """
    title = re.split(r"[。，；：！？,;:!?]", rest, maxsplit=1)[0].strip()
    return title[:max_chars]

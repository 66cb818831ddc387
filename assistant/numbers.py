"""Figures in Chinese text: 九月十日, 二十二时, 600元, 30%, 2023年9月底 — as comparable values.

A question's figures are checked against a clause's (false premises: 教师节是10月10日吧？ vs
每年九月十日为教师节), and quantity questions need a sentence with a figure of the asked unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from policyqa.ingest.line_kinds import DOC_NUMBER
from policyqa.numerals import cn_to_int

_UNITS = ("%|％|万元|亿元|元|周岁|岁|年级|个月|年|月|日|号|时|点|分钟|小时|天|周|人|名|个|所|项|门|条|章|节|倍|"
          "学时|课时|分|平方米|公里|米|次|节课")
_ARABIC = re.compile(rf"(?<![〔\[\d.])(\d+(?:\.\d+)?)(?![〕\]\d.])\s*({_UNITS})?")
_CHINESE = re.compile(rf"(?<![哪第几零〇一二两三四五六七八九十百千万])([零〇一二两三四五六七八九十百千万]+)({_UNITS})(?!之)")
_PERCENT_CN = re.compile(r"百分之([零〇一二两三四五六七八九十百]+)")

_SAME_UNIT = {"％": "%", "点": "时", "号": "日", "周岁": "岁", "名": "人"}
FREQUENCY = "每"
"""The unit of a frequency (多久联系一次 → 每周, 每学期一次): read by :func:`find_frequencies`."""
_FREQUENCY = re.compile(r"每(?:[一二两三四五六七八九十半\d]+)?(?:个)?(?:天|日|周|星期|月|季度|学期|学年|年)|[一二两三四五六七八九十\d]+(?:天|日|周|个?月|年)一次")
_ASKED_UNITS = [
    (re.compile(r"多少分钟|几分钟"), {"分钟"}),
    (re.compile(r"几个?小时|多少小时|几个钟头"), {"小时"}),
    (re.compile(r"(多长时间|多久|隔几天).{0,16}一次|多少次|几次|频率|频次"), {FREQUENCY}),
    (re.compile(r"多长时间|多久|几天|多少天"), {"分钟", "小时", "天", "日", "周", "个月", "月", "年"}),
    (re.compile(r"(钱|元|经费|费用|费|工资|津贴|资金|补助|补贴|收费)\S{0,12}(多少|几)|(多少|几)\S{0,4}(钱|元|经费|资金)"), {"元", "万元", "亿元"}),
    (re.compile(r"几岁|几周岁|多大(年龄|的孩子|岁数)?|年龄"), {"岁"}),
    (re.compile(r"(多少|几)(名|个人|人)|人数"), {"人"}),
    (re.compile(r"几门|多少门"), {"门"}),
    (re.compile(r"几项|多少项"), {"项"}),
    (re.compile(r"几年|多少年"), {"年"}),
    (re.compile(r"多少分|几分"), {"分"}),
    (re.compile(r"率|占比|比例|百分之|百分比"), {"%"}),
]


def find_frequencies(text: str) -> list[str]:
    """How often ``text`` says something happens: 每周, 每学期, 每两年, 三个月一次 …"""
    return _FREQUENCY.findall(text)


def asked_units(question: str) -> frozenset[str] | None:
    """The units a figure must have to answer a quantity question (None: any figure)."""
    for pattern, units in _ASKED_UNITS:
        if pattern.search(question):
            return frozenset(units)
    return None


UNIT_CLASSES = {
    "money": {"元", "万元", "亿元"},
    "time": {"分钟", "小时", "天", "周", "个月", "学时", "课时", "节课"},
    "count": {"人", "个", "所", "项", "门", "条", "次", "倍"},
    "age": {"岁"},
    "percent": {"%"},
    "score": {"分"},
    "date": {"年", "月", "日", "时"},
}


@dataclass(frozen=True)
class NumberMention:
    """One figure: its value, its (normalised) unit or "" and the text it was read from."""

    value: float
    unit: str
    text: str

    @property
    def unit_class(self) -> str | None:
        """money, time, count, age, percent, score, date or None."""
        return next((name for name, units in UNIT_CLASSES.items() if self.unit in units), None)


def find_numbers(text: str) -> list[NumberMention]:
    """Every figure in ``text`` in order of appearance (文号 such as 教基〔2023〕4号 excluded)."""
    masked = DOC_NUMBER.sub(lambda m: "#" * len(m.group()), text)
    found: list[tuple[int, NumberMention]] = []
    for match in _ARABIC.finditer(masked):
        unit = _SAME_UNIT.get(match.group(2) or "", match.group(2) or "")
        found.append((match.start(), NumberMention(float(match.group(1)), unit, match.group())))
    for match in _CHINESE.finditer(masked):
        try:
            value = cn_to_int(match.group(1))
        except ValueError:
            continue
        unit = _SAME_UNIT.get(match.group(2), match.group(2))
        found.append((match.start(), NumberMention(float(value), unit, match.group())))
    for match in _PERCENT_CN.finditer(masked):
        try:
            found.append((match.start(), NumberMention(float(cn_to_int(match.group(1))), "%", match.group())))
        except ValueError:
            continue
    return [mention for _, mention in sorted(found, key=lambda pair: pair[0])]


def doc_numbers(text: str) -> list[str]:
    """The 文号 in ``text`` with spaces removed (教基〔2023〕4号); the issuer part may carry up to
    eight preceding characters (文号为教基〔2023〕4号), so compare by containment."""
    return [re.sub(r"\s+", "", m.group()) for m in DOC_NUMBER.finditer(text)]


def same_figures(claimed: NumberMention, stated: list[NumberMention]) -> bool:
    """Is ``claimed`` among ``stated`` (same value and unit; a bare number matches any unit)?"""
    return any(s.value == claimed.value and (not claimed.unit or not s.unit or s.unit == claimed.unit)
               for s in stated)

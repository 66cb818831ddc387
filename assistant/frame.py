"""What a question asks for, as far as composing an answer needs to know.

The reading is deliberately shallow and explainable: a handful of cue patterns decide the
question's kind (compliance, quantity, date, who, list, locate, confirm, compare, general) and
what a sentence must contain to answer it (a number with a unit, a date, an organisation …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from policyqa.assistant.numbers import NumberMention, asked_units, find_numbers
from policyqa.numerals import cn_to_int


class QuestionKind(str, Enum):
    """The shape of answer a question expects."""

    COMPLIANCE = "compliance"    # 能不能 / 是否允许 / 可以…吗
    QUANTITY = "quantity"        # 多少 / 几 / 多长时间
    DATE = "date"                # 什么时候 / 哪天 / 期限
    WHO = "who"                  # 谁 / 哪个部门 / 由谁负责
    LIST = "list"                # 哪些 / 哪几大
    LOCATE = "locate"            # 哪份文件 / 哪一条
    CONFIRM = "confirm"          # …吧？ / 对吗？ / 是真的吗？ (checks a claim)
    COMPARE = "compare"          # 区别 / 不同 / 分别
    GENERAL = "general"


_COMPLIANCE = re.compile(r"(能不能|能否|可不可以|可以不|是否(允许|可以|能|必须|需要|应当|要)|允许|准不准|"
                         r"行吗|行不行|可以吗|合规|违规|违法|算不算|要不要|该不该|应不应该|必须|得不得|"
                         r"[能可]\S{0,20}吗|不得|禁止)")
_CONFIRM = re.compile(r"(对吗|对吧|是吗|是不是|是真的吗|没错吧|吧[？?]?$|对不对|是\S{2,}的吗[？?]?$)")
_QUANTITY = re.compile(r"(多少|几[个名所项门次年岁天周月小分条章大种类]|多长|多久|多大|多高|百分之|占比)")
_DATE = re.compile(r"(什么时候|何时|哪天|哪一天|哪年|哪一年|几月|日期|时间要求|时间安排|期限|截止|之前|前完成|起施行|施行|生效|落款)")
_WHO = re.compile(r"(谁|哪个部门|哪些部门|哪几个部门|哪一级|哪级|什么部门|什么机构|哪个机构|由哪|责任主体|负责|牵头|发文单位|发文机关|印发的)")
"""Chinese ways to ask *who* (谁, 哪个/哪些/哪几个部门, 由哪, 牵头): question words of the language."""
_LIST = re.compile(r"(哪些|哪几|有什么|有啥|都是啥|都有啥|几大|包括什么|包含什么|列举|分别是什么)")
_LOCATE = re.compile(r"(哪份文件|哪个文件|哪部法|哪部法律|哪一条|哪条|第几条|出自|出处|在哪|哪里规定|哪项|什么文件)")
_COMPARE = re.compile(r"(区别|不同|差别|差异|异同|相比|比较|分别怎么|有何不同|对比)")
_DOC_NUMBER = re.compile(r"(文号|发文字号|几号文)")
_NOUNS = "行动|任务|原则|措施|方面|部分|目标|工程|举措"
NOUNS = tuple(_NOUNS.split("|"))  # what policy documents enumerate
_LIST_NOUN = re.compile(rf"(?:几大|哪些|哪几(?:大|项|个|条|类|种)?|多少(?:项|条|个)|几(?:项|条|个)|[一二三四五六七八九十\d]+大)(?:重点|重大|主要|基本)?({_NOUNS})"
                        rf"|({_NOUNS})(?:有|包括|是)(?:哪几|哪些|多少|几)")
_WHICH_ONES = re.compile(r"哪几")
"""哪 + 几 + a measure word asks *which* items (哪几条, 哪几项): a list, not a count — Chinese grammar."""
_COUNT = re.compile(rf"(?:几|多少)(大|项|个|条|类|种)(?:重点|重大|主要|基本)?(?:{_NOUNS})")
"""Asks how many items a document lists (几大行动, 多少项任务): answered with the count, then the list."""
_CLAIMED_COUNT = re.compile(r"([一二三四五六七八九十两\d]+)(?:大|项|个|条)(行动|任务|原则|措施|方面|部分|目标|工程)")
_QUESTION_WORDS = re.compile(r"(请问|请|一下|什么|怎么|怎样|如何|哪些|哪个|哪几|多少|是否|能不能|可不可以|可以吗|行吗|吗|呢|吧|啊|呀|对吗|是不是|有没有|规定|要求)")


@dataclass(frozen=True)
class QuestionFrame:
    """A shallow reading of one question.

    ``kinds`` holds every kind whose cues occur, most specific first; ``list_noun`` is what a
    list question enumerates (行动, 任务, 原则 …); ``claimed_count`` is a count the question asserts
    (六大行动 → 6); ``numbers`` are the figures and dates the question mentions.
    """

    text: str
    kinds: tuple[QuestionKind, ...]
    asks_doc_number: bool
    list_noun: str | None
    claimed_count: int | None
    numbers: tuple[NumberMention, ...]
    units: frozenset[str] | None = None
    count_measure: str | None = None     # 几大行动 → 大: the question asks how many, counted in this measure

    @property
    def primary(self) -> QuestionKind:
        """The kind that decides the answer's opening."""
        return self.kinds[0]

    def has(self, kind: QuestionKind) -> bool:
        """Does any cue of ``kind`` occur?"""
        return kind in self.kinds


def read_frame(question: str) -> QuestionFrame:
    """Read the kinds, the asked-for content and the asserted figures of ``question``."""
    cues = [
        (QuestionKind.COMPARE, _COMPARE), (QuestionKind.CONFIRM, _CONFIRM),
        (QuestionKind.LOCATE, _LOCATE), (QuestionKind.DATE, _DATE), (QuestionKind.QUANTITY, _QUANTITY),
        (QuestionKind.WHO, _WHO), (QuestionKind.LIST, _LIST), (QuestionKind.COMPLIANCE, _COMPLIANCE),
    ]
    kinds = [kind for kind, pattern in cues if pattern.search(question)]
    if QuestionKind.CONFIRM in kinds and kinds.index(QuestionKind.CONFIRM) > 0:
        kinds.remove(QuestionKind.CONFIRM)
        kinds.insert(0, QuestionKind.CONFIRM)
    if QuestionKind.COMPLIANCE in kinds and QuestionKind.CONFIRM in kinds and not find_numbers(question):
        kinds.remove(QuestionKind.CONFIRM)  # 学校可以…吧？ is a compliance question, not a figure check
    if (_LIST_NOUN.search(question) or _WHICH_ONES.search(question)) and QuestionKind.QUANTITY in kinds:
        kinds.remove(QuestionKind.QUANTITY)  # 哪几大…, 多少项…: a list and its count
        if QuestionKind.LIST not in kinds:
            kinds.insert(0, QuestionKind.LIST)
    kinds.append(QuestionKind.GENERAL)
    noun = _LIST_NOUN.search(question)
    claimed = _CLAIMED_COUNT.search(question)
    claimed_count = None
    if claimed:
        digits = claimed.group(1)
        claimed_count = int(digits) if digits.isdigit() else cn_to_int(digits)
    return QuestionFrame(
        text=question, kinds=tuple(dict.fromkeys(kinds)), asks_doc_number=bool(_DOC_NUMBER.search(question)),
        list_noun=(noun.group(1) or noun.group(2)) if noun else None, claimed_count=claimed_count,
        numbers=tuple(find_numbers(question)), units=asked_units(question),
        count_measure=count.group(1) if (count := _COUNT.search(question)) else None,
    )


_ASKS_CONTENT = re.compile(r"(什么|哪些|哪几|多少|几[项条个年]|具体)")


def asks_content(question: str) -> bool:
    """Does the question ask for content (什么目标, 哪些地区) rather than how to act on a claim?"""
    return bool(_ASKS_CONTENT.search(question))


def content_of(question: str) -> str:
    """The question without its question words (for term matching)."""
    return _QUESTION_WORDS.sub(" ", question)


def is_question_word(token: str) -> bool:
    """Is ``token`` wholly a question word (什么, 是否, 规定), no content of its own?"""
    return _QUESTION_WORDS.fullmatch(token) is not None

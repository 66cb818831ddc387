"""The words that name kinds of documents, once for every stage: ingest reads a document's kind
from the end of its title, users name a document by its place and kind (北京方案, 扩优提质意见), and a
follow-up swaps the place before the kind (那北京呢？). Taken from the genre: Chinese official
documents end their titles with the kind of document they are (…实施方案, …的意见, …的通知, …法, …条例)."""
from __future__ import annotations

from policyqa.domain import DocKind

KIND_WORDS: dict[DocKind, tuple[str, ...]] = {
    DocKind.LAW: ("法", "条例"),
    DocKind.OPINION: ("实施意见", "意见"),
    DocKind.PLAN: ("实施方案", "行动方案", "行动计划", "方案", "计划", "规划", "纲要"),
    DocKind.NOTICE: ("通知",),
}
"""Title endings of each kind of document, in the order ingest tries them (a law before the rest)."""
OTHER_TITLE_ENDINGS = ("办法", "规定", "决定", "细则", "规则", "指南", "标准", "公告", "通告", "批复", "函")
"""Endings of other official documents: a line ending so may be a title, whatever its kind."""
LEGAL_FORMS = ("法律", "行政法规", "地方性法规", "规章", "规范性文件")
"""The legal forms a text with articles may take (立法法), from the highest."""
REPOST_WORDS = ("转载", "新闻稿", "报道")
"""How people call a news page that reposts a document."""


def kind_alternation(*groups: tuple[str, ...]) -> str:
    """A regular-expression alternation of the words of ``groups``, longest first."""
    words = sorted({w for group in groups for w in group}, key=len, reverse=True)
    return "|".join(words)


ALL_KIND_WORDS = tuple(w for words in KIND_WORDS.values() for w in words)

POINTING_WORDS = ("这一条", "这个条款", "上述条款", "上面那条", "这个规定", "该规定", "这一规定", "这条", "该条",
                  "这项", "该项", "这款", "这些", "这个", "这样", "它们", "它", "此项", "上述", "上面说的")
"""Words by which a message points back at what the conversation just said (the clause cited,
or its topic): Chinese demonstratives and pronouns, longest first."""
TOPIC_CHANGE_WORDS = ("换个话题", "换个问题", "换个事", "另外", "对了", "顺便问", "再问个别的")
"""How a message says it leaves the topic of the conversation (另外想问…, 换个话题…)."""

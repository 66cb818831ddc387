"""The fixed phrases the assistant writes around quotes, in one place: the refusal openers and the
mark that numbers the parts of a several-question answer. The answer-support judge reads them as
framing, not as claims about the documents."""
from __future__ import annotations

import re

NOT_STATED = "所收录的文件没有明确规定这一点"
"""Opens a refusal: what was asked is not in the documents (the reason follows in brackets)."""
DECLINED = "无法照办"
"""Opens a refusal of a request the assistant never carries out (inventing or drafting a clause)."""
UNCONFIRMED = "未能确认所收录文件回答了这个问题"
"""Opens the answer to a question whose wording cannot be checked against the clauses (English)."""
RELATED = "相关条款"
"""Introduces the clauses listed after a refusal (names only: nothing quoted, nothing asserted)."""
UNDECIDED = "所收录的文件没有直接规定"
"""Opens the answer to a compliance question that related clauses touch but none decides (no
禁止/允许/要求 verdict is given; the related clauses are quoted after it)."""
UNDECIDED_LEAD = f"{UNDECIDED}，{RELATED}如下。"
SEE_ABOVE = "见上文"
"""Points back to a clause the answer has already quoted (an answer quotes each clause once)."""


def part_mark(n: int) -> str:
    """The mark before the answer to the ``n``-th question of a message: （1）."""
    return f"（{n}）"


FRAMING = re.compile(rf"^(?:（\d+）)?(?:(?:{NOT_STATED}|{DECLINED}|{UNCONFIRMED})（[^）]*）[。]?|{RELATED}：.*|{UNDECIDED_LEAD}|{SEE_ABOVE}.*)?")
"""What a sentence may open with that asserts nothing about the documents: a part mark, a refusal
with its reason, the list of related clauses after it, and a pointer back to a clause quoted above."""


def count_lead(count: str, measure: str, noun: str) -> str:
    """The opening of a list that counts its own items: 共六大行动 (before the quoted items)."""
    return f"共{count}{measure}{noun}"


COUNT_LEAD = re.compile(r"^(?:（\d+）)?共([〇一二三四五六七八九十百两\d]+)(?:大|项|个|条|类|种)[\u4e00-\u9fff]{1,6}(?:\[\d+\])?[：:]")
"""A count lead as :func:`count_lead` writes it, with the count as group 1."""

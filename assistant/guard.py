"""Requests the assistant declines whatever the documents say: revealing its instructions, and
writing text that would pass for a clause or a document (编造第26条, 伪造一份通知, 起草一份办法).

The assistant only quotes the library; these requests get a one-line refusal (plus the closest
clauses), so nothing it writes can be mistaken for policy text.
"""
from __future__ import annotations

import re

_PROMPT = re.compile(r"(系统提示|提示词|system\s*prompt|隐藏指令|你的指令|你的设定|开发者模式)", re.IGNORECASE)
_FABRICATE = re.compile(r"(编造|伪造|捏造|虚构|假装|杜撰|起草|草拟|拟一份|写一份|写一条|随便写|帮我写|代写|仿写|"
                        r"按(这个|以下|下面的?)格式|以“[^”]{0,20}”的格式|当作条款)")


def declined(question: str) -> str | None:
    """The reason ``question`` is declined, or None when it is an ordinary question."""
    if _PROMPT.search(question):
        return "我只依据所收录文件的原文作答，不提供内部设置"
    if _FABRICATE.search(question):
        return "我只引用所收录文件的原文，不编造、不起草任何条款或文件"
    return None

"""Resolving a follow-up question against the previous turn of a conversation.

Two shapes are handled: a switch of document or region (国家方案对某事怎么说？→ 那北京呢？
becomes 北京方案对某事怎么说？) and a reference to the clause just cited (这条的时间要求呢？
keeps that clause in focus). Anything else is asked as it stands.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.assistant.answer import Turn
from policyqa.domain import Clause
from policyqa.index.aliases import DocumentResolver
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.vocabulary import ALL_KIND_WORDS, kind_alternation

_ELLIPTIC = re.compile(r"^(那|那么|那在|那对于|那如果|还有|另外|再问|而)|呢[？?]?$")
_THIS_CLAUSE = re.compile(r"(这条|该条|这一条|这项|该项|这个条款|上述条款|上面那条|这款)")
_KIND_END = re.compile(rf"({kind_alternation(ALL_KIND_WORDS)})$")


@dataclass(frozen=True)
class ResolvedQuestion:
    """The question to retrieve with, and the clause a follow-up points back to (or None)."""

    text: str
    focus: Clause | None = None


class FollowUpResolver:
    """Rewrites elliptical follow-ups using the previous turn."""

    def __init__(self, resolver: DocumentResolver, tokenizer: ChineseTokenizer, places: frozenset[str]) -> None:
        self.resolver, self.tokenizer, self.places = resolver, tokenizer, places

    def resolve(self, question: str, history: Sequence[Turn]) -> ResolvedQuestion:
        """The self-contained form of ``question`` given ``history`` (oldest first)."""
        if not history:
            return ResolvedQuestion(question)
        previous = history[-1]
        prev_text = previous.answer.effective_question or previous.question
        if _THIS_CLAUSE.search(question) and previous.answer.citations:
            focus = previous.answer.citations[0].clause
            return ResolvedQuestion(_THIS_CLAUSE.sub(f"{focus.label}", question), focus)
        if not _ELLIPTIC.search(question) or len(question) > 30:
            return ResolvedQuestion(question)
        return ResolvedQuestion(self._switch_subject(question, prev_text))

    def _switch_subject(self, question: str, previous: str) -> str:
        new = self.resolver.find(question)
        old = self.resolver.find(previous)
        if new:
            name = question[new[0].start:new[0].end]
        else:
            region = next((w for w, _ in self.tokenizer.tagged(question) if w in self.places), None)
            if region is None:
                return f"{previous.rstrip('？?')}，{question}"
            suffix = _KIND_END.search(previous[old[0].start:old[0].end]) if old else None
            name = region + (suffix.group() if suffix else "")
        if not old:
            return f"{name}：{previous}"
        first = old[0]
        return previous[:first.start] + name + previous[first.end:]

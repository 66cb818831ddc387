"""The one place that decides whether the assistant answers, and why not.

The order is fixed and a reader can follow it:

1. **guard** — before any retrieval: requests to reveal the assistant's instructions, or to write
   text that would pass for a clause or a document (编造第26条, 伪造一份通知, 起草一份办法), are
   declined whatever the documents say (:meth:`RefusalPolicy.guard`);
2. **scope** — what a question part names that the library lacks: a place, a law, a 《》 title, a
   year (:class:`~policyqa.assistant.scope.ScopeChecker`), or a clause number the named document
   does not have;
3. **evidence** — whether the retrieved sentences answer the asked slot: a figure or date question
   needs a sentence with one, a 文号 question a 文号; and whether any of the best clauses answers
   the question at all: the relevance model's probability must reach the threshold chosen on dev
   questions (``answerable``, read from the model's card), or, without the model, enough of the
   question's content words must occur in them (:meth:`RefusalPolicy.evidence`).

The service composes what this module decides and changes none of it; the reason shown to the user
comes from here. ``support`` is a 0–1 confidence shown with the answer.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.assistant.evidence import EvidenceSentence
from policyqa.assistant.frame import QuestionKind
from policyqa.assistant.reading import Message, Reading
from policyqa.assistant.scope import ScopeChecker, ScopeGap
from policyqa.assistant.wording import DECLINED, NOT_STATED, UNCONFIRMED

_PROMPT = re.compile(r"(系统提示|提示词|system\s*prompt|隐藏指令|你的指令|你的设定|开发者模式)", re.IGNORECASE)
_FABRICATE = re.compile(r"(编造|伪造|捏造|虚构|假装|杜撰|(?<![谁责])起草|草拟|拟一份|写一份|写一条|随便写|帮我写|代写|仿写|"
                        r"按(这个|以下|下面的?)格式|以“[^”]{0,20}”的格式|当作条款)")
_FIGURE_KINDS = (QuestionKind.QUANTITY, QuestionKind.DATE)


@dataclass(frozen=True)
class Decision:
    """Answer or not, with the reason shown when refusing (``opener`` leads that sentence), a
    confidence, and the premises the question asserts that the documents never state."""

    answerable: bool
    support: float
    reason: str
    out_of_scope: bool = False       # the question names a place, document, law or year the library lacks
    opener: str = NOT_STATED
    premise_gaps: tuple[ScopeGap, ...] = ()
    notes: tuple[str, ...] = ()      # shown beside an answer (a clause number that does not exist)
    quote_related: bool = False      # the related clauses are quoted (their best sentence), not only named

    @property
    def refusal(self) -> str:
        """The sentence that tells the user why there is no answer."""
        return f"{self.opener}（{self.reason}）。"


@dataclass(frozen=True)
class RefusalPolicy:
    """The thresholds of the evidence step. ``answerable`` is the relevance model's threshold (from
    its card; None without the model). Without the model, the word-coverage floor
    ``min_support`` applies instead, chosen on the first gold set's questions (docs/assistant.md,
    refusal trade-off); ``min_figure_coverage`` is what a figure sentence must cover."""

    answerable: float | None = None
    min_support: float = 0.05
    min_figure_coverage: float = 0.15
    top_clauses: int = 3
    support_clauses: int = 5

    # -- 1. guard --------------------------------------------------------------------------------
    @staticmethod
    def declines(text: str) -> bool:
        """Is ``text`` a request declined whatever the documents say (so nothing is embedded or
        retrieved for it)?"""
        return _declined_because(text) is not None

    @staticmethod
    def guard(message: Message, missing_refs: Sequence[str] = ()) -> Decision | None:
        """A refusal for a request the assistant declines whatever the documents say, or None;
        ``missing_refs`` (clause numbers the named documents lack, from the catalog alone) are
        said too, so a request to quote an invented article also learns that it does not exist."""
        reason = _declined_because(message.asked)
        if reason is None:
            return None
        return Decision(False, 0.0, "；".join([reason, *missing_refs]), opener=DECLINED)

    # -- 2. scope --------------------------------------------------------------------------------
    @staticmethod
    def scope(reading: Reading, checker: ScopeChecker, missing_refs: Sequence[str], *, looked_up: bool,
              before: Decision | None = None) -> Decision | None:
        """A refusal when ``reading`` asks about what the library lacks, or None. A clause number
        the named documents lack (``missing_refs``) refuses only when no clause it names was found
        (``looked_up``); otherwise the answer quotes the one that exists and notes the other. A
        part that names nothing of its own (no document, place or law), or compares with fewer
        than two documents of its own, rests on the part ``before`` it and shares that part's scope
        refusal (the very same decision, so the service reports it once)."""
        gaps = checker.gaps(reading)
        if gaps:
            return Decision(False, 0.0, "；".join(g.reason for g in gaps), out_of_scope=True)
        if missing_refs and not looked_up and reading.focus is None:
            return Decision(False, 0.0, missing_refs[0], out_of_scope=True)
        names_nothing = not (reading.query.mentions or reading.places or reading.laws)
        one_sided = reading.frame.has(QuestionKind.COMPARE) and len(reading.docs) < 2
        if before is not None and before.out_of_scope and (names_nothing or one_sided):
            return before   # the part rests on what the part before it asked about
        return None

    # -- 3. evidence -----------------------------------------------------------------------------
    def evidence(self, reading: Reading, evidence: Sequence[EvidenceSentence], *, looked_up: bool,
                 presupposed: Sequence[ScopeGap] = (), missing_refs: Sequence[str] = ()) -> Decision:
        """Does ``evidence`` (best first) answer ``reading``? ``looked_up`` is true when a named
        clause was found directly; ``presupposed`` holds years the question asserts that the
        documents never state (answered with a correction and what the documents do say), and
        ``missing_refs`` clause numbers that do not exist beside one that does (noted)."""
        frame = reading.frame
        premises, notes = tuple(presupposed), tuple(missing_refs)
        if not evidence:
            return Decision(False, 0.0, "没有找到相关条款")
        if looked_up:
            return Decision(True, 1.0, "直接引用所问条款", premise_gaps=premises, notes=notes)
        top = [e for e in evidence if e.rank < self.top_clauses]
        if not top:
            return Decision(False, 0.0, "没有找到相关条款")
        near = [e for e in evidence if e.rank < self.support_clauses]
        if reading.english:   # its words cannot occur in the Chinese text, and cross-language
            # similarity alone does not tell an answer from a neighbour: show the closest clauses
            best = max(e.similarity for e in near)
            return Decision(False, best, "英文提问无法与中文条款逐词核对，以下是按语义最接近的条款", opener=UNCONFIRMED,
                            quote_related=True)
        relevance = [e.hit.relevance for e in near if e.hit.relevance is not None]
        judged = self.answerable is not None and bool(relevance)
        support = max(relevance) if judged else max(_coverage(e) for e in near)
        routed = any(set(e.hit.found_by) & {"header", "outline"} for e in top)
        if frame.asks_doc_number and not any(e.fits for e in top):
            return Decision(False, min(support, 0.1), "文件没有载明文号")
        if frame.primary in _FIGURE_KINDS and not frame.has(QuestionKind.CONFIRM) and not premises:
            fitting = [e for e in near if e.fits and (set(e.hit.found_by) & {"header", "outline", "lookup"}
                                                      or self._about_question(e, judged))]
            if not fitting:
                what = "具体日期或期限" if frame.primary is QuestionKind.DATE else "具体数值"
                return Decision(False, min(support, 0.1), f"相关条款没有规定{what}")
            if not judged:
                support = max(support, max(_coverage(e) for e in fitting))
        compares = len(reading.docs) >= 2 and frame.has(QuestionKind.COMPARE)
        if judged and support < self.answerable and not routed and not compares:
            return Decision(False, support, "找到的条款都没有回答这个问题")
        if not judged and support < self.min_support and not routed and not compares:
            return Decision(False, support, "找到的条款与问题关系不大")
        return Decision(True, support, "", premise_gaps=premises, notes=notes)

    def _about_question(self, e: EvidenceSentence, judged: bool) -> bool:
        """Is the clause of ``e`` about the question: likely enough to answer it (the relevance
        model) or, without the model, sharing enough of its words?"""
        if judged:
            return e.hit.relevance is not None and e.hit.relevance >= self.answerable
        return e.coverage >= self.min_figure_coverage or e.clause_coverage >= 0.5


def _declined_because(text: str) -> str | None:
    """Why ``text`` is declined whatever the documents say, or None for an ordinary question."""
    if _PROMPT.search(text):
        return "我只依据所收录文件的原文作答，不提供内部设置"
    if _FABRICATE.search(text):
        return "我只引用所收录文件的原文，不编造、不起草任何条款或文件"
    return None


def _coverage(e: EvidenceSentence) -> float:
    return 0.6 * e.coverage + 0.4 * e.clause_coverage

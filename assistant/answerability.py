"""Does the evidence answer the question, or must the assistant say the documents do not?

The decision is explainable: a scope gap (a region, document or year the library does not hold),
a missing figure (a quantity or date question whose best sentences state none of the asked kind),
or too little of the question's content in the best clauses. ``support`` is a 0–1 confidence used
for the refusal trade-off curve.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.assistant.evidence import EvidenceSentence
from policyqa.assistant.frame import QuestionFrame, QuestionKind
from policyqa.assistant.scope import ScopeGap

_FIGURE_KINDS = (QuestionKind.QUANTITY, QuestionKind.DATE)


@dataclass(frozen=True)
class Answerability:
    """The decision with its reason (shown to the user when refusing) and a confidence."""

    answerable: bool
    support: float
    reason: str
    out_of_scope: bool = False   # the question names a region, document, law or year the library lacks


@dataclass(frozen=True)
class AnswerabilityJudge:
    """Thresholds chosen on the gold set's answerable and unanswerable questions (see
    docs/assistant.md, refusal trade-off); ``min_support`` is the coverage floor."""

    min_support: float = 0.05
    min_figure_coverage: float = 0.15
    top_clauses: int = 3
    support_clauses: int = 5

    def judge(self, frame: QuestionFrame, evidence: Sequence[EvidenceSentence], gaps: Sequence[ScopeGap],
              *, looked_up: bool, compares: bool = False, presupposes: bool = False) -> Answerability:
        """Decide for one question; ``looked_up`` is true when a named clause was found directly,
        ``compares`` when two named documents are set side by side (always answered per document),
        ``presupposes`` when the question asserts a figure the documents never state (answered
        with a correction and what the documents do say)."""
        if gaps:
            return Answerability(False, 0.0, "；".join(g.reason for g in gaps), out_of_scope=True)
        if looked_up:
            return Answerability(True, 1.0, "直接引用所问条款")
        top = [e for e in evidence if e.rank < self.top_clauses]
        if not top:
            return Answerability(False, 0.0, "没有找到相关条款")
        support = max(0.6 * e.coverage + 0.4 * e.clause_coverage
                      for e in evidence if e.rank < self.support_clauses)
        routed = any(set(e.hit.found_by) & {"header", "outline"} for e in top)
        if frame.asks_doc_number and not any(e.fits for e in top):
            return Answerability(False, min(support, 0.1), "文件没有载明文号")
        if frame.primary in _FIGURE_KINDS and not frame.has(QuestionKind.CONFIRM) and not presupposes:
            fitting = [e for e in evidence if e.rank < self.support_clauses and e.fits and (
                e.coverage >= self.min_figure_coverage or e.clause_coverage >= 0.5
                or set(e.hit.found_by) & {"header", "outline", "lookup"})]
            if not fitting:
                what = "具体日期或期限" if frame.primary is QuestionKind.DATE else "具体数值"
                return Answerability(False, min(support, 0.1), f"相关条款没有规定{what}")
            support = max(support, max(0.6 * e.coverage + 0.4 * e.clause_coverage for e in fitting))
        if support < self.min_support and not routed and not compares:
            return Answerability(False, support, "找到的条款与问题关系不大")
        return Answerability(True, support, "")

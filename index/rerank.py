"""Reranking: the fused candidates reordered by the relevance model (:mod:`policyqa.index.relevance`).

Each candidate clause is scored by its best window (``relevance_text.clause_windows``); the
probability is kept on the hit (``Hit.relevance``) for the answerability and verdict decisions.
Hits found by a route that names them (a clause number looked up, the document header or outline,
a follow-up) are not candidates: they stay first, unscored.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from policyqa.domain import Hit
from policyqa.index.relevance import OnnxRelevanceModel, RelevanceModel
from policyqa.index.relevance_text import clause_windows, in_clause

PINNED_ROUTES = frozenset({"lookup", "header", "outline", "followup"})
RERANK_POOL = 20
"""The most fused candidates the model reads."""
PAIR_BUDGET = 16
"""The most (question, window) pairs scored per question: candidates are taken in fused order, each
with its windows, until the budget is spent (at least the first candidate). About 12 ms a pair on
2 cores. Chosen on the dev questions (corpus-wild dev + gold_s11_dev, 142 with an answer): MRR of
the answering clause 0.541 / 0.536 / 0.542 / 0.540 / 0.536 / 0.538 with budgets 8 / 12 / 16 / 20 /
24 / 60 (hit@5 0.634 / 0.648 / 0.662 / 0.641 / 0.641 / 0.648): reading more costs time and
gains nothing."""


LISTS = 1.0
"""The ranking score (:meth:`Reranker.ranking_scores`: probability + fusion weight × relative fused
score, at most 1.5) a document's best clause needs for a question across documents (哪些地方…) to
list it. Chosen on the 6 cross-document questions of ``evals/data/gold_wild_library_dev.jsonl``
(F1 of the listed documents against the grep-checked ones): 0.53 / 0.59 / 0.55 / 0.60 / 0.63 /
0.50 / 0.48 at 0.6 / 0.7 / 0.8 / 0.9 / 1.0 / 1.1 / 1.2; the probability alone at its decision
point 0.5 gave 0.54 (the model also finds "answers" in off-topic clauses the fused ranking puts
last)."""


def pinned(hit: Hit) -> bool:
    """Was ``hit`` found by a route that names it rather than by ranking?"""
    return bool(PINNED_ROUTES & set(hit.found_by))


class Reranker:
    """Reorders candidates by the relevance model's probability, best first."""

    def __init__(self, model: RelevanceModel | OnnxRelevanceModel, pool: int = RERANK_POOL, budget: int = PAIR_BUDGET) -> None:
        self.model, self.pool, self.budget = model, pool, budget

    @property
    def answerable(self) -> float:
        """The probability below which no candidate answers (from the artifact's card)."""
        return self.model.card.answerable

    @property
    def decides(self) -> float:
        """The probability a sentence needs to decide a verdict (from the artifact's card)."""
        return self.model.card.decides

    def rerank(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        """``hits`` with the first ranked candidates (at most ``pool``, and as many as
        ``budget`` windows allow) reordered by relevance (each scored by its best window) plus the
        card's ``fusion_weight`` × their fused score relative to the best; pinned hits first, the
        rest after in fused order, unscored."""
        fixed = [h for h in hits if pinned(h)]
        ranked = [h for h in hits if not pinned(h)]
        windows: list[list[str]] = []
        spent = 0
        for hit in ranked[: self.pool]:
            texts = clause_windows(hit.clause)
            if windows and spent + len(texts) > self.budget:
                break
            windows.append(texts)
            spent += len(texts)
        pool, rest = ranked[: len(windows)], ranked[len(windows):]
        scored = self._with_relevance(question, pool, windows)
        order = self.ranking_scores(scored)
        scored = [h for _, h in sorted(zip(order, scored), key=lambda pair: -pair[0])]
        return fixed + scored + list(rest)

    def ranking_scores(self, scored: Sequence[Hit]) -> list[float]:
        """What candidates are ordered by: relevance + the card's ``fusion_weight`` × the fused
        score relative to the best of ``scored``."""
        top = max((h.score for h in scored), default=1.0) or 1.0
        weight = self.model.card.fusion_weight
        return [h.relevance + weight * h.score / top for h in scored]

    def score(self, question: str, hits: Sequence[Hit]) -> list[Hit]:
        """Each of ``hits`` with its relevance (its best window's probability), in the given order,
        every window read (no budget: for scanning documents one clause each)."""
        return self._with_relevance(question, hits, [clause_windows(h.clause) for h in hits])

    def _with_relevance(self, question: str, hits: Sequence[Hit], windows: Sequence[list[str]]) -> list[Hit]:
        """``hits`` with their relevance: the best probability among each one's ``windows``, all
        scored in one batch."""
        probs = self.model.probabilities(question, [w for ws in windows for w in ws])
        scored, at = [], 0
        for hit, ws in zip(hits, windows):
            scored.append(replace(hit, relevance=float(probs[at:at + len(ws)].max())))
            at += len(ws)
        return scored

    def sentence_relevance(self, question: str, sentences: Sequence[tuple[Hit, str]]) -> list[float]:
        """The probability that each (hit, sentence of its clause) answers ``question``, in one batch."""
        texts = [in_clause(hit.clause, sentence) for hit, sentence in sentences]
        return [float(p) for p in self.model.probabilities(question, texts)]

"""Choosing the relevance model's thresholds on dev questions, and writing them into its card.

    policyqa relevance calibrate --index DIR [--index DIR …] [--artifact DIR]

``fusion_weight`` (how much of the fused score is added to the probability when ordering) is the
value of ``FUSION_WEIGHTS`` with the best MRR of the clause each dev question was written about.
``answerable`` is the probability below which the assistant refuses: the largest value that keeps
false refusals of the dev questions that have an answer at or under ``MAX_FALSE_REFUSAL`` (each
question's score is the best probability among its first five reranked candidates, as the
assistant sees it). Dev questions: the *dev* split of ``evals/data/relevance/wild_questions.jsonl`` (over an index
holding corpus-wild) and ``evals/data/gold_s11_dev.jsonl`` (over the bundled documents): sets that
may choose thresholds, never the test splits. ``decides`` (the probability a rule sentence needs to
give a verdict) is the smallest value of ``DECIDES_GRID`` at which the assistant gives no verdict
on at least ``MIN_WITHHELD`` of the undecided questions of ``verdict_dev.jsonl`` (compliance
questions no clause decides, written for this as a dev set; the held-out
``compliance.jsonl`` is never read here).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_FALSE_REFUSAL = 0.05
FUSION_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
DECIDES_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
MIN_WITHHELD = 0.90
VERDICT_DEV = "verdict_dev.jsonl"
"""The verdict dev set, in ``evals/data/relevance/``."""
WILD_QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "data" / "relevance" / "wild_questions.jsonl"
S11_DEV = Path(__file__).resolve().parent.parent / "evals" / "data" / "gold_s11_dev.jsonl"


@dataclass(frozen=True)
class DevQuestion:
    question: str
    answerable: bool
    set_name: str
    evidence: tuple[tuple[str, str], ...] = ()   # (document, start of the quote) of the answering clause


def _key(quote: str) -> str:
    return re.sub(r"\s+", "", quote)[:12]


def dev_questions(docs: set[str]) -> list[DevQuestion]:
    """The dev questions about documents in ``docs`` (an index's file names)."""
    out = []
    for line in WILD_QUESTIONS.read_text("utf-8").splitlines():
        row = json.loads(line)
        doc = row["doc"].split("/", 1)[-1]
        if row["split"] == "dev" and doc in docs:
            answers = row["label"] == "answers"
            out.append(DevQuestion(row["question"], answers, "wild-dev", ((doc, _key(row["quote"])),) if answers else ()))
    for line in S11_DEV.read_text("utf-8").splitlines():
        row = json.loads(line)
        cited = {e["doc"] for e in row.get("evidence", [])}
        if cited <= docs:
            out.append(DevQuestion(row["question"], bool(row["answerable"]), "s11-dev",
                                   tuple((e["doc"], _key(e["quote"])) for e in row.get("evidence", []))))
    return out


@dataclass(frozen=True)
class Scored:
    """A dev question's reranked candidates: fused score, probability, whether it is the answer."""

    question: DevQuestion
    fused: tuple[float, ...]
    relevance: tuple[float, ...]
    gold: tuple[bool, ...]

    def order(self, weight: float) -> list[int]:
        top = max(self.fused, default=1.0) or 1.0
        return sorted(range(len(self.fused)), key=lambda i: -(self.relevance[i] + weight * self.fused[i] / top))

    def best(self, weight: float, k: int = 5) -> float:
        return max((self.relevance[i] for i in self.order(weight)[:k]), default=0.0)

    def reciprocal_rank(self, weight: float) -> float:
        ranks = [n for n, i in enumerate(self.order(weight)) if self.gold[i]]
        return 1.0 / (ranks[0] + 1) if ranks else 0.0


def score_dev(retrievers: Iterable) -> list[Scored]:
    """Each dev question of each retriever's library with its scored candidates (reranker with
    fusion weight 0, so that every weight can be tried on the same scores)."""
    scored = []
    for retriever in retrievers:
        docs = {d.doc for d in retriever.catalog.documents}
        for q in dev_questions(docs):
            hits = [h for h in retriever.retrieve(q.question, k=retriever.reranker.pool) if h.relevance is not None]
            gold = tuple(any(h.clause.doc == d and k in re.sub(r"\s+", "", h.clause.text) for d, k in q.evidence) for h in hits)
            scored.append(Scored(q, tuple(h.score for h in hits), tuple(h.relevance for h in hits), gold))
    return scored


def choose_fusion_weight(scored: Sequence[Scored]) -> tuple[float, dict]:
    """The weight with the best dev MRR (ties: the smaller), and the MRR of each weight tried."""
    with_answer = [s for s in scored if s.question.evidence]
    mrr = {w: float(np.mean([s.reciprocal_rank(w) for s in with_answer])) if with_answer else 0.0 for w in FUSION_WEIGHTS}
    best = max(FUSION_WEIGHTS, key=lambda w: (round(mrr[w], 6), -w))
    return best, {f"dev_mrr_w{w}": round(v, 3) for w, v in mrr.items()}


def choose_answerable(scored: Sequence[Scored], weight: float) -> tuple[float, dict]:
    """The threshold and the dev figures it gives (false refusal, refusal of the unanswerable)."""
    answerable = np.array([s.best(weight) for s in scored if s.question.answerable])
    unanswerable = np.array([s.best(weight) for s in scored if not s.question.answerable])
    threshold = float(np.quantile(answerable, MAX_FALSE_REFUSAL, method="lower")) if len(answerable) else 0.5
    figures = {"dev_answerable": int(len(answerable)), "dev_unanswerable": int(len(unanswerable)),
               "dev_false_refusal": round(float((answerable < threshold).mean()), 3) if len(answerable) else None,
               "dev_refusal": round(float((unanswerable < threshold).mean()), 3) if len(unanswerable) else None}
    return threshold, figures


def choose_decides(withheld: Mapping[float, float]) -> float:
    """The smallest threshold of ``DECIDES_GRID`` whose share of verdicts withheld on the
    undecided dev questions (``withheld``, measured for each value) reaches ``MIN_WITHHELD``."""
    return next((v for v in DECIDES_GRID if withheld[v] >= MIN_WITHHELD), DECIDES_GRID[-1])

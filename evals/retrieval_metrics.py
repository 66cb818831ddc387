"""Retrieval metrics over gold evidence: recall@k, reciprocal rank, context size."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.evals.evidence import contains_quote
from policyqa.evals.gold import Evidence


@dataclass(frozen=True)
class Passage:
    """One retrieved unit (a clause or a chunk) as the metrics see it: the files it stands for
    (a clause and its reposted copies) and its text."""

    docs: frozenset[str]
    text: str


def found(evidence: Evidence, passage: Passage) -> bool:
    """The evidence quote lies inside the passage, from the same file (or a reposted copy)."""
    return evidence.doc in passage.docs and contains_quote(passage.text, evidence.quote)


def evidence_recall_at_k(evidence: Sequence[Evidence], ranked: Sequence[Passage], k: int) -> float:
    """Share of evidence quotes found in the top ``k`` passages (1.0 when there is no evidence)."""
    if not evidence:
        return 1.0
    top = ranked[:k]
    return sum(any(found(e, p) for p in top) for e in evidence) / len(evidence)


def reciprocal_rank(evidence: Sequence[Evidence], ranked: Sequence[Passage]) -> float:
    """1/rank of the first passage holding any evidence quote; 0 when none does."""
    for rank, passage in enumerate(ranked, 1):
        if any(found(e, passage) for e in evidence):
            return 1.0 / rank
    return 0.0


def context_chars(ranked: Sequence[Passage], k: int) -> int:
    """Characters handed to a generator by the top ``k`` passages."""
    return sum(len(p.text) for p in ranked[:k])

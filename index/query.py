"""One reading of a question as retrieval needs it, made once and passed down.

:meth:`policyqa.index.retriever.HybridRetriever.read` builds a :class:`Query`: the documents the
question names (resolved once), what it asks of them (:class:`QueryIntent`), its BM25 terms
(tokenised once, plus the legal terms of its colloquial words) and its query vector (embedded
once). Retrieval, the evidence scores and the refusal decision all read this object; none of them
tokenises, resolves or embeds the question again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from policyqa.index.aliases import DocumentMention
from policyqa.index.intent import QueryIntent


@dataclass(frozen=True, eq=False)
class Query:
    """A question part read for retrieval.

    ``mentions`` are the documents named in ``text`` (with their spans); ``intent.docs`` may also
    hold documents inherited from an earlier part of the same message. ``tokens`` are the text's
    own BM25 terms, ``expansions`` the legal terms its colloquial words stand for (打 → 体罚),
    ``terms`` both as BM25 searches them. ``vector`` is None when the retriever runs without its
    dense ranking.
    """

    text: str
    mentions: tuple[DocumentMention, ...]
    intent: QueryIntent
    tokens: tuple[str, ...]
    expansions: tuple[str, ...]
    terms: tuple[str, ...]
    vector: np.ndarray | None = None

    @property
    def docs(self) -> tuple[str, ...]:
        """The documents the question is about (named, or inherited from an earlier part)."""
        return self.intent.docs

"""Side-by-side comparison of two documents: which clause of one answers to which clause of the other.

A local plan implements a national one item by item in its own words, so the clauses are aligned
by what they say, not by their numbers. Two signals are averaged:

* **dense** — the index's stored clause vectors, *centred* on the mean vector of the two documents
  before the cosine. e5 puts every policy clause in a narrow cone (raw cosines 0.94–0.98 between
  any two clauses of the Beijing and national plans), so a raw cosine cannot tell a counterpart
  from a stranger; removing the shared direction spreads them to −0.1…0.6.
* **lexical** — cosine of character-bigram TF-IDF vectors over the two documents' clauses; it
  catches counterparts that share telling terms (实验区、实验校; 教研制度) but that e5 ranks low.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from policyqa.domain import Clause, DocumentMeta, Filters
from policyqa.errors import PolicyQAError
from policyqa.index.passages import passage_text
from policyqa.index.retriever import HybridRetriever

_NOT_COMPARED = ("header", "outline")   # the 文件信息 and 提纲 pseudo-clauses
_HAN = re.compile(r"[^\u4e00-\u9fff]")


@dataclass(frozen=True)
class AlignedClause:
    """A clause of document A next to its counterpart in document B, with their similarity."""

    a: Clause
    b: Clause
    similarity: float


@dataclass(frozen=True)
class Comparison:
    """Two documents aligned clause by clause.

    ``pairs`` are in document A's reading order (then B's); a clause may appear in several pairs
    when it answers to several clauses of the other document. ``only_in_a`` / ``only_in_b`` are the
    clauses with no counterpart at all. With a ``topic`` everything is limited to the clauses of
    either document that the retriever ranks for it.
    """

    doc_a: DocumentMeta
    doc_b: DocumentMeta
    topic: str | None
    pairs: tuple[AlignedClause, ...]
    only_in_a: tuple[Clause, ...]
    only_in_b: tuple[Clause, ...]


class DocumentComparer:
    """Aligns the clauses of two documents of a loaded index (see the module docstring).

    ``threshold`` is the averaged dense+lexical score a counterpart must reach: on the Beijing and
    national curriculum plans, items that implement each other score 0.11–0.56 and items on topics
    the other plan lacks (大思政课、美育、劳动教育) at most 0.05. ``topic_k`` is how many clauses
    per document a topic selects.
    """

    def __init__(self, retriever: HybridRetriever, *, threshold: float = 0.11, topic_k: int = 6) -> None:
        """Keep the retriever; raises ValueError on a threshold outside (-1, 1) or topic_k < 1."""
        if not -1.0 < threshold < 1.0:
            raise ValueError(f"threshold must lie in (-1, 1), got {threshold}")
        if topic_k < 1:
            raise ValueError(f"topic_k must be ≥ 1, got {topic_k}")
        self.retriever = retriever
        self.threshold = threshold
        self.topic_k = topic_k

    def compare(self, doc_a: str, doc_b: str, topic: str | None = None) -> Comparison:
        """Align ``doc_a`` with ``doc_b`` (file names or aliases such as 北京方案), optionally on
        one ``topic``. Raises UnknownDocument for a name that matches nothing, PolicyQAError when
        both name the same document."""
        resolve = self.retriever.resolver.resolve
        name_a, name_b = resolve(doc_a), resolve(doc_b)
        if name_a == name_b:
            raise PolicyQAError(f"两次选择了同一份文件 {name_a}：请选择两份不同的文件")
        clauses_a, clauses_b = self._comparable(name_a), self._comparable(name_b)
        scores = self.similarity(clauses_a, clauses_b)
        pairs = self._pairs(clauses_a, clauses_b, scores)
        only_a = [c for i, c in enumerate(clauses_a) if scores[i].max(initial=-1.0) < self.threshold]
        only_b = [c for j, c in enumerate(clauses_b) if scores[:, j].max(initial=-1.0) < self.threshold]
        topic = (topic or "").strip() or None
        if topic:
            chosen = self._on_topic(topic, name_a) | self._on_topic(topic, name_b)
            pairs = [p for p in pairs if p.a.id in chosen or p.b.id in chosen]
            only_a = [c for c in only_a if c.id in chosen]
            only_b = [c for c in only_b if c.id in chosen]
        meta = self.retriever.catalog.meta
        return Comparison(meta(name_a), meta(name_b), topic, tuple(pairs), tuple(only_a), tuple(only_b))

    def similarity(self, clauses_a: Sequence[Clause], clauses_b: Sequence[Clause]) -> np.ndarray:
        """The (len(a), len(b)) matrix of averaged centred-dense and lexical cosines."""
        if not clauses_a or not clauses_b:
            return np.zeros((len(clauses_a), len(clauses_b)), dtype=np.float32)
        vectors = _centred(self._vectors([*clauses_a, *clauses_b]))
        lexical = _bigram_tfidf([c.text for c in (*clauses_a, *clauses_b)])
        n = len(clauses_a)
        dense = vectors[:n] @ vectors[n:].T
        return (dense + lexical[:n] @ lexical[n:].T) / 2

    def _comparable(self, doc: str) -> list[Clause]:
        return [c for c in self.retriever.catalog.clauses_of(doc) if c.kind not in _NOT_COMPARED]

    def _vectors(self, clauses: Sequence[Clause]) -> np.ndarray:
        """Stored vectors, embedding any clause the store lacks (an index built with --no-embed)."""
        stored = self.retriever.store.vectors_for(c.id for c in clauses)
        missing = [c for c in clauses if c.id not in stored]
        if missing:
            fresh = self.retriever.embedder.embed_passages([passage_text(c) for c in missing])
            stored.update({c.id: v for c, v in zip(missing, fresh)})
        return np.stack([stored[c.id] for c in clauses]).astype(np.float32)

    def _pairs(self, clauses_a: list[Clause], clauses_b: list[Clause], scores: np.ndarray) -> list[AlignedClause]:
        """Each clause's best counterpart in the other document, when it reaches the threshold."""
        found: set[tuple[int, int]] = set()
        for i in range(len(clauses_a)):
            found.add((i, int(np.argmax(scores[i]))))
        for j in range(len(clauses_b)):
            found.add((int(np.argmax(scores[:, j])), j))
        kept = sorted((i, j) for i, j in found if scores[i, j] >= self.threshold)
        return [AlignedClause(clauses_a[i], clauses_b[j], round(float(scores[i, j]), 4)) for i, j in kept]

    def _on_topic(self, topic: str, doc: str) -> set[str]:
        hits = self.retriever.retrieve(topic, k=self.topic_k, filters=Filters(docs=(doc,)))
        return {h.clause.id for h in hits}


def _centred(vectors: np.ndarray) -> np.ndarray:
    """Rows minus their mean, re-normalised (a zero row stays zero)."""
    shifted = vectors - vectors.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(shifted, axis=1, keepdims=True)
    return shifted / np.where(norms > 0, norms, 1.0)


def _bigram_tfidf(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised TF-IDF rows over the Chinese character bigrams of ``texts``
    (tf = 1 + log count, idf = log(N / df))."""
    grams = [Counter(h[i:i + 2] for i in range(len(h) - 1)) for h in (_HAN.sub("", t) for t in texts)]
    df = Counter(g for counts in grams for g in counts)
    vocab = {g: col for col, g in enumerate(df)}
    rows = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    for row, counts in enumerate(grams):
        for gram, count in counts.items():
            rows[row, vocab[gram]] = (1 + math.log(count)) * math.log(len(texts) / df[gram])
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)

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
    on_topic_a: tuple[Clause, ...] = ()     # with a topic: A's clauses about it, best first
    on_topic_b: tuple[Clause, ...] = ()

    @property
    def silent(self) -> tuple[DocumentMeta, ...]:
        """With a topic, the documents with no clause about it (none without a topic)."""
        if self.topic is None:
            return ()
        return tuple(d for d, on in ((self.doc_a, self.on_topic_a), (self.doc_b, self.on_topic_b)) if not on)

    @property
    def finding(self) -> str:
        """The one-line finding that heads the comparison: with a topic, which document says
        something on it and which says nothing; without one, how many clauses correspond."""
        name_a, name_b = (f"《{d.title or d.doc}》" for d in (self.doc_a, self.doc_b))
        if self.topic is None:
            return (f"{name_a}与{name_b}有 {len(self.pairs)} 组对应条款；仅{name_a}有 {len(self.only_in_a)} 条，"
                    f"仅{name_b}有 {len(self.only_in_b)} 条。")
        topic = f"“{self.topic}”"
        said = lambda name, on: f"{name}有 {len(on)} 条相关条款（{'、'.join(c.label for c in on[:3])}{'等' if len(on) > 3 else ''}）"  # noqa: E731
        if self.on_topic_a and self.on_topic_b:
            return f"两份文件都谈到{topic}：{said(name_a, self.on_topic_a)}，{said(name_b, self.on_topic_b)}。"
        if not self.on_topic_a and not self.on_topic_b:
            return f"两份文件都没有关于{topic}的条款。"
        if self.on_topic_a:
            return f"只有{name_a}谈到{topic}：{said(name_a, self.on_topic_a)}；{name_b}没有关于{topic}的条款。"
        return f"只有{name_b}谈到{topic}：{said(name_b, self.on_topic_b)}；{name_a}没有关于{topic}的条款。"


class DocumentComparer:
    """Aligns the clauses of two documents of a loaded index (see the module docstring).

    ``threshold`` is the averaged dense+lexical score a counterpart must reach: on the Beijing and
    national curriculum plans, items that implement each other score 0.11–0.56 and items on topics
    the other plan lacks (大思政课、美育、劳动教育) at most 0.05. ``topic_k`` is how many clauses
    per document a topic selects; of those, only the clauses above the relevance floor are about
    the topic (``floor=False``: all of them, as before the floor, for comparison in benchmarks).
    """

    def __init__(self, retriever: HybridRetriever, *, threshold: float = 0.11, topic_k: int = 6,
                 floor: bool = True) -> None:
        """Keep the retriever; raises ValueError on a threshold outside (-1, 1) or topic_k < 1."""
        if not -1.0 < threshold < 1.0:
            raise ValueError(f"threshold must lie in (-1, 1), got {threshold}")
        if topic_k < 1:
            raise ValueError(f"topic_k must be ≥ 1, got {topic_k}")
        self.retriever = retriever
        self.threshold = threshold
        self.topic_k = topic_k
        self.floor = floor        # False: every clause the retriever ranks for a topic is on it (the old behaviour)

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
        meta = self.retriever.catalog.meta
        if not topic:
            return Comparison(meta(name_a), meta(name_b), None, tuple(pairs), tuple(only_a), tuple(only_b))
        on_a, on_b = self.on_topic(topic, name_a), self.on_topic(topic, name_b)
        ids_a, ids_b = {c.id for c in on_a}, {c.id for c in on_b}
        # pairs about the topic on both sides; a clause about it whose counterpart is not is A's or B's own
        pairs = [p for p in pairs if p.a.id in ids_a and p.b.id in ids_b]
        paired_a, paired_b = {p.a.id for p in pairs}, {p.b.id for p in pairs}
        only_a = [c for c in on_a if c.id not in paired_a]
        only_b = [c for c in on_b if c.id not in paired_b]
        return Comparison(meta(name_a), meta(name_b), topic, tuple(pairs), tuple(only_a), tuple(only_b),
                          tuple(on_a), tuple(on_b))

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

    def on_topic(self, topic: str, doc: str) -> list[Clause]:
        """The clauses of ``doc`` about ``topic``, best first — the relevance floor: every clause
        that holds each word of the topic (劳动教育 → 劳动, 教育; any of the document's clauses),
        and, of the ``topic_k`` the retriever ranks for it, those holding some word of it that
        the relevance model judges to answer the topic asked as a question (:func:`topic_question`)
        at its own answerability threshold (a paraphrase: 委托照护 ↔ 委托他人代为照护). A clause
        about nothing of the topic is never shown, however the ranking placed it. ``floor=False``
        gives the ranked clauses as they are."""
        hits = [h for h in self.retriever.retrieve(topic, k=self.topic_k, filters=Filters(docs=(doc,)))
                if h.clause.kind not in _NOT_COMPARED]
        if not self.floor:
            return [h.clause for h in hits]
        words = [w for w, _ in self.retriever.tokenizer.tagged(topic) if len(w) >= 2] or [topic]
        ranked = {h.clause.id: n for n, h in enumerate(hits)}
        mentions = [c for c in self._comparable(doc) if all(w in c.text for w in words)]
        chosen = sorted(mentions, key=lambda c: (ranked.get(c.id, len(ranked)), c.ordinal))
        reranker = self.retriever.reranker
        whole = {c.id for c in mentions}
        partial = [h for h in hits if h.clause.id not in whole and any(w in h.clause.text for w in words)]
        if reranker is not None and partial:
            chosen += [h.clause for h in reranker.score(topic_question(topic), partial)
                       if (h.relevance or 0.0) >= reranker.answerable]
        return chosen


def topic_question(topic: str) -> str:
    """A compare topic (劳动教育) asked as the relevance model reads questions: 关于劳动教育有什么规定？"""
    return f"关于{topic}有什么规定？"


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

"""Hybrid, question-aware clause retrieval.

Routes, in order of precedence:
1. **lookup** — a clause named outright (某法第N条, 北京方案第5条, 二、（三）);
2. **header / outline** — metadata questions (文号, 发文单位, 落款日期) get the document header and
   the paragraph that issues it (现将《…》印发给你们; for a document that does not name its issuer,
   that of a repost of it), questions on when it takes effect (何时施行)
   also the clause that says so (本法自…起施行), structure questions (几大行动, 分几章) the outline;
3. **fused** — dense (FAISS, a clause ranked by its best sentence), BM25 (the question plus the
   legal terms of its colloquial words, :mod:`policyqa.index.synonyms`) and section (clauses under
   a heading the question names) rankings merged by weighted reciprocal rank; comparison questions
   retrieve per named document and interleave the results.
Filters apply before ranking; a reposted clause gives way to its official twin. A question is read
once (:meth:`HybridRetriever.read` → :class:`~policyqa.index.query.Query`) and every ranking uses
that reading.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

import numpy as np

from policyqa.domain import Clause, Filters, Hit
from policyqa.errors import ClauseNotFound
from policyqa.index.aliases import DocumentResolver
from policyqa.index.bm25 import BM25Index
from policyqa.index.catalog import Catalog
from policyqa.index.clause_ref import resolve_ref
from policyqa.index.embedder import Embedder
from policyqa.index.intent import NO_INTENT, QueryIntent, read_intent
from policyqa.index.passages import clause_id_of
from policyqa.index.query import Query
from policyqa.index.rerank import LISTS, Reranker
from policyqa.index.synonyms import SynonymTable
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.index.vector_store import FaissStore

_ISSUING = re.compile(r"现将.{0,60}印发|印发《|发布《")
_IN_EFFECT = re.compile(r"自.{2,30}(起施行|起实施|起执行|施行|生效)")
_HEADING_NUMBER = re.compile(r"^(第[一二三四五六七八九十百零]+[章节编]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")


ACROSS_CANDIDATES = 30
"""How many documents' best clauses the relevance model reads for a question across documents
(about 1 s on 2 cores at up to three windows each)."""


@runtime_checkable
class DocumentSearch(Protocol):
    """A store that ranks server-side within a set of documents (Milvus): dense and BM25
    rankings filtered by an expression instead of a row mask, and optionally its own fusion."""

    def dense_search(self, vector: np.ndarray, k: int, docs: Iterable[str]) -> list[tuple[str, float]]: ...

    def lexical_search(self, query: Query, k: int, docs: Iterable[str]) -> list[tuple[str, float]]: ...

    def fused_search(self, query: Query, k: int, docs: Iterable[str], *, ranker: str,
                     rrf_k: int, weights: tuple[float, float]) -> list[tuple[str, float]]: ...


def _one_per_document_first(hits: list[Hit], k: int) -> list[Hit]:
    """``hits`` reordered so that the best hit of each document comes first (up to ``k - 2``
    documents, in rank order), then the rest in rank order: 哪些文件提到… wants several documents."""
    firsts: dict[str, Hit] = {}
    for hit in hits:
        if len(firsts) < max(k - 2, 1):
            firsts.setdefault(hit.clause.doc, hit)
    return list(firsts.values()) + [h for h in hits if h not in firsts.values()]


def _heading_name(heading: str) -> str:
    """A heading without its number and spaces: 第一章 总 则 → 总则, （三）某某提升行动 → 某某提升行动."""
    return "".join(_HEADING_NUMBER.sub("", heading.strip()).split())


@dataclass(frozen=True)
class FusionSettings:
    """How the dense and BM25 rankings are merged.

    Chosen by a sweep on the gold set (evals/retrieval_bench.py, 160 answerable questions): with
    equal weights and the textbook rrf_k=60, BM25's many near-misses push paraphrased matches out
    of the top 5 (recall@5 0.80); dense 1.5 : BM25 1 with a sharper rrf_k=10 gives 0.88 (dense
    2 : 1 gave 0.85; neighbouring settings vary by ±0.03, so treat the choice as approximate).
    Re-checked on the *tune* half after sentence windows and synonym expansion were added
    (recall@5 tune/held-out): rrf_k 10, dense 1.5 → 0.94/0.92; dense 2 → 0.94/0.90; dense 1.25
    → 0.93/0.91; dense 1 → 0.92/0.92; rrf_k 5 → 0.94/0.91; rrf_k 15 → 0.92/0.92; pool 30 or 100
    → no change. The settings stay. ``section_weight`` adds a third ranking, the clauses under a
    heading the question names (某某部分): 1.0 and 1.5 → 0.945/0.917, 0.5 or 0 → 0.939/0.917.
    """

    rrf_k: int = 10
    dense_weight: float = 1.5
    bm25_weight: float = 1.0
    section_weight: float = 1.0
    pool: int = 50

    def __post_init__(self) -> None:
        if self.rrf_k < 1 or self.pool < 1 or min(self.dense_weight, self.bm25_weight, self.section_weight) < 0:
            raise ValueError("FusionSettings: rrf_k, pool ≥ 1 and weights ≥ 0 required")


class HybridRetriever:
    """Retrieves clauses for a question; build with the loaded parts or :func:`load_retriever`."""

    def __init__(self, catalog: Catalog, store: FaissStore | DocumentSearch, bm25: BM25Index, embedder: Embedder,
                 tokenizer: ChineseTokenizer, *, k: int = 5, fusion: FusionSettings | None = None,
                 routes: bool = True, dense: bool = True, lexical: bool = True,
                 synonyms: SynonymTable | None = None, reranker: Reranker | None = None,
                 engine_fusion: str | None = None) -> None:
        """Hold the loaded parts; ``synonyms`` defaults to the bundled table (pass ``SynonymTable()``
        for none); ``reranker`` (the relevance model) reorders the fused candidates. A ``store``
        that is a :class:`DocumentSearch` (Milvus) ranks dense and BM25 server-side; with
        ``engine_fusion`` (``rrf`` or ``weighted``) it also fuses them, and our fusion only adds
        the section ranking. Raises ValueError when ``k`` < 1 or ``engine_fusion`` is set for a
        store that cannot fuse."""
        if k < 1:
            raise ValueError(f"k must be ≥ 1, got {k}")
        self.server = store if isinstance(store, DocumentSearch) else None
        if engine_fusion not in (None, "rrf", "weighted") or (engine_fusion and self.server is None):
            raise ValueError(f"engine_fusion must be rrf or weighted, on a Milvus store; got {engine_fusion}")
        self.engine_fusion = engine_fusion
        self.catalog, self.store, self.bm25 = catalog, store, bm25
        self.embedder, self.tokenizer = embedder, tokenizer
        self.k, self.fusion = k, fusion or FusionSettings()
        self.routes, self.dense, self.lexical = routes, dense, lexical
        self.reranker = reranker
        self.synonyms = SynonymTable.load() if synonyms is None else synonyms
        self.resolver = DocumentResolver(catalog.documents)
        self._row_docs: np.ndarray | None = None   # each FAISS row's document, read on first use
        # heading names, read once: each clause's path, and per document the names (≥ 4 characters,
        # unnumbered) of the headings above its clauses, which a question may name
        self._masks: dict[frozenset[str], np.ndarray] = {}
        self._path_names = {c.id: tuple(map(_heading_name, c.path)) for c in catalog.clauses}
        self._headings: dict[str, set[str]] = {}
        for c in catalog.clauses:
            above = self._path_names[c.id][:-1] if c.path and c.path[-1] == c.label else self._path_names[c.id]
            self._headings.setdefault(c.doc, set()).update(n for n in above if len(n) >= 4)

    def read(self, text: str, *, inherited_docs: Sequence[str] = (), embed: bool = True) -> Query:
        """Read ``text`` once for retrieval: resolve the documents it names, tokenise it, expand
        its colloquial words and (unless ``embed`` is false: nothing will be retrieved) embed it.
        A part that names no document is about ``inherited_docs`` (those of the part of the
        message before it)."""
        mentions = tuple(self.resolver.find(text)) if self.routes else ()
        intent = read_intent(text, mentions, inherited_docs) if self.routes else NO_INTENT
        tokens = tuple(self.tokenizer.tokens(text))
        expansions = tuple(self.synonyms.expand(text, tokens))
        terms = tokens + (tuple(self.tokenizer.tokens(" ".join(expansions))) if expansions else ())
        vector = self.embedder.embed_queries([text])[0] if self.dense and embed else None
        return Query(text, mentions, intent, tokens, expansions, terms, vector)

    def embedded(self, query: Query) -> Query:
        """``query`` with its vector (embedded now, once), unless the dense ranking is off."""
        if not self.dense or query.vector is not None:
            return query
        return replace(query, vector=self.embedder.embed_queries([query.text])[0])

    def retrieve(self, query: Query | str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        """The ``k`` best clauses for ``query`` (read once here when given as text) under
        ``filters``, best first."""
        query = self.read(query) if isinstance(query, str) else query
        k = k or self.k
        filters = filters or Filters()
        allowed_docs = {d.doc for d in self.catalog.documents if filters.admits(d)}
        intent = query.intent
        named = [d for d in intent.docs if d in allowed_docs]
        hits: dict[str, Hit] = {}
        for hit in self._routed(intent, named):
            hits.setdefault(hit.clause.id, hit)
        # unnamed (and not picked by the user's filter), a question is about the texts in force:
        # not an older version, not a copy
        in_force = {d for d in allowed_docs if self.catalog.in_force(d)}
        scope = set(named) if named else (allowed_docs if filters.docs or not in_force else in_force)
        if intent.compares and len(named) >= 2:
            per_group = [self._fused(query, {d}, k) for d in named]
            fused = [h for group in zip(*per_group) for h in group] + [h for g in per_group for h in g]
        elif intent.across_documents and not named:
            fused = self._across(query, scope, k)
        elif intent.across_documents:
            fused = _one_per_document_first(self._reranked(query, self._fused(query, scope, self._pool(3 * k) + len(hits))), k)
        else:
            fused = self._reranked(query, self._fused(query, scope, self._pool(k) + len(hits)))
        for hit in fused:
            hits.setdefault(hit.clause.id, hit)
        return list(hits.values())[:k]

    def _across(self, query: Query, scope: set[str], k: int) -> list[Hit]:
        """For 哪些地方/哪些文件…: every document in ``scope`` is scanned for its best clause (the
        fused ranking over all their clauses, first clause of each document), the best
        :data:`ACROSS_CANDIDATES` documents' clauses are scored by the relevance model, and those
        that state the asked thing (ranking score ≥ :data:`~policyqa.index.rerank.LISTS`) are kept,
        best first, up to ``k``. Without the model: documents whose best clause scores at
        least half the best one's fused score. When no document passes, the three best candidates
        (for the answerability decision to judge)."""
        every = sum(1 for c in self.catalog.clauses if c.doc in scope)
        ranked = self._fused(query, scope, every, pool=every)
        firsts: dict[str, Hit] = {}
        for hit in ranked:
            firsts.setdefault(hit.clause.doc, hit)
        firsts = list(firsts.values())[:ACROSS_CANDIDATES]
        if self.reranker is not None:
            scored = self.reranker.score(query.text, firsts)
            ranked = sorted(zip(self.reranker.ranking_scores(scored), scored), key=lambda pair: -pair[0])
            kept = [h for score, h in ranked if score >= LISTS]
            return (kept or [h for _, h in ranked[:3]])[:k]
        top = firsts[0].score if firsts else 0.0
        return [h for h in firsts if h.score >= 0.5 * top][:k]

    def _pool(self, k: int) -> int:
        """How many fused candidates to take: the reranker's pool when there is one."""
        return max(k, self.reranker.pool) if self.reranker is not None else k

    def _reranked(self, query: Query, hits: list[Hit]) -> list[Hit]:
        return self.reranker.rerank(query.text, hits) if self.reranker is not None else hits

    def missing_references(self, query: Query | str) -> list[str]:
        """One message per clause reference in ``query`` that names no existing clause of the
        documents it names (北京方案没有第30条；它有第1–21项)."""
        intent = (self.read(query) if isinstance(query, str) else query).intent
        problems = []
        for ref in intent.refs:
            errors = []
            for doc in intent.docs:
                try:
                    resolve_ref(ref, self.catalog.clauses_of(doc), self._short_name(doc))
                except ClauseNotFound as err:
                    errors.append(str(err))
            if intent.docs and len(errors) == len(intent.docs):
                problems.extend(errors)
        return problems

    def _short_name(self, doc: str) -> str:
        meta = self.catalog.meta(doc)
        return f"《{meta.title}》" if meta.title else doc

    def _routed(self, intent: QueryIntent, named: list[str]) -> Iterable[Hit]:
        for ref in intent.refs:
            for doc in named:
                try:
                    yield self._hit(resolve_ref(ref, self.catalog.clauses_of(doc), doc), 1.0, "lookup")
                except ClauseNotFound:
                    continue
        for doc in named:
            by_kind = {c.kind: c for c in self.catalog.clauses_of(doc) if c.kind in ("header", "outline")}
            if intent.asks_effect:
                yield from (self._hit(c, 1.0, "header") for c in self.catalog.clauses_of(doc)
                            if c.kind not in ("header", "outline") and _IN_EFFECT.search(c.text))
            if intent.asks_metadata and "header" in by_kind:
                yield self._hit(by_kind["header"], 1.0, "header")
            if intent.asks_metadata:
                yield from (self._hit(c, 1.0, "header") for c in self._issuing_paragraphs(doc))
            if intent.asks_structure and "outline" in by_kind:
                yield self._hit(by_kind["outline"], 1.0, "outline")

    def _issuing_paragraphs(self, doc: str) -> Iterable[Clause]:
        """The first preamble paragraph saying who issued ``doc`` (现将《…》印发给你们); when its
        metadata lacks the issuer or date, also that of each repost of it. A plan is often
        published as an attachment without its covering notice, and the news repost that ingest
        links to it (``repost_of``) is then the library's only record of who issued it."""
        meta = self.catalog.meta(doc)
        sources = [doc]
        if not meta.issuers or not meta.date:
            sources += [d.doc for d in self.catalog.documents if d.repost_of == doc]
        for source in sources:
            yield from [c for c in self.catalog.clauses_of(source)
                        if c.kind == "preamble" and _ISSUING.search(c.text)][:1]

    def _fused(self, query: Query, docs: set[str], k: int, *, pool: int | None = None) -> list[Hit]:
        """Weighted reciprocal-rank fusion of the dense, BM25 and section rankings within ``docs``,
        each ranking ``pool`` deep (the fusion settings' pool unless given)."""
        ids = [c.id for c in self.catalog.clauses if c.doc in docs]
        f = self.fusion if pool is None else replace(self.fusion, pool=pool)
        scores: dict[str, float] = {}
        routes: dict[str, list[str]] = {}
        rankings = []
        if self.engine_fusion and self.dense and self.lexical:
            fused = self.server.fused_search(query, f.pool, docs, ranker=self.engine_fusion,
                                             rrf_k=f.rrf_k, weights=(f.dense_weight, f.bm25_weight))
            rankings.append(("dense+bm25", f.dense_weight + f.bm25_weight, fused))
        else:
            if self.dense:
                rankings.append(("dense", f.dense_weight, self._dense(query, docs, f.pool)))
            if self.lexical:
                rankings.append(("bm25", f.bm25_weight, self._lexical(query, ids, docs, f.pool)))
        if f.section_weight > 0:
            rankings.append(("section", f.section_weight, self._section(query.text, docs)))
        for name, weight, ranking in rankings:
            counted: set[str] = set()  # a clause and its repost count once per ranking, at the better rank
            for rank, (cid, _score) in enumerate(ranking):
                canonical = self._canonical_id(cid, docs)
                if canonical in counted:
                    continue
                counted.add(canonical)
                scores[canonical] = scores.get(canonical, 0.0) + weight / (f.rrf_k + rank + 1)
                routes.setdefault(canonical, []).append(name)
        order = sorted(scores, key=lambda cid: -scores[cid])[:k]
        return [self._hit(self.catalog.clause(cid), scores[cid], *dict.fromkeys(routes[cid])) for cid in order]

    def _dense(self, query: Query, docs: set[str], pool: int) -> list[tuple[str, float]]:
        """Clauses by their best-matching vector (the clause's own or one of its sentence windows):
        a question usually matches one sentence of a clause, not its average."""
        if self.server is not None:
            rows = self.server.dense_search(query.vector, 3 * pool, docs)
        else:
            rows = self.store.search(query.vector, 3 * pool, self._row_mask(docs))
        best: dict[str, float] = {}
        for row, score in rows:
            best.setdefault(clause_id_of(row), score)
        return list(best.items())[:pool]

    def _lexical(self, query: Query, ids: list[str], docs: set[str], pool: int) -> list[tuple[str, float]]:
        """BM25 over the question's terms: our index over ``ids``, or the store's within ``docs``."""
        if self.server is not None:
            return self.server.lexical_search(query, pool, docs)
        return self.bm25.search(list(query.terms), pool, self.bm25.mask(ids))

    def _section(self, query: str, docs: set[str]) -> list[tuple[str, float]]:
        """The clauses, in reading order, under a heading of ``docs`` that ``query`` names
        (某某部分, “某某行动”包括什么, 网络保护): the heading's own words, without
        its number, of at least four characters."""
        named = {h for doc in docs for h in self._headings.get(doc, ()) if h in query}
        if not named:
            return []
        return [(c.id, 1.0) for c in self.catalog.clauses
                if c.doc in docs and c.kind not in ("header", "outline")
                and any(name in named for name in self._path_names[c.id])]

    def _row_mask(self, docs: set[str]) -> np.ndarray:
        key = frozenset(docs)
        if self._row_docs is None:
            self._row_docs = np.array([self.catalog.clause(clause_id_of(r)).doc for r in self.store.ids], dtype=object)
        if key not in self._masks:   # most questions share a scope (all texts in force, or one document)
            if len(self._masks) >= 64:
                self._masks.clear()
            self._masks[key] = np.isin(self._row_docs, sorted(docs))
        return self._masks[key]

    def _canonical_id(self, clause_id: str, docs: set[str]) -> str:
        clause = self.catalog.clause(clause_id)
        twin = self.catalog.canonical(clause)
        return twin.id if twin.doc in docs or not docs else clause.id

    def _hit(self, clause: Clause, score: float, *found_by: str) -> Hit:
        alternates = tuple(c.id for c in self.catalog.alternates(clause))
        return Hit(clause=clause, score=float(score), found_by=tuple(found_by), alternates=alternates)


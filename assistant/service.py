"""The assistant's Python API: ``Assistant.load(config).ask(question)`` → :class:`Answer`.

One pass per message: read it once (:mod:`policyqa.assistant.reading`: normalise, resolve a
follow-up, split into parts, read each part) → the guard → per part: scope, retrieval, evidence
sentences, the evidence decision (all decisions in :mod:`policyqa.assistant.refusal`) → compose
each part's answer or its refusal (grounded, or an LLM whose every sentence is verified) →
:class:`Answer` with numbered citations and the ranked sources.
"""
from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from policyqa.assistant.answer import Answer, Citation, GeneratorMode, Source, Turn, Verdict
from policyqa.assistant.composer import Draft, GroundedComposer, Ruling, verdict_of
from policyqa.assistant.dense import DenseScorer
from policyqa.assistant.evidence import EvidenceSelector, EvidenceSentence, TermWeights
from policyqa.assistant.frame import QuestionKind
from policyqa.assistant.question import QuestionNormaliser
from policyqa.assistant.reading import Message, QuestionReader, Reading
from policyqa.assistant.refusal import Decision, RefusalPolicy
from policyqa.assistant.scope import ScopeChecker
from policyqa.assistant.wording import RELATED, part_mark
from policyqa.config import Config
from policyqa.domain import Filters, Hit
from policyqa.index.embedder import Embedder
from policyqa.index.retriever import HybridRetriever

SOURCES_SHOWN = 8
ACROSS_SHOWN = 20
"""The most documents a question across documents (哪些地方…) lists, one line each."""
RULING_CLAUSES = 3
RULING_SENTENCES = 6
"""A verdict is looked for among the rule sentences of the best three clauses, at most six of them."""
RELATED_SHOWN = 3
ENGLISH_NOTE = "The library's documents are in Chinese; the closest clauses are cited below in Chinese. "


@dataclass(frozen=True)
class StreamEvent:
    """A step of a streamed answer: the text so far, and the finished Answer on the last event."""

    text: str
    answer: Answer | None = None


@dataclass(frozen=True)
class PartResult:
    """One question part after retrieval and the decision: what the composer needs."""

    reading: Reading
    decision: Decision
    hits: tuple[Hit, ...]
    evidence: tuple[EvidenceSentence, ...] = ()
    looked_up: bool = False
    ruling: Ruling | None = None
    across: bool = False          # 哪些地方/哪些文件…: answered one line per document


class Assistant:
    """Answers questions from the indexed library with cited clauses; load once, ask many times."""

    def __init__(self, retriever: HybridRetriever, *, config: Config | None = None, generator=None,
                 policy: RefusalPolicy | None = None) -> None:
        self.config = config
        self.generator = generator        # an optional LLM generator (policyqa.assistant.llm)
        self.policy = policy or RefusalPolicy()
        self.normaliser = QuestionNormaliser().load()
        self._install(retriever)

    def _install(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever
        self.catalog = retriever.catalog
        self.reader = QuestionReader(retriever, self.normaliser, declines=self.policy.declines)
        self.selector = EvidenceSelector(TermWeights(retriever.bm25), dense=DenseScorer(retriever.store))
        self.composer = GroundedComposer(self.catalog)
        self.scope = ScopeChecker(self.catalog, retriever.tokenizer.is_word)
        self.reranker = retriever.reranker
        if self.reranker is not None:   # the refusal threshold is the relevance model's own
            self.policy = replace(self.policy, answerable=self.reranker.answerable)

    @classmethod
    def load(cls, config: Config, *, embedder: Embedder | None = None, generator=None) -> "Assistant":
        """Load the index in ``config.index_dir`` (and the embedder) once; raises IndexMissing,
        IndexMismatch or ModelUnavailable with a one-line fix. ``generator`` defaults to the LLM
        configured in the environment (see :func:`policyqa.assistant.llm.generator_from_config`),
        or none: grounded answers."""
        from policyqa.assistant.llm import generator_from_config
        from policyqa.index.service import load_embedder, load_retriever
        retriever = load_retriever(config, embedder=embedder or load_embedder(config))
        return cls(retriever, config=config, generator=generator or generator_from_config(config))

    def reload(self) -> None:
        """Re-read the index from disk after it changed (keeps the loaded embedder and relevance model)."""
        from policyqa.index.service import load_retriever
        if self.config is None:
            raise RuntimeError("reload() needs an Assistant created by Assistant.load(config)")
        self._install(load_retriever(self.config, embedder=self.retriever.embedder, reranker=self.retriever.reranker))

    # -- the library, for the CLI and the page ------------------------------------------------------
    def resolve_document(self, name: str) -> str:
        """The file name of the document a user calls ``name``; raises UnknownDocument (one line)."""
        return self.retriever.resolver.resolve(name)

    @property
    def embedder(self) -> Embedder:
        """The loaded embedding model (ingesting with it avoids loading a second copy)."""
        return self.retriever.embedder

    def compare(self, doc_a: str, doc_b: str, topic: str | None = None):
        """The two documents side by side, clause by clause (optionally on ``topic``); raises
        PolicyQAError (one line) for an unknown document."""
        from policyqa.assistant.compare import DocumentComparer
        return DocumentComparer(self.retriever).compare(doc_a, doc_b, topic)

    def document_names(self) -> list[str]:
        """One short, readable name per document of the library."""
        return self.retriever.resolver.short_names()

    # -- asking ----------------------------------------------------------------------------------
    def ask(self, question: str, *, filters: Filters | None = None, history: Sequence[Turn] = ()) -> Answer:
        """Answer one message; raises InvalidQuestion for an empty, symbol-only or over-long one.

        A message asking several things (two ？, or a numbered list) is answered part by part,
        each part with its own answer or refusal."""
        timings: dict[str, float] = {"read_ms": 0.0, "retrieve_ms": 0.0, "evidence_ms": 0.0, "compose_ms": 0.0}
        start = time.perf_counter()
        message = self.reader.read(question, history)   # normalise, tag, resolve, tokenise, embed
        timings["read_ms"] = (time.perf_counter() - start) * 1000
        missing = [self.retriever.missing_references(r.query) for r in message.parts]   # catalog only
        declined = self.policy.guard(message, [m for part in missing for m in part])
        if declined is not None:
            results = [PartResult(message.parts[0], declined, ())]
        else:
            results, before = [], None
            for reading, missing_refs in zip(message.parts, missing):
                result = self._retrieve_and_decide(reading, missing_refs, filters, before, timings)
                if result.decision is not before:   # a part sharing its predecessor's refusal adds nothing
                    results.append(result)
                before = result.decision
        start = time.perf_counter()
        draft, mode, notices = self._compose(message, results)
        timings["compose_ms"] += (time.perf_counter() - start) * 1000
        return self._answer(message, results, draft, mode, notices, timings)

    def _retrieve_and_decide(self, reading: Reading, missing: Sequence[str], filters: Filters | None,
                             before: Decision | None, timings: dict[str, float]) -> PartResult:
        """Retrieve for one part and decide (scope, then evidence) whether it is answered;
        ``missing`` are the clause numbers it names that its documents lack."""
        start = time.perf_counter()
        across = reading.query.intent.across_documents and not reading.docs
        k = ACROSS_SHOWN if across else SOURCES_SHOWN
        hits = self._with_outlines(reading, self.retriever.retrieve(reading.query, k=k, filters=filters))
        if reading.focus is not None:
            hits = [Hit(reading.focus, 1.0, ("followup",))] + [h for h in hits if h.clause.id != reading.focus.id]
        timings["retrieve_ms"] += (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        try:
            return self._decide(reading, hits, missing, before, across)
        finally:
            timings["evidence_ms"] += (time.perf_counter() - start) * 1000

    def _decide(self, reading: Reading, hits: list[Hit], missing: Sequence[str], before: Decision | None,
                across: bool) -> PartResult:
        """Scope, then the evidence sentences and the decision (and a compliance ruling) for one part."""
        pinned = [h for h in hits if {"lookup", "followup"} & set(h.found_by)]
        refused = self.policy.scope(reading, self.scope, missing, looked_up=bool(pinned), before=before)
        if refused is not None:
            return PartResult(reading, refused, tuple(hits))
        if self.composer.versions_asked(reading.frame, reading.docs):
            return PartResult(reading, Decision(True, 1.0, "逐条对照同一法律的两个版本"), tuple(hits))
        ignore = [reading.text[m.start:m.end] for m in reading.query.mentions] + \
            [self.catalog.meta(d).title or "" for d in reading.docs]
        quotable = hits if self._asks_structure(reading) else [h for h in hits if h.clause.kind != "outline"]
        evidence = self.selector.select(reading.frame, reading.query, pinned or (quotable if across else quotable[:5]),
                                        ignore=ignore)
        presupposed = [] if reading.asks_content else self.scope.unmentioned_years(reading)
        decision = self.policy.evidence(reading, evidence, looked_up=bool(pinned), presupposed=presupposed,
                                        missing_refs=missing)
        ruling = self._ruling(reading, evidence) if decision.answerable and not pinned else None
        return PartResult(reading, decision, tuple(hits), tuple(evidence), bool(pinned), ruling, across and not pinned)

    def _ruling(self, reading: Reading, evidence: Sequence[EvidenceSentence]) -> Ruling | None:
        """For a compliance question, the sentence of the best clauses that the relevance model
        judges to answer it among those stating a rule (a verdict comes only from it), or a
        Ruling of None when none does; None (no judgement) without the model or for other questions."""
        if self.reranker is None or reading.frame.primary not in (QuestionKind.COMPLIANCE, QuestionKind.CONFIRM):
            return None
        rules = [e for e in evidence if e.rank < RULING_CLAUSES and verdict_of(e.sentence) is not Verdict.UNSPECIFIED]
        rules = list({e.sentence: e for e in rules}.values())[:RULING_SENTENCES]
        if not rules:
            return Ruling(None, no_rule=True)
        scores = self.reranker.sentence_relevance(reading.text, [(e.hit, e.sentence) for e in rules])
        best, score = max(zip(rules, scores), key=lambda pair: pair[1])
        return Ruling(best if score >= self.reranker.decides else None)

    def _compose(self, message: Message, results: Sequence[PartResult]) -> tuple[Draft, GeneratorMode, tuple[str, ...]]:
        """Each part's answer (or refusal) in order; numbered when the message asked several things."""
        draft, numbered = Draft(), len(results) > 1
        for n, result in enumerate(results, 1):
            if numbered:
                draft.parts.append(part_mark(n))
            if result.decision.answerable:
                premise = "前提有误，" if result.decision.premise_gaps else ""
                self.composer.compose(result.reading.frame, list(result.evidence), named_docs=result.reading.docs,
                                      looked_up=result.looked_up, draft=draft, premise=premise, ruling=result.ruling,
                                      across=result.across)
            else:
                self._refusal(draft, result)
        if any(r.reading.english for r in results):
            draft.parts.insert(0, ENGLISH_NOTE)
        notices = tuple(f"已按库中用词更正：{c.typed}→{c.meant}" for c in message.corrections) + \
            tuple(f"注意：{g.reason}" for r in results for g in r.decision.premise_gaps) + \
            tuple(f"注意：{n}" for r in results for n in r.decision.notes)
        answered = [r for r in results if r.decision.answerable]
        if answered and self.generator is not None:
            hits = [h for r in results for h in r.hits]
            draft, mode, extra = self.generator.generate(message.effective or message.asked, hits[:5], draft, self.composer)
            return draft, mode, notices + extra
        return draft, GeneratorMode.GROUNDED, notices

    def _answer(self, message: Message, results: Sequence[PartResult], draft: Draft, mode: GeneratorMode,
                notices: tuple[str, ...], timings: dict[str, float]) -> Answer:
        answered = [r.decision for r in results if r.decision.answerable]
        hits: dict[str, Hit] = {}
        for result in results:
            for hit in result.hits:
                hits.setdefault(hit.clause.id, hit)
        sources = tuple(Source(h.clause, self._title(h.clause.doc), h.score) for h in list(hits.values())[:SOURCES_SHOWN])
        support = max(d.support for d in answered or [r.decision for r in results])
        return Answer(
            question=message.asked, text=draft.text, abstained=not answered or not draft.cited,
            citations=self._citations(draft), sources=sources, mode=mode, verdict=draft.verdict,
            notices=notices, effective_question=message.effective, support=round(support, 3), timings=timings,
        )

    def stream(self, question: str, *, filters: Filters | None = None,
               history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        """Answer like :meth:`ask`, yielding the text sentence by sentence; the last event
        carries the finished :class:`Answer`."""
        answer = self.ask(question, filters=filters, history=history)
        from policyqa.assistant.sentences import split_sentences
        text = ""
        for sentence in split_sentences(answer.text, keep_semicolons=True):
            text += sentence
            yield StreamEvent(text)
        yield StreamEvent(answer.text, answer)

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _asks_structure(reading: Reading) -> bool:
        """Does the question ask how a document is organised (几大行动, 分几章, 有哪些任务)? Only then
        are lines of a document's outline (提纲) quoted."""
        return reading.query.intent.asks_structure or reading.frame.list_noun is not None

    def _with_outlines(self, reading: Reading, hits: list[Hit]) -> list[Hit]:
        """List questions about named documents (某方案的行动都包括什么) also get each outline."""
        if not (reading.frame.list_noun and reading.docs):
            return hits
        have = {h.clause.id for h in hits}
        outlines = [c for d in reading.docs for c in self.catalog.clauses_of(d) if c.kind == "outline" and c.id not in have]
        return [Hit(c, 1.0, ("outline",)) for c in outlines] + hits

    def _refusal(self, draft: Draft, result: PartResult) -> None:
        """The decision's refusal sentence plus up to three related clauses (相关条款), cited; quoted
        (each by its best sentence) when the decision says so."""
        draft.parts.append(result.decision.refusal)
        related = [h for h in result.hits if h.clause.kind not in ("header", "outline")][:RELATED_SHOWN]
        if related and result.decision.quote_related:
            for hit in related:
                best = next((e for e in result.evidence if e.hit.clause.id == hit.clause.id), None)
                if best is not None:
                    self.composer.quote(draft, best)
        elif related:
            names = "、".join(f"{self.composer.source_name(h.clause)}[{draft.cite(h.clause, '')}]" for h in related)
            draft.parts.append(f"{RELATED}：{names}。")

    def _citations(self, draft: Draft) -> tuple[Citation, ...]:
        out = []
        for n, (clause_id, sentences) in enumerate(draft.cited.items(), 1):
            clause = draft.clauses[clause_id]
            meta = self.catalog.meta(clause.doc)
            out.append(Citation(n, clause, self.catalog.cited_title(clause.doc), meta.doc_number, meta.date,
                                tuple(s for s in sentences if s)))
        return tuple(out)

    def _title(self, doc: str) -> str:
        return self.catalog.cited_title(doc)

"""The assistant's Python API: ``Assistant.load(config).ask(question)`` → :class:`Answer`.

One pass per question: normalise → resolve a follow-up → retrieve → choose evidence sentences →
decide whether the documents answer it → compose (grounded, or an LLM whose every sentence is
verified) → :class:`Answer` with numbered citations and the ranked sources.
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from policyqa.assistant.answer import Answer, Citation, GeneratorMode, Source, Turn
from policyqa.assistant.answerability import Answerability, AnswerabilityJudge
from policyqa.assistant.composer import Draft, GroundedComposer
from policyqa.assistant.dense import DenseScorer, QueryVectorCache
from policyqa.assistant.evidence import EvidenceSelector, TermWeights
from policyqa.assistant.followup import FollowUpResolver
from policyqa.assistant.frame import QuestionKind, asks_content, read_frame
from policyqa.assistant.guard import declined
from policyqa.assistant.question import QuestionNormaliser
from policyqa.assistant.scope import ScopeChecker
from policyqa.config import Config
from policyqa.domain import Filters, Hit
from policyqa.index.aliases import DocumentResolver
from policyqa.index.embedder import Embedder
from policyqa.index.intent import read_intent
from policyqa.index.retriever import HybridRetriever

SOURCES_SHOWN = 8
_PART_END = re.compile(r"(?<=[？?])")
_PRONOUN = re.compile(r"^(它|其|该文件|这份文件|该法|这部法)")
RELATED_SHOWN = 3


def split_parts(question: str, resolver: DocumentResolver) -> list[str]:
    """The parts of a question that asks two things (split at ？); a later part that names no
    document inherits the first part's document name (它/其 → 国家方案)."""
    parts = [p.strip() for p in _PART_END.split(question) if len(p.strip()) >= 5]
    if len(parts) < 2:
        return [question]
    mentions = resolver.find(parts[0])
    name = parts[0][mentions[0].start:mentions[0].end] if mentions else ""
    out = [parts[0]]
    for part in parts[1:]:
        if name and not resolver.find(part):
            part = name + _PRONOUN.sub("", part)
        out.append(part)
    return out


@dataclass(frozen=True)
class StreamEvent:
    """A step of a streamed answer: the text so far, and the finished Answer on the last event."""

    text: str
    answer: Answer | None = None


class Assistant:
    """Answers questions from the indexed library with cited clauses; load once, ask many times."""

    def __init__(self, retriever: HybridRetriever, *, config: Config | None = None, generator=None,
                 judge: AnswerabilityJudge | None = None) -> None:
        self.config = config
        self.generator = generator        # an optional LLM generator (policyqa.assistant.llm)
        self.judge = judge or AnswerabilityJudge()
        self.normaliser = QuestionNormaliser().load()
        self._install(retriever)

    def _install(self, retriever: HybridRetriever) -> None:
        self.retriever = retriever
        self.catalog = retriever.catalog
        self.selector = EvidenceSelector(TermWeights(retriever.bm25, retriever.tokenizer,
                                                     retriever.synonyms),
                                         dense=DenseScorer(retriever.store, retriever.embedder))
        self.composer = GroundedComposer(self.catalog)
        self.scope = ScopeChecker(self.catalog, retriever.resolver)
        self.followups = FollowUpResolver(retriever.resolver)

    @classmethod
    def load(cls, config: Config, *, embedder: Embedder | None = None, generator=None) -> "Assistant":
        """Load the index in ``config.index_dir`` (and the embedder) once; raises IndexMissing,
        IndexMismatch or ModelUnavailable with a one-line fix. ``generator`` defaults to the LLM
        configured in the environment (see :func:`policyqa.assistant.llm.generator_from_config`),
        or none: grounded answers."""
        from policyqa.assistant.llm import generator_from_config
        from policyqa.index.service import load_embedder, load_retriever
        retriever = load_retriever(config, embedder=QueryVectorCache(embedder or load_embedder(config)))
        return cls(retriever, config=config, generator=generator or generator_from_config(config))

    def reload(self) -> None:
        """Re-read the index from disk after it changed (keeps the loaded embedder)."""
        from policyqa.index.service import load_retriever
        if self.config is None:
            raise RuntimeError("reload() needs an Assistant created by Assistant.load(config)")
        self._install(load_retriever(self.config, embedder=self.retriever.embedder))

    # -- asking ----------------------------------------------------------------------------------
    def ask(self, question: str, *, filters: Filters | None = None, history: Sequence[Turn] = ()) -> Answer:
        """Answer one question; raises InvalidQuestion for an empty, symbol-only or over-long one.

        A question with two parts (国家方案是哪天印发的？它要求各项任务持续推进到哪一年？) is answered
        part by part into one answer."""
        timings: dict[str, float] = {"retrieve_ms": 0.0, "compose_ms": 0.0}
        asked = self.normaliser.normalise(question)
        resolved = self.followups.resolve(asked, list(history or ()))
        draft, decisions, all_hits, notices = Draft(), [], [], ()
        opener = "所收录的文件没有明确规定这一点"
        for part in split_parts(resolved.text, self.retriever.resolver):
            decision, hits, part_notices = self._answer_part(part, resolved.focus, filters, draft, timings)
            decisions.append(decision)
            seen = {h.clause.id for h in all_hits}
            all_hits.extend(h for h in hits if h.clause.id not in seen)
            notices += part_notices
        outside = next((d for d in decisions if d.out_of_scope), None)
        if outside is not None:  # 上海的方案有几大行动？跟北京的有什么不同？ — the rest rests on what the library lacks
            decisions, draft = [outside], Draft()
        refusal = declined(asked)
        if refusal is not None:
            decisions = [Answerability(False, 0.0, "；".join([refusal, *(n.removeprefix("注意：") for n in notices)]))]
            draft = Draft()
            opener = "无法照办"
        answered = [d for d in decisions if d.answerable]
        mode = GeneratorMode.GROUNDED
        start = time.perf_counter()
        if answered and self.generator is not None:
            draft, mode, extra = self.generator.generate(resolved.text, all_hits[:5], draft, self.composer)
            notices += extra
        if not answered or not draft.parts:
            draft = self._refusal(decisions[0], all_hits, opener)  # split_parts gives at least one part
        timings["compose_ms"] += (time.perf_counter() - start) * 1000
        support = max(d.support for d in answered or decisions)
        return Answer(
            question=asked, text=draft.text, abstained=not answered or not draft.cited,
            citations=self._citations(draft),
            sources=tuple(Source(h.clause, self._title(h.clause.doc), h.score) for h in all_hits[:SOURCES_SHOWN]),
            mode=mode, verdict=draft.verdict, notices=notices,
            effective_question=resolved.text if resolved.text != asked else None,
            support=round(support, 3), timings=timings,
        )

    def _answer_part(self, text: str, focus, filters: Filters | None, draft: Draft,
                     timings: dict[str, float]) -> tuple[Answerability, list[Hit], tuple[str, ...]]:
        """Retrieve, judge and (when answerable) compose one question part into ``draft``."""
        start = time.perf_counter()
        frame = read_frame(text)
        intent = read_intent(text, self.retriever.resolver)
        hits = self._with_outlines(frame, intent.docs, self.retriever.retrieve(text, k=SOURCES_SHOWN, filters=filters))
        if focus is not None:
            hits = [Hit(focus, 1.0, ("followup",))] + [h for h in hits if h.clause.id != focus.id]
        notices = tuple(f"注意：{p}" for p in self.retriever.missing_references(text))
        timings["retrieve_ms"] += (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        mentions = self.retriever.resolver.find(text)
        ignore = [text[m.start:m.end] for m in mentions] + [self.catalog.meta(d).title or "" for d in intent.docs]
        pinned = [h for h in hits if {"lookup", "followup"} & set(h.found_by)]
        evidence = self.selector.select(frame, pinned or hits[:5], ignore=ignore)
        content = asks_content(text)
        gaps = self.scope.gaps(text, list(intent.docs), asks_content=content)
        presupposed = [] if content else self.scope.unmentioned_years(text, list(intent.docs))
        looked_up = bool(pinned)
        decision = self.judge.judge(frame, evidence, gaps, looked_up=looked_up,
                                    compares=len(intent.docs) >= 2 and frame.has(QuestionKind.COMPARE),
                                    presupposes=bool(presupposed))
        if notices and not looked_up:
            decision = Answerability(False, 0.0, notices[0].removeprefix("注意："))
        if decision.answerable:
            premise = "前提有误，" if presupposed else ""
            notices += tuple(f"注意：{g.reason}" for g in presupposed)
            self.composer.compose(frame, evidence, named_docs=intent.docs, looked_up=looked_up, draft=draft,
                                  premise=premise)
        timings["compose_ms"] += (time.perf_counter() - start) * 1000
        return decision, hits, notices

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
    def _with_outlines(self, frame, docs: Sequence[str], hits: list[Hit]) -> list[Hit]:
        """List questions about named documents (六大行动分别是什么) also get each outline."""
        if not (frame.list_noun and docs):
            return hits
        have = {h.clause.id for h in hits}
        outlines = [c for d in docs for c in self.catalog.clauses_of(d) if c.kind == "outline" and c.id not in have]
        return [Hit(c, 1.0, ("outline",)) for c in outlines] + hits

    def _refusal(self, decision: Answerability, hits: Sequence[Hit], opener: str) -> Draft:
        """所收录的文件没有明确规定这一点（reason） plus up to three related clauses (相关条款), cited."""
        draft = Draft()
        draft.parts.append(f"{opener}（{decision.reason}）。")
        related = [h for h in hits if h.clause.kind not in ("header", "outline")][:RELATED_SHOWN]
        if related:
            names = "、".join(f"{self.composer.source_name(h.clause)}[{draft.cite(h.clause, '')}]" for h in related)
            draft.parts.append(f"相关条款：{names}。")
        return draft

    def _citations(self, draft: Draft) -> tuple[Citation, ...]:
        out = []
        for n, (clause_id, sentences) in enumerate(draft.cited.items(), 1):
            clause = draft.clauses[clause_id]
            meta = self.catalog.meta(clause.doc)
            out.append(Citation(n, clause, meta.title or clause.doc, meta.doc_number, meta.date,
                                tuple(s for s in sentences if s)))
        return tuple(out)

    def _title(self, doc: str) -> str:
        return self.catalog.meta(doc).title or doc

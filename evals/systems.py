"""The systems an evaluation compares, each answering a gold question with an :class:`AnswerRecord`.

- :class:`AssistantSystem`: PolicyQA's assistant (``Assistant.ask(...).to_record(id)``);
- :class:`ExtractiveSystem`: a retrieval baseline whose answer is the text of its top passages,
  each sentence cited to its passage — BM25 over clauses, or llama-index's default chunking;
- :class:`RecordedSystem`: answers produced elsewhere (``policyqa ask --batch``), looked up by id.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from policyqa.assistant.sentences import split_sentences
from policyqa.evals.records import AnswerRecord, CitedText

if TYPE_CHECKING:
    from policyqa.assistant.service import Assistant

__all__ = ["AnswerSystem", "AssistantSystem", "ExtractiveSystem", "RecordedSystem", "extractive_answer"]

Retrieve = Callable[[str, int], Sequence[CitedText]]


class AnswerSystem(Protocol):
    """Something that answers a gold question; ``name`` labels it in the report."""

    name: str

    def answer(self, item_id: str, question: str) -> AnswerRecord | None:
        """The record for one question, or None when the system has no answer for it."""
        ...


class AssistantSystem:
    """The PolicyQA assistant, loaded once by the caller."""

    def __init__(self, assistant: Assistant, name: str = "PolicyQA assistant") -> None:
        """Keep the loaded assistant."""
        self.assistant, self.name = assistant, name

    def answer(self, item_id: str, question: str) -> AnswerRecord:
        """Ask the assistant; the record carries its own latency and support score."""
        return AnswerRecord.from_json(self.assistant.ask(question).to_record(item_id))


def extractive_answer(passages: Sequence[CitedText]) -> str:
    """Every sentence of every passage, in rank order, each followed by its passage's marker."""
    return "".join(f"{s}[{p.n}]" for p in passages for s in split_sentences(p.text, keep_semicolons=True))


class ExtractiveSystem:
    """A baseline that answers with its top ``k`` passages (never abstains)."""

    def __init__(self, name: str, retrieve: Retrieve, *, k: int = 5) -> None:
        """``retrieve(question, k)`` returns passages best first (``n`` is renumbered 1..k)."""
        if k < 1:
            raise ValueError(f"k must be ≥ 1, got {k}")
        self.name, self._retrieve, self.k = name, retrieve, k

    def answer(self, item_id: str, question: str) -> AnswerRecord:
        """Retrieve, then cite each passage as [1]…[k]; latency is the retrieval time."""
        start = time.perf_counter()
        found = self._retrieve(question, self.k)
        latency = (time.perf_counter() - start) * 1000
        cited = tuple(CitedText(n, p.doc, p.title, p.label, p.text, p.score) for n, p in enumerate(found, 1))
        return AnswerRecord(id=item_id, question=question, answer=extractive_answer(cited), abstained=False,
                            citations=cited, sources=cited, latency_ms=round(latency, 1))


class RecordedSystem:
    """Answers read from a file, matched to gold items by id, else by question text."""

    def __init__(self, name: str, records: Sequence[AnswerRecord]) -> None:
        """Index the records by id and by question."""
        self.name = name
        self._by_id: Mapping[str, AnswerRecord] = {r.id: r for r in records if r.id}
        self._by_question: Mapping[str, AnswerRecord] = {r.question: r for r in records if r.question}

    def answer(self, item_id: str, question: str) -> AnswerRecord | None:
        """The recorded answer for this item, or None when the file has none."""
        return self._by_id.get(item_id) or self._by_question.get(question)

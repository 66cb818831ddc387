"""What the assistant returns: an answer with numbered citations and the sources it considered.

``Answer.to_record`` is the one JSON shape shared by ``policyqa ask --json``, each line of
``policyqa ask --batch``, the Gradio ``ask`` endpoint and the evaluation suite.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from policyqa.domain import Clause


class GeneratorMode(str, Enum):
    """How the answer text was written."""

    GROUNDED = "grounded"      # sentence selection and templates over the cited clauses, no LLM
    LLM = "llm"                # an LLM wrote it and every sentence was verified against its citation
    FALLBACK = "fallback"      # an LLM was configured but failed or was unsupported: grounded answer

    @classmethod
    def from_str(cls, value: str) -> "GeneratorMode":
        """Parse a mode name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(f"未知生成方式 “{value}”。可选：{'、'.join(m.value for m in cls)}") from None


class Verdict(str, Enum):
    """The direct answer to a compliance question, read from the deciding clause's wording."""

    FORBIDDEN = "禁止"        # 严禁、不得、禁止
    REQUIRED = "要求"         # 应当、必须、要
    ENCOURAGED = "鼓励"       # 鼓励、支持、提倡
    ALLOWED = "允许"          # 可以
    UNSPECIFIED = "文件未规定"


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer: the whole clause and the sentences of it that were used."""

    n: int
    clause: Clause
    doc_title: str
    doc_number: str | None
    doc_date: str | None
    supporting: tuple[str, ...]          # sentences of clause.text that support the answer

    def to_record(self) -> dict:
        """The citation as JSON (``n, doc, title, label, text`` plus path and supporting)."""
        c = self.clause
        text = c.text if not c.schedule or c.schedule in c.text else f"{c.text}\n{c.schedule}"
        return {"n": self.n, "doc": c.doc, "title": self.doc_title, "label": c.label, "text": text,
                "path": list(c.path), "clause_id": c.id, "doc_number": self.doc_number,
                "date": self.doc_date, "schedule": c.schedule, "supporting": list(self.supporting)}


@dataclass(frozen=True)
class Source:
    """A clause the retriever ranked for the question (considered, not necessarily cited)."""

    clause: Clause
    doc_title: str
    score: float

    def to_record(self) -> dict:
        """The source as JSON (``doc, title, label, text, score``)."""
        c = self.clause
        return {"doc": c.doc, "title": self.doc_title, "label": c.label, "text": c.text,
                "score": round(self.score, 5), "clause_id": c.id, "path": list(c.path)}


@dataclass(frozen=True)
class Answer:
    """The assistant's reply to one question.

    ``abstained`` is true when the answer says the documents do not answer the question; it may
    still carry ``related`` clauses (相关条款) as citations. ``notices`` are one-line remarks for the
    user (a clause that does not exist, an LLM that fell back). ``timings`` are milliseconds.
    """

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    sources: tuple[Source, ...]
    mode: GeneratorMode = GeneratorMode.GROUNDED
    verdict: Verdict | None = None
    notices: tuple[str, ...] = ()
    effective_question: str | None = None       # the question after resolving a follow-up
    support: float = 0.0                        # 0–1 confidence that the documents answer it
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def latency_ms(self) -> float:
        """Total time spent answering, in milliseconds."""
        return round(sum(self.timings.values()), 1)

    def to_record(self, item_id: str | None = None) -> dict:
        """The batch/JSON output object (see docs/ask-output.md)."""
        return {
            "id": item_id, "question": self.question, "answer": self.text, "abstained": self.abstained,
            "citations": [c.to_record() for c in self.citations],
            "sources": [s.to_record() for s in self.sources],
            "latency_ms": self.latency_ms, "mode": self.mode.value,
            "verdict": self.verdict.value if self.verdict else None,
            "notices": list(self.notices), "effective_question": self.effective_question,
            "support_score": self.support,
            "timings": {k: round(v, 1) for k, v in self.timings.items()},
        }


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, for resolving follow-up questions."""

    question: str
    answer: Answer

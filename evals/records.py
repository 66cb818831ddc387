"""Answer records as the evaluation suite reads them: the JSON lines of ``policyqa ask --batch``.

Live runs and ``policyqa eval --answers FILE`` share this one shape, so every system — the
assistant, the baselines, answers produced elsewhere — is scored by the same code.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from policyqa.errors import PolicyQAError

__all__ = ["AnswerFormatError", "AnswerRecord", "CitedText", "load_answers"]


class AnswerFormatError(PolicyQAError):
    """An answers file is missing, or one of its lines is not an answer record."""

    def __init__(self, path: Path, line: int, reason: str) -> None:
        """``line`` is 1-based; 0 means the whole file."""
        where = f" 第 {line} 行" if line else ""
        super().__init__(f"答案文件 {path}{where}：{reason}。应为 policyqa ask --batch 的输出（每行一个 JSON）")


@dataclass(frozen=True)
class CitedText:
    """A clause or chunk an answer cited (``n`` ≥ 1) or ranked (``n`` = 0), with its score."""

    n: int
    doc: str
    title: str
    label: str
    text: str
    score: float | None = None

    @property
    def judged_text(self) -> str:
        """What the support judge reads: title and label (an answer may name them) and the text."""
        return "\n".join(part for part in (self.title, self.label, self.text) if part)


@dataclass(frozen=True)
class AnswerRecord:
    """One answer: its text, whether it abstained, its numbered citations and ranked sources.

    ``support_score`` is the system's own confidence when it reports one; :attr:`confidence`
    falls back to the top source score.
    """

    id: str
    question: str
    answer: str
    abstained: bool
    citations: tuple[CitedText, ...]
    sources: tuple[CitedText, ...]
    latency_ms: float | None = None
    support_score: float | None = None

    @property
    def confidence(self) -> float:
        """How sure the system was (higher means less inclined to refuse); 0 without sources."""
        if self.support_score is not None:
            return self.support_score
        scores = [s.score for s in self.sources if s.score is not None]
        return max(scores) if scores else 0.0

    def citation(self, n: int) -> CitedText | None:
        """The citation numbered ``n``, or None when the answer has no such citation."""
        return next((c for c in self.citations if c.n == n), None)

    @classmethod
    def from_json(cls, record: dict) -> "AnswerRecord":
        """Parse one ``Answer.to_record()`` object; raises KeyError/TypeError/ValueError when a
        required field (id, answer, abstained) is missing or has the wrong type."""
        if not isinstance(record.get("answer"), str) or not isinstance(record.get("abstained"), bool):
            raise ValueError("缺少字段 answer（字符串）或 abstained（true/false）")
        return cls(
            id=str(record["id"]) if record.get("id") is not None else "",
            question=str(record.get("question") or ""),
            answer=record["answer"], abstained=record["abstained"],
            citations=tuple(_cited(c, c.get("n", i)) for i, c in enumerate(record.get("citations") or (), 1)),
            sources=tuple(_cited(s, 0) for s in record.get("sources") or ()),
            latency_ms=_number(record.get("latency_ms")),
            support_score=_number(record.get("support_score")),
        )

    def to_json(self) -> dict:
        """The record in the batch shape (what :meth:`from_json` reads)."""
        def cited(c: CitedText) -> dict:
            return {"n": c.n, "doc": c.doc, "title": c.title, "label": c.label, "text": c.text, "score": c.score}
        return {"id": self.id, "question": self.question, "answer": self.answer, "abstained": self.abstained,
                "citations": [cited(c) for c in self.citations], "sources": [cited(s) for s in self.sources],
                "latency_ms": self.latency_ms, "support_score": self.support_score}


def _cited(record: dict, n: int) -> CitedText:
    return CitedText(n=int(n), doc=str(record.get("doc") or ""), title=str(record.get("title") or ""),
                     label=str(record.get("label") or ""), text=str(record.get("text") or ""),
                     score=_number(record.get("score")))


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def load_answers(path: Path) -> list[AnswerRecord]:
    """Read a ``policyqa ask --batch`` output file (blank lines skipped), in file order.

    Raises :class:`AnswerFormatError` naming the file and line of the first bad line, or when the
    file is missing or empty.
    """
    path = Path(path)
    if not path.is_file():
        raise AnswerFormatError(path, 0, "文件不存在")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(AnswerRecord.from_json(json.loads(line)))
        except json.JSONDecodeError as err:
            raise AnswerFormatError(path, number, f"不是合法的 JSON（{err.msg}）") from None
        except (AttributeError, KeyError, TypeError, ValueError) as err:
            raise AnswerFormatError(path, number, f"不是答案记录（{err}）") from None
    if not records:
        raise AnswerFormatError(path, 0, "文件中没有任何答案")
    return records

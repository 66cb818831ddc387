"""Score one answer record against its gold item: every metric, with a reason, in one object."""
from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from policyqa.assistant.support import ClaimJudge
from policyqa.evals import answer_metrics as am
from policyqa.evals.answer_metrics import Measure
from policyqa.evals.gold import GoldItem
from policyqa.evals.records import AnswerRecord, CitedText
from policyqa.evals.retrieval_metrics import Passage, context_chars, evidence_recall_at_k, reciprocal_rank

__all__ = ["ItemScore", "Metric", "score_item"]


class Metric(str, Enum):
    """The figures of the report, in table order."""

    RECALL_1 = "recall@1"
    RECALL_5 = "recall@5"
    MRR = "mrr"
    CONTEXT_CHARS = "context_chars"
    KEY_FACTS = "key_facts"
    CITATION_SUPPORT = "citation_support"
    CITATION_RECALL = "citation_recall"
    CITATION_PRECISION = "citation_precision"
    FAITHFULNESS = "faithfulness"
    REJECTION = "rejection"
    FALSE_REFUSAL = "false_refusal"
    ANSWER_CHARS = "answer_chars"

    @classmethod
    def from_str(cls, value: str) -> "Metric":
        """Parse a metric name; raises ValueError listing the valid values."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(f"未知指标 “{value}”。可选：{'、'.join(m.value for m in cls)}") from None

    @property
    def is_share(self) -> bool:
        """True for rates in [0, 1]; False for character counts."""
        return self not in (Metric.CONTEXT_CHARS, Metric.ANSWER_CHARS)

    @property
    def higher_is_better(self) -> bool:
        """Whether a larger value is a better result (False for refusals and sizes)."""
        return self.is_share and self is not Metric.FALSE_REFUSAL


# The answer metrics that make up an item's quality (worst items first in the report).
QUALITY_METRICS = (Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.CITATION_RECALL,
                   Metric.FAITHFULNESS, Metric.REJECTION, Metric.FALSE_REFUSAL)


@dataclass(frozen=True)
class ItemScore:
    """All metrics of one system's answer to one gold question."""

    item_id: str
    type: str
    role: str
    answerable: bool
    question: str
    answer: str
    abstained: bool
    confidence: float
    latency_ms: float | None
    measures: Mapping[Metric, Measure]

    def value(self, metric: Metric) -> float | None:
        """The metric's value, or None when it does not apply to this item."""
        measure = self.measures.get(metric)
        return measure.value if measure else None

    @property
    def quality(self) -> float:
        """Mean of the applicable answer metrics (a false refusal counts as 0), in [0, 1]."""
        values = []
        for metric in QUALITY_METRICS:
            value = self.value(metric)
            if value is not None:
                values.append(1.0 - value if metric is Metric.FALSE_REFUSAL else value)
        return statistics.fmean(values) if values else 1.0

    def to_json(self) -> dict:
        """The item as JSON: ids, answer, and ``{metric: {"value", "reason"}}``."""
        return {"id": self.item_id, "type": self.type, "role": self.role, "answerable": self.answerable,
                "question": self.question, "answer": self.answer, "abstained": self.abstained,
                "confidence": round(self.confidence, 5), "latency_ms": self.latency_ms,
                "quality": round(self.quality, 4),
                "metrics": {m.value: {"value": None if v.value is None else round(v.value, 4), "reason": v.reason}
                            for m, v in self.measures.items()}}


def _passages(sources: Sequence[CitedText]) -> list[Passage]:
    return [Passage(frozenset({s.doc}), s.text) for s in sources]


def _retrieval(item: GoldItem, record: AnswerRecord, k: int) -> dict[Metric, Measure]:
    ranked = _passages(record.sources)
    chars = context_chars(ranked, k)
    size = {Metric.CONTEXT_CHARS: Measure(float(chars), f"前 {k} 条共 {chars} 字")}
    if not item.evidence:
        skipped = Measure(None, "无证据（不可回答）")
        return {Metric.RECALL_1: skipped, Metric.RECALL_5: skipped, Metric.MRR: skipped, **size}
    r1, rk = evidence_recall_at_k(item.evidence, ranked, 1), evidence_recall_at_k(item.evidence, ranked, k)
    rr = reciprocal_rank(item.evidence, ranked)
    rank = f"第 {round(1 / rr)} 条命中证据" if rr else f"前 {len(ranked)} 条均无证据原文"
    return {Metric.RECALL_1: Measure(r1, f"首条含 {r1:.0%} 证据"),
            Metric.RECALL_5: Measure(rk, f"前 {k} 条含 {rk:.0%} 证据"),
            Metric.MRR: Measure(rr, rank), **size}


def score_item(item: GoldItem, record: AnswerRecord, judge: ClaimJudge, *, k: int = 5) -> ItemScore:
    """Every metric of ``record`` as the answer to ``item`` (whose evidence docs are already
    resolved to the corpus names the record uses)."""
    recall, precision = am.citation_quality(record, judge)
    measures = {
        **_retrieval(item, record, k),
        Metric.KEY_FACTS: am.key_fact_coverage(item.must_include, record),
        Metric.CITATION_SUPPORT: am.citation_support(item.evidence, record),
        Metric.CITATION_RECALL: recall,
        Metric.CITATION_PRECISION: precision,
        Metric.FAITHFULNESS: am.faithfulness(record, judge),
        Metric.REJECTION: am.rejection(item.answerable, record),
        Metric.FALSE_REFUSAL: am.false_refusal(item.answerable, record),
        Metric.ANSWER_CHARS: Measure(float(len(record.answer)), f"{len(record.answer)} 字"),
    }
    return ItemScore(item.id, item.type.value, item.role.value, item.answerable, item.question,
                     record.answer, record.abstained, record.confidence, record.latency_ms, measures)

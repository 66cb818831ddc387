"""One system's scored items, summarised: means overall and per type/role, latency percentiles and
the refusal trade-off curve."""
from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from policyqa.evals.scoring import ItemScore, Metric

__all__ = ["SystemResult", "TradeoffPoint", "mean_of", "percentile", "tradeoff_curve"]


@dataclass(frozen=True)
class TradeoffPoint:
    """Refusing every answer whose confidence is below ``threshold`` (and every abstention):
    the share of unanswerable questions refused and of answerable questions wrongly refused."""

    threshold: float
    rejection: float
    false_refusal: float


def mean_of(items: Sequence[ItemScore], metric: Metric) -> float | None:
    """Mean of the metric over the items it applies to; None when it applies to none."""
    values = [v for v in (i.value(metric) for i in items) if v is not None]
    return statistics.fmean(values) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in (0, 100]); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def tradeoff_curve(items: Sequence[ItemScore]) -> list[TradeoffPoint]:
    """The refusal trade-off as the confidence threshold sweeps from refusing nothing extra to
    refusing everything; [] unless there are both answerable and unanswerable items and the
    confidences differ (a system that reports none has no curve)."""
    answerable = [i for i in items if i.answerable]
    unanswerable = [i for i in items if not i.answerable]
    if not answerable or not unanswerable or len({i.confidence for i in items}) < 2:
        return []
    thresholds = [-math.inf, *sorted({i.confidence for i in items}), math.inf]

    def refused_share(group: list[ItemScore], t: float) -> float:
        return sum(i.abstained or i.confidence < t for i in group) / len(group)

    return [TradeoffPoint(t, refused_share(unanswerable, t), refused_share(answerable, t)) for t in thresholds]


@dataclass(frozen=True)
class SystemResult:
    """A system's scores on the gold items it answered; ``missing`` lists gold ids it did not."""

    name: str
    items: tuple[ItemScore, ...]
    missing: tuple[str, ...] = ()

    def overall(self) -> dict[Metric, float | None]:
        """The mean of every metric over all items."""
        return {m: mean_of(self.items, m) for m in Metric}

    def by_type(self) -> dict[str, dict[Metric, float | None]]:
        """Metric means per question type (types in first-seen order)."""
        return self._grouped(lambda i: i.type)

    def by_role(self) -> dict[str, dict[Metric, float | None]]:
        """Metric means per asking role."""
        return self._grouped(lambda i: i.role)

    def _grouped(self, key: Callable[[ItemScore], str]) -> dict[str, dict[Metric, float | None]]:
        groups: dict[str, list[ItemScore]] = {}
        for item in self.items:
            groups.setdefault(key(item), []).append(item)
        return {name: {m: mean_of(group, m) for m in Metric} for name, group in groups.items()}

    def latencies(self) -> list[float]:
        """Per-item latencies in milliseconds (items without one left out)."""
        return [i.latency_ms for i in self.items if i.latency_ms is not None]

    def latency(self, q: float) -> float | None:
        """Latency percentile in milliseconds (50 → p50)."""
        return percentile(self.latencies(), q)

    def tradeoff(self) -> list[TradeoffPoint]:
        """The refusal trade-off curve of this system (see :func:`tradeoff_curve`)."""
        return tradeoff_curve(self.items)

    def worst(self, n: int | None = None) -> list[ItemScore]:
        """Items by quality, worst first (ties in gold order)."""
        return sorted(self.items, key=lambda i: i.quality)[:n]

    def to_json(self) -> dict:
        """Summary and per-item results as JSON."""
        def figures(values: dict[Metric, float | None]) -> dict:
            return {m.value: None if v is None else round(v, 4) for m, v in values.items()}
        return {"system": self.name, "n": len(self.items), "missing": list(self.missing),
                "overall": figures(self.overall()),
                "latency_ms": {"p50": self.latency(50), "p95": self.latency(95)},
                "by_type": {k: figures(v) for k, v in self.by_type().items()},
                "by_role": {k: figures(v) for k, v in self.by_role().items()},
                "tradeoff": [{"threshold": p.threshold if math.isfinite(p.threshold) else str(p.threshold),
                              "rejection": round(p.rejection, 4), "false_refusal": round(p.false_refusal, 4)}
                             for p in self.tradeoff()],
                "items": [i.to_json() for i in self.worst()]}

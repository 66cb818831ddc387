"""Aggregation on hand-computed examples: means, percentiles, groups, the refusal trade-off."""
from __future__ import annotations

import math

import pytest

from policyqa.evals.aggregate import SystemResult, mean_of, percentile, tradeoff_curve
from policyqa.evals.answer_metrics import Measure
from policyqa.evals.scoring import ItemScore, Metric


def item(item_id: str, *, answerable: bool = True, abstained: bool = False, confidence: float = 0.5,
         type_: str = "fact", role: str = "teacher", latency: float | None = 10.0, **values: float | None) -> ItemScore:
    measures = {Metric.from_str(k.replace("recall5", "recall@5")): Measure(v, "r") for k, v in values.items()}
    return ItemScore(item_id, type_, role, answerable, "q", "a", abstained, confidence, latency, measures)


def test_mean_skips_items_where_the_metric_does_not_apply():
    items = [item("a", key_facts=1.0), item("b", key_facts=0.5), item("c", key_facts=None), item("d")]
    assert mean_of(items, Metric.KEY_FACTS) == 0.75
    assert mean_of(items, Metric.FAITHFULNESS) is None


def test_nearest_rank_percentiles():
    values = [40.0, 10.0, 30.0, 20.0]
    assert percentile(values, 50) == 20.0
    assert percentile(values, 95) == 40.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None


def test_tradeoff_curve_hand_computed():
    items = [item("a1", confidence=0.9), item("a2", confidence=0.3), item("a3", abstained=True, confidence=0.8),
             item("u1", answerable=False, confidence=0.2), item("u2", answerable=False, confidence=0.6)]
    curve = tradeoff_curve(items)
    as_run = curve[0]
    assert as_run.threshold == -math.inf
    assert (as_run.rejection, as_run.false_refusal) == (0.0, pytest.approx(1 / 3))
    at = {p.threshold: (p.rejection, p.false_refusal) for p in curve}
    assert at[0.6] == (0.5, pytest.approx(2 / 3))        # u1 and a2 now refused
    assert at[0.9] == (1.0, pytest.approx(2 / 3))
    assert at[math.inf] == (1.0, 1.0)
    assert [p.threshold for p in curve] == sorted(p.threshold for p in curve)


def test_no_curve_without_both_kinds_or_without_a_confidence_signal():
    assert tradeoff_curve([item("a"), item("b")]) == []
    assert tradeoff_curve([item("a", confidence=0.0), item("u", answerable=False, confidence=0.0)]) == []


def test_system_result_groups_latency_and_worst_first():
    result = SystemResult("s", (
        item("a", type_="fact", role="admin", key_facts=1.0, latency=100.0),
        item("b", type_="list", role="admin", key_facts=0.0, latency=300.0),
        item("c", type_="fact", role="teacher", key_facts=0.5, false_refusal=1.0, latency=200.0),
    ))
    assert result.by_type()["fact"][Metric.KEY_FACTS] == 0.75
    assert result.by_role()["admin"][Metric.KEY_FACTS] == 0.5
    assert result.latency(50) == 200.0 and result.latency(95) == 300.0
    assert [i.item_id for i in result.worst()] == ["b", "c", "a"]     # quality 0, 0.25, 1
    assert result.to_json()["overall"]["key_facts"] == 0.5

"""The quick evaluation subset through the real assistant (e5 index of the bundled corpus).

Fails only on a large quality regression: each floor sits well below what the quick subset
scored when it was set (in brackets), so normal changes pass and a broken stage does not.
Benchmarks never gate on time: latency is reported, not asserted.
"""
from __future__ import annotations

import pytest

from policyqa.evals.gold import BUNDLED_GOLD
from policyqa.evals.scoring import Metric
from policyqa.evals.suite import EvalOptions, run_eval
from policyqa.evals.systems import AssistantSystem

FLOORS = {                              # measured on the 30-item quick subset, grounded answers
    Metric.RECALL_5: 0.55,              # (0.77)
    Metric.KEY_FACTS: 0.40,             # (0.59)
    Metric.CITATION_SUPPORT: 0.50,      # (0.74)
    Metric.CITATION_RECALL: 0.65,       # (0.83)
    Metric.FAITHFULNESS: 0.75,          # (0.93)
    Metric.REJECTION: 0.66,             # (1.00: 3 of 3 unanswerable refused)
}
FALSE_REFUSAL_CEILING = 0.40            # (0.19)


@pytest.mark.model
def test_quick_eval_has_no_large_quality_regression(e5_corpus_index, e5_model_dir):
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import SentenceTransformerEmbedder

    assistant = Assistant.load(e5_corpus_index, embedder=SentenceTransformerEmbedder(e5_model_dir).load())
    report = run_eval(e5_corpus_index, EvalOptions(gold=BUNDLED_GOLD, quick=True),
                      systems=[AssistantSystem(assistant)], progress=False)
    (result,) = report.systems
    assert len(result.items) == 30 and not result.missing
    overall = result.overall()
    low = {m.value: round(overall[m], 3) for m, floor in FLOORS.items() if overall[m] < floor}
    assert not low, f"quality regression on the quick subset: {low}"
    assert overall[Metric.FALSE_REFUSAL] <= FALSE_REFUSAL_CEILING

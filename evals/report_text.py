"""The report as Markdown: the summary table (also printed by ``policyqa eval``), tables per
question type and role, the refusal trade-off and the worst items with their reasons."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from policyqa.evals.aggregate import SystemResult
from policyqa.evals.report_labels import FIGURES, figure
from policyqa.evals.scoring import ItemScore, Metric
from policyqa.evals.suite import EvalReport

__all__ = ["COLUMNS", "GROUP_METRICS", "LATENCY_FIGURES", "SUMMARY_METRICS", "fmt", "legend_table",
           "markdown_report", "summary_table"]

SUMMARY_METRICS: tuple[Metric, ...] = tuple(Metric)
COLUMNS: tuple[tuple[str, Metric], ...] = tuple((figure(m).short, m) for m in SUMMARY_METRICS)
"""The summary's metric columns as (compact header, metric), headers from ``report_labels``."""
LATENCY_FIGURES = (figure("p50"), figure("p95"))
GROUP_METRICS = (Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.FAITHFULNESS, Metric.RECALL_5)


def fmt(value: float | None, metric: Metric | None = None) -> str:
    """A figure for a table: shares with 3 decimals, sizes and latencies as whole numbers, – for None."""
    if value is None:
        return "–"
    return f"{value:.3f}" if metric is not None and metric.is_share else f"{value:.0f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def summary_table(report: EvalReport) -> str:
    """One Markdown table: a row per system, the headline metrics and latency p50/p95 (ms)."""
    rows = []
    for s in report.systems:
        overall = s.overall()
        rows.append([s.name, str(len(s.items)), *(fmt(overall[m], m) for _, m in COLUMNS),
                     fmt(s.latency(50)), fmt(s.latency(95))])
    return "\n".join(_table(["system", "n", *(h for h, _ in COLUMNS), *(f.short for f in LATENCY_FIGURES)], rows))


def legend_table() -> str:
    """One Markdown table: each figure's compact header, Chinese name and what it measures."""
    return "\n".join(_table(["column", "指标", "含义"], [[f.short, f.name, f.explained] for f in FIGURES]))


def _grouped(report: EvalReport, metric: Metric, groups: Callable[[SystemResult], dict]) -> list[str]:
    names = list(dict.fromkeys(g for s in report.systems for g in groups(s)))
    rows = [[s.name, *(fmt(groups(s).get(g, {}).get(metric), metric) for g in names)] for s in report.systems]
    return [f"**{figure(metric).short}（{figure(metric).name}）**", "", *_table(["system", *names], rows), ""]


def _tradeoff(system: SystemResult, points: int = 6) -> list[str]:
    curve = system.tradeoff()
    if not curve:
        return []
    step = max(1, len(curve) // points)
    chosen = curve[::step] + ([curve[-1]] if (len(curve) - 1) % step else [])
    rows = [[("≤ all" if t.threshold == -math.inf else "∞" if t.threshold == math.inf else f"{t.threshold:.3f}"),
             f"{t.rejection:.3f}", f"{t.false_refusal:.3f}"] for t in chosen]
    return [f"**{system.name}**", "", *_table(["refuse below", "rejection (unanswerable)",
                                                "false refusal (answerable)"], rows), ""]


def _failures(item: ItemScore) -> str:
    bad = [f"{m.value}: {v.reason}" for m, v in item.measures.items()
           if v.value is not None and m.is_share and m is not Metric.CONTEXT_CHARS
           and (v.value > 0 if m is Metric.FALSE_REFUSAL else v.value < 1)]
    return "; ".join(bad) or "–"


def _worst(system: SystemResult, n: int) -> list[str]:
    rows = [[i.item_id, i.type, f"{i.quality:.2f}", i.question.replace("|", "\\|"),
             _failures(i).replace("|", "\\|")] for i in system.worst(n)]
    return [f"### {system.name}", "", *_table(["id", "type", "quality", "question", "what went wrong"], rows), ""]


def markdown_report(report: EvalReport, *, worst: int = 20) -> str:
    """The full Markdown report."""
    lines = ["# PolicyQA evaluation", "",
             f"Gold file `{report.gold}` · {report.item_count} questions · judge {report.judge} · {report.created}", "",
             "## Summary", "", summary_table(report), "", "### 指标说明", "", legend_table(), ""]
    missing = [f"- {s.name}: no answer for {len(s.missing)} item(s): {', '.join(s.missing[:20])}"
               for s in report.systems if s.missing]
    if missing:
        lines += missing + [""]
    lines += ["## By question type", ""]
    for metric in GROUP_METRICS:
        lines += _grouped(report, metric, SystemResult.by_type)
    lines += ["## By role", ""]
    for metric in GROUP_METRICS:
        lines += _grouped(report, metric, SystemResult.by_role)
    lines += ["## Refusal trade-off", "",
              "Refusing every answer whose confidence is below a threshold (abstentions always count as refused).", ""]
    for system in report.systems:
        lines += _tradeoff(system)
    lines += ["## Worst items", ""]
    for system in report.systems:
        lines += _worst(system, worst)
    return "\n".join(lines)

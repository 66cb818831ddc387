"""The report as one self-contained HTML page: tables, inline SVG plots (per-type bars, refusal
trade-off curve, latency histogram) and the per-item table with the worst items first."""
from __future__ import annotations

from collections.abc import Sequence
from html import escape

from policyqa.evals.aggregate import SystemResult
from policyqa.evals.report_text import COLUMNS, GROUP_METRICS, fmt
from policyqa.evals.scoring import ItemScore, Metric
from policyqa.evals.suite import EvalReport
from policyqa.evals.svg import bar_chart, histogram, line_chart

__all__ = ["html_report"]

_STYLE = """
body{font-family:system-ui,sans-serif;margin:24px;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3} td.num{text-align:right;font-variant-numeric:tabular-nums}
td.bad{background:#fde8e8} td.q{min-width:420px} .muted{color:#777;font-size:12px} details{margin:6px 0}
"""


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>"
                                   for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _summary(report: EvalReport) -> str:
    rows = [[escape(s.name), str(len(s.items)), *(fmt(s.overall()[m], m) for _, m in COLUMNS),
             fmt(s.latency(50)), fmt(s.latency(95))] for s in report.systems]
    return _table(["system", "n", *(h for h, _ in COLUMNS), "p50 ms", "p95 ms"], rows)


def _type_bars(report: EvalReport, metric: Metric) -> str:
    types = list(dict.fromkeys(i.type for s in report.systems for i in s.items))
    series = {s.name: [s.by_type().get(t, {}).get(metric) for t in types] for s in report.systems}
    return bar_chart(f"{metric.value} by question type", types, series)


def _tradeoff_plot(report: EvalReport) -> str:
    curves, marks = {}, {}
    for s in report.systems:
        curve = s.tradeoff()
        if curve:
            curves[s.name] = [(p.false_refusal, p.rejection) for p in curve]
            marks[s.name] = (curve[0].false_refusal, curve[0].rejection)
    if not curves:
        return '<p class="muted">No trade-off curve: the gold items need both answerable and unanswerable questions.</p>'
    return line_chart("Refusal trade-off (dot: as run)", curves, "false refusal on answerable",
                      "refusal on unanswerable", marks)


def _latency_plot(report: EvalReport) -> str:
    series = {s.name: s.latencies() for s in report.systems if s.latencies()}
    return histogram("Latency per question", series) if series else ""


def _grouped_tables(report: EvalReport) -> str:
    parts = []
    for title, pick in (("question type", SystemResult.by_type), ("role", SystemResult.by_role)):
        for metric in GROUP_METRICS:
            names = list(dict.fromkeys(g for s in report.systems for g in pick(s)))
            rows = [[escape(s.name), *(fmt(pick(s).get(g, {}).get(metric), metric) for g in names)]
                    for s in report.systems]
            parts.append(f"<h4>{escape(metric.value)} by {title}</h4>" + _table(["system", *names], rows))
    return "".join(parts)


def _cell(item: ItemScore, metric: Metric) -> str:
    measure = item.measures.get(metric)
    if measure is None or measure.value is None:
        return '<td class="num">–</td>'
    bad = measure.value > 0 if metric is Metric.FALSE_REFUSAL else measure.value < 1
    return (f'<td class="num{" bad" if bad else ""}" title="{escape(measure.reason)}">'
            f"{measure.value:.2f}</td>")


def _reasons(item: ItemScore) -> str:
    lines = [f"<b>{escape(m.value)}</b>: {escape(v.reason)}" for m, v in item.measures.items()
             if v.value is not None and m.is_share]
    return "<br>".join(lines)


_ITEM_METRICS = (Metric.RECALL_5, Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.CITATION_RECALL,
                 Metric.CITATION_PRECISION, Metric.FAITHFULNESS, Metric.REJECTION, Metric.FALSE_REFUSAL)


def _items(system: SystemResult, open_: bool) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in
                   ("id", "type", "role", "quality", *(m.value for m in _ITEM_METRICS), "question / answer / reasons"))
    rows = []
    for i in system.worst():
        answer = escape(i.answer if len(i.answer) <= 300 else i.answer[:300] + "…")
        detail = (f"{escape(i.question)}<details><summary>answer{' (abstained)' if i.abstained else ''}</summary>"
                  f"{answer}<hr>{_reasons(i)}</details>")
        rows.append(f"<tr><td>{escape(i.item_id)}</td><td>{escape(i.type)}</td><td>{escape(i.role)}</td>"
                    f'<td class="num">{i.quality:.2f}</td>{"".join(_cell(i, m) for m in _ITEM_METRICS)}'
                    f'<td class="q">{detail}</td></tr>')
    return (f"<details{' open' if open_ else ''}><summary><b>{escape(system.name)}</b> — "
            f"{len(system.items)} items, worst first</summary><table><tr>{head}</tr>{''.join(rows)}</table></details>")


def html_report(report: EvalReport) -> str:
    """The whole report as one HTML document with no external resources."""
    missing = "".join(f"<p class=\"muted\">{escape(s.name)}: no answer for {len(s.missing)} item(s)</p>"
                      for s in report.systems if s.missing)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh"><head><meta charset="utf-8">',
        "<title>PolicyQA evaluation</title>", f"<style>{_STYLE}</style></head><body>",
        "<h1>PolicyQA evaluation</h1>",
        f'<p class="muted">Gold file {escape(report.gold)} · {report.item_count} questions · judge '
        f"{escape(report.judge)} · {escape(report.created)}</p>",
        "<h2>Summary</h2>", _summary(report), missing,
        "<h2>Plots</h2>", _type_bars(report, Metric.KEY_FACTS), _type_bars(report, Metric.FAITHFULNESS),
        _tradeoff_plot(report), _latency_plot(report),
        "<h2>By type and role</h2>", _grouped_tables(report),
        "<h2>Items</h2>", "".join(_items(s, n == 0) for n, s in enumerate(report.systems)),
        "</body></html>",
    ])

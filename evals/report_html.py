"""The report as one self-contained HTML page in Chinese: the summary with a legend of every figure
it shows, inline SVG plots (per-type bars, refusal trade-off curve, latency histogram), tables per
question type and role, and the per-item table with the worst items first. Figure names and
legends come from ``report_labels``."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from pathlib import Path

from policyqa.evals.aggregate import SystemResult
from policyqa.evals.report_labels import FigureLabel, figure, role_name, type_name
from policyqa.evals.report_text import GROUP_METRICS, LATENCY_FIGURES, SUMMARY_METRICS, fmt
from policyqa.evals.scoring import ItemScore, Metric
from policyqa.evals.suite import EvalReport
from policyqa.evals.svg import bar_chart, histogram, line_chart

__all__ = ["html_report"]

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:24px;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:8px 0 20px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3} th[title]{cursor:help;text-decoration:underline dotted #999}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.bad{background:#fde8e8} td.tag{white-space:nowrap} td.q{min-width:420px} .muted{color:#777;font-size:12px} details{margin:6px 0}
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;font-size:13px;margin:4px 0 20px}
dl.legend dt{font-weight:600} dl.legend dd{margin:0;color:#444}
.plots svg{display:block;margin:0 0 24px}
"""

_ITEM_METRICS = (Metric.RECALL_5, Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.CITATION_RECALL,
                 Metric.CITATION_PRECISION, Metric.FAITHFULNESS, Metric.REJECTION, Metric.FALSE_REFUSAL)


def _th(label: FigureLabel) -> str:
    """A column header naming a figure, its legend on hover."""
    return f'<th title="{escape(label.explained)}">{escape(label.name)}</th>'


def _table(head: str, rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>"
                                   for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _plain(*names: str) -> str:
    return "".join(f"<th>{escape(n)}</th>" for n in names)


def _legend(labels: Sequence[FigureLabel]) -> str:
    """What each shown figure measures and which way is better, one line each."""
    rows = "".join(f"<dt>{escape(f.name)}</dt><dd>{escape(f.explained)}</dd>" for f in labels)
    return f'<h3>指标说明</h3><dl class="legend">{rows}</dl>'


def _summary(report: EvalReport) -> str:
    rows = [[escape(s.name), str(len(s.items)), *(fmt(s.overall()[m], m) for m in SUMMARY_METRICS),
             fmt(s.latency(50)), fmt(s.latency(95))] for s in report.systems]
    head = _plain("系统", "题数") + "".join(_th(figure(m)) for m in SUMMARY_METRICS) + "".join(map(_th, LATENCY_FIGURES))
    return _table(head, rows)


def _type_bars(report: EvalReport, metric: Metric) -> str:
    types = list(dict.fromkeys(i.type for s in report.systems for i in s.items))
    series = {s.name: [s.by_type().get(t, {}).get(metric) for t in types] for s in report.systems}
    label = figure(metric)
    return bar_chart(f"{label.name} · 按题型", [type_name(t) for t in types], series,
                     xlabel=f"{label.name}（{label.direction.value}）")


def _tradeoff_plot(report: EvalReport) -> str:
    curves, marks = {}, {}
    for s in report.systems:
        curve = s.tradeoff()
        if curve:
            curves[s.name] = [(p.false_refusal, p.rejection) for p in curve]
            marks[s.name] = (curve[0].false_refusal, curve[0].rejection)
    if not curves:
        return '<p class="muted">没有拒答权衡曲线：题集需同时含可回答与不可回答的题目，且系统给出不同的置信度。</p>'
    return line_chart("拒答权衡（圆点：本次运行的设置）", curves,
                      f"{figure(Metric.FALSE_REFUSAL).name}（可回答题被拒答的比例）",
                      f"{figure(Metric.REJECTION).name}", marks)


def _latency_plot(report: EvalReport) -> str:
    series = {s.name: s.latencies() for s in report.systems if s.latencies()}
    return histogram("每题延迟分布", series, xlabel="延迟（毫秒）", ylabel="题数") if series else ""


def _grouped_tables(report: EvalReport) -> str:
    parts = []
    groupings: tuple[tuple[str, Callable, Callable[[str], str]], ...] = (
        ("题型", SystemResult.by_type, type_name), ("提问角色", SystemResult.by_role, role_name))
    for title, pick, name in groupings:
        for metric in GROUP_METRICS:
            names = list(dict.fromkeys(g for s in report.systems for g in pick(s)))
            rows = [[escape(s.name), *(fmt(pick(s).get(g, {}).get(metric), metric) for g in names)]
                    for s in report.systems]
            head = _plain("系统", *(name(g) for g in names))
            parts.append(f"<h4>{escape(figure(metric).name)} · 按{title}</h4>" + _table(head, rows))
    return "".join(parts)


def _cell(item: ItemScore, metric: Metric) -> str:
    measure = item.measures.get(metric)
    if measure is None or measure.value is None:
        return '<td class="num">–</td>'
    bad = measure.value > 0 if metric is Metric.FALSE_REFUSAL else measure.value < 1
    return (f'<td class="num{" bad" if bad else ""}" title="{escape(measure.reason)}">'
            f"{measure.value:.2f}</td>")


def _reasons(item: ItemScore) -> str:
    lines = [f"<b>{escape(figure(m).name)}</b>：{escape(v.reason)}" for m, v in item.measures.items()
             if v.value is not None and m.is_share]
    return "<br>".join(lines)


def _items(system: SystemResult, open_: bool) -> str:
    head = (_plain("题号", "题型", "角色") + _th(figure("quality")) + "".join(_th(figure(m)) for m in _ITEM_METRICS)
            + _plain("问题 / 回答 / 评分理由"))
    rows = []
    for i in system.worst():
        answer = escape(i.answer if len(i.answer) <= 300 else i.answer[:300] + "…")
        detail = (f"{escape(i.question)}<details><summary>回答{'（已拒答）' if i.abstained else ''}</summary>"
                  f"{answer}<hr>{_reasons(i)}</details>")
        tags = "".join(f'<td class="tag">{escape(t)}</td>' for t in (i.item_id, type_name(i.type), role_name(i.role)))
        rows.append(f"<tr>{tags}"
                    f'<td class="num">{i.quality:.2f}</td>{"".join(_cell(i, m) for m in _ITEM_METRICS)}'
                    f'<td class="q">{detail}</td></tr>')
    return (f"<details{' open' if open_ else ''}><summary><b>{escape(system.name)}</b> — "
            f"{len(system.items)} 题，最差的在前</summary><table><tr>{head}</tr>{''.join(rows)}</table></details>")


def _shown_figures() -> list[FigureLabel]:
    """Every figure the page shows, in summary order, then the items' quality."""
    return [*(figure(m) for m in SUMMARY_METRICS), *LATENCY_FIGURES, figure("quality")]


def html_report(report: EvalReport) -> str:
    """The whole report as one HTML document with no external resources."""
    missing = "".join(f'<p class="muted">{escape(s.name)}：{len(s.missing)} 题没有回答</p>'
                      for s in report.systems if s.missing)
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>PolicyQA 评测报告</title>", f"<style>{_STYLE}</style></head><body>",
        "<h1>PolicyQA 评测报告</h1>",
        f'<p class="muted">金标题集 <span title="{escape(report.gold)}">{escape(Path(report.gold).name)}</span> · '
        f"{report.item_count} 题 · 判定器 {escape(report.judge)} · {escape(report.created)}</p>",
        "<h2>总览</h2>", _summary(report), missing, _legend(_shown_figures()),
        '<h2>图表</h2><div class="plots">', _type_bars(report, Metric.KEY_FACTS),
        _type_bars(report, Metric.FAITHFULNESS), _tradeoff_plot(report), _latency_plot(report), "</div>",
        "<h2>按题型与角色</h2>", _grouped_tables(report),
        "<h2>逐题结果</h2>", "".join(_items(s, n == 0) for n, s in enumerate(report.systems)),
        "</body></html>",
    ])

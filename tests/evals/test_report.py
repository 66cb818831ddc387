"""The reports' words and charts on a real small run: bundled gold items answered by two recorded
systems (one quotes the gold evidence and refuses the unanswerable, one answers everything with
the reference answer and cites nothing), scored with the model-free support judge."""
from __future__ import annotations

import json
import re
from html import escape

import pytest

from policyqa.assistant.support import SupportJudge
from policyqa.evals.gold import BUNDLED_GOLD, QuestionType, Role, load_aliases, load_gold
from policyqa.evals.records import AnswerRecord, CitedText
from policyqa.evals.report_files import write_reports
from policyqa.evals.report_html import html_report
from policyqa.evals.report_labels import FIGURES, Direction, figure, role_name, type_name
from policyqa.evals.report_text import SUMMARY_METRICS, markdown_report
from policyqa.evals.scoring import Metric
from policyqa.evals.suite import EvalReport, evaluate_system, quick_subset, resolve_docs
from policyqa.evals.svg import bar_chart, text_width
from policyqa.evals.systems import RecordedSystem

LONG_NAME = "reference answers without citations (no retrieval, never refuses, a deliberately long name)"


def _quoting(item, n: int) -> AnswerRecord:
    if not item.answerable:
        return AnswerRecord(item.id, item.question, "文件中没有这方面的规定。", True, (), (), 30.0 + n, 0.1)
    cited = tuple(CitedText(k, e.doc, "", "", e.quote, 0.9) for k, e in enumerate(item.evidence, 1))
    answer = "".join(f"{e.quote}[{k}]。" for k, e in enumerate(item.evidence, 1))
    return AnswerRecord(item.id, item.question, answer, False, cited,
                        tuple(CitedText(0, c.doc, "", "", c.text, c.score) for c in cited), 40.0 + n, 0.5 + n / 100)


@pytest.fixture(scope="module")
def report(corpus_dir) -> EvalReport:
    aliases = load_aliases(corpus_dir)
    items = resolve_docs(quick_subset(load_gold(BUNDLED_GOLD), 20), aliases)
    quoting = RecordedSystem("quotes the evidence", [_quoting(i, n) for n, i in enumerate(items)])
    plain = RecordedSystem(LONG_NAME, [AnswerRecord(i.id, i.question, i.answer, False, (), (), 5.0, n / 10)
                                       for n, i in enumerate(items)])
    judge = SupportJudge()
    systems = tuple(evaluate_system(s, items, judge, aliases=aliases, progress=False) for s in (quoting, plain))
    return EvalReport(BUNDLED_GOLD.name, len(items), "SupportJudge", systems)


def test_every_figure_is_labelled_once_and_its_direction_agrees_with_the_metric():
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys)) and {m.value for m in Metric} <= set(keys)
    for metric in Metric:
        expected = (Direction.REFERENCE if not metric.is_share
                    else Direction.HIGHER if metric.higher_is_better else Direction.LOWER)
        assert figure(metric).direction is expected, metric
    assert all(type_name(t.value) != t.value for t in QuestionType)
    assert all(role_name(r.value) != r.value for r in Role)


def test_the_html_names_and_explains_every_figure_it_shows(report):
    html = html_report(report)
    shown = [*(figure(m) for m in SUMMARY_METRICS), figure("p50"), figure("p95"), figure("quality")]
    for label in shown:
        assert f"<dt>{escape(label.name)}</dt><dd>{escape(label.explained)}</dd>" in html, label.key
        assert f'<th title="{escape(label.explained)}">{escape(label.name)}</th>' in html, label.key
    for english in ("R@1", "cite prec.", "key_facts", "false_refusal", "Summary", "by question type"):
        assert english not in html
    assert "按题型" in html and "错误前提" in html and "教师" in html


def test_markdown_keeps_its_compact_headers_and_gains_the_legend(report):
    markdown = markdown_report(report)
    assert "| system | n | R@1 | R@5 | MRR |" in markdown
    for label in FIGURES:
        assert f"| {label.short} | {label.name} | {label.explained} |" in markdown


def test_report_json_keeps_the_machine_keys(tmp_path, report):
    data = json.loads(write_reports(report, tmp_path)["json"].read_text(encoding="utf-8"))
    assert set(data["systems"][0]["overall"]) == {m.value for m in Metric}
    assert set(data["systems"][0]["items"][0]["metrics"]) == {m.value for m in Metric}


def test_text_width_counts_wide_characters_as_one_em():
    assert text_width("错误前提", 12) == 48 and text_width("ab", 10) == 12


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, anchor, text) of every <text> element, its <title> dropped."""
    out = []
    for attrs, body in re.findall(r"<text ([^>]*)>(.*?)</text>", svg):
        x, y = (float(re.search(fr'\b{a}="([-\d.]+)"', attrs).group(1)) for a in ("x", "y"))
        anchor = re.search(r'text-anchor="(\w+)"', attrs)
        out.append((x, y, anchor.group(1) if anchor else "start", re.sub(r"<title>.*?</title>", "", body)))
    return out


def test_bar_labels_get_a_row_each_left_of_the_bars_and_the_legend_wraps(report):
    groups = [type_name(t.value) for t in QuestionType] + ["一个非常非常长的分组名称，超过了标签的最大宽度还要再长一些"]
    series = {s.name: [0.5] * len(groups) for s in report.systems}
    svg = bar_chart("标题", groups, series)
    texts = _texts(svg)
    labels = [t for t in texts if t[2] == "end"]
    assert len(labels) == len(groups)
    ys = sorted(y for _, y, _, _ in labels)
    assert all(b - a >= 14 for a, b in zip(ys, ys[1:]))                     # one row per label
    left_of_bars = min(float(x) for x in re.findall(r'<rect x="([\d.]+)"[^>]*height="12"', svg))
    assert all(x <= left_of_bars and x - text_width(t) >= 0 for x, _, _, t in labels)
    assert labels[-1][3].endswith("…") and "<title>一个非常非常长的分组名称" in svg   # shortened, kept on hover
    keys = [t for t in texts if t[3] in {s.name for s in report.systems}]
    assert len({y for _, y, _, _ in keys}) == 2                              # the long name wrapped to a second row
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    assert max(y for _, y, _, _ in texts) < height

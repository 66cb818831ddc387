"""The evaluation run end to end on the bundled corpus indexed with the model-free HashEmbedder:
the assistant and both baselines in one run, recorded answers through the same path, the three
report files and the ``policyqa eval`` command."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from policyqa.assistant.support import SupportJudge
from policyqa.cli import main
from policyqa.evals.baselines import bm25_baseline, llamaindex_baseline
from policyqa.evals.gold import BUNDLED_GOLD, Evidence, load_gold
from policyqa.evals.report_files import write_reports
from policyqa.evals.report_text import summary_table
from policyqa.evals.scoring import Metric
from policyqa.evals.suite import EvalOptions, quick_subset, run_eval
from policyqa.evals.systems import AssistantSystem
from policyqa.index.embedder import HashEmbedder

NATIONAL, NATIONAL_ORIGINAL = "national-curriculum-reform-plan-2023.txt", "000_9b84d41d9b01e685.txt"


@pytest.fixture(scope="module")
def hash_assistant(hash_corpus_index):
    from policyqa.assistant.service import Assistant
    return Assistant.load(hash_corpus_index, embedder=HashEmbedder())


@pytest.fixture(scope="module")
def small_gold(tmp_path_factory) -> Path:
    """12 bundled items covering every type; national-plan evidence named by its original file name."""
    items = quick_subset(load_gold(BUNDLED_GOLD), 12)
    lines = []
    for item in items:
        evidence = [{"doc": NATIONAL_ORIGINAL if e.doc == NATIONAL else e.doc, "quote": e.quote} for e in item.evidence]
        lines.append({"id": item.id, "role": item.role.value, "type": item.type.value, "question": item.question,
                      "answer": item.answer, "must_include": list(item.must_include), "evidence": evidence,
                      "answerable": item.answerable})
    assert any(e["doc"] == NATIONAL_ORIGINAL for line in lines for e in line["evidence"])
    path = tmp_path_factory.mktemp("gold") / "gold.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def live_report(hash_corpus_index, hash_assistant, small_gold):
    systems = [AssistantSystem(hash_assistant), bm25_baseline(hash_assistant.retriever),
               llamaindex_baseline(hash_corpus_index.corpus_dir, HashEmbedder())]
    return run_eval(hash_corpus_index, EvalOptions(gold=small_gold), systems=systems, progress=False)


def test_quick_subset_covers_every_type_in_file_order():
    items = load_gold(BUNDLED_GOLD)
    quick = quick_subset(items)
    assert len(quick) == 30
    assert Counter(i.type.value for i in quick) == Counter({t: 3 for t in {i.type.value for i in items}})
    positions = [items.index(i) for i in quick]
    assert positions == sorted(positions)
    assert quick_subset(items) == quick


def test_one_run_scores_the_assistant_and_both_baselines(live_report):
    assert [s.name for s in live_report.systems][0] == "PolicyQA assistant"
    assert len(live_report.systems) == 3
    for system in live_report.systems:
        assert len(system.items) == 12 and not system.missing
        overall = system.overall()
        for metric in (Metric.RECALL_5, Metric.KEY_FACTS, Metric.CITATION_SUPPORT, Metric.FAITHFULNESS):
            assert 0.0 <= overall[metric] <= 1.0
        assert system.latency(50) is not None
    for baseline in live_report.systems[1:]:
        assert baseline.overall()[Metric.REJECTION] == 0.0          # extractive baselines never abstain
        assert baseline.overall()[Metric.FAITHFULNESS] == 1.0       # …and quote every sentence they cite


def test_gold_named_by_original_file_names_is_resolved(live_report, small_gold):
    national = {i.id for i in load_gold(small_gold) if any(e.doc == NATIONAL_ORIGINAL for e in i.evidence)}
    found = [i.value(Metric.RECALL_5) for s in live_report.systems for i in s.items if i.item_id in national]
    assert max(found) > 0       # 0 everywhere if the alias were not resolved to the corpus name


def test_recorded_answers_are_scored_like_live_ones(tmp_path, hash_corpus_index, hash_assistant, small_gold, live_report):
    items = load_gold(small_gold)[:6]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(hash_assistant.ask(i.question).to_record(i.id), ensure_ascii=False) + "\n"
                             for i in items), encoding="utf-8")
    report = run_eval(hash_corpus_index, EvalOptions(gold=small_gold, answers=batch), progress=False)
    (recorded,) = report.systems
    assert recorded.name == "answers: batch.jsonl"
    assert sorted(recorded.missing) == sorted(i.id for i in load_gold(small_gold)[6:])
    live = {i.item_id: i for i in live_report.systems[0].items}
    for item in recorded.items:
        assert item.quality == live[item.item_id].quality
        assert item.measures[Metric.KEY_FACTS] == live[item.item_id].measures[Metric.KEY_FACTS]


def test_reports_are_written_and_the_html_is_self_contained(tmp_path, live_report):
    paths = write_reports(live_report, tmp_path / "out")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    qualities = [i["quality"] for i in data["systems"][0]["items"]]
    assert qualities == sorted(qualities)                                      # worst first
    assert all("reason" in m for i in data["systems"][0]["items"] for m in i["metrics"].values())
    html = paths["html"].read_text(encoding="utf-8")
    assert html.count("<svg") >= 3 and "拒答权衡" in html and "每题延迟分布" in html
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html)               # nothing fetched
    markdown = paths["md"].read_text(encoding="utf-8")
    assert summary_table(live_report) in markdown and "## Worst items" in markdown


def test_cli_scores_a_batch_file_and_prints_the_table(tmp_path, hash_assistant, small_gold, capsys):
    item = load_gold(small_gold)[0]
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(hash_assistant.ask(item.question).to_record(item.id), ensure_ascii=False) + "\n",
                     encoding="utf-8")
    code = main(["eval", "--gold", str(small_gold), "--answers", str(batch), "--out", str(tmp_path / "r"), "--quiet"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "| answers: batch.jsonl | 1 |" in out and "report.html" in err
    assert (tmp_path / "r" / "report.html").is_file()


def test_cli_bad_answers_file_is_one_line(tmp_path, small_gold, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert main(["eval", "--gold", str(small_gold), "--answers", str(bad), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("错误：") and "bad.jsonl 第 1 行" in err and "\n" not in err


def test_a_stricter_judge_lowers_faithfulness_never_raises_it(hash_corpus_index, hash_assistant, small_gold):
    system = [bm25_baseline(hash_assistant.retriever)]
    options = EvalOptions(gold=small_gold)
    loose = run_eval(hash_corpus_index, options, systems=system, judge=SupportJudge(threshold=0.3), progress=False)
    strict = run_eval(hash_corpus_index, options, systems=system, judge=SupportJudge(threshold=1.0), progress=False)
    assert strict.systems[0].overall()[Metric.FAITHFULNESS] <= loose.systems[0].overall()[Metric.FAITHFULNESS]
    assert "threshold=1.0" in strict.judge


def test_resolve_keeps_unknown_names():
    from policyqa.evals.suite import resolve_docs
    (item,) = quick_subset(load_gold(BUNDLED_GOLD), 1)
    renamed = resolve_docs([replace(item, evidence=(Evidence("unknown.txt", "x" * 12),))], {"a.txt": "b.txt"})
    assert renamed[0].evidence[0].doc == "unknown.txt"

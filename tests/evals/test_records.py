"""Answer records: parsing the batch shape, confidence fallback, and one-line file errors."""
from __future__ import annotations

import json

import pytest

from policyqa.errors import PolicyQAError
from policyqa.evals.records import AnswerFormatError, AnswerRecord, CitedText, load_answers

LINE = {"id": "g001", "question": "学校能开除学生吗？", "answer": "不可以。不得开除[1]。", "abstained": False,
        "citations": [{"n": 1, "doc": "compulsory-education-law.txt", "title": "中华人民共和国义务教育法",
                       "label": "第二十七条", "text": "第二十七条 对违反学校管理制度的学生，学校应当予以批评教育，不得开除。",
                       "path": ["第二十七条"], "supporting": []}],
        "sources": [{"doc": "compulsory-education-law.txt", "title": "t", "label": "第二十七条", "text": "…",
                     "score": 0.61}, {"doc": "x.txt", "title": "t", "label": "l", "text": "…", "score": 0.2}],
        "latency_ms": 12.5, "mode": "grounded"}


def test_parses_the_batch_shape_and_round_trips():
    rec = AnswerRecord.from_json(LINE)
    assert rec.citation(1).label == "第二十七条" and rec.citation(2) is None
    assert rec.sources[0].score == 0.61 and rec.latency_ms == 12.5
    assert "中华人民共和国义务教育法" in rec.citations[0].judged_text
    assert AnswerRecord.from_json(rec.to_json()) == rec


def test_confidence_is_the_support_score_else_the_top_source_score():
    assert AnswerRecord.from_json(LINE).confidence == 0.61
    assert AnswerRecord.from_json({**LINE, "support_score": 0.9}).confidence == 0.9
    assert AnswerRecord.from_json({**LINE, "sources": []}).confidence == 0.0


def test_load_answers_reads_lines_and_skips_blank_ones(tmp_path):
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(LINE, ensure_ascii=False) + "\n\n", encoding="utf-8")
    assert [r.id for r in load_answers(path)] == ["g001"]


@pytest.mark.parametrize("content, part", [
    (None, "文件不存在"), ("", "没有任何答案"), ("{not json\n", "第 1 行"),
    (json.dumps({"id": "g1", "answer": "x"}) + "\n", "abstained"), ("[1, 2]\n", "第 1 行"),
])
def test_bad_answer_files_give_one_line_errors(tmp_path, content, part):
    path = tmp_path / "answers.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(AnswerFormatError) as err:
        load_answers(path)
    assert isinstance(err.value, PolicyQAError)
    assert part in str(err.value) and "\n" not in str(err.value)


def test_cited_text_without_title_is_judged_on_its_text():
    assert CitedText(1, "a.txt", "", "", "正文").judged_text == "正文"

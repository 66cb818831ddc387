"""Answer metrics on hand-computed examples over real clauses of the compulsory-education law."""
from __future__ import annotations

import pytest

from policyqa.assistant.support import SupportJudge
from policyqa.evals.answer_metrics import (
    answer_sentences, citation_quality, citation_support, claim_sentences, faithfulness, false_refusal, key_fact_coverage,
    rejection,
)
from policyqa.evals.gold import Evidence
from policyqa.evals.records import AnswerRecord, CitedText

LAW = "compulsory-education-law.txt"
TITLE = "中华人民共和国义务教育法"


@pytest.fixture(scope="module")
def judge() -> SupportJudge:
    return SupportJudge()


@pytest.fixture(scope="module")
def clauses(clause_text) -> dict[str, CitedText]:
    art57 = clause_text(LAW, "第五十七条") + "\n（二）分设重点班和非重点班的；\n（三）违反本法规定开除学生的；"
    return {
        "27": CitedText(1, LAW, TITLE, "第二十七条", clause_text(LAW, "第二十七条")),
        "57": CitedText(2, LAW, TITLE, "第五十七条", art57),
        "2": CitedText(2, LAW, TITLE, "第二条", clause_text(LAW, "第二条")),
    }


def record(answer: str, *cited: CitedText, abstained: bool = False) -> AnswerRecord:
    numbered = tuple(CitedText(n, c.doc, c.title, c.label, c.text) for n, c in enumerate(cited, 1))
    return AnswerRecord("t1", "学校能开除学生吗？", answer, abstained, numbered, numbered)


def test_claim_sentences_leave_out_framing():
    assert claim_sentences("不可以。学校不得开除学生[1]。根据第二十七条规定：") == ["学校不得开除学生[1]。"]
    assert claim_sentences("文件有明确要求。可以，文件予以鼓励。") == []


def test_a_quotation_of_several_sentences_is_one_sentence():
    answer = "第二条：“国家实行九年义务教育制度。实施义务教育，不收学费、杂费。”[1]。另见第二十七条[2]。"
    assert answer_sentences(answer) == ["第二条：“国家实行九年义务教育制度。实施义务教育，不收学费、杂费。”[1]。",
                                        "另见第二十七条[2]。"]


def test_key_fact_coverage_normalises_width_and_space():
    answer = record("学校应当予以批评 教育，不得开除（ＡＢ）。")
    assert key_fact_coverage(["不得开除", "批评教育", "(AB)"], answer).value == 1.0
    half = key_fact_coverage(["不得开除", "2027年"], answer)
    assert half.value == 0.5 and "2027年" in half.reason
    assert key_fact_coverage([], answer).value is None
    assert key_fact_coverage(["不得开除"], record("不得开除", abstained=True)).value == 0.0


def test_citation_support_needs_the_quote_in_a_cited_clause_of_the_same_document(clauses):
    evidence = [Evidence(LAW, "学校应当予以批评教育，不得开除。")]
    assert citation_support(evidence, record("x[2]", clauses["2"], clauses["27"])).value == 1.0
    assert citation_support(evidence, record("x[1]", clauses["2"])).value == 0.0
    moved = CitedText(1, "minors-protection-law.txt", "", "", clauses["27"].text)
    assert citation_support(evidence, record("x[1]", moved)).value == 0.0
    assert citation_support(evidence, record("x")).reason == "没有引用"
    assert citation_support([], record("x")).value is None


def test_alce_recall_and_precision_hand_computed(clauses, judge):
    # 4 sentences: a verdict (framing, left out), two supported by their own citation, one
    # unsupported by its two citations. Recall 2/3; precision: 2 good of 4 citations.
    answer = record("不可以。学校对违反学校管理制度的学生应当予以批评教育，不得开除[1]。"
                    "违反本法规定开除学生的，由县级人民政府教育行政部门责令限期改正[2]。"
                    "国家实行九年义务教育制度[1][2]。", clauses["27"], clauses["57"])
    recall, precision = citation_quality(answer, judge)
    assert recall.value == pytest.approx(2 / 3)
    assert precision.value == pytest.approx(2 / 4)
    assert "国家实行九年义务教育制度" in recall.reason


def test_alce_precision_flags_an_irrelevant_extra_citation(clauses, judge):
    # [1] supports alone; [2] does not, and [1] still supports without it: [2] is irrelevant.
    answer = record("学校应当予以批评教育，不得开除[1][2]。", clauses["27"], clauses["2"])
    recall, precision = citation_quality(answer, judge)
    assert recall.value == 1.0
    assert precision.value == 0.5


def test_alce_counts_uncited_and_dangling_markers_as_unsupported(clauses, judge):
    recall, precision = citation_quality(record("学校不得开除学生。学校不得开除学生[3]。", clauses["27"]), judge)
    assert recall.value == 0.0
    assert precision.value == 0.0     # the one marker [3] points at no citation


def test_faithfulness_uses_all_citations_together(clauses, judge):
    answer = record("学校不得开除学生。违反本法规定开除学生的，由县级人民政府教育行政部门责令限期改正[1]。"
                    "学校可以开除学生[2]。", clauses["27"], clauses["57"])
    measure = faithfulness(answer, judge)
    assert measure.value == pytest.approx(2 / 3)      # the uncited first sentence is still grounded
    assert "学校可以开除学生" in measure.reason
    assert faithfulness(record("学校不得开除学生。"), judge).value == 0.0
    assert faithfulness(record("不可以。"), judge).value is None


def test_abstentions_skip_sentence_metrics(clauses, judge):
    refusal = record("所收录的文件没有明确规定这一点。相关条款：第二十七条[1]。", clauses["27"], abstained=True)
    assert citation_quality(refusal, judge)[0].value is None
    assert faithfulness(refusal, judge).value is None


def test_rejection_and_false_refusal():
    answered, refused = record("不得开除"), record("未规定", abstained=True)
    assert rejection(False, refused).value == 1.0 and rejection(False, answered).value == 0.0
    assert rejection(True, refused).value is None
    assert false_refusal(True, refused).value == 1.0 and false_refusal(True, answered).value == 0.0
    assert false_refusal(False, refused).value is None

"""DocumentComparer on the bundled Beijing and national curriculum plans (real e5 vectors)."""
from __future__ import annotations

import numpy as np
import pytest

from policyqa.assistant.compare import DocumentComparer, _bigram_tfidf, _centred
from policyqa.errors import PolicyQAError, UnknownDocument

BEIJING = "beijing-curriculum-reform-plan.txt"
NATIONAL = "national-curriculum-reform-plan-2023.txt"


@pytest.fixture(scope="module")
def comparer(e5_corpus_index, e5_embedder) -> DocumentComparer:
    from policyqa.index.service import load_retriever

    return DocumentComparer(load_retriever(e5_corpus_index, embedder=e5_embedder))


@pytest.fixture(scope="module")
def plans(comparer):
    return comparer.compare(BEIJING, NATIONAL)


def _pairs(comparison) -> set[tuple[str, str]]:
    return {(p.a.label, p.b.label) for p in comparison.pairs}


def test_bigram_tfidf_matches_a_hand_computed_case():
    # 甲乙丙 has 甲乙 (in both texts: idf 0) and 乙丙 (idf log 2); 甲乙 alone has only the zero weight
    rows = _bigram_tfidf(["甲乙丙", "甲乙"])
    np.testing.assert_allclose(rows, [[0.0, 1.0], [0.0, 0.0]], atol=1e-7)


def test_centring_removes_the_shared_direction():
    vectors = np.array([[1.0, 0.1], [1.0, -0.1]], dtype=np.float32)   # raw cosine 0.98
    centred = _centred(vectors)
    assert float(centred[0] @ centred[1]) == pytest.approx(-1.0)


@pytest.mark.model
def test_beijing_items_sit_next_to_the_national_items_they_implement(plans):
    assert (plans.doc_a.doc, plans.doc_b.doc) == (BEIJING, NATIONAL)
    assert {("二、（一）3.", "三、（一）3."),     # 课程教材实施监测 ↔ 课程实施监测体系
            ("二、（三）13.", "三、（三）7."),    # 提升学生科学素养 ↔ 加强科学类学科教学
            ("二、（四）16.", "三、（四）11."),   # 改进学生评价 ↔ 改进和完善学生评价
            ("二、（五）19.", "三、（五）13."),   # 强化教研专业引领, in both
            ("三、（二）", "四、（二）")} <= _pairs(plans)   # 加强条件保障, in both
    # the action items of one plan answer to action items of the other, never to its preamble
    for pair in plans.pairs:
        if pair.a.kind == "item":
            assert pair.b.label.startswith("三、（")


@pytest.mark.model
def test_what_beijing_adds_and_what_it_leaves_out(plans):
    only_beijing = {c.path[-1] for c in plans.only_in_a}
    assert {"9.推进“大思政课”改革", "11.全面实施美育浸润", "12.加强劳动教育", "（三）加强督导考核"} <= only_beijing
    assert "6.实施优秀教学成果推广应用计划" in {c.path[-1] for c in plans.only_in_b}
    paired = {p.a.id for p in plans.pairs} | {p.b.id for p in plans.pairs}
    assert not paired & {c.id for c in (*plans.only_in_a, *plans.only_in_b)}
    assert [p.a.ordinal for p in plans.pairs] == sorted(p.a.ordinal for p in plans.pairs)


@pytest.mark.model
def test_a_topic_keeps_the_clauses_about_it(comparer):
    science = comparer.compare("北京方案", "国家方案", topic="科学教育")
    assert science.topic == "科学教育"
    assert ("二、（三）13.", "三、（三）7.") in _pairs(science)
    assert ("三、（一）", "四、（一）") not in _pairs(science)     # 加强组织领导 is not about science
    assert len(science.pairs) < len(comparer.compare(BEIJING, NATIONAL).pairs)


@pytest.mark.model
def test_aliases_name_the_same_documents(comparer, plans):
    assert _pairs(comparer.compare("北京方案", "国家方案")) == _pairs(plans)


@pytest.mark.model
def test_bad_choices_are_one_line_errors(comparer):
    with pytest.raises(PolicyQAError, match="同一份文件"):
        comparer.compare("北京方案", BEIJING)
    with pytest.raises(UnknownDocument):
        comparer.compare("北京方按案", NATIONAL)


@pytest.mark.model
def test_a_topic_only_one_plan_covers_names_the_silent_plan_first(comparer):
    labour = comparer.compare("北京方案", "国家方案", topic="劳动教育")
    assert [d.doc for d in labour.silent] == [NATIONAL]
    assert labour.finding.startswith("只有《北京市深化基础教育课程教学改革实施方案》谈到“劳动教育”")
    assert labour.finding.endswith("《基础教育课程教学改革深化行动方案》没有关于“劳动教育”的条款。")
    assert "二、（三）12." in {c.label for c in labour.on_topic_a} and not labour.pairs
    # every clause shown is about the topic: below the floor nothing is listed
    assert all("劳动" in c.text for c in (*labour.on_topic_a, *labour.only_in_a))


@pytest.mark.model
def test_the_floor_drops_clauses_the_ranking_returns_for_any_topic(comparer):
    unfloored = DocumentComparer(comparer.retriever, floor=False).compare("北京方案", "国家方案", topic="劳动教育")
    assert unfloored.on_topic_b          # the ranking always returns something of the national plan
    assert not comparer.compare("北京方案", "国家方案", topic="劳动教育").on_topic_b

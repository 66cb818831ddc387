"""Naming documents and clauses the way users do, over the parsed bundled corpus."""
from __future__ import annotations

import pytest

from policyqa.domain import Clause

from policyqa.errors import ClauseNotFound, UnknownDocument
from policyqa.index.aliases import DocumentResolver, aliases_of
from policyqa.index.clause_ref import ClauseRef, find_refs, resolve_ref

BEIJING = "beijing-curriculum-reform-plan.txt"
NATIONAL = "national-curriculum-reform-plan-2023.txt"
OPINION = "basic-education-expansion-quality-opinion-2023.txt"
DRAFT = "provincial-compulsory-quality-opinion-draft.txt"
COMPULSORY = "compulsory-education-law.txt"


@pytest.fixture(scope="module")
def resolver(corpus_report) -> DocumentResolver:
    return DocumentResolver(d.meta for d in corpus_report.documents)


@pytest.mark.parametrize("alias, doc", [
    ("国家方案", NATIONAL),
    ("北京方案", BEIJING),
    ("扩优提质意见", OPINION),
    ("征求意见稿", DRAFT),
    ("义务教育法", COMPULSORY),
    ("教育法", "education-law.txt"),
    ("教师法", "teachers-law.txt"),
    ("学前教育法", "preschool-education-law.txt"),
    ("未成年人保护法", "minors-protection-law.txt"),
    ("家庭教育促进法", "family-education-promotion-law.txt"),
    ("中华人民共和国义务教育法", COMPULSORY),
    ("北京市深化基础教育课程教学改革实施方案", BEIJING),
    ("《基础教育课程教学改革深化行动方案》".strip("《》"), NATIONAL),
    ("teachers-law.txt", "teachers-law.txt"),
    ("beijing-curriculum-reform-plan", BEIJING),
    (" 北京方案 ", BEIJING),
])
def test_every_alias_resolves(resolver, alias, doc):
    assert resolver.resolve(alias) == doc


def test_the_repost_is_not_the_beijing_plan(resolver, corpus_docs):
    repost = corpus_docs["beijing-plan-news-repost.txt"].meta
    assert "北京方案" not in aliases_of(repost)
    assert resolver.resolve("beijing-plan-news-repost.txt") == repost.doc


def test_a_misspelt_name_lists_the_choices(resolver):
    with pytest.raises(UnknownDocument) as err:
        resolver.resolve("北京方按")
    message = str(err.value)
    assert "北京方按" in message
    assert "\n" not in message
    assert "可选" in message
    for short in resolver.short_names():
        assert short in message
    assert len(resolver.short_names()) == 11


@pytest.mark.parametrize("question, docs", [
    ("北京方案第5条讲了什么？", [BEIJING]),
    ("义务教育法第二十七条怎么规定的", [COMPULSORY]),
    ("教育法第三十条", ["education-law.txt"]),
    ("国家方案和北京方案在作业管理上有何不同", [NATIONAL, BEIJING]),
    ("扩优提质意见的文号是什么", [OPINION]),
    ("征求意见稿对课后服务怎么说", [DRAFT]),
    ("学前教育法和未成年人保护法都提到了什么", ["preschool-education-law.txt", "minors-protection-law.txt"]),
    ("怎样减轻学生作业负担", []),
    # a kind of document is not a name: 实施方案 / 行动计划 alone name no document
    ("扩优提质意见里，省里报实施方案的时间节点是什么", [OPINION]),
    ("扩优提质行动计划的意见文号是什么", [OPINION]),
    ("各地要制定行动计划吗", []),
])
def test_find_names_documents_in_a_question(resolver, question, docs):
    assert [m.doc for m in resolver.find(question)] == docs


def test_find_reports_where_the_name_is(resolver):
    question = "请问义务教育法第二十七条"
    (mention,) = resolver.find(question)
    assert question[mention.start:mention.end] == "义务教育法"


@pytest.mark.parametrize("question, number", [
    ("义务教育法第二十七条", 27),
    ("北京方案第5条", 5),
    ("北京方案第 5 项", 5),
    ("未成年人保护法第一百三十二条", 132),
    ("教育法第十条", 10),
])
def test_find_refs_reads_numbers(question, number):
    (ref,) = find_refs(question)
    assert ref.number == number and ref.label is None


def test_find_refs_reads_printed_labels():
    (ref,) = find_refs("扩优提质意见二、（一）2.说了什么")
    assert ref.text == "二、（一）2." and ref.number is None and ref.label


def test_no_refs_in_a_plain_question():
    assert find_refs("义务教育阶段可以开除学生吗") == []


def test_resolve_ref_by_number_and_label(corpus_docs):
    law = list(corpus_docs[COMPULSORY].clauses)
    assert resolve_ref(find_refs("第二十七条")[0], law, "义务教育法").id == f"{COMPULSORY}#第二十七条"
    beijing = list(corpus_docs[BEIJING].clauses)
    hit = resolve_ref(find_refs("北京方案第5条")[0], beijing, "北京方案")
    assert (hit.kind, hit.number, hit.label) == ("item", 5, "二、（二）5.")
    opinion = list(corpus_docs[OPINION].clauses)
    (ref,) = find_refs("二、（一）2.")
    assert resolve_ref(ref, opinion, "扩优提质意见").path[-1] == "2.健全成本分担机制"


def test_missing_item_names_the_valid_range(corpus_docs):
    beijing = list(corpus_docs[BEIJING].clauses)
    with pytest.raises(ClauseNotFound) as err:
        resolve_ref(ClauseRef("第30条", number=30), beijing, "北京方案")
    assert "1–21" in str(err.value) and "第30条" in str(err.value)


def test_missing_article_names_the_valid_range(corpus_docs):
    law = list(corpus_docs["teachers-law.txt"].clauses)
    with pytest.raises(ClauseNotFound, match="1–43条"):
        resolve_ref(find_refs("第四十四条")[0], law, "教师法")


def test_label_refs_do_not_confuse_nested_and_two_digit_headings():
    """二、（一） written as 十、（一） must not match a heading printed 十一、 (both lose their
    punctuation to the same characters)."""
    eleventh = Clause(id="d#十一、", doc="d", title="t", label="十一、", path=("十一、附则",),
                      text="十一、附则。本办法自发布之日起施行。", schedule=None, hash="0", ordinal=0,
                      number=11, kind="section")
    (ref,) = find_refs("十、（一）")
    with pytest.raises(ClauseNotFound):
        resolve_ref(ref, [eleventh], "办法")


def test_missing_label_is_reported(corpus_docs):
    opinion = list(corpus_docs[OPINION].clauses)
    (ref,) = find_refs("九、（九）9.")
    with pytest.raises(ClauseNotFound, match="九、（九）9."):
        resolve_ref(ref, opinion, "扩优提质意见")


@pytest.mark.parametrize("question, doc, span", [
    ("国家那个方案第三部分讲什么", NATIONAL, "国家那个方案"),
    ("北京的方案二、（三）", BEIJING, "北京的方案"),
    ("扩优提质那个意见说了什么", OPINION, "扩优提质那个意见"),
    ("未保法第二十条", "minors-protection-law.txt", "未保法"),
    ("家促法第三条", "family-education-promotion-law.txt", "家促法"),
    ("义教法第2条", COMPULSORY, "义教法"),
    ("学前法第五条", "preschool-education-law.txt", "学前法"),
    ("教育部的课改方案里有几大行动", NATIONAL, "教育部的课改方案"),
    ("市里的课改方案怎么说", BEIJING, "市里的课改方案"),
])
def test_find_reads_the_names_people_type(resolver, question, doc, span):
    (mention,) = resolver.find(question)
    assert mention.doc == doc
    assert question[mention.start:mention.end] == span


@pytest.mark.parametrize("question", [
    "课改方案怎么说",          # national and Beijing plans both abbreviate so: name neither
    "学校的方案怎么写",
    "老师的法律责任有哪些",
    "教改方案怎么说",          # two characters, not where any title starts: too loose to guess
])
def test_find_does_not_guess_a_document(resolver, question):
    assert resolver.find(question) == []

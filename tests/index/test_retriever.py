"""Hybrid retrieval over an index of the bundled corpus built with the model-free HashEmbedder."""
from __future__ import annotations

import pytest
from llama_index.core.schema import NodeWithScore, QueryBundle

from policyqa.config import Config
from policyqa.domain import DocKind, Filters, Level
from policyqa.errors import IndexMismatch, IndexMissing
from policyqa.ingest.duplicates import normalise_for_matching
from policyqa.index.embedder import HashEmbedder
from policyqa.index.llama_adapter import ClauseRetriever
from policyqa.index.retriever import FusionSettings, HybridRetriever
from policyqa.index.synonyms import SynonymTable
from policyqa.index.service import ingest_and_index, load_retriever

BEIJING = "beijing-curriculum-reform-plan.txt"
REPOST = "beijing-plan-news-repost.txt"
NATIONAL = "national-curriculum-reform-plan-2023.txt"
COMPULSORY = "compulsory-education-law.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory, corpus_dir):
    config = Config.load(index_dir=tmp_path_factory.mktemp("hash-index") / "index")
    result = ingest_and_index(config, [corpus_dir], embedder=HashEmbedder())
    return config, result


@pytest.fixture(scope="module")
def retriever(built):
    config, _ = built
    return load_retriever(config, embedder=HashEmbedder())


def test_first_build_embeds_every_clause(built):
    _, result = built
    assert result.report.failures == ()
    total = sum(len(d.clauses) for d in result.report.documents)
    assert result.build.clauses == total
    # one vector per clause, plus extra windows of long clauses
    assert result.build.embedded >= total and result.build.reused == 0


def test_numbered_item_is_looked_up(retriever):
    first = retriever.retrieve("北京方案第5条")[0]
    assert (first.clause.doc, first.clause.kind, first.clause.number) == (BEIJING, "item", 5)
    assert "lookup" in first.found_by


def test_law_article_is_looked_up(retriever):
    hits = retriever.retrieve("义务教育法第二十七条是怎么规定的")
    assert hits[0].clause.id == f"{COMPULSORY}#第二十七条"
    assert "lookup" in hits[0].found_by
    assert len(hits) == retriever.k


def test_metadata_question_gets_the_header(retriever):
    first = retriever.retrieve("国家方案的文号是什么")[0]
    assert (first.clause.doc, first.clause.kind) == (NATIONAL, "header")
    assert "教材厅函〔2023〕3号" in first.clause.text
    assert first.found_by == ("header",)


def test_structure_question_gets_the_outline(retriever):
    first = retriever.retrieve("国家方案有哪几大行动")[0]
    assert (first.clause.doc, first.clause.kind) == (NATIONAL, "outline")


@pytest.mark.parametrize("doc", [BEIJING, COMPULSORY, "teachers-law.txt"])
def test_document_filter_restricts_every_hit(retriever, doc):
    hits = retriever.retrieve("教师的培训和待遇", k=8, filters=Filters(docs=(doc,)))
    assert len(hits) == 8
    assert {h.clause.doc for h in hits} == {doc}


def test_level_and_draft_filters(retriever):
    hits = retriever.retrieve("提高义务教育质量", k=10,
                              filters=Filters(levels=(Level.PROVINCIAL, Level.NATIONAL), include_drafts=False,
                                              kinds=(DocKind.OPINION,)))
    assert hits and {h.clause.doc for h in hits} == {"basic-education-expansion-quality-opinion-2023.txt"}


def test_a_filter_outside_the_named_document_wins(retriever):
    hits = retriever.retrieve("北京方案第5条", filters=Filters(docs=(COMPULSORY,)))
    assert hits and all(h.clause.doc == COMPULSORY for h in hits)


@pytest.mark.parametrize("query", [
    "丰富优质数字教育资源",
    "人工智能赋能教育教学创新",
    "北京推进大单元教学研究和跨学科主题学习",
    "推进教与学方式变革，建立市、区两级教学指导委员会",
])
def test_repost_never_appears_next_to_its_twin(retriever, query):
    hits = retriever.retrieve(query, k=10)
    texts = [normalise_for_matching(h.clause.text) for h in hits]
    assert len(texts) == len(set(texts))
    assert not any(h.clause.duplicate_of for h in hits)


def test_the_official_twin_carries_the_repost_as_alternate(retriever):
    hit = retriever.retrieve("丰富优质数字教育资源。发挥数字教育公平、包容、开放、共享优势", k=3)[0]
    assert hit.clause.doc == BEIJING and hit.clause.number == 20
    assert any(a.startswith(REPOST + "#") for a in hit.alternates)


def test_missing_reference_names_the_valid_range(retriever):
    (problem,) = retriever.missing_references("北京方案第30条")
    assert "1–21" in problem and "第30条" in problem
    assert retriever.missing_references("北京方案第5条") == []
    assert retriever.missing_references("第30条讲什么") == []


def test_second_ingest_of_unchanged_files_embeds_nothing(built, corpus_dir):
    config, first = built
    again = ingest_and_index(config, [corpus_dir], embedder=HashEmbedder())
    assert again.build.embedded == 0
    assert again.build.clauses == first.build.clauses
    assert again.build.reused == first.build.embedded


def test_model_ids_differ_by_dimension():
    assert HashEmbedder(dim=128).model_id != HashEmbedder(dim=256).model_id


def test_loading_with_another_embedder_is_refused(built):
    config, _ = built
    with pytest.raises(IndexMismatch) as err:
        load_retriever(config, embedder=HashEmbedder(dim=128))
    assert "\n" not in str(err.value)


def test_loading_a_missing_index_is_refused(tmp_path):
    with pytest.raises(IndexMissing):
        load_retriever(Config.load(index_dir=tmp_path / "none"), embedder=HashEmbedder())


def test_llama_index_retriever_returns_one_node_per_clause(retriever):
    nodes = ClauseRetriever(retriever, k=6).retrieve(QueryBundle("北京方案第5条"))
    hits = retriever.retrieve("北京方案第5条", k=6)
    assert len(nodes) == 6 and all(isinstance(n, NodeWithScore) for n in nodes)
    assert [n.node.id_ for n in nodes] == [h.clause.id for h in hits]
    assert len({n.node.id_ for n in nodes}) == 6
    first = nodes[0].node
    assert first.metadata["label"] == "二、（二）5." and first.text == hits[0].clause.text
    assert "北京市深化基础教育课程教学改革实施方案" in first.get_content(metadata_mode="llm")


def test_metadata_question_also_gets_the_issuing_paragraph(retriever):
    hits = retriever.retrieve("国家方案是哪天印发的")
    assert [(h.clause.doc, h.clause.kind) for h in hits[:2]] == [(NATIONAL, "header"), (NATIONAL, "preamble")]
    assert "印发给你们" in hits[1].clause.text


def test_an_issuer_the_document_omits_comes_from_its_repost(retriever):
    hits = retriever.retrieve("北京方案是哪个单位印发的")
    assert hits[0].clause.doc == BEIJING and hits[0].clause.kind == "header"
    assert any(h.clause.doc == REPOST and "北京市教育委员会印发" in h.clause.text for h in hits[:3])


def test_colloquial_words_add_legal_terms_to_the_bm25_query(retriever):
    terms = retriever.read("老师能不能动手打学生").terms
    assert {"体罚", "教师"} <= set(terms)
    assert "体罚" not in retriever.read("父母外出打工，孩子谁来管").terms


def test_synonyms_let_bm25_reach_the_statutory_wording(retriever):
    parts = (retriever.catalog, retriever.store, retriever.bm25, retriever.embedder, retriever.tokenizer)
    question = "学校搞尖子班合法吗"
    target = f"{COMPULSORY}#第二十二条"  # 学校不得分设重点班和非重点班
    expanded = HybridRetriever(*parts, routes=False, dense=False)
    plain = HybridRetriever(*parts, routes=False, dense=False, synonyms=SynonymTable())
    assert target in [h.clause.id for h in expanded.retrieve(question)]
    assert target not in [h.clause.id for h in plain.retrieve(question)]


def test_a_named_heading_brings_its_clauses(retriever):
    parts = (retriever.catalog, retriever.store, retriever.bm25, retriever.embedder, retriever.tokenizer)
    question = "北京方案的组织实施部分有哪些要求"
    with_section = HybridRetriever(*parts)
    without = HybridRetriever(*parts, fusion=FusionSettings(section_weight=0))
    under = lambda hits: sum("三、组织实施" in h.clause.path for h in hits)  # noqa: E731
    assert under(with_section.retrieve(question)) >= under(without.retrieve(question))
    assert under(with_section.retrieve(question)) >= 3
    assert "section" in with_section.retrieve(question)[0].found_by


@pytest.mark.parametrize("question, structure", [
    ("北京课改方案的六大行动都是啥", True),
    ("扩优提质意见部署了哪些重大行动", True),
    ("国家方案的行动分别是什么", True),
    ("北京方案对劳动教育有什么要求", False),
])
def test_structure_questions_are_recognised(retriever, question, structure):
    assert retriever.read(question).intent.asks_structure is structure


def test_when_a_law_takes_effect_brings_its_commencement_article(retriever):
    first = retriever.retrieve("学前教育法哪天开始正式实施？")[0]
    assert first.clause.doc == "preschool-education-law.txt"
    assert "起施行" in first.clause.text
    # a question about a rule's content is not a commencement question
    assert not retriever.read("学前教育法对实施学前教育有什么要求").intent.asks_effect


def test_which_documents_question_spreads_over_documents(retriever):
    question = "哪些文件提到了课后服务？"
    assert retriever.read(question).intent.across_documents
    docs = [h.clause.doc for h in retriever.retrieve(question)]
    assert len(set(docs[:3])) == 3

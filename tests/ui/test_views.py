"""The page's HTML views on clauses of the bundled corpus: escaping, citation cards, the document
page, the clause tree, the compliance, compare and library views, and the feedback log."""
from __future__ import annotations

import html
import re

import pytest

from policyqa.assistant.answer import Answer, Citation, Verdict
from policyqa.assistant.compare import AlignedClause, Comparison
from policyqa.domain import Clause, Filters, Level
from policyqa.index.catalog import Catalog
from policyqa.ui.answer_view import answer_html, card_id, document_link, plain_text, text_with_links
from policyqa.ui.chat_tab import make_filters
from policyqa.ui.compare_view import comparison_html
from policyqa.ui.compliance_view import compliance_html, responsible_bodies
from policyqa.ui.document_view import clause_tree, document_page
from policyqa.ui.feedback import Feedback, FeedbackLog
from policyqa.ui.html import esc, highlight
from policyqa.ui.library_view import library_table

LAW = "compulsory-education-law.txt"
BEIJING = "beijing-curriculum-reform-plan.txt"
INJECTION = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.fixture(scope="module")
def catalog(corpus_docs) -> Catalog:
    docs = list(corpus_docs.values())
    return Catalog.build(tuple(c for d in docs for c in d.clauses), tuple(d.meta for d in docs))


def _clause(catalog: Catalog, doc: str, label: str) -> Clause:
    return next(c for c in catalog.clauses_of(doc) if c.label == label)


def _citation(catalog: Catalog, clause: Clause, n: int = 1, supporting: tuple[str, ...] = ()) -> Citation:
    meta = catalog.meta(clause.doc)
    return Citation(n, clause, meta.title, meta.doc_number, meta.date, supporting)


def _text(fragment: str) -> str:
    """What a browser shows for an HTML fragment (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def test_escaping_leaves_no_markup_and_no_markdown():
    out = esc(f"{INJECTION} *粗体* $x$ [1]\n\n下一段")
    assert "<" not in out.replace("<br>", "") and "*" not in out and "$" not in out and "[" not in out
    assert _text(out) == f"{INJECTION} *粗体* $x$ [1]下一段"


def test_highlight_marks_the_supporting_sentence_only():
    out = highlight("甲。乙<b>。丙。", ["乙<b>。"])
    assert out == "甲。<mark>乙&#60;b&#62;。</mark>丙。"


def test_answer_links_each_marker_to_its_card(catalog):
    article = _clause(catalog, LAW, "第二十七条")
    answer = Answer("学校可以开除学生吗？", "不可以，学校不得开除学生[1]。另见[9]。", False,
                    (_citation(catalog, article, 1, ("第二十七条 对违反学校管理制度的学生，学校应当予以批评教育，不得开除。",)),),
                    (), verdict=Verdict.FORBIDDEN)
    out = answer_html(answer, turn=3)
    assert f'<a class="pqa-ref" href="#{card_id(3, 1)}">' in out and f'id="{card_id(3, 1)}"' in out
    assert "&#91;9&#93;" in out and "#pqa-c-3-9" not in out          # no card 9: the marker stays text
    assert "《中华人民共和国义务教育法》" in _text(out) and "第三章 学校 › 第二十七条" in _text(out)
    assert "<mark>第二十七条 对违反学校管理制度的学生" in out and "pqa-v-forbidden" in out
    assert document_link(LAW, article.ordinal) in html.unescape(out)
    assert plain_text(answer).endswith("[1] 《中华人民共和国义务教育法》第二十七条（2018-12-29）")


def test_an_injected_answer_stays_text(catalog):
    article = _clause(catalog, LAW, "第二条")
    answer = Answer(INJECTION, f"{INJECTION}[1]", False, (_citation(catalog, article),), ())
    out = answer_html(answer, 0)
    assert "<img" not in out and "<script" not in out and INJECTION in _text(out)
    assert "<script" not in text_with_links(INJECTION, 0, {1})


def test_the_document_page_holds_every_clause_and_marks_the_cited_one(catalog):
    article = _clause(catalog, LAW, "第二十七条")
    page = document_page(catalog, LAW, article.ordinal)
    assert page.count('class="clause') == len([c for c in catalog.clauses_of(LAW) if c.kind != "outline"])
    focus = re.search(r'<section class="clause focus" id="clause-(\d+)">', page)
    assert focus and int(focus.group(1)) == article.ordinal
    with pytest.raises(KeyError):
        document_page(catalog, "missing.txt")


def test_the_clause_tree_nests_items_under_their_headings(catalog):
    tree = clause_tree(catalog, BEIJING)
    action = tree.index("<summary>（三）学生素养提升行动</summary>")
    assert tree.index("<summary>二、重点任务</summary>") < action < tree.index("<summary>12.加强劳动教育</summary>")


def test_compliance_shows_the_deadline_and_the_responsible_bodies(catalog):
    item = _clause(catalog, BEIJING, "二、（三）12.")
    answer = Answer("学校要开劳动课吗？", "要求。学校应开齐开足开好劳动课[1]。", False,
                    (_citation(catalog, item, 1, ("推动以校为单位制定劳动教育清单，开齐开足开好劳动课。",)),), (),
                    verdict=Verdict.REQUIRED)
    out = compliance_html(answer)
    assert "pqa-v-required" in out and f"<dd>{esc(item.schedule)}</dd>" in out
    assert responsible_bodies("县级以上地方人民政府应当加强监督管理，学校不得开除学生，学校应当报告") == \
        ("县级以上地方人民政府", "学校")


def test_compliance_without_a_rule_says_so(catalog):
    answer = Answer("学校可以养宠物吗？", "所收录的文件没有明确规定这一点。", True, (), (), verdict=None)
    out = compliance_html(answer)
    assert "pqa-v-unspecified" in out and "文件未规定" in _text(out) and "依据条款" not in out


def test_comparison_columns_escape_both_sides(catalog):
    a, b = _clause(catalog, BEIJING, "二、（三）12."), _clause(catalog, LAW, "第二条")
    hostile = Clause(**{**a.__dict__, "text": INJECTION})
    result = Comparison(catalog.meta(BEIJING), catalog.meta(LAW), "劳动<b>", (AlignedClause(hostile, b, 0.25),), (a,), (),
                        on_topic_a=(hostile, a))
    out = comparison_html(result)
    assert "<img" not in out and "<script" not in out and "劳动&#60;b&#62;" in out
    assert out.count('class="pqa-cmp-row"') == 1 and "0.25" not in out and "仅《" in out
    # the finding comes first: with a topic and no clause of B on it, B is named as saying nothing
    assert out.index("pqa-cmp-finding") < out.index("pqa-cmp-head")
    assert f"《{catalog.meta(LAW).title}》没有关于“劳动&#60;b&#62;”的条款" in out


def test_comparison_finding_names_the_silent_document(catalog):
    a = _clause(catalog, BEIJING, "二、（三）12.")
    meta_a, meta_b = catalog.meta(BEIJING), catalog.meta(LAW)
    only_a = Comparison(meta_a, meta_b, "劳动教育", (), (a,), (), on_topic_a=(a,))
    assert only_a.silent == (meta_b,)
    assert only_a.finding == (f"只有《{meta_a.title}》谈到“劳动教育”：《{meta_a.title}》有 1 条相关条款（二、（三）12.）；"
                              f"《{meta_b.title}》没有关于“劳动教育”的条款。")
    neither = Comparison(meta_a, meta_b, "校车", (), (), ())
    assert neither.silent == (meta_a, meta_b) and neither.finding == "两份文件都没有关于“校车”的条款。"
    whole = Comparison(meta_a, meta_b, None, (), (a,), ())
    assert whole.silent == () and "仅《" in whole.finding


def test_library_table_lists_documents_with_clause_counts():
    records = [{"doc": "a.txt", "title": INJECTION, "doc_number": "教基〔2023〕4号", "date": "2023-07-26",
                "level": "national", "kind": "opinion", "clauses": 39, "is_draft": True}]
    out = library_table(records)
    assert '<td class="pqa-c-title">' in out and '<td class="pqa-c-level">国家</td>' in out   # a phone shows title, level, date
    assert "<img" not in out and "教基〔2023〕4号" in out and '<td class="pqa-c-clauses">39</td>' in out and "征求意见稿" in out
    assert "共 1 份文件，39 条条款" in out


def test_feedback_is_appended_as_jsonl(tmp_path):
    log = FeedbackLog(tmp_path / "home")
    record = {"answer": "不可以[1]。", "citations": [{"clause_id": "compulsory-education-law.txt#第二十七条"}]}
    log.add(Feedback("学校可以开除学生吗？", record, liked=True))
    log.add(Feedback("学校可以开除学生吗？", record, liked=False))
    rows = log.read()
    assert [r["rating"] for r in rows] == ["up", "down"]
    assert rows[0]["question"] == "学校可以开除学生吗？" and rows[0]["citations"] == ["compulsory-education-law.txt#第二十七条"]


def test_the_chat_filters_become_retrieval_filters():
    assert make_filters([], []) is None
    assert make_filters([BEIJING], ["municipal"]) == Filters(docs=(BEIJING,), levels=(Level.MUNICIPAL,))

"""The grounded assistant on the bundled corpus with the real e5 model: answers cite real
clauses, rules lead with a verdict, unanswerable questions are refused, follow-ups resolve."""
from __future__ import annotations

import re

import pytest

from policyqa.assistant.answer import Turn, Verdict
from policyqa.assistant.sentences import cited_numbers, split_sentences
from policyqa.errors import InvalidQuestion

pytestmark = pytest.mark.model


def _all_clause_texts(assistant) -> set[str]:
    return {c.text for c in assistant.catalog.clauses}


def _assert_grounded(answer, assistant) -> None:
    """Every citation is a library clause; every [n] in the text names a citation."""
    texts = _all_clause_texts(assistant)
    assert all(c.clause.text in texts for c in answer.citations)
    numbers = {c.n for c in answer.citations}
    for sentence in split_sentences(answer.text, keep_semicolons=True):
        assert set(cited_numbers(sentence)) <= numbers


def test_compliance_answer_names_its_clause(assistant):
    answer = assistant.ask("学校能开除义务教育阶段的学生吗？")
    assert not answer.abstained and answer.verdict is Verdict.FORBIDDEN
    assert answer.text.startswith("不可以")
    first = answer.citations[0]   # 义务教育法第二十七条 or 未成年人保护法第二十八条: both forbid it
    assert (first.clause.label, first.clause.doc) in {("第二十七条", "compulsory-education-law.txt"),
                                                      ("第二十八条", "minors-protection-law.txt")}
    assert re.search("不得(违反国家规定)?开除", answer.text)
    _assert_grounded(answer, assistant)


def test_quoted_sentences_are_verbatim(assistant):
    answer = assistant.ask("孩子满几岁就得送去上小学？")
    assert "六周岁" in answer.text
    for citation in answer.citations:
        assert all(s in citation.clause.text + (citation.clause.schedule or "") for s in citation.supporting)


@pytest.mark.parametrize("question", [
    "北京方案给每个课程教学改革实验校拨多少经费？",      # the plan states no amount
    "上海市深化基础教育课程教学改革实施方案提出了几大行动？",  # no Shanghai document
    "《中小学教育惩戒规则》允许老师采取哪些惩戒措施？",     # a document the library does not hold
    "教师法规定的教龄津贴每月是多少元？",                # the law states no figure
    "职业教育法对初中毕业后职普分流的比例是怎么规定的？",  # a law the library lacks, named without 《》
    "上海市的课改实施方案有几大行动？跟北京的方案有什么不同？",  # the second part rests on the first
])
def test_refuses_when_documents_are_silent(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert answer.text.startswith("所收录的文件没有")
    _assert_grounded(answer, assistant)


def test_a_law_the_library_holds_is_not_mistaken_for_a_missing_one(assistant):
    answer = assistant.ask("义务教育法和教育法对教育经费的增长分别怎么规定？")
    assert not answer.abstained
    assert not any("库中没有" in n for n in answer.notices)


def test_missing_clause_is_reported_with_range(assistant):
    answer = assistant.ask("北京方案第30条是什么？")
    assert answer.abstained
    assert "没有第30条" in answer.text and "1–21" in answer.text


def test_false_premise_is_corrected(assistant):
    answer = assistant.ask("教师法规定的教师节是10月10日吧？")
    assert answer.text.startswith("不是") and "九月十日" in answer.text
    listed = assistant.ask("国家课程教学改革深化行动方案提出的六大行动分别是什么？")
    assert listed.text.startswith("前提有误") and "专业支撑与数字赋能行动" in listed.text


def test_follow_up_switches_document(assistant):
    first = assistant.ask("国家方案对加强科学教育有什么要求？")
    second = assistant.ask("那北京方案呢？", history=[Turn("国家方案对加强科学教育有什么要求？", first)])
    assert second.effective_question and "北京" in second.effective_question
    assert second.citations and second.citations[0].clause.doc.startswith("beijing")


def test_follow_up_about_this_clause(assistant):
    first = assistant.ask("北京方案第5条讲的是什么？")
    assert "教学指导委员会" in first.text
    second = assistant.ask("这条的时间要求呢？", history=[Turn("北京方案第5条讲的是什么？", first)])
    assert "2024年8月" in second.text
    assert second.citations[0].clause.id == first.citations[0].clause.id


def test_two_part_question_answers_both(assistant):
    answer = assistant.ask("国家方案是哪天印发的？它要求各项任务持续推进到哪一年？")
    assert "2023年5月9日" in answer.text and "2027年" in answer.text


def test_record_shape_for_batch_and_api(assistant):
    record = assistant.ask("义务教育法第二十七条规定了什么？").to_record("x1")
    assert {"id", "question", "answer", "abstained", "citations", "sources", "latency_ms"} <= set(record)
    assert {"n", "doc", "title", "label", "text"} <= set(record["citations"][0])
    assert len(record["sources"]) >= 5 and record["sources"][0]["doc"].endswith(".txt")


def test_stream_ends_with_the_answer(assistant):
    events = list(assistant.stream("教师节是哪天？"))
    assert events[-1].answer is not None and events[-1].text == events[-1].answer.text
    assert all(e.answer is None for e in events[:-1])


@pytest.mark.parametrize("bad", ["", "   ", "？？？🙂", "问" * 5000])
def test_bad_questions_raise_one_line(assistant, bad):
    with pytest.raises(InvalidQuestion) as err:
        assistant.ask(bad)
    assert "\n" not in str(err.value)

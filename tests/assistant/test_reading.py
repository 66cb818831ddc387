"""The question reading and figure parsing the composer relies on, on hand-made examples."""
from __future__ import annotations

import pytest

from policyqa.assistant.composer import verdict_of
from policyqa.assistant.answer import Verdict
from policyqa.assistant.frame import QuestionKind, read_frame
from policyqa.assistant.numbers import (
    FREQUENCY, asked_units, doc_numbers, find_frequencies, find_numbers, same_figures,
)
from policyqa.assistant.evidence import clause_sentences, sentence_fits
from policyqa.numerals import cn_to_int


@pytest.mark.parametrize("text,value", [("二十二", 22), ("一百零五", 105), ("十", 10), ("三万", 30000), ("二〇二三", 2023)])
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


def test_figures_compare_across_scripts():
    claimed = find_numbers("教师节是10月10日吧？")
    stated = find_numbers("每年九月十日为教师节")
    assert [(n.value, n.unit) for n in stated] == [(9, "月"), (10, "日")]
    assert not all(same_figures(c, stated) for c in claimed)
    assert all(same_figures(c, find_numbers("十月十日")) for c in claimed)


def test_doc_numbers_and_clause_numbers_are_not_figures():
    assert find_numbers("教基〔2023〕4 号 第二十六条 哪一条") == []
    assert [n.endswith("教基〔2023〕4号") for n in doc_numbers("文号为教基〔2023〕4 号。")] == [True]


def test_asked_units():
    assert asked_units("教龄津贴每月是多少元？") >= {"元"}
    assert asked_units("每天书面作业不超过多少分钟？") == {"分钟"}
    assert "岁" in asked_units("孩子满几岁就得上学？")
    assert asked_units("有哪些要求？") is None
    assert asked_units("在外地打工的家长多久要跟孩子联系一次？") == {FREQUENCY}
    assert asked_units("学生每天体育活动多长时间？") >= {"小时", "分钟"}


def test_frequencies_answer_how_often():
    assert find_frequencies("与未成年人、被委托人至少每周联系和交流一次") == ["每周"]
    assert find_frequencies("每学期至少开展一次，每两年评估") == ["每学期", "每两年"]
    assert find_frequencies("三个月一次") == ["三个月一次"]
    assert find_frequencies("本法自2025年6月1日起施行") == []
    frame = read_frame("在外地打工的家长多久要跟孩子联系一次？")
    sentence = "应当与未成年人、被委托人至少每周联系和交流一次"
    assert sentence_fits(frame, sentence, find_numbers(sentence))
    assert not sentence_fits(frame, "应当委托具有照护能力的完全民事行为能力人代为照护", [])


@pytest.mark.parametrize("question,kind", [
    ("学校能开除义务教育阶段的学生吗？", QuestionKind.COMPLIANCE),
    ("教师法规定的教师节是10月10日吧？", QuestionKind.CONFIRM),
    ("北京方案有哪几大行动？", QuestionKind.LIST),
    ("孩子满几岁就得送去上小学？", QuestionKind.QUANTITY),
    ("学前教育法什么时候施行？", QuestionKind.DATE),
    ("“公民同招”出现在哪份文件的哪一条？", QuestionKind.LOCATE),
    # 哪几 asks for the items, whatever it counts in: not a figure to find
    ("“五育并举”那部分具体分成哪几条？", QuestionKind.LIST),
    ("北京方案的基本原则提了哪几个“突出”？", QuestionKind.LIST),
    ("义务教育法一共有几条？", QuestionKind.QUANTITY),
])
def test_primary_kind(question, kind):
    assert read_frame(question).primary is kind


def test_claimed_count_and_list_noun():
    frame = read_frame("国家方案提出的六大行动分别是什么？")
    assert (frame.list_noun, frame.claimed_count) == ("行动", 6)


@pytest.mark.parametrize("sentence,verdict", [
    ("学校应当予以批评教育，不得开除。", Verdict.FORBIDDEN),
    ("严禁提前教授小学课程。", Verdict.FORBIDDEN),
    ("鼓励有条件的幼儿园开设托班。", Verdict.ENCOURAGED),
    ("父母应当送其入学。", Verdict.REQUIRED),
    ("本法自2025年6月1日起施行。", Verdict.UNSPECIFIED),
])
def test_verdict_from_wording(sentence, verdict):
    assert verdict_of(sentence) is verdict


def test_list_intro_keeps_its_items():
    units = clause_sentences("有下列情形之一的，责令改正：\n（一）甲的；\n（二）乙的。\n其他。", None)
    assert units[0].startswith("有下列情形之一的") and "（二）乙的" in units[0]
    assert clause_sentences("推进改革。", "（2024年8月部署安排）")[-1] == "（2024年8月部署安排）"

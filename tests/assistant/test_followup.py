"""Follow-ups in three-turn conversations on the bundled corpus with the real models: a pointer
back (这个/它) is resolved against the previous turn, a switch (那X呢) replaces its counterpart,
a topic change starts afresh, and no verdict is carried from one subject to another."""
from __future__ import annotations

import pytest

from policyqa.assistant.answer import Turn, Verdict

pytestmark = pytest.mark.model


def _converse(assistant, *questions: str):
    history, answers = [], []
    for question in questions:
        answer = assistant.ask(question, history=history)
        history.append(Turn(question, answer))
        answers.append(answer)
    return answers


def test_third_turn_pointing_back_is_answered_from_the_clause_just_cited(assistant):
    duties, breach, source = _converse(assistant, "教师有哪些义务", "违反会怎样", "这个是哪部法律规定的？")
    # the second turn names nothing of its own: it is read with the first turn's topic
    assert breach.effective_question and "教师" in breach.effective_question and "义务" in breach.effective_question
    # the third points back and asks where it comes from: the clause the second turn cited first
    assert source.effective_question and breach.citations[0].clause.label in source.effective_question
    assert source.citations[0].clause.id == breach.citations[0].clause.id
    assert source.citations[0].doc_title in source.text


def test_a_switch_of_subject_does_not_carry_the_verdict(assistant):
    school, kindergarten = _converse(assistant, "学校可以开除学生吗", "那幼儿园呢？")
    assert school.verdict is Verdict.FORBIDDEN
    assert kindergarten.effective_question and "幼儿园" in kindergarten.effective_question
    assert "开除" in kindergarten.effective_question and "学校" not in kindergarten.effective_question
    # the verdict is decided afresh on the new reading, from a clause about expelling (before, this
    # follow-up was answered 禁止 from a clause on teaching primary-school content)
    assert "开除" in kindergarten.citations[0].clause.text


def test_a_pronoun_continues_the_topic_with_its_own_question(assistant):
    committee, powers, primary = _converse(assistant, "幼儿园必须成立家长委员会吗？", "它能管哪些事？", "另外，教师节是哪一天？")
    assert committee.citations[0].clause.label == "第三十三条"
    assert powers.effective_question and "家长委员会" in powers.effective_question
    assert powers.verdict is None                         # it asks what, not whether: no verdict carried over
    assert any(c.clause.label == "第三十三条" for c in powers.citations)
    assert primary.effective_question is None             # a topic change is asked as it stands
    assert primary.citations[0].clause.label == "第六条" and "九月十日" in primary.text


def test_a_new_question_without_pointers_is_not_rewritten(assistant):
    first, second = _converse(assistant, "学生能不能带手机进教室？", "教师资格由谁认定？")
    assert second.effective_question is None

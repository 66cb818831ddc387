"""Bad and unusual questions: each is cleaned into a question or refused with one clear line."""
from __future__ import annotations

import pytest

from policyqa.assistant.question import MAX_QUESTION_CHARS, QuestionNormaliser, normalise_question
from policyqa.errors import InvalidQuestion, PolicyQAError


@pytest.fixture(scope="module")
def normaliser() -> QuestionNormaliser:
    return QuestionNormaliser().load()


def refusal(normaliser: QuestionNormaliser, raw: object) -> str:
    with pytest.raises(InvalidQuestion) as info:
        normaliser.normalise(raw)
    message = str(info.value)
    assert message and "\n" not in message
    return message


@pytest.mark.parametrize("raw", ["", " ", "\t\n\r ", "\u3000\u3000", "\u200b\u200d\ufeff", None])
def test_empty_or_blank_input_asks_for_a_question(normaliser, raw):
    assert "请输入一个问题" in refusal(normaliser, raw)


@pytest.mark.parametrize("raw", ["😀😀", "？？？", "!!!...", "——……", "👍🏻", "《》【】", "🇨🇳"])
def test_only_symbols_or_emoji_asks_for_words(normaliser, raw):
    assert "没有文字" in refusal(normaliser, raw)


def test_non_text_input_names_its_type(normaliser):
    assert "bytes" in refusal(normaliser, "学校".encode())
    assert "int" in refusal(normaliser, 27)


def test_a_long_question_names_the_limit(normaliser):
    message = refusal(normaliser, "学校能开除学生吗" * 100)
    assert "过长" in message and str(MAX_QUESTION_CHARS) in message


@pytest.mark.parametrize("length", [20_000, 10_000_000])
def test_a_pasted_book_is_refused_before_cleaning(normaliser, length):
    # The refusal names the raw length: nothing was normalised or converted first.
    raw = "义务教育法第二十七条\u200b" * (length // 11)
    assert f"（{len(raw)} 字）" in refusal(normaliser, raw)


def test_zero_width_bidi_and_control_characters_are_removed(normaliser):
    raw = "义务\u200b教育\u200d法\u202e第二十七条\u2066规定了\x00什么\x07？\ufeff\U000e0041"
    assert normaliser.normalise(raw) == "义务教育法第二十七条规定了 什么 ？"


def test_lone_surrogates_and_private_use_characters_are_removed(normaliser):
    assert normaliser.normalise("\ud800学校\ue000能开除学生吗\udfff") == "学校能开除学生吗"


def test_spaces_and_full_width_letters_are_unified(normaliser):
    assert normaliser.normalise("  ＡＢＣ　　１２３ (义务教育法)?  ") == "ABC 123 （义务教育法）？"


@pytest.mark.parametrize(("traditional", "simplified"), [
    ("義務教育法第二十七條規定了什麼？", "义务教育法第二十七条规定了什么？"),
    ("學校能開除學生嗎", "学校能开除学生吗"),
    ("課後服務可以收費嗎？", "课后服务可以收费吗？"),
    ("北京方案第三條講的是什麼", "北京方案第三条讲的是什么"),
])
def test_traditional_characters_become_simplified(normaliser, traditional, simplified):
    assert normaliser.normalise(traditional) == simplified


def test_simplified_corpus_wording_is_left_unchanged(normaliser, corpus_docs):
    # t2s must not touch text that is already simplified, or quotes would miss their clause.
    for doc in corpus_docs.values():
        for clause in doc.clauses[:40]:
            line = clause.text.splitlines()[0][:MAX_QUESTION_CHARS]
            if any(ch.isalnum() for ch in line):
                assert normaliser.normalise(line) == normaliser.normalise(line.replace("\u3000", " "))
                assert QuestionNormaliser(simplify=False).normalise(line) == normaliser.normalise(line)


def test_simplify_can_be_switched_off():
    assert QuestionNormaliser(simplify=False).normalise("學校") == "學校"


@pytest.mark.parametrize("raw", [
    "<script>alert('x')</script>学校能开除学生吗",
    "'; DROP TABLE clauses; --",
    "1 OR 1=1 UNION SELECT * FROM documents",
    "<img src=x onerror=alert(1)>课后服务",
    "{{7*7}} ${jndi:ldap://x} %s %n",
    "../../etc/passwd 第五条",
])
def test_markup_and_sql_are_kept_as_plain_text(normaliser, raw):
    text = normaliser.normalise(raw)
    assert text.replace("（", "(").replace("）", ")").replace("，", ",").replace("：", ":").replace("；", ";") \
        .replace("？", "?") == raw


def test_english_questions_pass_through(normaliser):
    assert normaliser.normalise("Can a school expel a student?") == "Can a school expel a student？"


def test_invalid_question_is_a_policyqa_error():
    assert issubclass(InvalidQuestion, PolicyQAError)


def test_module_function_matches_the_class(normaliser):
    assert normalise_question("學校\u200b能開除學生嗎") == normaliser.normalise("學校能開除學生嗎")
    with pytest.raises(ValueError):
        QuestionNormaliser(0)

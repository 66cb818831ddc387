"""Answer hygiene on the bundled corpus with the real models: each clause is quoted once, the
sentence that decides leads its clause's quotation, and outline lines are quoted only when the
question asks how a document is organised."""
from __future__ import annotations

import re

import pytest

from policyqa.assistant.sentences import strip_citations
from policyqa.assistant.wording import FRAMING, SEE_ABOVE


def _quotes_of(answer, label: str) -> int:
    return len(re.findall(rf"》{re.escape(label)}：“", answer.text))


def test_a_pointer_back_to_a_quoted_clause_asserts_nothing():
    # the support judge reads 见上文《title》label as framing, whatever the title holds (!, |)
    for sentence in ("（2）见上文《中华人民共和国教师法》第六条[1]。", f"（2）{SEE_ABOVE}《关注 | 启动数字化赋能等六大行动!"):
        assert FRAMING.sub("", strip_citations(sentence)).strip() == ""


@pytest.mark.model
def test_a_clause_is_quoted_once_with_the_deciding_sentence_first(assistant):
    answer = assistant.ask("有酗酒问题的人能当幼儿园保育员吗？")
    assert _quotes_of(answer, "第四十四条") == 1       # three sentences of it were three quotations
    quote = answer.text.split("第四十四条：“", 1)[1].split("”", 1)[0]
    assert "酗酒" in quote and "不得聘任（聘用）" in quote


@pytest.mark.model
def test_a_second_part_points_back_instead_of_quoting_again(assistant):
    answer = assistant.ask("教师节是法律定下来的吗？具体是哪天？")
    assert "每年九月十日为教师节" in answer.text
    assert _quotes_of(answer, "第六条") == 1
    assert f"{SEE_ABOVE}《中华人民共和国教师法》第六条" in answer.text


@pytest.mark.model
def test_outline_lines_only_when_the_structure_is_asked(assistant):
    located = assistant.ask("班主任专业发展“双通道”是哪份文件哪一条提的？")
    assert not [c for c in located.citations if c.clause.kind == "outline"]
    assert "双通道" in located.text
    listed = assistant.ask("国家课程教学改革深化行动方案有哪几大行动？")
    assert listed.text.startswith("共五大行动") and any(c.clause.kind == "outline" for c in listed.citations)

"""Query expansion from colloquial wording to legal vocabulary (index/synonyms.py)."""
from __future__ import annotations

import pytest

from policyqa.index.synonyms import SynonymTable
from policyqa.index.tokenize import ChineseTokenizer

TABLE = """
# comment line
体罚 变相体罚 | 打 打骂 动手
重点班 非重点班 | 快慢班   # trailing comment
"""


@pytest.fixture(scope="module")
def tokenizer():
    return ChineseTokenizer().load()


def test_parse_reads_terms_and_triggers():
    table = SynonymTable.parse(TABLE)
    assert [(e.terms, e.triggers) for e in table.entries] == [
        (("体罚", "变相体罚"), ("打", "打骂", "动手")), (("重点班", "非重点班"), ("快慢班",))]


@pytest.mark.parametrize("line", ["体罚 变相体罚", "| 打", "体罚 |"])
def test_parse_names_a_malformed_line(line):
    with pytest.raises(ValueError, match="第 2 行"):
        SynonymTable.parse(f"# ok\n{line}")


def test_one_character_trigger_must_be_a_word_of_its_own(tokenizer):
    table = SynonymTable.parse(TABLE)
    hit = "老师能不能动手打学生"
    assert table.expand(hit, tokenizer.tokens(hit)) == ["体罚", "变相体罚"]
    miss = "父母外出打工怎么办"  # 打 inside 打工 is not 打
    assert table.expand(miss, tokenizer.tokens(miss)) == []


def test_terms_already_in_the_question_are_not_added(tokenizer):
    table = SynonymTable.parse(TABLE)
    question = "打骂学生算不算体罚"
    assert table.expand(question, tokenizer.tokens(question)) == ["变相体罚"]


def test_bundled_table_loads_and_maps_to_words_of_the_corpus(corpus_dir):
    table = SynonymTable.load()
    assert len(table.entries) >= 40
    corpus = "".join(p.read_text(encoding="utf-8") for p in corpus_dir.glob("*.txt"))
    # every concept adds at least one term the documents actually use
    unused = [e.terms for e in table.entries if not any(t in corpus for t in e.terms)]
    assert unused == []

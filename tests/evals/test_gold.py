"""The bundled gold set is sound, and the loader/validator reject broken gold files."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from policyqa.errors import PolicyQAError
from policyqa.evals.gold import (
    BUNDLED_GOLD, FRESH_GOLD, UNANSWERABLE_GOLD, UNSEEN_GOLD, Evidence, GoldFormatError, GoldItem, QuestionType, Role, load_aliases, load_gold,
    validate_gold,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NATIONAL = "national-curriculum-reform-plan-2023.txt"
NATIONAL_ORIGINAL = "000_9b84d41d9b01e685.txt"
LAW = "compulsory-education-law.txt"
BUNDLED_FILES = {
    NATIONAL, "beijing-curriculum-reform-plan.txt", "beijing-plan-news-repost.txt",
    "provincial-compulsory-quality-opinion-draft.txt",
    "basic-education-expansion-quality-opinion-2023.txt",
    LAW, "teachers-law.txt", "education-law.txt", "preschool-education-law.txt",
    "family-education-promotion-law.txt", "minors-protection-law.txt",
}
MINIMA = {
    "fact": 22, "clause": 15, "list": 12, "compliance": 25, "compare": 12, "locate": 12,
    "multi": 12, "paraphrase": 20, "unanswerable": 22, "false_premise": 10,
}


def law_item(item_id: str = "t001", **changes) -> GoldItem:
    """A sound item over the compulsory-education law; ``changes`` override fields."""
    item = GoldItem(
        id=item_id, role=Role.ADMIN, type=QuestionType.COMPLIANCE,
        question="学校能开除义务教育阶段的学生吗？", answer="不能，应当批评教育，不得开除。",
        must_include=("不得开除",),
        evidence=(Evidence(LAW, "对违反学校管理制度的学生，学校应当予以批评教育，不得开除。"),),
        answerable=True,
    )
    return replace(item, **changes)


def quote_of(text: str) -> tuple[Evidence, ...]:
    return (Evidence(LAW, text),)


@pytest.fixture(scope="module")
def bundled() -> list[GoldItem]:
    return load_gold(BUNDLED_GOLD)


def test_bundled_gold_validates_against_the_corpus(bundled):
    assert validate_gold(bundled, CORPUS) == []


@pytest.mark.parametrize("path", [FRESH_GOLD, UNSEEN_GOLD], ids=["fresh", "unseen"])
def test_later_gold_sets_validate_and_share_no_id_with_the_first(path, bundled):
    items = load_gold(path)
    assert validate_gold(items, CORPUS) == []
    assert len(items) >= 80 and all(item.answerable for item in items)
    assert not {i.id for i in items} & {i.id for i in bundled}


def test_the_unanswerable_set_validates_and_is_all_unanswerable(bundled):
    items = load_gold(UNANSWERABLE_GOLD)
    assert validate_gold(items, CORPUS) == []
    assert len(items) >= 30 and not any(item.answerable or item.evidence for item in items)
    assert not {i.id for i in items} & {i.id for i in bundled}


def test_bundled_gold_meets_the_type_minima(bundled):
    counts = Counter(item.type.value for item in bundled)
    short = {name: (counts[name], need) for name, need in MINIMA.items() if counts[name] < need}
    assert short == {}
    assert len(bundled) >= 160


def test_bundled_gold_cites_every_corpus_file_and_uses_every_role(bundled):
    cited = {evidence.doc for item in bundled for evidence in item.evidence}
    assert cited >= BUNDLED_FILES
    assert {item.role for item in bundled} == set(Role)


def test_bundled_unanswerable_items_carry_no_evidence_or_keys(bundled):
    unanswerable = [item for item in bundled if item.type is QuestionType.UNANSWERABLE]
    assert all(not item.answerable and not item.evidence and not item.must_include
               for item in unanswerable)
    false_premise = [item for item in bundled if item.type is QuestionType.FALSE_PREMISE]
    assert all(item.answerable and item.evidence for item in false_premise)


def test_a_sound_item_has_no_problems():
    assert validate_gold([law_item()], CORPUS) == []


def test_validator_catches_a_broken_quote():
    broken = law_item(evidence=quote_of("对违反学校管理制度的学生，学校应当予以批评教育，可以开除。"))
    [problem] = validate_gold([broken], CORPUS)
    assert "原文子串" in problem and "t001" in problem


def test_validator_catches_quotes_outside_12_to_40_characters():
    short = law_item(evidence=quote_of("国家实行九年义务教育"))
    long_ = law_item("t002", evidence=quote_of(
        "县级以上人民政府及其教育行政部门应当促进学校均衡发展，缩小学校之间办学条件的差距，不得将学校分为重点学校和非重点学校。"))
    problems = validate_gold([short, long_], CORPUS)
    assert len(problems) == 2 and all("引文长度" in p for p in problems)


def test_validator_catches_a_quote_spanning_two_lines():
    spanning = law_item(evidence=quote_of("国家实行九年义务教育制度。\n\n义务教育是国家统一实施"))
    assert any("跨行" in p for p in validate_gold([spanning], CORPUS))


def test_validator_catches_an_unknown_doc():
    unknown = law_item(evidence=(Evidence("beijing-plan.txt", "为2035年实现首都高水平教育现代化"),))
    [problem] = validate_gold([unknown], CORPUS)
    assert "未知文档" in problem and "beijing-plan.txt" in problem


def test_validator_catches_a_duplicate_id():
    problems = validate_gold([law_item("t007"), law_item("t007")], CORPUS)
    assert problems == ["t007：题号重复"]


def test_validator_catches_missing_evidence_and_stray_keys():
    no_evidence = law_item(evidence=())
    wrong_key = law_item("t002", must_include=("可以开除",))
    unanswerable = law_item("t003", type=QuestionType.UNANSWERABLE, answerable=False)
    problems = validate_gold([no_evidence, wrong_key, unanswerable], CORPUS)
    assert any(p.startswith("t001") and "缺少证据" in p for p in problems)
    assert any(p.startswith("t002") and "可以开除" in p for p in problems)
    assert sum(p.startswith("t003") for p in problems) == 2


def test_aliases_resolve_an_original_file_name(tmp_path):
    shutil.copy(CORPUS / NATIONAL, tmp_path / NATIONAL)
    item = law_item(evidence=(Evidence(NATIONAL_ORIGINAL, "教材厅函〔2023〕3号"),),
                    must_include=("2023年5月9日",))
    assert any("未知文档" in p for p in validate_gold([item], tmp_path))
    (tmp_path / "PROVENANCE.md").write_text(
        "# 来源\n\n| file | original | source |\n|---|---|---|\n"
        f"| `{NATIONAL}` | `{NATIONAL_ORIGINAL}` | 教育部 |\n",
        encoding="utf-8",
    )
    assert load_aliases(tmp_path) == {NATIONAL_ORIGINAL: NATIONAL}
    assert validate_gold([item], tmp_path) == []
    assert validate_gold([item], tmp_path, aliases={}) != []


def test_load_aliases_without_provenance_is_empty(tmp_path):
    assert load_aliases(tmp_path) == {}


def write_lines(path: Path, records: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in records) + "\n", encoding="utf-8")
    return path


def record(**changes) -> dict:
    base = {"id": "t001", "role": "admin", "type": "fact", "question": "问？", "answer": "答。",
            "must_include": ["九年"], "evidence": [{"doc": LAW, "quote": "第二条 国家实行九年义务教育制度。"}],
            "answerable": True}
    return {**base, **changes}


def test_load_gold_reads_typed_items(tmp_path):
    [item] = load_gold(write_lines(tmp_path / "g.jsonl", [record()]))
    assert item.role is Role.ADMIN and item.type is QuestionType.FACT
    assert item.evidence == (Evidence(LAW, "第二条 国家实行九年义务教育制度。"),)


@pytest.mark.parametrize("bad, field", [
    ("{not json", "(JSON)"),
    (record(role="principal"), "role"),
    (record(type="trivia"), "type"),
    (record(answerable="yes"), "answerable"),
    (record(evidence=[{"doc": LAW}]), "evidence"),
    ({k: v for k, v in record().items() if k != "must_include"}, "must_include"),
])
def test_load_gold_names_file_line_and_field(tmp_path, bad, field):
    path = write_lines(tmp_path / "gold.jsonl", [record(), bad])
    with pytest.raises(GoldFormatError) as caught:
        load_gold(path)
    message = str(caught.value)
    assert isinstance(caught.value, PolicyQAError)
    assert "gold.jsonl" in message and "第 2 行" in message and f"“{field}”" in message
    assert "\n" not in message


def test_unknown_role_error_lists_valid_roles():
    with pytest.raises(ValueError, match="teacher、admin、evaluator"):
        Role.from_str("principal")
    with pytest.raises(ValueError, match="false_premise"):
        QuestionType.from_str("yes_no")
    assert QuestionType.from_str(" False_Premise ") is QuestionType.FALSE_PREMISE


def test_load_gold_rejects_a_missing_or_empty_file(tmp_path):
    with pytest.raises(GoldFormatError, match="文件不存在"):
        load_gold(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("\n\n", encoding="utf-8")
    with pytest.raises(GoldFormatError, match="没有任何题目"):
        load_gold(tmp_path / "empty.jsonl")


def test_bundled_provenance_maps_original_names_to_bundled_files():
    aliases = load_aliases(CORPUS)
    assert aliases[NATIONAL_ORIGINAL] == NATIONAL
    assert set(aliases.values()) <= BUNDLED_FILES
    renamed = law_item(evidence=(Evidence(NATIONAL_ORIGINAL, "教材厅函〔2023〕3号"),),
                       must_include=("教材厅函",))
    assert validate_gold([renamed], CORPUS) == []

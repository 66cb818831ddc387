"""The evaluation tab's choice of gold file, on the bundled gold sets and the parsed bundled corpus:
bundled names resolve, an upload takes precedence, and a file that cannot be scored is refused
with one line naming the file (by its own name), the line and the field."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from policyqa.evals.gold import BUNDLED_GOLD, BUNDLED_GOLD_SETS, bundled_gold, load_aliases, load_gold
from policyqa.ui.eval_tab import choose_gold, gold_choices

NATIONAL, NATIONAL_ORIGINAL = "national-curriculum-reform-plan-2023.txt", "000_9b84d41d9b01e685.txt"


@pytest.fixture(scope="module")
def library(corpus_docs) -> set[str]:
    """The document names of a library holding the bundled corpus (what the catalog lists)."""
    return set(corpus_docs)


@pytest.fixture(scope="module")
def aliases(corpus_dir) -> dict[str, str]:
    return load_aliases(corpus_dir)


def _lines(n: int = 3) -> list[dict]:
    """The first ``n`` bundled gold items as JSON objects (one carries national-plan evidence)."""
    return [json.loads(line) for line in BUNDLED_GOLD.read_text(encoding="utf-8").splitlines()[:n]]


def _write(path: Path, rows: list[dict | str]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def _one_line_error(call) -> str:
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert "\n" not in message
    return message


def test_every_bundled_gold_file_is_offered_with_its_question_count():
    names = [name for _, name in gold_choices()]
    assert sorted(names) == sorted(p.stem for p in BUNDLED_GOLD.parent.glob("gold*.jsonl"))
    for label, name in gold_choices():
        assert label.startswith(f"{name}（{len(load_gold(bundled_gold(name)))} 题）")


def test_a_bundled_name_resolves_and_an_unknown_one_lists_the_valid_names():
    assert bundled_gold("gold_unseen") == BUNDLED_GOLD.parent / "gold_unseen.jsonl"
    message = _one_line_error(lambda: bundled_gold("gold_unsen"))
    assert "gold_unsen" in message and all(g.name in message for g in BUNDLED_GOLD_SETS)


def test_a_bundled_set_over_the_corpus_is_chosen(library, aliases):
    chosen = choose_gold("gold_unanswerable", None, library, aliases)
    assert (chosen.path.name, chosen.uploaded, chosen.items, chosen.unanswerable) == \
        ("gold_unanswerable.jsonl", False, 40, 40)
    assert "gold_unanswerable.jsonl：40 题" in chosen.describe()


def test_a_set_whose_documents_are_not_in_the_library_is_refused(library, aliases):
    message = _one_line_error(lambda: choose_gold("gold_wild_library_dev", None, library, aliases))
    assert message.startswith("金标文件 gold_wild_library_dev.jsonl：") and "不在当前文库中" in message
    assert "FBM-CLI" in message and "“文库”页" in message


def test_an_upload_takes_precedence_and_original_file_names_are_resolved(tmp_path, library, aliases):
    rows = _lines()
    rows[0]["evidence"] = [{"doc": NATIONAL_ORIGINAL, "quote": e["quote"]} if e["doc"] == NATIONAL else e
                           for e in rows[0]["evidence"]]
    upload = _write(tmp_path / "我的题集.jsonl", rows)
    chosen = choose_gold("gold", str(upload), library, aliases)
    assert (chosen.path, chosen.uploaded, chosen.items) == (upload, True, 3)
    assert "上传的文件 我的题集.jsonl：3 题" in chosen.describe()


@pytest.mark.parametrize("bad, where", [
    ('{"id": "x1", "role": "teacher"', "第 3 行，字段 “(JSON)”：不是合法的 JSON"),
    ({**_lines(1)[0], "role": "principal"}, "第 3 行，字段 “role”：未知角色 “principal”。可选：teacher、admin、evaluator"),
    ({k: v for k, v in _lines(1)[0].items() if k != "evidence"}, "第 3 行，字段 “evidence”：缺少该字段"),
])
def test_a_bad_upload_is_refused_with_one_line_naming_file_line_and_field(tmp_path, library, aliases, bad, where):
    upload = _write(tmp_path / "bad.jsonl", [*_lines(1), "", bad])     # the blank line still counts
    message = _one_line_error(lambda: choose_gold("gold", str(upload), library, aliases))
    assert message.startswith(f"金标文件 bad.jsonl {where}")
    assert str(tmp_path) not in message                              # the file's own name, not the temp path


def test_an_upload_citing_a_document_outside_the_library_is_refused(tmp_path, library, aliases):
    rows = _lines(2)
    rows[1]["evidence"] = [{"doc": "haidian-plan.docx", "quote": "海淀区义务教育课程实施方案全文"}]
    upload = _write(tmp_path / "mine.jsonl", rows)
    message = _one_line_error(lambda: choose_gold("gold", str(upload), library, aliases))
    assert f"1 个证据文件不在当前文库中（如题 {rows[1]['id']} 的 “haidian-plan.docx”）" in message


def test_an_empty_upload_is_refused(tmp_path, library, aliases):
    upload = _write(tmp_path / "empty.jsonl", [""])
    assert "empty.jsonl：文件中没有任何题目" in _one_line_error(lambda: choose_gold("gold", str(upload), library, aliases))

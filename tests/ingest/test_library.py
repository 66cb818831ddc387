"""The library folder: what gets stored or skipped, safe file names, and duplicate links across documents."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from policyqa.domain import DocKind
from policyqa.errors import PolicyQAError
from policyqa.ingest.duplicates import DuplicateFinder
from policyqa.ingest.pipeline import CLAUSES_FILE, DOCUMENTS_FILE, DocumentParser, Library, collect_files, safe_name

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
GOOD = ["beijing-curriculum-reform-plan.txt", "teachers-law.txt"]


@pytest.fixture()
def mixed_folder(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in GOOD:
        shutil.copyfile(CORPUS / name, folder / name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "README.md").write_text("# 说明\n这些是测试文件。\n", "utf-8")
    return folder


def test_add_skips_each_bad_file_with_a_reason_and_keeps_the_good(mixed_folder, tmp_path):
    unsupported = tmp_path / "plan.xlsx"
    unsupported.write_bytes(b"PK\x03\x04")
    missing = tmp_path / "nowhere" / "plan.txt"
    library = Library(tmp_path / "index")
    failures = library.add([mixed_folder, unsupported, missing])
    reasons = {Path(f.path).name: f.reason for f in failures}
    assert sorted(reasons) == ["binary.txt", "empty.txt", "plan.txt", "plan.xlsx"]
    assert "不存在" in reasons["plan.txt"]
    assert "不支持" in reasons["plan.xlsx"] and ".docx" in reasons["plan.xlsx"]
    assert "空" in reasons["empty.txt"]
    assert "二进制" in reasons["binary.txt"]
    assert all("\n" not in r and r for r in reasons.values())
    assert sorted(p.name for p in library.sources.iterdir()) == sorted(GOOD)


def test_folder_expansion_skips_notes_and_hidden_files(mixed_folder):
    (mixed_folder / ".draft.txt").write_text("一、总体要求\n", "utf-8")
    (mixed_folder / "notes.xlsx").write_bytes(b"PK")
    files, failures = collect_files([mixed_folder])
    assert failures == []
    assert [p.name for p in files] == sorted(["binary.txt", "empty.txt", *GOOD])


def test_parse_all_and_save_write_the_library_files(mixed_folder, tmp_path):
    library = Library(tmp_path / "index")
    library.add([mixed_folder])
    report = library.parse_all()
    assert report.failures == ()
    library.save(report)
    docs = [json.loads(ln) for ln in (tmp_path / "index" / DOCUMENTS_FILE).read_text("utf-8").splitlines()]
    clauses = (tmp_path / "index" / CLAUSES_FILE).read_text("utf-8").splitlines()
    assert sorted(d["doc"] for d in docs) == sorted(GOOD)
    assert len(clauses) == sum(len(d.clauses) for d in report.documents)


def test_remove_names_the_valid_files(mixed_folder, tmp_path):
    library = Library(tmp_path / "index")
    library.add([mixed_folder])
    with pytest.raises(PolicyQAError, match="teachers-law.txt"):
        library.remove("no-such.txt")
    library.remove("teachers-law.txt")
    assert [p.name for p in library.sources.iterdir()] == ["beijing-curriculum-reform-plan.txt"]


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\secret.txt", "secret.txt"),
    ("/abs/path/方案.docx", "方案.docx"),
    ('a:b*c?"d"<e>|f.txt', "a_b_c__d__e__f.txt"),
    ("tab\there.txt", "tab_here.txt"),
    ("..", "document.txt"),
    ("  . ", "document.txt"),
])
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected
    assert "/" not in safe_name(raw) and ".." not in safe_name(raw).split("/")


def test_files_are_stored_under_their_safe_name(tmp_path):
    odd = tmp_path / "北京:方案?.txt"
    shutil.copyfile(CORPUS / "beijing-curriculum-reform-plan.txt", odd)
    library = Library(tmp_path / "index")
    assert library.add([odd]) == []
    assert [p.name for p in library.sources.iterdir()] == ["北京_方案_.txt"]


ORIGINAL = [
    "某市推进课后服务实施方案",
    "某教发〔2024〕5号",
    "一、主要任务",
    "（一）丰富服务内容",
    "1.拓展课后服务资源。统筹校内外资源，引进优质体育、艺术、科普等课程，满足学生多样化需求。",
    "2.加强课后服务管理。学校要建立课后服务工作台账，规范服务时间和收费行为，定期开展满意度调查。",
    "（二）强化保障",
    "3.完善经费保障机制。各区要将课后服务经费纳入预算，对参与课后服务的教师给予合理补助。",
]

REPOST = [
    "新闻：某市印发课后服务方案",
    "近日,某市教育局印发方案,记者梳理了要点。",
    "1.拓展课后服务资源。统筹校内外资源,引进优质体育、艺术、科普等课程,满足学生多样化需求。",
    "2.加强课后服务管理。学校要建立课后服务工作台账,规范服务时间和收费行为,定期开展满意度调查。",
    "3.记者还了解到，今年全市将新增一百所托育机构，家长可在平台报名。",
]


def parse(tmp_path: Path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return DocumentParser().parse(path)


def test_half_width_copy_links_to_the_original(tmp_path):
    """The copy is read first; the document printing a 文号 is still taken as the original."""
    original = parse(tmp_path, "plan.txt", ORIGINAL)
    copy = parse(tmp_path, "news.txt", REPOST)
    linked = {d.meta.doc: d for d in DuplicateFinder().link([copy, original])}
    items = {c.number: c for c in linked["news.txt"].clauses if c.kind == "item"}
    plan = {c.id: c for c in linked["plan.txt"].clauses}
    assert plan[items[1].duplicate_of].number == 1
    assert plan[items[2].duplicate_of].number == 2
    assert items[3].duplicate_of is None
    assert all(c.duplicate_of is None for c in linked["plan.txt"].clauses)
    assert linked["news.txt"].meta.kind is DocKind.REPOST
    assert linked["news.txt"].meta.repost_of == "plan.txt"


def test_unrelated_documents_are_not_linked(tmp_path):
    original = parse(tmp_path, "plan.txt", ORIGINAL)
    other = parse(tmp_path, "law.txt", (CORPUS / "teachers-law.txt").read_text("utf-8").splitlines())
    linked = DuplicateFinder().link([original, other])
    assert all(c.duplicate_of is None for d in linked for c in d.clauses)
    assert [d.meta.kind for d in linked] == [original.meta.kind, DocKind.LAW]

"""A real library (issue 14): the bundled corpus plus the 116 files of ../shared/corpus-wild,
checked per document — titles, 文号, place and level, copies, versions, reposts, odd characters."""
from __future__ import annotations

import re

import pytest

from policyqa.domain import Level
from policyqa.index.aliases import DocumentResolver
from policyqa.ingest.web_chrome import is_export_chrome
from policyqa.regions import PROVINCES

# A line that is only a 文号, as an export prints it under the title: （安政办〔2016〕111号）,
# 象政办[2017]123号, （泉政办〔2017〕106号 2017年）. Written here independently of ingest.
NUMBER_LINE = re.compile(r"^[（(]?(?P<n>[\u4e00-\u9fff]{1,12}[〔\[［(（〈]\d{4}[〕\]］)）〉]\d+号)(?:\s*\d{4}年)?[）)]?$")
PLACE_START = re.compile(rf"^(?:{'|'.join(PROVINCES)}|[\u4e00-\u9fff]{{2,5}}(?:市|州))")


@pytest.fixture(scope="module")
def library(wild_library):
    failures, report = wild_library
    return failures, {d.meta.doc: d for d in report.documents}


def _doc(docs, prefix):
    found = [d for name, d in docs.items() if name.startswith(prefix)]
    assert len(found) == 1, (prefix, [d.meta.doc for d in found])
    return found[0]


def test_every_file_ingests_including_private_use_characters(library, wild_dir, corpus_dir):
    from policyqa.ingest.pipeline import collect_files

    failures, docs = library
    assert failures == []
    for prefix in ("湖北省人民政府办公厅", "石家庄市人民政府办公厅"):   # each holds U+E010
        doc = _doc(docs, prefix)
        assert "\ue010" not in doc.source.text and "〓" in doc.source.text
        assert any("U+E010" in w for w in doc.warnings)
    files, _ = collect_files([corpus_dir, wild_dir])   # every document file (the folders' READMEs are notes)
    assert len(docs) == len(files) == 127


def test_no_title_is_export_chrome(library):
    _, docs = library
    for doc in docs.values():
        title = doc.meta.title
        assert title, doc.meta.doc
        assert not is_export_chrome(title) and "法宝" not in title and "原文链接" not in title, title


def test_every_printed_doc_number_is_read(library, wild_dir):
    _, docs = library
    checked = 0
    for path in sorted((wild_dir / "policies").glob("*.txt")):
        head = [ln.strip() for ln in path.read_text("utf-8").splitlines()[:9] if ln.strip()]
        printed = next((m.group("n") for ln in head if (m := NUMBER_LINE.match(ln))), None)
        if printed:
            checked += 1
            assert docs[path.name].meta.doc_number == printed, path.name
    assert checked >= 80


def test_local_documents_have_region_and_level(library, wild_dir):
    _, docs = library
    for path in sorted(wild_dir.rglob("*")):
        if path.suffix in (".md", ".txt") and PLACE_START.match(path.name):
            meta = docs[path.name].meta
            assert meta.level in (Level.PROVINCIAL, Level.MUNICIPAL, Level.DISTRICT), path.name
            assert meta.region and path.name.startswith(meta.region[:2]), (path.name, meta.region)
    assert _doc(docs, "安阳市").meta.region == "安阳市" and _doc(docs, "安阳市").meta.level is Level.MUNICIPAL
    assert _doc(docs, "宁夏回族自治区").meta.region == "宁夏回族自治区"
    assert _doc(docs, "北京市昌平区").meta.level is Level.DISTRICT
    assert _doc(docs, "桂林市象山区").meta.region == "桂林市象山区"
    assert _doc(docs, "新疆生产建设兵团").meta.level is Level.PROVINCIAL
    assert _doc(docs, "上海市人民政府办公厅").meta.level is Level.PROVINCIAL   # a 直辖市
    assert _doc(docs, "国务院办公厅").meta.level is Level.NATIONAL
    assert _doc(docs, "教师资格条例").meta.level is Level.NATIONAL
    assert _doc(docs, "宁波市学校安全条例").meta.date == "2020-05-15"   # the latest amendment


def test_versions_and_copies(library):
    _, docs = library
    assert _doc(docs, "体育法(2016").meta.superseded_by == "体育法(2022-06-24).md"
    assert _doc(docs, "体育法(2022").meta.superseded_by is None
    assert _doc(docs, "未成年人保护法(2020").meta.superseded_by == "minors-protection-law.txt"
    copy = _doc(docs, "未成年人保护法(2024")
    assert copy.meta.copy_of == "minors-protection-law.txt" and copy.clauses == ()
    assert docs["minors-protection-law.txt"].meta.copy_of is None
    assert docs["minors-protection-law.txt"].meta.superseded_by is None


def test_local_implementations_sharing_wording_are_different_documents(library, wild_dir):
    _, docs = library
    for path in sorted((wild_dir / "policies").glob("*.txt")):
        doc = docs[path.name]
        assert doc.meta.repost_of is None and doc.meta.copy_of is None, path.name
        assert all(c.duplicate_of is None for c in doc.clauses), path.name
    assert docs["beijing-plan-news-repost.txt"].meta.repost_of == "beijing-curriculum-reform-plan.txt"


def test_documents_are_named_as_people_say_them(library):
    _, docs = library
    resolver = DocumentResolver(d.meta for d in docs.values())

    def named(question):
        return [m.doc for m in resolver.find(question)]

    assert named("安阳市的美育实施意见是哪个文号？") == [_doc(docs, "安阳市").meta.doc]
    assert named("上海的美育实施意见什么时候发的？") == [_doc(docs, "上海市人民政府办公厅").meta.doc]
    assert named("体育法第二十条怎么规定的？") == ["体育法(2022-06-24).md"]
    assert named("体育法2016年版第二十条怎么规定的？") == ["体育法(2016-11-07).md"]
    assert named("2020年的未成年人保护法怎么说？") == ["未成年人保护法(2020-10-17).md"]
    assert named("未成年人保护法第九条") == ["minors-protection-law.txt"]


def test_summary_of_a_large_library_is_a_few_grouped_lines(library):
    from policyqa.ingest.summary import library_lines

    _, docs = library
    lines = library_lines(tuple(docs.values()))
    assert len(lines) <= 5
    assert any(ln.startswith("副本") and "未成年人保护法(2024-04-26).md = minors-protection-law.txt" in ln for ln in lines)
    assert any(ln.startswith("旧版本") and "体育法(2016-11-07).md → 体育法(2022-06-24).md" in ln for ln in lines)
    assert any("无法显示的字符 ×2" in ln for ln in lines)


def test_library_browsing_filters(library):
    from policyqa.index.library_view import LibraryQuery
    from policyqa.ingest.records import meta_to_record
    from policyqa.ui.library_view import library_table

    _, docs = library
    records = [meta_to_record(d.meta, d) for d in docs.values()]
    old = LibraryQuery.parse(status="superseded").select(records)
    assert {r["doc"] for r in old} == {"体育法(2016-11-07).md", "未成年人保护法(2020-10-17).md"}
    assert {r["region"] for r in LibraryQuery.parse(level="district").select(records)} == {"北京市昌平区", "桂林市象山区"}
    henan = LibraryQuery.parse(region="河南").select(records)
    assert [r["region"] for r in henan] == ["河南省"]
    picked = LibraryQuery.parse(title="美育", year="2016", level="municipal", kind="opinion").select(records)
    assert len(picked) >= 10
    assert all("美育" in r["title"] and r["date"].startswith("2016") and r["level"] == "municipal" for r in picked)
    assert "显示 2 份" in library_table(records, old) and "已被修订（现行：体育法(2022-06-24).md）" in library_table(records, old)
    with pytest.raises(ValueError, match="四位数字"):
        LibraryQuery.parse(year="16")
    with pytest.raises(ValueError, match="district"):
        LibraryQuery.parse(level="county")


def test_what_changed_between_two_versions(library):
    from policyqa.index.versions import version_changes

    _, docs = library
    old, new = _doc(docs, "未成年人保护法(2020"), docs["minors-protection-law.txt"]
    amended = version_changes(old.meta.doc, old.clauses, new.meta.doc, new.clauses)
    assert [(c.kind, c.old.label, c.new.label) for c in amended.changes] == [("reworded", "第九条", "第九条")]
    assert amended.unchanged == 131 and not amended.rewritten
    old, new = _doc(docs, "体育法(2016"), _doc(docs, "体育法(2022")
    revised = version_changes(old.meta.doc, old.clauses, new.meta.doc, new.clauses)
    assert revised.rewritten
    first = next(c for c in revised.of("reworded") if c.new.label == "第一条")
    assert first.old.label == "第一条"   # 立法目的, reworded


def test_legal_forms(library):
    from policyqa.index.library_view import LibraryQuery
    from policyqa.ingest.records import meta_to_record

    _, docs = library
    assert _doc(docs, "体育法(2022").meta.legal_form == "法律"
    assert _doc(docs, "教师资格条例").meta.legal_form == "行政法规"        # 国务院令
    assert _doc(docs, "学校体育工作条例").meta.legal_form == "行政法规"    # 国务院批准
    assert _doc(docs, "宁波市学校安全条例").meta.legal_form == "地方性法规"
    assert _doc(docs, "北京市实施《教师法》办法").meta.legal_form == "地方性法规"
    assert _doc(docs, "桂林市象山区").meta.legal_form == "规范性文件"     # an office's 管理办法
    assert _doc(docs, "未成年人网络保护条例").meta.legal_form is None     # the file names no issuer
    assert _doc(docs, "安阳市").meta.legal_form is None                   # not a text with articles
    records = [meta_to_record(d.meta, d) for d in docs.values()]
    assert {r["doc"] for r in LibraryQuery.parse(form="行政法规").select(records)} >= {"教师资格条例(1995-12-12).md"}

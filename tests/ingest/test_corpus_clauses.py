"""Acceptance figures of the ingest on the bundled corpus: numbering, schedules, reposts, metadata."""
from __future__ import annotations

import re
import shutil
from collections import Counter

import pytest

from policyqa.domain import DocKind, Level
from policyqa.ingest.pipeline import Library

NATIONAL = "national-curriculum-reform-plan-2023.txt"
BEIJING = "beijing-curriculum-reform-plan.txt"
REPOST = "beijing-plan-news-repost.txt"
DRAFT = "provincial-compulsory-quality-opinion-draft.txt"
OPINION = "basic-education-expansion-quality-opinion-2023.txt"
LAWS = {
    "compulsory-education-law.txt": 63,
    "teachers-law.txt": 43,
    "education-law.txt": 86,
    "preschool-education-law.txt": 85,
    "family-education-promotion-law.txt": 55,
    "minors-protection-law.txt": 132,
}
CHROME = ("青岛正日", "本文由", "版权声明", "首页", "教育资讯")


def numbers(doc, kind: str) -> list[int]:
    return [c.number for c in doc.clauses if c.kind == kind]


def test_every_corpus_file_is_parsed(corpus_report):
    names = {d.meta.doc for d in corpus_report.documents}
    assert names == {NATIONAL, BEIJING, REPOST, DRAFT, OPINION, *LAWS}
    assert corpus_report.failures == ()


def test_folder_notes_are_not_ingested(corpus_report, corpus_dir):
    assert (corpus_dir / "PROVENANCE.md").is_file()
    assert not any(d.meta.doc.startswith(("PROVENANCE", "README")) for d in corpus_report.documents)


@pytest.mark.parametrize("doc, last", [(NATIONAL, 14), (BEIJING, 21), (DRAFT, 21), (OPINION, 25)])
def test_policy_items_are_numbered_once_each(corpus_docs, doc, last):
    assert sorted(numbers(corpus_docs[doc], "item")) == list(range(1, last + 1))


@pytest.mark.parametrize("doc", [NATIONAL, BEIJING])
def test_every_plan_item_has_a_schedule(corpus_docs, doc):
    items = [c for c in corpus_docs[doc].clauses if c.kind == "item"]
    missing = [c.label for c in items if not (c.schedule or "").strip()]
    assert missing == []
    assert all("2027" in c.schedule for c in items)


def test_national_schedule_line_is_kept_verbatim(corpus_docs):
    first = next(c for c in corpus_docs[NATIONAL].clauses if c.kind == "item" and c.number == 1)
    assert first.schedule == "（2023年5月前部署安排，至2027年持续推进。）"
    assert first.schedule not in first.text


def test_repost_items_point_at_their_beijing_twins(corpus_docs):
    beijing = {c.id: c for c in corpus_docs[BEIJING].clauses}
    items = [c for c in corpus_docs[REPOST].clauses if c.kind == "item"]
    assert {c.number for c in items} == set(range(1, 22))
    for clause in items:
        assert clause.duplicate_of in beijing, clause.label
        twin = beijing[clause.duplicate_of]
        assert (twin.kind, twin.number) == ("item", clause.number)


def test_official_plan_is_never_marked_as_a_copy(corpus_docs):
    assert all(c.duplicate_of is None for c in corpus_docs[BEIJING].clauses)


def test_repost_is_marked_as_repost_of_the_beijing_plan(corpus_docs):
    meta = corpus_docs[REPOST].meta
    assert meta.kind is DocKind.REPOST
    assert meta.repost_of == BEIJING
    assert corpus_docs[BEIJING].meta.kind is DocKind.PLAN


def test_no_clause_carries_page_chrome(corpus_report):
    dirty = [(c.id, s) for d in corpus_report.documents for c in d.clauses for s in CHROME if s in c.text]
    assert dirty == []


@pytest.mark.parametrize("doc, count", sorted(LAWS.items()))
def test_law_has_one_article_per_tiao_inside_a_chapter(corpus_docs, corpus_dir, doc, count):
    parsed = corpus_docs[doc]
    assert numbers(parsed, "article") == list(range(1, count + 1))
    printed = re.findall(r"^\s*第[一二三四五六七八九十百零〇]+条", (corpus_dir / doc).read_text("utf-8"), re.M)
    assert len(printed) == count
    articles = [c for c in parsed.clauses if c.kind == "article"]
    assert all(re.match(r"^第.+章", c.path[0]) for c in articles), [c.path for c in articles[:3]]
    assert parsed.meta.kind is DocKind.LAW


def test_law_article_label_and_text(corpus_docs):
    art = next(c for c in corpus_docs["compulsory-education-law.txt"].clauses if c.number == 27)
    assert art.label == "第二十七条"
    assert art.id == "compulsory-education-law.txt#第二十七条"
    assert art.path == ("第三章 学校", "第二十七条")
    assert "不得开除" in art.text


def test_article_keeps_its_enumerations(corpus_docs):
    """（一）（二） lists inside an article stay in that article."""
    law = corpus_docs["education-law.txt"]
    assert not any(c.kind in ("item", "subitem") for c in law.clauses)
    assert any("（一）" in c.text for c in law.clauses if c.kind == "article")


def test_opinion_labels_chain_their_headings(corpus_docs):
    by_label = {c.label: c for c in corpus_docs[OPINION].clauses}
    item = by_label["二、（一）2."]
    assert item.path == ("二、重大行动", "（一）实施学前教育普惠保障行动", "2.健全成本分担机制")
    assert item.number == 2 and item.kind == "item"
    assert item.text.startswith("2.健全成本分担机制")


def test_national_metadata(corpus_docs):
    meta = corpus_docs[NATIONAL].meta
    assert meta.title == "基础教育课程教学改革深化行动方案"
    assert meta.doc_number == "教材厅函〔2023〕3号"
    assert meta.date == "2023-05-09"
    assert meta.issuers == ("教育部办公厅",)
    assert meta.level is Level.NATIONAL
    assert meta.kind is DocKind.PLAN
    assert not meta.is_draft


def test_opinion_metadata(corpus_docs):
    meta = corpus_docs[OPINION].meta
    assert meta.doc_number == "教基〔2023〕4号"
    assert meta.date == "2023-07-26"
    assert meta.issuers == ("教育部", "国家发展改革委", "财政部")
    assert meta.level is Level.NATIONAL
    assert meta.kind is DocKind.OPINION


def test_provincial_draft_metadata(corpus_docs):
    meta = corpus_docs[DRAFT].meta
    assert meta.is_draft
    assert meta.level is Level.PROVINCIAL
    assert meta.kind is DocKind.OPINION
    assert meta.doc_number is None and meta.date is None


def test_beijing_metadata_is_never_invented(corpus_docs):
    meta = corpus_docs[BEIJING].meta
    assert meta.title == "北京市深化基础教育课程教学改革实施方案"
    assert meta.level is Level.PROVINCIAL   # a 直辖市 is a provincial-level unit
    assert meta.region == "北京市"
    assert meta.issuers == ()
    assert meta.doc_number is None
    assert meta.date is None


@pytest.mark.parametrize("doc, adopted, amended", [
    ("compulsory-education-law.txt", "1986-04-12", "2018-12-29"),
    ("teachers-law.txt", "1993-10-31", "2009-08-27"),
    ("education-law.txt", "1995-03-18", "2021-04-29"),
    ("minors-protection-law.txt", "1991-09-04", "2024-04-26"),
])
def test_law_history(corpus_docs, doc, adopted, amended):
    meta = corpus_docs[doc].meta
    assert meta.kind is DocKind.LAW
    assert meta.adopted == adopted
    assert amended in meta.amended
    assert meta.date == max(meta.amended)
    assert meta.issuers == ("全国人民代表大会常务委员会",)


@pytest.mark.parametrize("doc, adopted", [("preschool-education-law.txt", "2024-11-08"),
                                          ("family-education-promotion-law.txt", "2021-10-23")])
def test_new_laws_have_no_amendments(corpus_docs, doc, adopted):
    meta = corpus_docs[doc].meta
    assert meta.adopted == adopted and meta.amended == () and meta.date == adopted


def test_clause_ids_are_unique_across_the_library(corpus_report):
    ids = Counter(c.id for d in corpus_report.documents for c in d.clauses)
    assert [i for i, n in ids.items() if n > 1] == []


def test_ids_and_hashes_are_stable_across_parses(corpus_report, corpus_dir, tmp_path):
    library = Library(tmp_path / "again")
    library.add([corpus_dir])
    again = library.parse_all()
    first = [(c.id, c.hash) for d in corpus_report.documents for c in d.clauses]
    assert [(c.id, c.hash) for d in again.documents for c in d.clauses] == first


def test_hash_changes_with_the_text(corpus_dir, tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    path = folder / "compulsory-education-law.txt"
    shutil.copyfile(corpus_dir / path.name, path)
    library = Library(tmp_path / "lib")
    library.add([path])
    before = {c.id: c.hash for c in library.parse_all().documents[0].clauses}
    text = path.read_text("utf-8").replace("学校应当予以批评教育，不得开除", "学校应当予以批评教育和帮助，不得开除")
    path.write_text(text, "utf-8")
    library.add([path])
    after = {c.id: c.hash for c in library.parse_all().documents[0].clauses}
    assert before.keys() == after.keys()
    changed = [cid for cid in before if before[cid] != after[cid]]
    assert changed == ["compulsory-education-law.txt#第二十七条"]

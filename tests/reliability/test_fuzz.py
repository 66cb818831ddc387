"""Property-based fuzzing of the question normaliser, the clause-reference parser and the readers.

Deadlines are off: these tests check outcomes, never wall-clock time.
"""
from __future__ import annotations

import io
import itertools
import unicodedata
import zipfile
from pathlib import Path

import pytest
from bad_files import PLAN_TEXT, docx_bytes, pdf_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyqa.assistant.question import QuestionNormaliser
from policyqa.domain import SourceDocument
from policyqa.errors import ClauseNotFound, InvalidQuestion, UnreadableDocument
from policyqa.index.clause_ref import find_refs, resolve_ref
from policyqa.numerals import int_to_cn
from policyqa.ingest.pipeline import DocumentParser
from policyqa.ingest.readers import SUPPORTED_SUFFIXES, read_source

FUZZ = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
NORMALISER = QuestionNormaliser().load()
_NAMES = itertools.count()
# Characters that drive the clause and numbering parsers, plus some noise.
POLICY_ALPHABET = list("第条章节项点一二三四五六七八九十百零〇两、（）()1234567890.．:：。；，\n \t附件表学校应当不得") + ["\u3000"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"case-{next(_NAMES)}{suffix}"
    path.write_bytes(data)
    return path


class _Clauses(dict):
    """Clauses by document, with a short repr for Hypothesis' failure reports."""

    def __repr__(self) -> str:
        return f"<clauses of {len(self)} documents>"


@pytest.fixture(scope="module")
def law_clauses(corpus_docs) -> _Clauses:
    return _Clauses({name: list(doc.clauses) for name, doc in corpus_docs.items()})


# -- questions -------------------------------------------------------------------------------------

@FUZZ
@given(st.text(max_size=700))
def test_any_text_is_a_clean_question_or_one_clear_refusal(raw):
    try:
        text = NORMALISER.normalise(raw)
    except InvalidQuestion as err:
        assert str(err) and "\n" not in str(err)
        return
    assert text == text.strip() and 0 < len(text) <= NORMALISER.max_chars
    assert any(ch.isalnum() for ch in text)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text)
    assert "  " not in text
    assert NORMALISER.normalise(text) == text          # normalising twice changes nothing


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=60),
       st.lists(st.sampled_from(["\u200b", "\u200d", "\ufeff", "\u202e", "\x00", "\x07", "\u00ad"]), max_size=6))
def test_invisible_characters_never_change_the_question(raw, junk):
    dirty = "".join(ch + (junk[i % len(junk)] if junk else "") for i, ch in enumerate(raw))
    try:
        clean = NORMALISER.normalise(raw.replace("\x00", " ").replace("\x07", " "))
    except InvalidQuestion:
        with pytest.raises(InvalidQuestion):
            NORMALISER.normalise(dirty)
        return
    if not any(j in ("\x00", "\x07") for j in junk):   # controls become spaces, the rest vanish
        assert NORMALISER.normalise(dirty) == clean


# -- clause references -----------------------------------------------------------------------------

@FUZZ
@given(st.text(alphabet=st.sampled_from(POLICY_ALPHABET) | st.characters(), max_size=80))
def test_find_refs_never_fails_and_each_ref_is_in_the_question(question):
    for ref in find_refs(question):
        assert ref.text in question
        assert (ref.number is None) != (ref.label is None)
        assert ref.number is None or ref.number >= 0


@FUZZ
@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["条", "项", "点"]))
def test_chinese_and_arabic_article_numbers_are_read_back(number, unit):
    refs = find_refs(f"义务教育法第{int_to_cn(number)}{unit}是什么")
    assert [r.number for r in refs] == [number]
    assert [r.number for r in find_refs(f"第 {number} {unit}")] == [number]


@FUZZ
@given(st.integers(min_value=0, max_value=9999))
def test_resolving_an_article_finds_it_or_names_the_valid_range(law_clauses, number):
    clauses = law_clauses["compulsory-education-law.txt"]
    ref = find_refs(f"第{number}条")[0]
    try:
        clause = resolve_ref(ref, clauses, "义务教育法")
    except ClauseNotFound as err:
        assert not 1 <= number <= 63
        assert str(err) == f"义务教育法没有第{number}条；它有第1–63条"
    else:
        assert 1 <= number <= 63 and clause.number == number and clause.kind == "article"


@FUZZ
@given(st.text(alphabet=st.sampled_from(POLICY_ALPHABET), max_size=40))
def test_resolving_any_found_ref_returns_a_clause_or_clause_not_found(law_clauses, question):
    clauses = law_clauses["beijing-curriculum-reform-plan.txt"]
    for ref in find_refs(question):
        try:
            clause = resolve_ref(ref, clauses, "北京方案")
        except ClauseNotFound as err:
            assert "\n" not in str(err) and str(err).startswith("北京方案")
        else:
            assert clause in clauses


# -- readers ---------------------------------------------------------------------------------------

def _read_outcome(path: Path) -> SourceDocument | UnreadableDocument:
    try:
        return read_source(path)
    except UnreadableDocument as err:
        assert "\n" not in str(err)
        return err


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(SUPPORTED_SUFFIXES))
def test_arbitrary_bytes_are_a_document_or_unreadable(scratch, data, suffix):
    outcome = _read_outcome(_write(scratch, suffix, data))
    if isinstance(outcome, SourceDocument):
        assert outcome.lines and all(line == line.strip() and line for line in outcome.lines)


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    changed = bytearray(data)
    for position, value in edits:
        changed[position % len(changed)] = value
    return bytes(changed[:cut] if cut else changed)


REAL_FILES = {".docx": docx_bytes(PLAN_TEXT[:1500]), ".pdf": pdf_bytes(["第一条 为了规范学校管理，制定本办法。", "第二条 学校不得收取择校费。"]),
              ".html": f"<html><head><meta charset='gb2312'></head><body><p>{PLAN_TEXT[:800]}</p></body></html>".encode("gb18030"),
              ".txt": PLAN_TEXT[:2000].encode("gb18030")}


@FUZZ
@given(st.sampled_from(sorted(REAL_FILES)), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       st.one_of(st.none(), st.integers(1, 4000)))
def test_damaged_real_files_are_a_document_or_unreadable(scratch, suffix, edits, cut):
    _read_outcome(_write(scratch, suffix, _mutate(REAL_FILES[suffix], edits, cut)))


@FUZZ
@given(st.sampled_from([".docx"]), st.sampled_from(["word/document.xml", "[Content_Types].xml", "word/styles.xml",
                                                     "word/numbering.xml", "word/_rels/document.xml.rels"]),
       st.binary(max_size=400))
def test_a_docx_with_one_part_replaced_is_a_document_or_unreadable(scratch, suffix, part, junk):
    source = zipfile.ZipFile(io.BytesIO(REAL_FILES[".docx"]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info.filename, junk if info.filename == part else source.read(info))
    _read_outcome(_write(scratch, suffix, buffer.getvalue()))


@FUZZ
@given(st.text(alphabet=st.sampled_from(POLICY_ALPHABET), min_size=1, max_size=400))
def test_any_policy_like_text_parses_or_is_refused(scratch, text):
    path = _write(scratch, ".txt", text.encode("utf-8"))
    try:
        parsed = DocumentParser().parse(path)
    except UnreadableDocument as err:
        assert "\n" not in str(err)
    else:
        assert parsed.clauses and len({c.id for c in parsed.clauses}) == len(parsed.clauses)

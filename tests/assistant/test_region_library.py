"""A user adds a document about a region the bundled corpus lacks (a Hangzhou notice with numbered
items, as .docx): after ingest it answers questions about it, and a place nothing in the library
covers is refused. The notice and the questions were written by someone who had not seen the code.
HashEmbedder index: no model needed."""
from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from policyqa.config import Config

NOTICE = Path(__file__).parent / "data" / "hangzhou-after-school-notice.txt"


@pytest.fixture(scope="module")
def region_assistant(tmp_path_factory, hash_corpus_index: Config):
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index, load_retriever

    folder = tmp_path_factory.mktemp("region")
    shutil.copytree(hash_corpus_index.index_dir, folder / "index")
    config = hash_corpus_index.with_overrides(index_dir=folder / "index")
    document = docx.Document()
    for line in NOTICE.read_text("utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    path = folder / "杭州市课后服务通知.docx"
    document.save(path)
    assert ingest_and_index(config, [path], embedder=HashEmbedder()).report.failures == ()
    return Assistant(load_retriever(config, embedder=HashEmbedder()), config=config)


def test_the_region_comes_from_the_ingested_metadata(region_assistant):
    doc = region_assistant.resolve_document("杭州市课后服务通知.docx")
    assert "杭州" in (region_assistant.catalog.meta(doc).title or "")


@pytest.mark.parametrize("question,expected", [
    ("杭州的小学课后服务一般几点结束？", "17:30"),
    ("杭州课后服务每学期收费标准是多少？", "800元"),
    ("谁是学校课后服务安全工作的第一责任人？", "校长"),
])
def test_questions_about_the_added_region_are_answered_from_it(region_assistant, question, expected):
    answer = region_assistant.ask(question)
    assert not answer.abstained, answer.text
    assert expected in answer.text
    assert any(c.clause.doc.endswith(".docx") for c in answer.citations)


@pytest.mark.parametrize("question", [
    "南宁的小学几点放学？",                          # no document word: refused all the same
    "哈尔滨市中小学课后服务管理规定要求几点结束？",
    "广西的中考体育考哪些项目？",
])
def test_a_place_nothing_in_the_library_covers_is_refused(region_assistant, question):
    answer = region_assistant.ask(question)
    assert answer.abstained
    assert "库中没有" in answer.text

"""A new user's own document, of a shape the bundled corpus does not have (a municipal 办法 with
articles, as .docx), answers questions with its own clauses — no model needed (HashEmbedder)."""
from __future__ import annotations


import docx
import pytest

from policyqa.assistant.answer import Verdict
from policyqa.config import Config

RULES = [
    "某市中小学校课后服务管理办法",
    "第一章 总则",
    "第一条 为规范中小学校课后服务，减轻学生和家长负担，制定本办法。",
    "第二条 本办法适用于本市公办和民办义务教育学校。",
    "第二章 服务要求",
    "第三条 课后服务由学校统一组织，学生自愿参加，学校不得强制或者变相强制学生参加课后服务。",
    "第四条 课后服务结束时间原则上不早于当地正常下班时间，每周五天均应提供服务。",
    "第五条 学校不得利用课后服务时间讲授新课，不得组织集体补课。",
    "第三章 附则",
    "第六条 本办法自2025年9月1日起施行。",
]


@pytest.fixture(scope="module")
def own_library(tmp_path_factory) -> Config:
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index

    folder = tmp_path_factory.mktemp("own")
    document = docx.Document()
    for line in RULES:
        document.add_paragraph(line)
    path = folder / "课后服务管理办法.docx"
    document.save(path)
    config = Config.load(index_dir=folder / "index")
    assert ingest_and_index(config, [path], embedder=HashEmbedder()).report.failures == ()
    return config


@pytest.fixture(scope="module")
def own_assistant(own_library):
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import load_retriever

    return Assistant(load_retriever(own_library, embedder=HashEmbedder()), config=own_library)


def test_compliance_question_cites_the_users_article(own_assistant):
    answer = own_assistant.ask("学校能强制学生参加课后服务吗？")
    assert answer.verdict is Verdict.FORBIDDEN and answer.text.startswith("不可以")
    assert answer.citations[0].clause.label == "第三条"
    assert answer.citations[0].clause.path[0] == "第二章 服务要求"


def test_date_question_quotes_the_article(own_assistant):
    answer = own_assistant.ask("这个课后服务管理办法什么时候施行？")
    assert "2025年9月1日" in answer.text and answer.citations[0].clause.label == "第六条"


def test_lookup_by_article_number_and_missing_article(own_assistant):
    answer = own_assistant.ask("课后服务管理办法第五条规定了什么？")
    assert "不得组织集体补课" in answer.text
    missing = own_assistant.ask("课后服务管理办法第九条是什么？")
    assert missing.abstained and "第九条" in missing.text and "1–6" in missing.text


def test_question_outside_the_library_is_refused(own_assistant):
    answer = own_assistant.ask("课后服务每个学生每月收费多少元？")
    assert answer.abstained and answer.text.startswith("所收录的文件没有")

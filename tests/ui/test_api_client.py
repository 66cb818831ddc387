"""The ``ask`` endpoint for scripted clients, through gradio_client against the served page."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

QUESTIONS = [
    "义务教育法第二十七条规定了什么？", "学校可以开除义务教育阶段的学生吗？", "北京方案提出了哪六大行动？",
    "国家方案对科学教育提出了哪些要求？", "教师享有哪些权利？", "教师法规定教师应当履行哪些义务？",
    "学校能否组织学生参加商业性活动？", "家庭教育促进法对父母有什么要求？", "幼儿园可以教小学课程吗？",
    "扩优提质意见的文号是什么？", "北京方案第5条是什么？", "义务教育阶段学校可以分重点班吗？",
    "学前教育法对幼儿园收费有什么规定？", "未成年人保护法对网络沉迷有什么规定？", "教育法规定的教育方针是什么？",
    "国家方案的行动目标是什么？", "北京方案怎样推进大单元教学？", "征求意见稿对作业管理有什么要求？",
    "教师的工资待遇如何保障？", "学校应当如何开展劳动教育？",
]


@pytest.mark.model
def test_ask_returns_the_answer_record(server):
    record = Client(server.url, verbose=False).predict("义务教育法第二十七条规定了什么？", api_name="/ask")
    assert record["question"] == "义务教育法第二十七条规定了什么？"
    assert set(record) >= {"answer", "abstained", "citations", "sources", "verdict", "mode", "timings"}
    cited = record["citations"][0]
    assert (cited["title"], cited["label"]) == ("中华人民共和国义务教育法", "第二十七条")
    assert "不得开除" in cited["text"]


@pytest.mark.model
def test_an_over_long_question_is_refused_with_the_limit(server):
    with pytest.raises(Exception, match="500 字以内"):
        Client(server.url, verbose=False).predict("学校" * 400, api_name="/ask")


@pytest.mark.model
def test_twenty_concurrent_clients_all_get_their_own_answer(server):
    def ask(question: str) -> dict:
        return Client(server.url, verbose=False).predict(question, api_name="/ask")

    with ThreadPoolExecutor(max_workers=len(QUESTIONS)) as pool:
        records = list(pool.map(ask, QUESTIONS))
    assert [r["question"] for r in records] == QUESTIONS
    assert all(r["answer"] and (r["citations"] or r["abstained"]) for r in records)

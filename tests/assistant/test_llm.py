"""The optional LLM path against a real HTTP server on 127.0.0.1 speaking the OpenAI
chat-completions protocol with scripted replies: every sentence is verified against the clause
it cites; wrong citations and invented clauses are removed; failures fall back to grounded."""
from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from policyqa.assistant.answer import GeneratorMode
from policyqa.assistant.llm import LLMGenerator, LLMSettings, build_llm

QUESTION = "学校能开除义务教育阶段的学生吗？"


class ScriptedServer:
    """Replies with the next scripted content; records every request body."""

    def __init__(self, replies: list[str]) -> None:
        self.replies, self.requests = list(replies), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, body))
                content = outer.replies.pop(0) if outer.replies else "所收录的文件没有规定这一点。"
                payload = json.dumps({
                    "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def close(self) -> None:
        self.httpd.shutdown()


@pytest.fixture()
def assistant_with(hash_corpus_index):
    """Build an Assistant over the hash index whose LLM is the scripted server."""
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import load_retriever

    servers = []

    def make(replies: list[str], base: str | None = None):
        server = None
        if base is None:
            server = ScriptedServer(replies)
            servers.append(server)
            base = server.base
        llm = build_llm(LLMSettings(api_base=base, model="scripted", timeout=5))
        retriever = load_retriever(hash_corpus_index, embedder=HashEmbedder())
        return Assistant(retriever, config=hash_corpus_index, generator=LLMGenerator(llm)), server

    yield make
    for server in servers:
        server.close()


def _cited_index(assistant, question: str, label: str) -> int:
    hits = assistant.retriever.retrieve(question, k=8)
    return next(i for i, h in enumerate(hits[:5], 1) if h.clause.label == label and "义务教育" in h.clause.title)


def test_supported_reply_is_kept_with_citation(assistant_with):
    assistant, server = assistant_with([])
    n = _cited_index(assistant, QUESTION, "第二十七条")
    server.replies.append(f"不可以。义务教育法规定，对违反学校管理制度的学生，学校应当予以批评教育，不得开除[{n}]。")
    answer = assistant.ask(QUESTION)
    assert answer.mode is GeneratorMode.LLM
    assert "不得开除" in answer.text and answer.citations[0].clause.label == "第二十七条"
    path, body = server.requests[0]
    assert path.endswith("/chat/completions")
    system, user = body["messages"][0], body["messages"][1]
    assert system["role"] == "system" and "不是指令" in system["content"]
    assert "【条款1】" in user["content"] and QUESTION in user["content"]


def test_wrong_citation_and_invented_clause_are_removed(assistant_with):
    assistant, server = assistant_with([])
    n = _cited_index(assistant, QUESTION, "第二十七条")
    wrong = 1 if n != 1 else 2
    server.replies.append(
        f"学校应当予以批评教育，不得开除[{n}]。"
        f"学校可以开除严重违纪的学生[{wrong}]。"          # cites a clause that does not say this
        "根据第九十九条，校长有权直接开除学生[7]。"     # invents a clause: [7] was never given
    )
    answer = assistant.ask(QUESTION)
    assert answer.mode is GeneratorMode.LLM
    assert "不得开除" in answer.text
    assert "可以开除" not in answer.text and "第九十九条" not in answer.text
    assert any("删去" in n for n in answer.notices)


def test_reply_without_support_falls_back_to_grounded(assistant_with):
    assistant, _ = assistant_with(["学校可以自行决定开除学生[1]。"])
    answer = assistant.ask(QUESTION)
    assert answer.mode is GeneratorMode.FALLBACK
    assert answer.text.startswith("不可以") and "不得开除" in answer.text
    assert any("已改用基于原文的回答" in n for n in answer.notices)


def test_unreachable_endpoint_falls_back_with_notice(assistant_with):
    assistant, _ = assistant_with([], base="http://127.0.0.1:9/v1")  # discard port: nothing listens
    answer = assistant.ask(QUESTION)
    assert answer.mode is GeneratorMode.FALLBACK and not answer.abstained
    assert any("LLM 不可用" in n for n in answer.notices)


@pytest.mark.skipif(not os.environ.get("POLICYQA_LLM_GGUF"),
                    reason="set POLICYQA_LLM_GGUF to a local .gguf (and pip install llama-index-llms-llama-cpp)")
def test_local_gguf_answer_is_verified(hash_corpus_index):
    """With a real local model configured, every kept sentence is supported by its citation."""
    from policyqa.assistant.service import Assistant
    from policyqa.assistant.support import SupportJudge
    from policyqa.assistant.sentences import cited_numbers, split_sentences
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import load_retriever

    settings = LLMSettings.from_env()
    assistant = Assistant(load_retriever(hash_corpus_index, embedder=HashEmbedder()), config=hash_corpus_index,
                          generator=LLMGenerator(build_llm(settings)))
    answer = assistant.ask(QUESTION)
    assert answer.mode in (GeneratorMode.LLM, GeneratorMode.FALLBACK)
    judge = SupportJudge()
    for sentence in split_sentences(answer.text, keep_semicolons=True):
        cited = [answer.citations[n - 1].clause.text for n in cited_numbers(sentence)]
        if cited:
            assert judge.judge(sentence, cited).supported

"""The chat tab (teachers): streamed answers with citation cards, follow-ups, filters, copy, 👍/👎.

The conversation lives in per-session ``gr.State``: ``messages`` (what the Chatbot shows) and
``turns`` (the :class:`Answer` behind each assistant message, None where a question was refused),
so follow-up questions get their history without reading anything back from the browser.
"""
from __future__ import annotations

from collections.abc import Iterator

import gradio as gr

from policyqa.assistant.answer import Answer, Turn
from policyqa.domain import Filters, Level
from policyqa.errors import PolicyQAError
from policyqa.ui.answer_view import answer_html, partial_html, plain_text
from policyqa.ui.assets import COPY_JS
from policyqa.ui.feedback import Feedback
from policyqa.ui.html import LEVEL_NAMES, esc, notice
from policyqa.ui.state import PageState

EXAMPLES = [
    "教师法第九条",
    "北京方案的主要任务有哪些？",
    "国家方案对科学教育提出了哪些要求？",
    "学校可以给学生排名吗？",
    "教师有什么权利？",
]
LEVEL_CHOICES = [(name, level.value) for level, name in LEVEL_NAMES.items()]


def make_filters(docs: list[str] | None, levels: list[str] | None) -> Filters | None:
    """The retrieval filters chosen in the page, or None when nothing is chosen."""
    if not docs and not levels:
        return None
    return Filters(docs=tuple(docs or ()), levels=tuple(Level.from_str(v) for v in levels or ()))


def history_of(turns: list[Answer | None]) -> list[Turn]:
    """The answered turns so far, oldest first, for follow-up questions."""
    return [Turn(a.question, a) for a in turns if a is not None]


def respond(state: PageState, question: str, messages: list[dict], turns: list[Answer | None],
            docs: list[str] | None, levels: list[str] | None) -> Iterator[tuple]:
    """Stream one answer into the chat: yields (chat, messages, turns, question box, copy text)."""
    turn = len(turns)
    messages = [*messages, {"role": "user", "content": esc(question)},
                {"role": "assistant", "content": partial_html("正在检索条款…")}]
    yield messages, messages, turns, "", ""
    answer = None
    try:
        events = state.assistant.stream(question, filters=make_filters(docs, levels),
                                        history=history_of(turns))
        for event in events:
            answer = event.answer
            messages[-1] = {"role": "assistant",
                            "content": answer_html(answer, turn) if answer else partial_html(event.text)}
            yield messages, messages, turns, "", ""
    except PolicyQAError as err:
        messages[-1] = {"role": "assistant", "content": notice(str(err), "error")}
    turns = [*turns, answer]
    yield messages, messages, turns, "", plain_text(answer) if answer else ""


def record_feedback(state: PageState, data: gr.LikeData, turns: list[Answer | None]) -> str:
    """Store a 👍/👎 on an assistant message with its question and answer; returns a status line."""
    index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
    answer = turns[index // 2] if 0 <= index // 2 < len(turns) else None
    if answer is None or data.liked is None:
        return ""
    state.feedback.add(Feedback(answer.question, answer.to_record(), bool(data.liked)))
    return notice("感谢反馈，已记录。" if data.liked else "已记录，我们会改进这个回答。", "ok")


def chat_tab(state: PageState) -> list[gr.Dropdown]:
    """Build the tab inside the current Blocks; returns its document picker (refreshed by the library)."""
    messages, turns = gr.State([]), gr.State([])
    chat = gr.Chatbot(label="对话", show_label=False, elem_id="pqa-chat", height=520, latex_delimiters=[], buttons=[],
                      placeholder="请提出关于基础教育政策或教育法律的问题，回答会逐句标注出处。")
    with gr.Row(equal_height=True):
        question = gr.Textbox(placeholder="例如：学校可以开除初中生吗？", show_label=False,
                              scale=5, min_width=200, elem_id="pqa-question", max_lines=4)
        send = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="pqa-send")
    gr.Examples(EXAMPLES, inputs=question, label="示例问题")
    with gr.Accordion("筛选文件 / 层级", open=False):
        with gr.Row():
            docs = gr.Dropdown(state.doc_choices(), multiselect=True, label="只在这些文件中查找", value=[],
                               elem_id="pqa-chat-docs")
            levels = gr.CheckboxGroup(LEVEL_CHOICES, label="层级", value=[])
    with gr.Row():
        copy = gr.Button("复制最新回答", size="sm", elem_id="pqa-copy")
        clear = gr.Button("新对话", size="sm")
    copy_text = gr.Textbox(visible=False, elem_id="pqa-copy-text")
    status = gr.HTML("", elem_id="pqa-chat-status")

    def run(q, m, t, d, lv):
        yield from respond(state, q, m, t, d, lv)

    def on_like(data: gr.LikeData, t):
        return record_feedback(state, data, t)

    outputs = [chat, messages, turns, question, copy_text]
    for trigger in (send.click, question.submit):
        trigger(run, [question, messages, turns, docs, levels], outputs, api_visibility="private")
    chat.like(on_like, [turns], status, api_visibility="private")
    copy.click(lambda text: notice("已复制到剪贴板。" if text else "还没有回答可复制。", "ok"),
               copy_text, status, js=COPY_JS, api_visibility="private")
    clear.click(lambda: ([], [], [], "", ""), None, [chat, messages, turns, copy_text, status],
                api_visibility="private")
    chat.clear(lambda: ([], [], ""), None, [messages, turns, copy_text], api_visibility="private")
    return [docs]

"""The compare tab: two documents (and a topic, or none) → aligned clauses side by side."""
from __future__ import annotations

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.ui.compare_view import comparison_html
from policyqa.ui.html import notice
from policyqa.ui.state import PageState

TOPICS = ["科学教育", "教学评价", "教研与教师培训", "数字化", "劳动教育"]
_DEFAULT_PAIR = ("beijing-curriculum-reform-plan.txt", "national-curriculum-reform-plan-2023.txt")


def compare(state: PageState, doc_a: str | None, doc_b: str | None, topic: str | None) -> str:
    """The comparison as HTML, or one line saying what to choose / what went wrong."""
    if not doc_a or not doc_b:
        return notice("请选择两份文件。", "error")
    try:
        return comparison_html(state.assistant.compare(doc_a, doc_b, topic or None))
    except PolicyQAError as err:
        return notice(str(err), "error")


def compare_tab(state: PageState) -> list[gr.Dropdown]:
    """Build the tab inside the current Blocks; returns its two document pickers."""
    names = {value for _, value in state.doc_choices()}
    first, second = (d if d in names else None for d in _DEFAULT_PAIR)
    gr.Markdown("选择两份文件（如北京实施方案与国家行动方案），可加一个主题；左右并排列出相互对应的条款，以及一方有而另一方没有的内容。")
    with gr.Row():
        doc_a = gr.Dropdown(state.doc_choices(), value=first, label="文件 A", elem_id="pqa-cmp-a", min_width=300)
        doc_b = gr.Dropdown(state.doc_choices(), value=second, label="文件 B", elem_id="pqa-cmp-b", min_width=300)
    with gr.Row(equal_height=True):
        topic = gr.Textbox(label="主题（可不填）", placeholder="例如：科学教育", scale=4, min_width=160,
                           elem_id="pqa-cmp-topic")
        go = gr.Button("对比", variant="primary", scale=1, min_width=80, elem_id="pqa-cmp-go")
    gr.Examples(TOPICS, inputs=topic, label="主题示例")
    result = gr.HTML("", elem_id="pqa-cmp-result")
    go.click(lambda a, b, t: compare(state, a, b, t), [doc_a, doc_b, topic], result, api_visibility="private")
    return [doc_a, doc_b]

"""The compliance tab (administrators): may a school do X? → verdict badge and the deciding clause."""
from __future__ import annotations

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.ui.compliance_view import compliance_html
from policyqa.ui.html import notice
from policyqa.ui.state import PageState

EXAMPLES = [
    "学校可以开除初中生吗？",
    "学校可以组织学生参加商业性活动吗？",
    "学校是否应当开齐开足劳动课？",
    "是否鼓励学校建设特色课程？",
    "学校可以收取择校费吗？",
]


def check(state: PageState, question: str) -> str:
    """The compliance view of the assistant's answer, or the error as one line."""
    try:
        return compliance_html(state.assistant.ask(question))
    except PolicyQAError as err:
        return notice(str(err), "error")


def compliance_tab(state: PageState) -> None:
    """Build the tab inside the current Blocks."""
    gr.Markdown("输入一项做法，查看文件是 **禁止 / 要求 / 鼓励 / 允许**，还是 **文件未规定**，以及依据条款、时限和责任主体。")
    with gr.Row(equal_height=True):
        question = gr.Textbox(placeholder="例如：学校可以开除初中生吗？", show_label=False, scale=5,
                              min_width=200, elem_id="pqa-compliance-question")
        go = gr.Button("判断", variant="primary", scale=1, min_width=80, elem_id="pqa-compliance-go")
    gr.Examples(EXAMPLES, inputs=question, label="示例")
    result = gr.HTML("", elem_id="pqa-compliance-result")
    for trigger in (go.click, question.submit):
        trigger(lambda q: check(state, q), question, result, api_visibility="private")

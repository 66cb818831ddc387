"""The Gradio page: five tabs over the assistant, plus the ``ask`` endpoint for scripted clients."""
from __future__ import annotations

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.ui.chat_tab import chat_tab
from policyqa.ui.compare_tab import compare_tab
from policyqa.ui.compliance_tab import compliance_tab
from policyqa.ui.eval_tab import eval_tab
from policyqa.ui.library_tab import current_library, library_tab
from policyqa.ui.state import PageState

TITLE = "PolicyQA 教育政策问答"


def build_page(state: PageState) -> gr.Blocks:
    """The page's Blocks (not yet queued or launched)."""
    # analytics off: no telemetry or version check leaves this machine
    with gr.Blocks(title=TITLE, analytics_enabled=False) as page:
        gr.Markdown(f"## {TITLE}\n基础教育政策文件与教育法律问答：每句回答都标注出处条款，可点开核对原文。")
        with gr.Tabs(overflow_behavior="wrap"):   # every tab reachable at phone width, no ••• menu
            with gr.Tab("问答", id="chat") as chat:
                pickers = chat_tab(state)
            with gr.Tab("合规判断", id="compliance") as compliance:
                compliance_tab(state)
            with gr.Tab("文件对比", id="compare") as comparison:
                pickers += compare_tab(state)
            with gr.Tab("文库", id="library") as library:
                shelf = library_tab(state, pickers)
            with gr.Tab("评测", id="eval") as evaluation:
                eval_tab(state)

        def refresh(*filters: str) -> list:
            return current_library(state, len(shelf.pickers), *filters)

        # the library as it is on disk now, whenever the page opens or a tab is chosen
        for event in (page.load, *(tab.select for tab in (chat, compliance, comparison, library, evaluation))):
            event(refresh, shelf.filters, [shelf.table, *shelf.pickers], api_visibility="private")

        def ask(question: str) -> dict:
            """Answer one question; returns ``Answer.to_record()`` (the ``policyqa ask --json`` object)."""
            try:
                return state.assistant.ask(question).to_record()
            except PolicyQAError as err:
                raise gr.Error(str(err)) from None

        gr.api(ask, api_name="ask")
    return page

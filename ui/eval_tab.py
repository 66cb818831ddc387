"""The evaluation tab: run the benchmark (quick or full) on the loaded assistant and show the suite's
HTML report (tables and plots) with its files for download.

The report is a complete HTML page with its own stylesheet, so it is shown in an ``<iframe
srcdoc>``: its styles cannot leak into the page, and its text was escaped by the report writer.
"""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.ui.html import notice
from policyqa.ui.state import PageState

def reports_root(state: PageState) -> Path:
    """Where the tab writes its reports (one sub-folder per run)."""
    return state.config.reports_dir


def run_benchmark(state: PageState, quick: bool, baselines: bool) -> tuple[str, list[str]]:
    """Run the evaluation suite on the loaded assistant; returns (report HTML, report files)."""
    from policyqa.evals.report_files import write_reports
    from policyqa.evals.report_html import html_report
    from policyqa.evals.suite import EvalOptions, run_eval
    from policyqa.evals.systems import AssistantSystem

    options = EvalOptions(quick=quick)
    systems = [AssistantSystem(state.assistant)]
    if baselines:
        from policyqa.evals.baselines import baseline_systems
        systems += baseline_systems(state.assistant.retriever, state.config.corpus_dir, k=options.k)
    report = run_eval(state.config, options, systems=systems, progress=True)
    out = reports_root(state) / datetime.now().strftime("%Y%m%d-%H%M%S")
    paths = write_reports(report, out)
    frame = (f'<iframe class="pqa-eval-frame" title="评测报告" srcdoc="{html.escape(html_report(report))}"></iframe>')
    summary = notice(f"已完成：{report.item_count} 个问题，报告已保存到 {out}", "ok")
    return summary + frame, [str(p) for p in paths.values()]


def eval_tab(state: PageState) -> None:
    """Build the tab inside the current Blocks."""
    gr.Markdown("在金标问题集上评测回答质量（关键事实、忠实度、引用、拒答）。快速模式每类各取若干题（约 30 题），"
                "完整模式运行全部问题，较慢。")
    with gr.Row():
        mode = gr.Radio([("快速", "quick"), ("完整", "full")], value="quick", label="模式")
        baselines = gr.Checkbox(label="同时评测基线（BM25、llama-index 默认设置）", value=False)
    go = gr.Button("运行评测", variant="primary", elem_id="pqa-eval-go")
    report = gr.HTML("", elem_id="pqa-eval-report")
    files = gr.File(label="报告文件（JSON / Markdown / HTML）", file_count="multiple", interactive=False)

    def run(m: str, b: bool, progress=gr.Progress(track_tqdm=True)):
        progress(0, desc="评测中…")
        try:
            return run_benchmark(state, m == "quick", b)
        except (PolicyQAError, ValueError) as err:
            return notice(str(err), "error"), []

    go.click(run, [mode, baselines], [report, files], concurrency_limit=1, concurrency_id="eval",
             api_visibility="private")

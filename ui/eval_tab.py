"""The evaluation tab: choose a gold question set (a bundled one or the user's own JSONL upload),
run the benchmark (quick or full) on the loaded assistant and show the suite's HTML report (tables
and plots) with its files for download.

The report is a complete HTML page with its own stylesheet, so it is shown in an ``<iframe
srcdoc>``: its styles cannot leak into the page, and its text was escaped by the report writer.
A gold file that cannot be used is refused with one line in the status box; the last report, its
files and the chosen settings stay as they were.
"""
from __future__ import annotations

import html
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.evals.gold import BUNDLED_GOLD_SETS, GoldFormatError, bundled_gold, load_aliases, load_gold
from policyqa.ui.html import notice

if TYPE_CHECKING:
    from policyqa.ui.state import PageState

__all__ = ["ChosenGold", "check_gold", "choose_gold", "eval_tab", "gold_choices", "run_benchmark"]


DEFAULT_GOLD = "gold"


@dataclass(frozen=True)
class ChosenGold:
    """A gold file that loaded and whose evidence documents are all in the library."""

    path: Path
    uploaded: bool
    items: int
    unanswerable: int

    def describe(self) -> str:
        """One line for the status box."""
        where = f"上传的文件 {self.path.name}" if self.uploaded else f"内置题集 {self.path.name}"
        tail = "；移除上传的文件即改用所选内置题集" if self.uploaded else ""
        return f"将评测{where}：{self.items} 题（其中不可回答 {self.unanswerable} 题）{tail}"


def gold_choices() -> list[tuple[str, str]]:
    """(label, name) pairs for the gold-set dropdown, the question count read from each file."""
    def count(path: Path) -> int:
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [(f"{g.name}（{count(g.path)} 题）· {g.purpose}", g.name) for g in BUNDLED_GOLD_SETS]


def check_gold(path: Path, library: Collection[str], aliases: Mapping[str, str], *,
               uploaded: bool = False) -> ChosenGold:
    """Load the gold file and check that each evidence document (after ``aliases``) is one of the
    ``library`` file names. Raises ValueError with one line naming the file by its own name (the
    first malformed line and field, or the missing documents and an item citing one)."""
    path = Path(path)
    try:
        items = load_gold(path)
    except GoldFormatError as err:
        raise ValueError(str(err).replace(str(err.path), path.name)) from None
    missing: dict[str, str] = {}                 # document → first item citing it
    for item in items:
        for doc in (aliases.get(e.doc, e.doc) for e in item.evidence):
            if doc not in library:
                missing.setdefault(doc, item.id)
    if missing:
        doc, item = next(iter(missing.items()))
        raise ValueError(f"金标文件 {path.name}：{len(missing)} 个证据文件不在当前文库中（如题 {item} 的 “{doc}”）。"
                         "请先在“文库”页上传这些文件，或换用其他题集")
    return ChosenGold(path, uploaded, len(items), sum(not i.answerable for i in items))


def choose_gold(choice: str, upload: str | None, library: Collection[str], aliases: Mapping[str, str]) -> ChosenGold:
    """The uploaded file when there is one, else the bundled set named ``choice``, checked by
    :func:`check_gold`; raises ValueError with one line."""
    if upload:
        return check_gold(Path(upload), library, aliases, uploaded=True)
    return check_gold(bundled_gold(choice), library, aliases)


def _choose(state: PageState, choice: str, upload: str | None) -> ChosenGold:
    library = {m.doc for m in state.catalog.documents}
    return choose_gold(choice, upload, library, load_aliases(state.config.corpus_dir))


def run_benchmark(state: PageState, gold: ChosenGold, quick: bool, baselines: bool,
                  user: str | None = None) -> tuple[str, str, list[str]]:
    """Run the evaluation suite on the loaded assistant as ``user``; returns (status line, report
    HTML, report files). An uploaded gold file is copied beside the report, which names the copy.
    Raises AccessDenied for a reader (evaluations are heavy and write files)."""
    state.users.require_admin(user)
    from policyqa.evals.report_files import new_report_folder, write_reports
    from policyqa.evals.report_html import html_report
    from policyqa.evals.suite import EvalOptions, run_eval
    from policyqa.evals.systems import AssistantSystem

    out = new_report_folder(state.config.reports_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = Path(shutil.copy(gold.path, out / gold.path.name)) if gold.uploaded else gold.path
    options = EvalOptions(gold=path, quick=quick)
    systems = [AssistantSystem(state.assistant)]
    if baselines:
        from policyqa.evals.baselines import baseline_systems
        systems += baseline_systems(state.assistant.retriever, state.config.corpus_dir, k=options.k)
    report = run_eval(state.config, options, systems=systems, progress=True)
    paths = [*write_reports(report, out).values(), *([path] if gold.uploaded else [])]
    frame = f'<iframe class="pqa-eval-frame" title="评测报告" srcdoc="{html.escape(html_report(report))}"></iframe>'
    status = notice(f"已完成：{path.name} 的 {report.item_count} 个问题，报告已保存到 {out}", "ok")
    return status, frame, [str(p) for p in paths]


def eval_tab(state: PageState) -> None:
    """Build the tab inside the current Blocks."""
    gr.Markdown("（管理员）在金标问题集上评测回答质量（关键信息、忠实度、引用、拒答）。可选内置题集，或上传自己的 JSONL 文件"
                "（格式见 docs/gold-format.md）。快速模式每类题各取若干题（约 30 题），完整模式运行全部问题，较慢。")
    with gr.Row():
        gold = gr.Dropdown(gold_choices(), value=DEFAULT_GOLD, label="内置金标题集", elem_id="pqa-eval-gold")
        upload = gr.File(label="或上传自己的金标文件（.jsonl，优先于内置题集）", file_types=[".jsonl"],
                         type="filepath", elem_id="pqa-eval-upload")
    with gr.Row():
        mode = gr.Radio([("快速", "quick"), ("完整", "full")], value="quick", label="模式", elem_id="pqa-eval-mode")
        baselines = gr.Checkbox(label="同时评测基线（BM25、llama-index 默认设置）", value=False,
                                elem_id="pqa-eval-baselines")
    status = gr.HTML(_status(state, DEFAULT_GOLD, None), elem_id="pqa-eval-status")
    go = gr.Button("运行评测", variant="primary", elem_id="pqa-eval-go")
    report = gr.HTML("", elem_id="pqa-eval-report")
    files = gr.File(label="报告文件（JSON / Markdown / HTML）", file_count="multiple", interactive=False,
                    elem_id="pqa-eval-files")

    def run(choice: str, uploaded: str | None, m: str, b: bool, request: gr.Request,
            progress=gr.Progress(track_tqdm=True)):
        try:
            chosen = _choose(state, choice, uploaded)
        except ValueError as err:
            return notice(str(err), "error"), gr.update(), gr.update()
        progress(0, desc="评测中…")
        try:
            return run_benchmark(state, chosen, m == "quick", b, request.username)
        except (PolicyQAError, ValueError) as err:
            return notice(str(err), "error"), gr.update(), gr.update()

    for picker in (gold, upload):
        picker.change(lambda c, u: _status(state, c, u), [gold, upload], status, api_visibility="private")
    go.click(run, [gold, upload, mode, baselines], [status, report, files], concurrency_limit=1,
             concurrency_id="eval", api_visibility="private")


def _status(state: PageState, choice: str, upload: str | None) -> str:
    """What the next run will score, or why it cannot (one line, escaped)."""
    try:
        return notice(_choose(state, choice, upload).describe(), "info")
    except ValueError as err:
        return notice(str(err), "error")

"""The library tab: the documents with metadata and clause counts, upload, removal, clause tree."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from policyqa.errors import PolicyQAError
from policyqa.ui.document_view import clause_tree
from policyqa.ui.html import notice
from policyqa.index.library_view import STATUSES, LibraryQuery
from policyqa.ui.html import LEVEL_NAMES
from policyqa.vocabulary import LEGAL_FORMS
from policyqa.ui.library_view import KIND_NAMES, ingest_report, library_table
from policyqa.ui.state import PageState

UPLOAD_TYPES = [".txt", ".md", ".docx", ".pdf", ".html", ".htm"]


def _pickers_update(state: PageState, count: int) -> list:
    choices = state.doc_choices()
    return [gr.update(choices=choices)] * count


def add_files(state: PageState, files: list[str] | None, pickers: int, user: str | None = None):
    """Ingest the uploaded files as ``user``; returns (report, table, *picker updates)."""
    if not files:
        return notice("请先选择要上传的文件（.txt .docx .pdf .html .md）。", "error"), gr.update(), \
            *[gr.update()] * pickers
    try:
        result = state.add_files([Path(f) for f in files], user)
        report = ingest_report(result, [Path(f) for f in files])
    except PolicyQAError as err:
        report = notice(str(err), "error")
    return report, library_table(state.documents()), *_pickers_update(state, pickers)


def remove(state: PageState, name: str | None, confirmed: bool, pickers: int, user: str | None = None):
    """Remove one document as ``user`` after confirmation; returns (report, table, *picker updates)."""
    if not name or not confirmed:
        return notice("请选择文件并勾选“确认删除”。", "error"), gr.update(), *[gr.update()] * pickers
    try:
        result = state.remove(name, user)
        report = notice(f"已删除 {name}。{result.index_note}", "ok")
    except PolicyQAError as err:
        report = notice(str(err), "error")
    return report, library_table(state.documents()), *_pickers_update(state, pickers)


def current_library(state: PageState, pickers: int, *filters: str) -> list:
    """The table (under the current filters) and every document picker, from the index on disk
    now: run when a page opens and whenever a tab is chosen, so nothing shows a stale library."""
    return [filtered(state, *filters), *_pickers_update(state, pickers)]


def show_tree(state: PageState, name: str | None) -> str:
    """The clause tree of one document (or a hint to choose one)."""
    if not name:
        return notice("请选择一份文件。")
    try:
        return clause_tree(state.catalog, name)
    except KeyError:
        return notice(f"文库中没有 {name}，请刷新页面。", "error")


def filtered(state: PageState, level: str, region: str, kind: str, year: str, status: str, title: str,
             form: str = "") -> str:
    """The documents table limited to those matching the filters (a bad year is said, not raised)."""
    records = state.documents()
    try:
        query = LibraryQuery.parse(level=level or "", region=region or "", kind=kind or "", year=year or "",
                                   status=status or "", title=title or "", form=form or "")
    except ValueError as err:
        return notice(str(err), "error") + library_table(records)
    return library_table(records, query.select(records))


@dataclass(frozen=True)
class LibraryTab:
    """The components other parts of the page refresh: the table, its filters and every picker."""

    table: gr.HTML
    filters: list
    pickers: list[gr.Dropdown]


def library_tab(state: PageState, other_pickers: list[gr.Dropdown]) -> LibraryTab:
    """Build the tab; uploads and removals also refresh ``other_pickers`` (other tabs' document lists).
    Upload and removal are API endpoints too (``/upload``, ``/remove``), for administrators only."""
    with gr.Row(elem_id="pqa-library-filters"):
        level = gr.Dropdown([("全部", ""), *[(n, lv.value) for lv, n in LEVEL_NAMES.items()]], value="",
                            label="层级", elem_id="pqa-filter-level")
        region = gr.Textbox(label="地区", placeholder="如 河南、苏州市", elem_id="pqa-filter-region")
        kind = gr.Dropdown([("全部", ""), *[(n, k) for k, n in KIND_NAMES.items()]], value="", label="类型",
                           elem_id="pqa-filter-kind")
        year = gr.Textbox(label="年份", placeholder="如 2016", elem_id="pqa-filter-year")
        status = gr.Dropdown([("全部", ""), *[(n, k) for k, n in STATUSES.items()]], value="", label="状态",
                             elem_id="pqa-filter-status")
        title = gr.Textbox(label="标题搜索", placeholder="如 美育", elem_id="pqa-filter-title")
        form = gr.Dropdown([("全部", ""), *[(f, f) for f in LEGAL_FORMS]], value="", label="法律形式",
                           elem_id="pqa-filter-form")
    table = gr.HTML(library_table(state.documents()), elem_id="pqa-library-table")
    filters = [level, region, kind, year, status, title, form]
    for box in filters:
        box.change(lambda *values: filtered(state, *values), filters, table, api_visibility="private")
    with gr.Accordion("上传文件到文库（管理员）", open=True):
        files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="支持 .txt .docx .pdf .html .md",
                        elem_id="pqa-upload", height=160)
        upload = gr.Button("添加到文库", variant="primary", elem_id="pqa-upload-go")
    report = gr.HTML("", elem_id="pqa-library-report")
    with gr.Accordion("浏览条款", open=False):
        tree_doc = gr.Dropdown(state.doc_choices(), label="文件", elem_id="pqa-tree-doc")
        tree = gr.HTML("", elem_id="pqa-tree")
    with gr.Accordion("删除文件（管理员）", open=False):
        with gr.Row():
            # custom values pass the widget: a document ingested after this page was built is
            # still removable through the API; remove() rejects names the library does not hold
            gone = gr.Dropdown(state.doc_choices(), label="要删除的文件", scale=3, elem_id="pqa-remove-doc",
                               allow_custom_value=True)
            confirm = gr.Checkbox(label="确认删除", value=False, scale=1, elem_id="pqa-remove-confirm")
        delete = gr.Button("删除并重建索引", variant="stop", elem_id="pqa-remove-go")
    pickers = [*other_pickers, tree_doc, gone]
    n = len(pickers)

    def upload_files(paths: list[str] | None, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        progress(0, desc="解析并建立索引…")
        return add_files(state, paths, n, request.username)

    def remove_document(name: str | None, confirmed: bool, request: gr.Request,
                        progress=gr.Progress(track_tqdm=True)):
        progress(0, desc="删除并重建索引…")
        return remove(state, name, confirmed, n, request.username)

    upload.click(upload_files, files, [report, table, *pickers], concurrency_limit=1, concurrency_id="library",
                 api_name="upload")
    delete.click(remove_document, [gone, confirm], [report, table, *pickers], concurrency_limit=1,
                 concurrency_id="library", api_name="remove")
    tree_doc.change(lambda name: show_tree(state, name), tree_doc, tree, api_visibility="private")
    return LibraryTab(table, filters, pickers)

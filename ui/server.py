"""``policyqa serve``: build the model and index if missing, load the assistant once, serve the page.

The Gradio page is mounted on a FastAPI app that also serves ``/pqa/doc`` (a whole document,
scrolled to one clause), so a citation card can open its source in a new tab. Served beyond this
machine it needs accounts (policyqa/access.py): the page and its API then ask for a login, and only
administrators change the library or run evaluations.
"""
from __future__ import annotations

import sys

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.routing import Mount

from policyqa.access import LoginThrottle, Users, check_serving, login_check, users_path
from policyqa.config import Config
from policyqa.errors import IndexMissing
from policyqa.index.catalog import Catalog
from policyqa.index.service import IngestResult, ingest_and_index
from policyqa.ui.answer_view import DOC_ROUTE
from policyqa.ui.assets import CSS, HEAD
from policyqa.ui.document_view import document_page
from policyqa.ui.html import esc
from policyqa.ui.page import build_page
from policyqa.ui.state import PageState

CONCURRENCY = 2      # two CPU cores: more parallel answers only queue inside torch
QUEUE_SIZE = 256


def ensure_index(config: Config) -> IngestResult | None:
    """Build the model and the index from the bundled corpus when there is no index; returns the
    ingest result, or None when an index already existed."""
    try:
        Catalog.load(config.index_dir)
        return None
    except IndexMissing:
        print(f"未找到索引 {config.index_dir}：正在从 {config.corpus_dir} 构建（首次约需一分钟）…", file=sys.stderr)
        return ingest_and_index(config, [config.corpus_dir], progress=True)


def build_app(state: PageState, *, host: str = "127.0.0.1", port: int = 7860) -> FastAPI:
    """The FastAPI app: the document route plus the queued Gradio page at ``/``. With accounts
    (``state.users``) the page asks for a login, and the document route for the page's session."""
    app = FastAPI()
    users = state.users

    @app.get(DOC_ROUTE, response_class=HTMLResponse)
    def whole_document(request: Request, name: str, at: int | None = None) -> HTMLResponse:
        if users.required and _signed_in(gradio_app, request) is None:
            return HTMLResponse("<p>请先登录 PolicyQA 页面。</p>", status_code=401)
        try:
            return HTMLResponse(document_page(state.catalog, name, at))
        except KeyError:
            return HTMLResponse(f"<p>文库中没有文件 {esc(name)}。</p>", status_code=404)

    page = build_page(state).queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    auth = login_check(users, LoginThrottle()) if users.required else None
    gr.mount_gradio_app(app, page, path="/", server_name=host, server_port=port, css=CSS, head=HEAD,
                        footer_links=["api"], allowed_paths=[str(state.config.reports_dir)],
                        max_file_size=state.config.max_file_bytes, auth=auth,
                        auth_message="PolicyQA：请用管理员发给你的账号登录。")
    # the mounted Gradio app holds the login sessions the document route checks
    gradio_app = next(route.app for route in app.routes if isinstance(route, Mount))
    return app


def _signed_in(gradio_app, request: Request) -> str | None:
    """The user of the Gradio session cookie this request carries (None: not signed in)."""
    token = (request.cookies.get(f"access-token-{gradio_app.cookie_id}")
             or request.cookies.get(f"access-token-unsecure-{gradio_app.cookie_id}"))
    return gradio_app.tokens.get(token)


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Check the accounts for ``host``, prepare the index, load the assistant and serve until
    interrupted; raises AccessDenied before loading anything when ``host`` needs accounts."""
    from policyqa.assistant.service import Assistant

    accounts = users_path(config)
    users = Users.load(accounts)
    check_serving(host, users, accounts)
    ensure_index(config)
    state = PageState.create(config, Assistant.load(config), users)
    login = f"，需登录（{len(users.accounts)} 个账号）" if users.required else ""
    print(f"PolicyQA 已启动：http://{host}:{port}/{login}", file=sys.stderr, flush=True)
    uvicorn.run(build_app(state, host=host, port=port), host=host, port=port, log_level="warning")

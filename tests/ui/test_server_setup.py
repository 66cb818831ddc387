"""``policyqa serve``'s set-up: the index is built when missing, and the whole-document route."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policyqa.config import Config
from policyqa.index.catalog import Catalog

PLAN = """某区义务教育课后服务工作方案
一、总体要求
（一）指导思想
坚持学生自愿参加，不得强制或变相强制学生参加课后服务。
二、主要措施
1.丰富服务内容。学校应当开展阅读、体育、艺术、科普等活动<script>alert(1)</script>。
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory, corpus_dir, e5_model_dir) -> Config:
    """A config over a one-document corpus and no index yet."""
    root = tmp_path_factory.mktemp("small-serve")
    (root / "corpus").mkdir()
    (root / "corpus" / "after-school-plan.txt").write_text(PLAN, encoding="utf-8")
    return Config.load(index_dir=root / "index", corpus_dir=root / "corpus", home=root / "home",
                       model_cache=e5_model_dir.parent, embedder="e5")


@pytest.fixture(scope="module")
def app(small):
    from policyqa.assistant.service import Assistant
    from policyqa.ui.server import build_app, ensure_index
    from policyqa.ui.state import PageState

    built = ensure_index(small)
    assert built is not None and [d.meta.doc for d in built.report.documents] == ["after-school-plan.txt"]
    assert ensure_index(small) is None          # the second start finds the index
    return build_app(PageState.create(small, Assistant.load(small)))


@pytest.mark.model
def test_the_document_route_shows_the_clause_asked_for(app, small):
    item = next(c for c in Catalog.load(small.index_dir).clauses if c.label.endswith("1."))
    with TestClient(app) as client:
        reply = client.get("/pqa/doc", params={"name": "after-school-plan.txt", "at": item.ordinal})
    assert reply.status_code == 200
    assert f'class="clause focus" id="clause-{item.ordinal}"' in reply.text
    assert "<script>alert(1)" not in reply.text and "&#60;script&#62;alert(1)" in reply.text


@pytest.mark.model
def test_an_unknown_document_is_a_404_that_names_it_as_text(app):
    with TestClient(app) as client:
        reply = client.get("/pqa/doc", params={"name": "<b>missing</b>.txt"})
    assert reply.status_code == 404
    assert "<b>" not in reply.text and "missing" in reply.text


@pytest.mark.model
def test_the_page_and_its_ask_endpoint_are_mounted(app):
    with TestClient(app) as client:
        assert client.get("/").status_code == 200
        info = client.get("/gradio_api/info").json()
    assert "/ask" in info["named_endpoints"]
    assert list(info["unnamed_endpoints"]) == []

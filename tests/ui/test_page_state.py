"""The page's shared state: the library as it is on disk, and the roles of a served page."""
from __future__ import annotations

import shutil

import pytest

from policyqa.access import AccessDenied, Role, Users
from policyqa.evals.gold import load_aliases
from policyqa.ui.eval_tab import choose_gold, run_benchmark
from policyqa.ui.state import PageState, index_identity

PLAN = "西城区中小学阅读推广工作方案\n一、主要措施\n1.设立校园读书节。各校每年四月举办校园读书节。\n"


@pytest.mark.model
def test_the_state_follows_an_index_another_process_rebuilt(e5_corpus_index, e5_embedder, tmp_path):
    from policyqa.assistant.service import Assistant
    from policyqa.index.service import ingest_and_index

    config = e5_corpus_index.with_overrides(index_dir=tmp_path / "index", home=tmp_path / "home")
    shutil.copytree(e5_corpus_index.index_dir, config.index_dir)
    state = PageState.create(config, Assistant.load(config, embedder=e5_embedder))
    before = index_identity(config.index_dir)
    assert "xicheng-reading.txt" not in {doc for _, doc in state.doc_choices()}

    plan = tmp_path / "xicheng-reading.txt"
    plan.write_text(PLAN, encoding="utf-8")
    ingest_and_index(config, [plan], embedder=e5_embedder)       # as `policyqa ingest` would
    assert index_identity(config.index_dir) != before
    assert "xicheng-reading.txt" in {doc for _, doc in state.doc_choices()}
    answer = state.assistant.ask("西城区阅读推广方案规定读书节在几月举办？")
    assert answer.citations and answer.citations[0].clause.doc == "xicheng-reading.txt"


@pytest.mark.model
def test_a_reader_cannot_change_the_library_or_run_evaluations(e5_corpus_index, assistant, tmp_path):
    users = Users().with_user("校长", Role.ADMIN, "correct horse").with_user("王老师", Role.READER, "battery staple")
    state = PageState.create(e5_corpus_index, assistant, users)
    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    before = index_identity(e5_corpus_index.index_dir)
    with pytest.raises(AccessDenied, match="王老师"):
        state.add_files([plan], "王老师")
    with pytest.raises(AccessDenied, match="未登录"):
        state.remove("teachers-law.txt", None)
    gold = choose_gold("gold", None, {m.doc for m in state.catalog.documents}, load_aliases(e5_corpus_index.corpus_dir))
    with pytest.raises(AccessDenied):
        run_benchmark(state, gold, True, False, "王老师")
    assert index_identity(e5_corpus_index.index_dir) == before
    assert not e5_corpus_index.reports_dir.exists() or not any(e5_corpus_index.reports_dir.iterdir())

"""What is embedded per clause (index/passages.py) and when a build may reuse stored vectors."""
from __future__ import annotations

from dataclasses import replace

import pytest

from policyqa.index.builder import IndexBuilder
from policyqa.index.embedder import HashEmbedder
from policyqa.index.manifest import Manifest
from policyqa.index.passages import clause_id_of, passage_text, passage_windows, window_id
from policyqa.index.tokenize import ChineseTokenizer

COMPULSORY = "compulsory-education-law.txt"


@pytest.fixture(scope="module")
def clauses(corpus_docs):
    return {c.id: c for c in corpus_docs[COMPULSORY].clauses}


def test_every_multi_sentence_clause_gets_one_window_per_sentence(clauses):
    article = clauses[f"{COMPULSORY}#第二十二条"]  # 学校不得分设重点班和非重点班 is one sentence of it
    windows = passage_windows(article)
    assert len(windows) > 1
    assert any(w.endswith("学校不得分设重点班和非重点班。") for w in windows)
    header = f"《{article.title}》\n" + " > ".join(article.path)
    assert all(w.startswith(header + "\n") for w in windows)
    assert "".join(w[len(header) + 1:] for w in windows) == article.text.replace("\n", "")


def test_a_single_sentence_clause_has_no_windows(clauses):
    article = clauses[f"{COMPULSORY}#第二十七条"]
    assert article.text.count("。") == 1
    assert passage_windows(article) == []


def test_window_chars_groups_sentences(clauses):
    article = clauses[f"{COMPULSORY}#第二十二条"]
    grouped = passage_windows(article, window_chars=10_000)
    assert grouped == []  # everything fits one window, which is the clause itself
    assert passage_text(article).startswith(f"《{article.title}》")


def test_window_rows_name_their_clause():
    assert clause_id_of(window_id("a.txt#第一条", 3)) == "a.txt#第一条"
    assert clause_id_of("a.txt#第一条") == "a.txt#第一条"


def test_vectors_are_reused_only_under_the_same_passage_scheme(tmp_path, clauses):
    sample = list(clauses.values())[:12]
    builder = IndexBuilder(HashEmbedder(), ChineseTokenizer().load())
    first = tmp_path / "first"
    first.mkdir()
    stats = builder.build(sample, first)
    assert stats.reused == 0 and stats.embedded > len(sample)  # clauses and their windows

    same = tmp_path / "same"
    same.mkdir()
    assert builder.build(sample, same, previous=first).embedded == 0

    replace(Manifest.load(first), passages="windows of an older scheme").save(first)
    other = tmp_path / "other"
    other.mkdir()
    assert builder.build(sample, other, previous=first).reused == 0

"""Fixtures of the reliability tests: the corpus indexed with the real e5 model (built once per
session, in the same folder the UI and assistant tests use) and with the model-free HashEmbedder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policyqa.config import Config

SHARED_INDEX = "corpus-e5-index"   # same folder name as tests/ui/conftest.py: built once per session


@pytest.fixture(scope="session")
def e5_corpus_index(tmp_path_factory, corpus_dir: Path, e5_model_dir: Path) -> Config:
    """Config of the e5 index of the bundled corpus (read-only: copy it before changing it)."""
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.getbasetemp() / SHARED_INDEX, model_cache=e5_model_dir.parent)
    if not (config.index_dir / "manifest.json").exists():
        result = ingest_and_index(config, [corpus_dir], embedder=SentenceTransformerEmbedder(e5_model_dir))
        assert result.report.failures == ()
    return config


@pytest.fixture(scope="session")
def e5_embedder(e5_model_dir: Path):
    """The real e5 embedder, loaded once."""
    from policyqa.index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(e5_model_dir).load()


@pytest.fixture(scope="session")
def assistant(e5_corpus_index: Config, e5_embedder):
    """The real Assistant over the e5 corpus index (grounded answers, no LLM)."""
    from policyqa.assistant.service import Assistant

    return Assistant.load(e5_corpus_index, embedder=e5_embedder)


@pytest.fixture(scope="session")
def hash_corpus_index(tmp_path_factory, corpus_dir: Path) -> Config:
    """Config of the corpus indexed with the HashEmbedder (read-only: use ``index_copy``)."""
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("hash-corpus") / "index")
    assert ingest_and_index(config, [corpus_dir], embedder=HashEmbedder()).report.failures == ()
    return config


@pytest.fixture()
def hash_index(tmp_path: Path, hash_corpus_index: Config) -> Config:
    """A private copy of the HashEmbedder corpus index, free to damage."""
    target = tmp_path / "index"
    shutil.copytree(hash_corpus_index.index_dir, target)
    return hash_corpus_index.with_overrides(index_dir=target)

"""Fixtures of the assistant tests: the bundled corpus indexed with the real e5 model (shared with
the UI and reliability tests through one folder name) and with the model-free HashEmbedder."""
from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.config import Config

SHARED_INDEX = "corpus-e5-index"


@pytest.fixture(scope="session")
def e5_index(tmp_path_factory, corpus_dir: Path, e5_model_dir: Path) -> Config:
    """Config of the e5 index of the bundled corpus (read-only)."""
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.getbasetemp() / SHARED_INDEX, model_cache=e5_model_dir.parent)
    if not (config.index_dir / "manifest.json").exists():
        assert ingest_and_index(config, [corpus_dir], embedder=SentenceTransformerEmbedder(e5_model_dir)).report.failures == ()
    return config


@pytest.fixture(scope="session")
def real_assistant(e5_index: Config, e5_model_dir: Path):
    """The grounded Assistant over the e5 corpus index, loaded once."""
    from policyqa.assistant.service import Assistant
    from policyqa.index.embedder import SentenceTransformerEmbedder

    return Assistant.load(e5_index, embedder=SentenceTransformerEmbedder(e5_model_dir), generator=None)


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory, corpus_dir: Path) -> Config:
    """Config of the corpus indexed with the HashEmbedder (fast, no model)."""
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("assistant-hash") / "index")
    assert ingest_and_index(config, [corpus_dir], embedder=HashEmbedder()).report.failures == ()
    return config

"""Fixtures of the evaluation tests: real clause texts, and the corpus indexed with the
HashEmbedder (model-free) or the real e5 model (shared with the other packages' tests)."""
from __future__ import annotations

from pathlib import Path

import pytest

from policyqa.config import Config

SHARED_INDEX = "corpus-e5-index"   # same folder as tests/ui and tests/reliability: built once per session


@pytest.fixture(scope="session")
def clause_text(corpus_dir: Path):
    """Look up the text of one article of a bundled law by its label (第二十七条)."""
    texts = {}

    def lookup(doc: str, label: str) -> str:
        if doc not in texts:
            texts[doc] = (corpus_dir / doc).read_text(encoding="utf-8").splitlines()
        return next(line for line in texts[doc] if line.startswith(label + " "))
    return lookup


@pytest.fixture(scope="session")
def hash_index_config(tmp_path_factory, corpus_dir: Path) -> Config:
    """The bundled corpus indexed with the model-free HashEmbedder (read-only)."""
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("evals-hash") / "index")
    assert ingest_and_index(config, [corpus_dir], embedder=HashEmbedder()).report.failures == ()
    return config


@pytest.fixture(scope="session")
def e5_index_config(tmp_path_factory, corpus_dir: Path, e5_model_dir: Path) -> Config:
    """The bundled corpus indexed with the real e5 model (read-only)."""
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.getbasetemp() / SHARED_INDEX, model_cache=e5_model_dir.parent)
    if not (config.index_dir / "manifest.json").exists():
        result = ingest_and_index(config, [corpus_dir], embedder=SentenceTransformerEmbedder(e5_model_dir))
        assert result.report.failures == ()
    return config


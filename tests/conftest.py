"""Session-wide fixtures shared by the test packages."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def e5_model_dir() -> Path:
    """The offline multilingual-e5-small folder, built once into the default cache and reused."""
    from policyqa.index.model_build import default_model_cache, ensure_e5_model

    return ensure_e5_model(default_model_cache())


CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"


WILD_DIR = CORPUS_DIR.parent.parent / "shared" / "corpus-wild"


@pytest.fixture(scope="session")
def wild_dir() -> Path:
    """``../shared/corpus-wild``: 116 real laws and policy exports, as a user's library."""
    if not WILD_DIR.is_dir():
        pytest.skip(f"{WILD_DIR} is missing (the shared data folder sits beside the repository)")
    return WILD_DIR


@pytest.fixture(scope="session")
def wild_library(tmp_path_factory, corpus_dir, wild_dir):
    """The bundled corpus plus all of corpus-wild added to one library and parsed (no vectors)."""
    from policyqa.ingest.pipeline import Library

    library = Library(tmp_path_factory.mktemp("wild-library"))
    failures = library.add([corpus_dir, wild_dir])
    return failures, library.parse_all()


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The bundled corpus folder shipped with the repository."""
    return CORPUS_DIR


@pytest.fixture(scope="session")
def corpus_report(tmp_path_factory, corpus_dir):
    """The bundled corpus added to a fresh library and parsed once (an IngestReport)."""
    from policyqa.ingest.pipeline import Library

    library = Library(tmp_path_factory.mktemp("corpus-library"))
    failures = library.add([corpus_dir])
    assert failures == []
    return library.parse_all()


@pytest.fixture(scope="session")
def corpus_docs(corpus_report) -> dict:
    """The parsed corpus documents by file name."""
    return {d.meta.doc: d for d in corpus_report.documents}


@pytest.fixture(scope="session")
def e5_corpus_index(tmp_path_factory, corpus_dir: Path, e5_model_dir: Path):
    """Config of the bundled corpus indexed with the real e5 model, built once per session
    (read-only: copy it before changing it)."""
    from policyqa.config import Config
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("corpus-e5") / "index", model_cache=e5_model_dir.parent)
    result = ingest_and_index(config, [corpus_dir], embedder=SentenceTransformerEmbedder(e5_model_dir))
    assert result.report.failures == ()
    return config


@pytest.fixture(scope="session")
def e5_embedder(e5_model_dir: Path):
    """The real e5 embedder, loaded once."""
    from policyqa.index.embedder import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(e5_model_dir).load()


@pytest.fixture(scope="session")
def assistant(e5_corpus_index, e5_embedder):
    """The grounded Assistant over the e5 corpus index (no LLM), loaded once."""
    from policyqa.assistant.service import Assistant

    return Assistant.load(e5_corpus_index, embedder=e5_embedder)


@pytest.fixture(scope="session")
def hash_corpus_index(tmp_path_factory, corpus_dir: Path):
    """Config of the bundled corpus indexed with the model-free HashEmbedder (read-only)."""
    from policyqa.config import Config
    from policyqa.index.embedder import HashEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.mktemp("corpus-hash") / "index")
    assert ingest_and_index(config, [corpus_dir], embedder=HashEmbedder()).report.failures == ()
    return config

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

"""Fixtures of the evaluation tests: real clause texts (the corpus indexes are in tests/conftest.py)."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def clause_text(corpus_dir: Path):
    """Look up the text of one article of a bundled law by its label (第二十七条)."""
    texts = {}

    def lookup(doc: str, label: str) -> str:
        if doc not in texts:
            texts[doc] = (corpus_dir / doc).read_text(encoding="utf-8").splitlines()
        return next(line for line in texts[doc] if line.startswith(label + " "))
    return lookup

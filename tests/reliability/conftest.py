"""Fixtures of the reliability tests: a private, damageable copy of the HashEmbedder corpus index
(the shared corpus indexes and the assistant are in tests/conftest.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policyqa.config import Config


@pytest.fixture()
def hash_index(tmp_path: Path, hash_corpus_index: Config) -> Config:
    """A private copy of the HashEmbedder corpus index, free to damage."""
    target = tmp_path / "index"
    shutil.copytree(hash_corpus_index.index_dir, target)
    return hash_corpus_index.with_overrides(index_dir=target)

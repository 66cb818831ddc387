"""Fixtures of the UI tests: ``policyqa serve`` running as a subprocess on a free 127.0.0.1 port, on a
copy of the session's e5 corpus index (tests/conftest.py)."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from policyqa.launch import start_serve, stop_serve


@dataclass(frozen=True)
class Server:
    """A running ``policyqa serve``: its URL and the folders it writes to."""

    url: str
    index_dir: Path
    home: Path
    log: Path
    env: dict[str, str]


@pytest.fixture(scope="session")
def server(tmp_path_factory, e5_corpus_index, e5_model_dir):
    """``policyqa serve`` on a copy of the corpus index (uploads change the copy only)."""
    root = tmp_path_factory.mktemp("serve")
    index_dir, home, log = root / "index", root / "home", root / "serve.log"
    shutil.copytree(e5_corpus_index.index_dir, index_dir)
    env = {**os.environ, "POLICYQA_INDEX": str(index_dir), "POLICYQA_HOME": str(home),
           "POLICYQA_CACHE": str(e5_model_dir.parent), "POLICYQA_EMBEDDER": "e5", "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    process, url = start_serve(env, log)
    try:
        yield Server(url, index_dir, home, log, env)
    finally:
        stop_serve(process)

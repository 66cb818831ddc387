"""Fixtures of the UI tests: the bundled corpus indexed with the real e5 model (once per session) and
``policyqa serve`` running on it as a subprocess on a free 127.0.0.1 port."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from policyqa.config import Config

SHARED_INDEX = "corpus-e5-index"   # the same folder name in tests/assistant/test_compare.py: built once
READY_ATTEMPTS = 1200              # polls of 0.5 s: the server loads the model and index first


def build_corpus_index(tmp_path_factory, corpus_dir: Path, model_dir: Path) -> Config:
    """The bundled corpus indexed with e5 under the session's base temp folder (reused when built)."""
    from policyqa.index.embedder import SentenceTransformerEmbedder
    from policyqa.index.service import ingest_and_index

    config = Config.load(index_dir=tmp_path_factory.getbasetemp() / SHARED_INDEX, model_cache=model_dir.parent)
    if not (config.index_dir / "manifest.json").exists():
        result = ingest_and_index(config, [corpus_dir], embedder=SentenceTransformerEmbedder(model_dir))
        assert result.report.failures == ()
    return config


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory, corpus_dir, e5_model_dir) -> Config:
    """Config of the e5 index of the bundled corpus (read-only: copy it before changing it)."""
    return build_corpus_index(tmp_path_factory, corpus_dir, e5_model_dir)


@dataclass(frozen=True)
class Server:
    """A running ``policyqa serve``: its URL and the folders it writes to."""

    url: str
    index_dir: Path
    home: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(process: subprocess.Popen, url: str, log: Path) -> None:
    for _ in range(READY_ATTEMPTS):
        if process.poll() is not None:
            raise RuntimeError(f"policyqa serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"policyqa serve did not answer at {url}:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory, corpus_index, e5_model_dir):
    """``policyqa serve`` on a copy of the corpus index (uploads change the copy only)."""
    root = tmp_path_factory.mktemp("serve")
    index_dir, home, log = root / "index", root / "home", root / "serve.log"
    shutil.copytree(corpus_index.index_dir, index_dir)
    port = _free_port()
    env = {**os.environ, "POLICYQA_INDEX": str(index_dir), "POLICYQA_HOME": str(home),
           "POLICYQA_CACHE": str(e5_model_dir.parent), "POLICYQA_EMBEDDER": "e5", "HF_HUB_OFFLINE": "1",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "policyqa.cli", "serve", "--port", str(port)],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(process, url, log)
        yield Server(url, index_dir, home, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

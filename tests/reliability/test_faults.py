"""Faults: a damaged index is refused with one line and a rebuild path; another model's index is
refused; an ingest killed while it embeds leaves the previous index loadable and correct."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policyqa.cli import main
from policyqa.config import Config
from policyqa.errors import IndexMismatch, IndexMissing, PolicyQAError
from policyqa.atomic import atomic_dir, remove_stale
from policyqa.index.embedder import HashEmbedder
from policyqa.index.manifest import Manifest
from policyqa.index.service import ingest_and_index, load_retriever

INDEX_FILES = ("clauses.jsonl", "documents.jsonl", "ids.json", "vectors.faiss", "vectors.npy",
               "bm25.json", "bm25.npz", "manifest.json")
DAMAGES = ("truncate", "empty", "flip", "drop-last-line", "delete")
POLL_SECONDS = 0.25
MAX_POLLS = 4800   # an upper bound on waiting for the subprocess to start embedding, not a timing check


def damage(path: Path, how: str) -> None:
    """Damage ``path`` the way a crash, a full disk or a stray edit would."""
    data = path.read_bytes()
    if how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "flip":
        changed = bytearray(data)
        changed[len(changed) // 2] ^= 0x01
        path.write_bytes(bytes(changed))
    elif how == "drop-last-line":
        path.write_bytes(b"".join(data.splitlines(keepends=True)[:-1]))
    elif how == "delete":
        path.unlink()


def fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("name", INDEX_FILES)
def test_a_damaged_index_file_is_refused_with_the_rebuild_command(hash_index, name, how):
    damage(hash_index.index_dir / name, how)
    expected = IndexMissing if (name, how) == ("manifest.json", "delete") else IndexMismatch
    with pytest.raises(expected) as info:
        load_retriever(hash_index, embedder=HashEmbedder())
    message = str(info.value)
    assert "\n" not in message
    assert "policyqa ingest" in message
    if expected is IndexMismatch:
        assert "--rebuild" in message and name in message


def test_the_cli_turns_a_damaged_index_into_one_line(hash_index, capsys):
    damage(hash_index.index_dir / "clauses.jsonl", "drop-last-line")
    code = main(["search", "学校能开除学生吗", "--index", str(hash_index.index_dir)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("错误：索引文件") and "clauses.jsonl" in err
    assert "policyqa ingest --rebuild" in err


@pytest.mark.parametrize("name", ["clauses.jsonl", "manifest.json"])
def test_ingest_repairs_a_damaged_index_and_keeps_added_documents(hash_index, tmp_path, name):
    extra = tmp_path / "added-notice.txt"
    extra.write_text("关于加强课后服务的通知\n一、课后服务不得收取费用。\n二、学校应当公示服务内容。\n", "utf-8")
    embedder = HashEmbedder()
    before = ingest_and_index(hash_index, [extra], embedder=embedder)
    damage(hash_index.index_dir / name, "truncate")
    with pytest.raises(IndexMismatch):
        load_retriever(hash_index, embedder=embedder)
    repaired = ingest_and_index(hash_index, [], embedder=embedder)   # plain `policyqa ingest`
    retriever = load_retriever(hash_index, embedder=embedder)
    assert len(retriever.catalog.clauses) == before.build.clauses == repaired.build.clauses
    assert "added-notice.txt" in {d.doc for d in retriever.catalog.documents}


def test_ingest_rebuild_re_embeds_everything_and_keeps_added_documents(hash_index, tmp_path):
    extra = tmp_path / "added-notice.txt"
    extra.write_text("关于加强课后服务的通知\n一、课后服务不得收取费用。\n二、学校应当公示服务内容。\n", "utf-8")
    added = ingest_and_index(hash_index, [extra], embedder=HashEmbedder())
    damage(hash_index.index_dir / "vectors.npy", "flip")
    rebuilt = ingest_and_index(hash_index, [], rebuild=True, embedder=HashEmbedder())   # `policyqa ingest --rebuild`
    assert rebuilt.build.reused == 0 and rebuilt.build.embedded == added.build.embedded + added.build.reused
    retriever = load_retriever(hash_index, embedder=HashEmbedder())
    assert "added-notice.txt" in {d.doc for d in retriever.catalog.documents}
    assert len(retriever.catalog.clauses) == added.build.clauses


def test_ingest_reset_keeps_only_the_given_files(hash_index, corpus_dir, tmp_path):
    extra = tmp_path / "added-notice.txt"
    extra.write_text("关于加强课后服务的通知\n一、课后服务不得收取费用。\n", "utf-8")
    ingest_and_index(hash_index, [extra], embedder=HashEmbedder())
    ingest_and_index(hash_index, [corpus_dir], reset=True, embedder=HashEmbedder())
    docs = {d.doc for d in load_retriever(hash_index, embedder=HashEmbedder()).catalog.documents}
    assert "added-notice.txt" not in docs and len(docs) == len(list(corpus_dir.glob("*.txt")))


def test_no_embed_on_an_index_with_vectors_is_refused_and_keeps_it(hash_index, capsys):
    before = (hash_index.index_dir / "vectors.npy").read_bytes()
    code = main(["ingest", "--index", str(hash_index.index_dir), "--no-embed", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--no-embed" in err
    assert (hash_index.index_dir / "vectors.npy").read_bytes() == before


def test_an_index_built_with_another_model_is_refused(hash_index):
    built_with = HashEmbedder().model_id
    other = HashEmbedder(dim=128)
    with pytest.raises(IndexMismatch) as info:
        load_retriever(hash_index, embedder=other)
    message = str(info.value)
    assert built_with in message and other.model_id in message and "policyqa ingest --rebuild" in message


def test_a_manifest_edited_by_hand_is_refused(hash_index):
    path = hash_index.index_dir / "manifest.json"
    path.write_text(path.read_text("utf-8").replace('"dim": 256', '"dim": 255'), "utf-8")
    with pytest.raises(IndexMismatch, match="索引清单 .* 校验失败"):
        Manifest.load(hash_index.index_dir)


def test_an_index_from_before_the_file_checksums_still_loads(hash_index):
    path = hash_index.index_dir / "manifest.json"
    record = json.loads(path.read_text("utf-8"))
    del record["files"], record["digest"]
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    assert load_retriever(hash_index, embedder=HashEmbedder()).retrieve("北京方案第5条")[0].clause.number == 5


def test_stale_staging_folders_of_dead_writers_are_removed(tmp_path):
    dest = tmp_path / "index"
    dest.mkdir()
    dead = tmp_path / ".index.tmp-999999999-abc"      # above any Linux pid_max: never a live process
    live = tmp_path / f".index.tmp-{os.getpid()}-def"
    leftover_old = tmp_path / ".index.old-xyz"
    unrelated = tmp_path / ".other.tmp-999999999-abc"
    for folder in (dead, live, leftover_old, unrelated):
        folder.mkdir()
        (folder / "vectors.npy").write_bytes(b"partial")
    with atomic_dir(dest) as work:
        (work / "new.txt").write_text("new")
    assert not dead.exists() and not leftover_old.exists()
    assert live.exists() and unrelated.exists()
    assert remove_stale(dest) == []


def _write_new_documents(folder: Path, corpus_dir: Path) -> None:
    """Copies of the three largest laws under new names: several hundred new clauses to embed."""
    folder.mkdir()
    for name in ("education-law.txt", "minors-protection-law.txt", "preschool-education-law.txt"):
        shutil.copyfile(corpus_dir / name, folder / f"copy-{name}")


def _wait_until_embedding(process: subprocess.Popen, log: Path, stage_parent: Path) -> None:
    """Poll until the subprocess has embedded its first chunk of passages (the progress bar's first
    line: the rest are still to embed) with its staging folder present."""
    for _ in range(MAX_POLLS):
        if process.poll() is not None:
            raise AssertionError(f"ingest ended before embedding (exit {process.returncode}):\n{log.read_text()[-2000:]}")
        staged = list(stage_parent.glob(f".index.tmp-{process.pid}-*"))
        if staged and "预计剩余" in log.read_text(errors="replace"):
            return
        time.sleep(POLL_SECONDS)
    raise AssertionError(f"ingest never started embedding:\n{log.read_text()[-2000:]}")


@pytest.mark.model
def test_an_ingest_killed_while_embedding_leaves_the_previous_index(e5_corpus_index, e5_embedder, e5_model_dir,
                                                                     corpus_dir, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(e5_corpus_index.index_dir, index)
    before = fingerprint(index)
    _write_new_documents(tmp_path / "new", corpus_dir)
    log = tmp_path / "ingest.log"
    env = {**os.environ, "POLICYQA_CACHE": str(e5_model_dir.parent), "POLICYQA_EMBEDDER": "e5", "HF_HUB_OFFLINE": "1"}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "policyqa.cli", "ingest", str(tmp_path / "new"),
                                    "--index", str(index)], env=env, stdout=out, stderr=out)
    try:
        _wait_until_embedding(process, log, tmp_path)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    assert fingerprint(index) == before                       # not one byte of the index changed
    config = Config.load(index_dir=index, model_cache=e5_model_dir.parent)
    retriever = load_retriever(config, embedder=e5_embedder)
    assert {d.doc for d in retriever.catalog.documents} == {d.doc for d in
                                                          load_retriever(e5_corpus_index, embedder=e5_embedder).catalog.documents}
    assert retriever.retrieve("义务教育法第二十七条规定了什么")[0].clause.id == "compulsory-education-law.txt#第二十七条"
    leftovers = list(tmp_path.glob(f".index.tmp-{process.pid}-*"))
    assert len(leftovers) == 1                                # the killed writer could not clean up…
    assert remove_stale(index) == leftovers                   # …the next ingest does


def test_damage_errors_are_policyqa_errors():
    assert issubclass(IndexMismatch, PolicyQAError) and issubclass(IndexMissing, PolicyQAError)

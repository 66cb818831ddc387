"""Bad files: one clear line each, the good files still ingested and the index still consistent."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from bad_files import BAD_BY_NAME, BAD_FILES, CORPUS, GOOD, PLAN_TEXT, write_bad_files, write_sparse

from policyqa.cli import EXIT_SKIPPED, main
from policyqa.config import Config
from policyqa.errors import UnreadableDocument
from policyqa.index.embedder import HashEmbedder
from policyqa.index.service import ingest_and_index, load_retriever
from policyqa.ingest.pipeline import CLAUSES_FILE, DocumentParser, Library
from policyqa.ingest.readers import DEFAULT_MAX_BYTES, read_source

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
# Inside a folder only supported suffixes are picked up; those bad files are each reported.
INGESTIBLE_BAD = sorted(n for n in BAD_BY_NAME if Path(n).suffix in SUPPORTED)
ODD_NAMES = ("..\\..\\escape.txt", "line\nbreak.txt", "-rf.txt", "😀 表情 名字.txt", "  spaced  .txt",
             "semi;colon$(x)`y`.txt", "长" * 80 + ".txt")


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "in"
    write_bad_files(folder)
    for name in GOOD:
        shutil.copyfile(CORPUS / name, folder / name)
    return folder


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda b: b.name)
def test_each_bad_file_is_refused_with_one_clear_line(bad_folder, bad):
    with pytest.raises(UnreadableDocument) as info:
        DocumentParser().parse(bad_folder / bad.name)
    assert bad.reason in info.value.reason
    assert str(info.value).count("\n") == 0 and bad.name in str(info.value)


def test_a_50_megabyte_file_is_refused_without_reading_it(tmp_path):
    huge = write_sparse(tmp_path / "huge.txt", DEFAULT_MAX_BYTES + 1)
    with pytest.raises(UnreadableDocument, match="文件过大（50,000,001 字节，上限 50,000,000 字节）"):
        read_source(huge)


def test_the_size_limit_comes_from_the_config(tmp_path):
    config = Config.load(index_dir=tmp_path / "index", max_file_bytes=10_000)
    failures = ingest_and_index(config, [CORPUS / GOOD[0], CORPUS / GOOD[1]], embed=False).report.failures
    assert len(failures) == 2 and all("文件过大" in f.reason and "上限 10000 字节" in f.reason for f in failures)


def test_a_folder_or_a_device_named_like_a_document_is_refused(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(UnreadableDocument, match="不是普通文件"):
        read_source(tmp_path / "folder.txt")
    failures = Library(tmp_path / "index").add([Path(os.devnull)])
    assert len(failures) == 1 and "不是普通文件" in failures[0].reason


def test_library_add_skips_every_bad_file_and_keeps_the_good(bad_folder, tmp_path):
    library = Library(tmp_path / "index")
    failures = library.add([bad_folder])
    assert sorted(f.path for f in failures) == INGESTIBLE_BAD
    assert all(BAD_BY_NAME[f.path].reason in f.reason for f in failures)
    assert sorted(p.name for p in library.sources.iterdir()) == sorted(GOOD)


def test_named_unsupported_files_are_reported_too(bad_folder, tmp_path):
    named = [bad_folder / "sheet.xlsx", bad_folder / "old.doc", bad_folder / "no-suffix"]
    failures = Library(tmp_path / "index").add(named)
    assert [f.path for f in failures] == ["sheet.xlsx", "old.doc", "no-suffix"]


def test_odd_file_names_are_stored_inside_the_library(tmp_path):
    folder = tmp_path / "odd"
    folder.mkdir()
    for name in ODD_NAMES:
        (folder / name).write_text(PLAN_TEXT, encoding="utf-8")
    library = Library(tmp_path / "index")
    # a name starting with "." is a hidden file, skipped in a folder: name it to ingest it
    assert library.add([folder, folder / ODD_NAMES[0]]) == []
    stored = sorted(p.name for p in library.sources.iterdir())
    assert len(stored) == len(ODD_NAMES)
    assert all(p.resolve().parent == library.sources.resolve() for p in library.sources.iterdir())
    assert all("/" not in n and "\\" not in n and "\n" not in n and not n.startswith(".") for n in stored)
    assert "escape.txt" in stored and "line_break.txt" in stored


def test_a_bad_file_with_a_newline_in_its_name_is_still_one_line(tmp_path):
    path = tmp_path / "bad\nname.txt"
    path.write_bytes(b"")
    failures = Library(tmp_path / "index").add([path])
    assert failures[0].path == "bad\\nname.txt"


def test_cli_ingest_prints_one_line_per_bad_file_and_builds_the_rest(bad_folder, tmp_path, capsys):
    index = tmp_path / "index"
    code = main(["ingest", str(bad_folder), "--index", str(index), "--no-embed", "--quiet"])
    captured = capsys.readouterr()
    assert code == EXIT_SKIPPED
    lines = captured.err.splitlines()
    assert len(lines) == len(INGESTIBLE_BAD)  # nothing else on stderr (no parser warnings)
    assert all(line.startswith("跳过 ") for line in lines)
    assert sorted(line.split("：", 1)[0].removeprefix("跳过 ") for line in lines) == INGESTIBLE_BAD
    docs = {json.loads(line)["doc"] for line in (index / CLAUSES_FILE).read_text("utf-8").splitlines()}
    assert docs == set(GOOD)


def test_the_index_stays_consistent_after_bad_files(bad_folder, tmp_path):
    config = Config.load(index_dir=tmp_path / "index")
    embedder = HashEmbedder()
    first = ingest_and_index(config, [CORPUS / GOOD[0]], embedder=embedder)
    again = ingest_and_index(config, [bad_folder], embedder=embedder)
    assert len(again.report.failures) == len(INGESTIBLE_BAD)
    assert sorted(d.meta.doc for d in again.report.documents) == sorted(GOOD)
    assert again.build.reused >= first.build.embedded  # the plan's vectors were kept
    retriever = load_retriever(config, embedder=embedder)
    assert len(retriever.catalog.clauses) == again.build.clauses
    assert retriever.retrieve("北京方案第5条")[0].clause.number == 5



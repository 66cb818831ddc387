"""Atomic file and folder replacement."""
from pathlib import Path

import pytest

from policyqa.atomic import atomic_dir, atomic_write_bytes, atomic_write_text


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_atomic_write_text_creates_and_replaces(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "note.txt"
    atomic_write_text(target, "公民同招")
    atomic_write_text(target, "县管校聘")
    assert target.read_text(encoding="utf-8") == "县管校聘"
    assert _leftovers(target.parent) == []


def test_atomic_write_bytes_failure_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()
    (target / "keep").write_text("x")
    with pytest.raises(OSError):
        atomic_write_bytes(target, b"data")
    assert (target / "keep").read_text() == "x"
    assert _leftovers(tmp_path) == []


def test_atomic_dir_replaces_existing_folder(tmp_path: Path) -> None:
    dest = tmp_path / "index"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    with atomic_dir(dest) as work:
        assert work.parent == tmp_path and work != dest
        (work / "new.txt").write_text("new")
        assert (dest / "old.txt").exists()  # readers still see the old version meanwhile
    assert sorted(p.name for p in dest.iterdir()) == ["new.txt"]
    assert _leftovers(tmp_path) == []


def test_atomic_dir_creates_missing_folder(tmp_path: Path) -> None:
    dest = tmp_path / "a" / "index"
    with atomic_dir(dest) as work:
        (work / "f").write_bytes(b"1")
    assert (dest / "f").read_bytes() == b"1"


def test_atomic_dir_leaves_dest_intact_when_body_raises(tmp_path: Path) -> None:
    dest = tmp_path / "index"
    dest.mkdir()
    (dest / "old.txt").write_text("old")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_dir(dest) as work:
            (work / "half.txt").write_text("half")
            raise RuntimeError("boom")
    assert sorted(p.name for p in dest.iterdir()) == ["old.txt"]
    assert (dest / "old.txt").read_text() == "old"
    assert _leftovers(tmp_path) == []

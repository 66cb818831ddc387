"""Crash-safe writes: a reader sees the old file (or folder) or the new one, never half of one.

Files are written to a temporary name in the same directory, fsynced, then moved over the target
with :func:`os.replace` (atomic on POSIX and Windows when both names are on one filesystem).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write_bytes(path: Path | str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, creating parent folders; raises OSError on failure."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)


def atomic_write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically (UTF-8 unless told); raises OSError on failure."""
    atomic_write_bytes(path, text.encode(encoding))


@contextmanager
def atomic_dir(dest: Path | str) -> Iterator[Path]:
    """Yield an empty temporary folder beside ``dest`` that replaces ``dest`` when the body succeeds.

    On success every file in the folder is fsynced, the old ``dest`` (if any) is moved aside, the
    new folder is renamed to ``dest``, and only then is the old one deleted. If the body raises,
    the temporary folder is removed and ``dest`` is left untouched; the exception propagates.
    Between the two renames ``dest`` is briefly absent: a crash exactly there leaves the previous
    version at ``.<name>.old-*`` beside it (POSIX has no portable atomic swap of two folders).
    A process killed in the body (SIGKILL, power loss) cannot clean up: its folder is named with
    its pid, and the next ``atomic_dir`` on the same ``dest`` removes it once that pid is gone.
    """
    final = Path(dest)
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(final)
    work = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.tmp-{os.getpid()}-"))
    try:
        yield work
        _fsync_tree(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _swap_in(work, final)


def remove_stale(final: Path) -> list[Path]:
    """Delete what killed writers left beside ``final``: staging folders of processes that no
    longer run, and old versions once ``final`` exists again; returns the folders removed."""
    removed = []
    for folder in final.parent.glob(f".{final.name}.tmp-*"):
        pid = folder.name.removeprefix(f".{final.name}.tmp-").split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if final.exists():
        for folder in final.parent.glob(f".{final.name}.old-*"):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    """Whether a process with this pid exists (ours or another user's); assumed so off POSIX."""
    if pid == os.getpid() or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_in(new: Path, final: Path) -> None:
    """Put folder ``new`` at ``final``; the previous ``final`` is deleted only afterwards."""
    if not final.exists():
        os.replace(new, final)
        _fsync_dir(final.parent)
        return
    old = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-"))
    os.replace(final, old)  # replacing the empty placeholder folder is allowed
    os.replace(new, final)
    _fsync_dir(final.parent)
    shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    """Flush every file and folder under ``root`` to disk."""
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_dir(Path(folder))


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames) to disk where the OS allows opening folders."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

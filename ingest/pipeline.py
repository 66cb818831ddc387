"""Ingest: files → cleaned text → layout → metadata + clauses → duplicate links → library files.

An index folder keeps a copy of every source file in ``sources/`` (so nothing a user added is lost
when the original moves), plus ``documents.jsonl`` and ``clauses.jsonl`` describing the library.
"""
from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from policyqa.domain import ParsedDocument
from policyqa.errors import PolicyQAError, UnreadableDocument
from policyqa.ingest.clauses import ClauseBuilder
from policyqa.ingest.duplicates import DuplicateFinder
from policyqa.ingest.layout import LayoutReader
from policyqa.ingest.metadata import MetadataExtractor
from policyqa.ingest.readers import SUPPORTED_SUFFIXES, read_source
from policyqa.ingest.records import CLAUSES_FILE, DOCUMENTS_FILE, meta_to_record
from policyqa.atomic import atomic_write_text

SOURCES = "sources"


@dataclass(frozen=True)
class IngestFailure:
    """A file that could not be ingested, and why (one line)."""

    path: str
    reason: str


@dataclass(frozen=True)
class IngestReport:
    """What an ingest produced: the parsed documents and the files it had to skip."""

    documents: tuple[ParsedDocument, ...]
    failures: tuple[IngestFailure, ...]


_FOLDER_NOTES = re.compile(r"^(README|PROVENANCE|SOURCES|LICENSE|CHANGELOG)(\.[a-z]+)?$", re.IGNORECASE)


def _is_document(path: Path) -> bool:
    """Inside a folder: supported types only, skipping hidden files and the folder's own notes
    (README.md, PROVENANCE.md …), which describe the documents rather than being one."""
    return (path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES
            and not path.name.startswith(".") and not _FOLDER_NOTES.match(path.name))


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestFailure]]:
    """Expand folders (recursively, documents only, sorted) and check that named files exist."""
    files, failures = [], []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if _is_document(p)))
        elif path.is_file():
            files.append(path)
        elif path.exists():
            failures.append(IngestFailure(shown_name(str(path)), "不是普通文件或文件夹（设备、管道等）"))
        else:
            failures.append(IngestFailure(shown_name(str(path)), "文件不存在，请检查路径"))
    return files, failures


def shown_name(name: str) -> str:
    """``name`` fit for one line of output: control characters (a newline in a file name) escaped."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda m: repr(m.group())[1:-1], name)


def safe_name(name: str) -> str:
    """A file name safe to store: no folders, no control or path characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", base).strip(" .")
    return base or "document.txt"


class DocumentParser:
    """Parses one source file into a :class:`ParsedDocument` (no cross-document work)."""

    def __init__(self, max_file_bytes: int = 50_000_000) -> None:
        self.max_file_bytes = max_file_bytes
        self._layout = LayoutReader()
        self._meta = MetadataExtractor()
        self._clauses = ClauseBuilder()

    def parse(self, path: Path) -> ParsedDocument:
        """Read and parse ``path``; raises :class:`UnreadableDocument` when it cannot."""
        source = read_source(path, max_bytes=self.max_file_bytes)
        lines = list(source.lines)
        layout = self._layout.read(lines)
        meta = self._meta.extract(source.name, layout, source.text)
        clauses = self._clauses.build(source.name, meta.title or Path(source.name).stem, layout)
        if not any(c.kind not in ("header", "outline") and _has_words(c.text) for c in clauses):
            raise UnreadableDocument(source.name, "没有可识别的正文内容")
        return ParsedDocument(meta=meta, clauses=clauses, source=source,
                              warnings=tuple(source.warnings) + layout.warnings)


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class Library:
    """The documents of one index folder: adds files, parses them all, links duplicates, saves."""

    def __init__(self, index_dir: Path, *, max_file_bytes: int = 50_000_000,
                 duplicates: DuplicateFinder | None = None) -> None:
        self.index_dir = index_dir
        self.sources = index_dir / SOURCES
        self._parser = DocumentParser(max_file_bytes)
        self._duplicates = duplicates or DuplicateFinder()

    def add(self, paths: Sequence[Path], *, replace_all: bool = False) -> list[IngestFailure]:
        """Copy ``paths`` (files or folders) into the library; returns the files that were skipped
        (missing, unsupported or unreadable), each with a one-line reason."""
        files, failures = collect_files(paths)
        if replace_all and self.sources.exists():
            shutil.rmtree(self.sources)
        self.sources.mkdir(parents=True, exist_ok=True)
        for path in files:
            try:
                self._parser.parse(path)  # a file that cannot be parsed is never stored
            except UnreadableDocument as err:
                failures.append(IngestFailure(shown_name(path.name), err.reason))
                continue
            target = self.sources / safe_name(path.name)
            if target.resolve() != path.resolve():
                shutil.copyfile(path, target)
        return failures

    def remove(self, name: str) -> None:
        """Delete one stored source file by name; raises PolicyQAError naming the valid names."""
        target = self.sources / safe_name(name)
        if not target.is_file():
            names = "、".join(p.name for p in sorted(self.sources.glob("*"))) or "（空）"
            raise PolicyQAError(f"文库中没有文件 “{name}”。现有：{names}")
        target.unlink()

    def parse_all(self, progress: Callable[[str], None] | None = None) -> IngestReport:
        """Parse every stored file, link duplicates across them, and report failures."""
        documents, failures = [], []
        for path in sorted(self.sources.glob("*")):
            if progress:
                progress(path.name)
            try:
                documents.append(self._parser.parse(path))
            except UnreadableDocument as err:
                failures.append(IngestFailure(shown_name(path.name), err.reason))
        linked = self._duplicates.link(documents)
        return IngestReport(tuple(linked), tuple(failures))

    def save(self, report: IngestReport) -> None:
        """Write ``documents.jsonl`` and ``clauses.jsonl`` atomically."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        docs = "".join(json.dumps(meta_to_record(d.meta, d), ensure_ascii=False) + "\n" for d in report.documents)
        clauses = "".join(json.dumps(c.to_record(), ensure_ascii=False) + "\n"
                          for d in report.documents for c in d.clauses)
        atomic_write_text(self.index_dir / DOCUMENTS_FILE, docs)
        atomic_write_text(self.index_dir / CLAUSES_FILE, clauses)

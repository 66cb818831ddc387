"""Read a policy document file (.txt .md .docx .pdf .html .htm) into a cleaned SourceDocument."""
from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from policyqa.domain import SourceDocument
from policyqa.errors import UnreadableDocument
from policyqa.ingest.cleanup import clean_lines, split_lines
from policyqa.ingest.docx_reader import read_docx_lines
from policyqa.ingest.html_reader import decode_html, html_lines
from policyqa.ingest.markdown_text import strip_markdown
from policyqa.ingest.pdf_reader import EncryptedPdf, PdfWithoutText, read_pdf_lines
from policyqa.ingest.sniff import read_head, wrong_type_reason
from policyqa.ingest.text_decoding import UndecodableText, decode_text

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".html", ".htm")
DEFAULT_MAX_BYTES = 50_000_000
_T = TypeVar("_T")
_HINTS = {".doc": "旧版 Word .doc 请另存为 .docx", ".wps": "请另存为 .docx", ".rtf": "请另存为 .docx",
          ".xhtml": "请另存为 .html", ".markdown": "请改扩展名为 .md"}
# What a parser's failure means for the user and what to do; the parser's own exception stays the
# cause (for a traceback), never part of the message.
_BAD_DOCX = "不是有效的 .docx 文件（可能已损坏，或是改了扩展名的旧版 .doc）：请用 Word 重新另存为 .docx（或重新获取原文件）后再导入"
_BAD_PDF = "不是有效的 PDF 文件（可能已损坏或不完整）：请从原文件重新导出或重新下载 PDF 后再导入"
_UNREADABLE = "无法读取文件内容：请确认文件存在且有读取权限后重试"


def read_source(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceDocument:
    """Read, decode and clean the file at ``path``.

    Returns a :class:`SourceDocument` named by the file name alone, with its cleaned non-empty
    lines, the text encoding (``pdf`` for PDF text) and one-line notes on what was removed.
    Raises :class:`UnreadableDocument` for an unsupported type, a missing, empty, oversized,
    binary, undecodable, encrypted or damaged file, one whose content is another type than its
    suffix says (a PDF named .txt), a .docx that unpacks to more than twice ``max_bytes``, or one
    without text (a scanned PDF).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableDocument(path.name, _unsupported_reason(suffix))
    _check_size(path, max_bytes)
    _check_type(path, suffix)
    if suffix == ".docx":
        _check_unpacked_size(path, 2 * max_bytes)
    lines, encoding, notes = _read_raw(path, suffix)
    cleaned = clean_lines(lines)
    if not cleaned.lines:
        raise UnreadableDocument(path.name, "文件中没有文字内容")
    return SourceDocument(name=path.name, lines=cleaned.lines, encoding=encoding,
                          warnings=tuple(notes) + cleaned.warnings, web_page=cleaned.chrome_removed > 0)


def _unsupported_reason(suffix: str) -> str:
    supported = " ".join(SUPPORTED_SUFFIXES)
    shown = f"“{suffix}”" if suffix else "（无扩展名）"
    hint = f"；{_HINTS[suffix]}" if suffix in _HINTS else ""
    return f"不支持的文件类型 {shown}。支持：{supported}{hint}"


def _check_size(path: Path, max_bytes: int) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableDocument(path.name, "文件不存在，请检查路径") from None
    except OSError as err:
        raise UnreadableDocument(path.name, f"无法访问文件（{err.strerror}）") from None
    if not path.is_file():
        raise UnreadableDocument(path.name, "不是普通文件")
    if size == 0:
        raise UnreadableDocument(path.name, "文件为空")
    if size > max_bytes:
        raise UnreadableDocument(path.name, f"文件过大（{_sizes(size, max_bytes)}），请拆分后再导入")


def _check_type(path: Path, suffix: str) -> None:
    """Refuse a file whose first bytes show another type than its suffix (a PDF named .txt)."""
    try:
        reason = wrong_type_reason(suffix, read_head(path))
    except OSError as err:
        raise UnreadableDocument(path.name, f"无法读取文件（{err.strerror}）") from None
    if reason:
        raise UnreadableDocument(path.name, reason)


def _check_unpacked_size(path: Path, limit: int) -> None:
    """Refuse a .docx whose parts unpack to more than ``limit`` bytes (a zip bomb) before parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise UnreadableDocument(path.name, _BAD_DOCX) from err
    if unpacked > limit:
        raise UnreadableDocument(path.name, f"解压后内容过大（{_sizes(unpacked, limit)}），请拆分后再导入")


def _sizes(size: int, limit: int) -> str:
    """``52.4 MB，上限 50.0 MB``; in bytes when both round to the same figure."""
    shown, cap = _megabytes(size), _megabytes(limit)
    if shown == cap:
        shown, cap = f"{size:,} 字节", f"{limit:,} 字节"
    return f"{shown}，上限 {cap}"


def _megabytes(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n} 字节"


def _read_raw(path: Path, suffix: str) -> tuple[list[str], str, list[str]]:
    """Raw lines, encoding and notes for one supported file; library errors become UnreadableDocument."""
    if suffix == ".docx":
        return _guarded(path, _BAD_DOCX, lambda: (read_docx_lines(path), "utf-8", []))
    if suffix == ".pdf":
        pdf = _guarded(path, _BAD_PDF, lambda: read_pdf_lines(path))
        return list(pdf.lines), "pdf", list(pdf.warnings)
    data = _guarded(path, _UNREADABLE, path.read_bytes)
    try:
        decoded = decode_html(data) if suffix in (".html", ".htm") else decode_text(data)
    except UndecodableText as err:
        raise UnreadableDocument(path.name, str(err)) from None
    if suffix in (".html", ".htm"):
        lines = html_lines(decoded.text)
    else:
        text = strip_markdown(decoded.text) if suffix == ".md" else decoded.text
        lines = split_lines(text)
    return lines, decoded.encoding, [decoded.note] if decoded.note else []


def _guarded(path: Path, reason: str, read: Callable[[], _T]) -> _T:
    """Run a third-party parser; its many error types on a malformed file become one clear error
    whose reason is ``reason`` (what is wrong and what to do)."""
    try:
        return read()
    except (PdfWithoutText, EncryptedPdf) as err:
        raise UnreadableDocument(path.name, str(err)) from None
    except Exception as err:  # noqa: BLE001 — zip, XML and PDF parsers raise dozens of types
        raise UnreadableDocument(path.name, reason) from err

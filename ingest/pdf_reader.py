"""Text of a ``.pdf`` with pypdf, page by page, with the page layout undone (see :mod:`pdf_layout`)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from policyqa.ingest.pdf_layout import join_wrapped_lines, remove_page_numbers, remove_running_headers


class PdfWithoutText(ValueError):
    """The PDF has pages but no extractable text (a scan); ``str`` says so in Chinese."""


class EncryptedPdf(ValueError):
    """The PDF is encrypted with a password; ``str`` says so in Chinese."""


@dataclass(frozen=True)
class PdfText:
    """Lines of a PDF after layout clean-up, and notes on what was skipped or removed."""

    lines: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def read_pdf_lines(path: Path) -> PdfText:
    """Extract and re-flow the text of the PDF at ``path``.

    Raises :class:`PdfWithoutText` for a scan, :class:`EncryptedPdf` for a locked file, and
    pypdf's own errors for a damaged file.
    """
    with _pypdf_log_muted():
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPdf("PDF 已加密，请先去除密码保护再导入")
        texts = [page.extract_text() or "" for page in reader.pages]
    empty = [str(i + 1) for i, text in enumerate(texts) if not text.strip()]
    if len(empty) == len(texts):
        raise PdfWithoutText("PDF 中没有可提取的文字（可能是扫描件），暂不支持 OCR，请提供文字版 PDF、.docx 或 .txt")
    pages = [text.splitlines() for text in texts if text.strip()]
    pages, numbers = remove_page_numbers(pages)
    pages, headers = remove_running_headers(pages)
    lines = join_wrapped_lines([line for page in pages for line in page])
    warnings = []
    if empty:
        warnings.append(f"第 {'、'.join(empty)} 页没有可提取的文字（可能是扫描图像），已跳过")
    if numbers or headers:
        warnings.append(f"删去 {numbers} 个页码行和 {headers} 个页眉页脚行")
    return PdfText(tuple(lines), tuple(warnings))


@contextmanager
def _pypdf_log_muted() -> Iterator[None]:
    """Keep pypdf's repair warnings ("EOF marker not found") off stderr during one read: the
    caller reports a damaged file in its own one line. A handler on pypdf's logger stops Python
    printing its records with the last-resort handler; it is removed afterwards."""
    logger = logging.getLogger("pypdf")
    handler = logging.NullHandler()
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)

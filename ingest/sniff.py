"""What a file really is, from its first bytes, so a renamed file gets a reason the user can act on.

Only signatures that never start a text file are checked; a file whose content matches its
suffix (or matches nothing known) passes.
"""
from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 8
# (signature, what it is, the fix for the user)
_SIGNATURES = (
    (b"%PDF-", "pdf", "内容是 PDF 文件，请把扩展名改为 .pdf"),
    (b"PK\x03\x04", "zip", "内容是 ZIP 压缩包或 .docx 文件：Word 文件请把扩展名改为 .docx，压缩包请先解压"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole", "内容是旧版 Office 文件（.doc/.xls），请在 Word 中另存为 .docx"),
    (b"{\\rtf", "rtf", "内容是 RTF 文件，请在 Word 中另存为 .docx"),
    (b"\x89PNG", "image", "内容是图片（PNG），不是文字文件；请提供文字版文件"),
    (b"\xff\xd8\xff", "image", "内容是图片（JPEG），不是文字文件；请提供文字版文件"),
    (b"GIF8", "image", "内容是图片（GIF），不是文字文件；请提供文字版文件"),
    (b"\x7fELF", "program", "内容是可执行程序，不是文档"),
    (b"MZ\x90\x00", "program", "内容是 Windows 可执行程序，不是文档"),
    (b"\x1f\x8b", "archive", "内容是 gzip 压缩包，请先解压"),
    (b"Rar!", "archive", "内容是 RAR 压缩包，请先解压"),
    (b"7z\xbc\xaf", "archive", "内容是 7z 压缩包，请先解压"),
)
# The kind each suffix must have; text suffixes must match no signature at all.
_EXPECTED = {".pdf": "pdf", ".docx": "zip"}


def read_head(path: Path) -> bytes:
    """The first bytes of ``path`` (fewer for a short file); raises OSError."""
    with open(path, "rb") as handle:
        return handle.read(HEAD_BYTES)


def wrong_type_reason(suffix: str, head: bytes) -> str | None:
    """A one-line reason when ``head`` shows the content is not what ``suffix`` says, else None."""
    # No signature at all is left to the parser: a PDF may have junk before %PDF-, and a damaged
    # .docx/.pdf is reported by the parser with its own reason.
    found = next(((kind, fix) for sig, kind, fix in _SIGNATURES if head.startswith(sig)), None)
    if found is None or found[0] == _EXPECTED.get(suffix):
        return None
    return f"扩展名是 {suffix}，但{found[1]}"

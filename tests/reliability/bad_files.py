"""Bad input files generated from the bundled corpus: each with the reason a user must be shown."""
from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PLAN_TEXT = (CORPUS / "beijing-curriculum-reform-plan.txt").read_text(encoding="utf-8")
GOOD = ("beijing-curriculum-reform-plan.txt", "teachers-law.txt")
# Deterministic "random" bytes: every value, shuffled by a multiplier coprime to 256.
NOISE = bytes((i * 167 + 13) % 256 for i in range(4096))


def docx_bytes(text: str = PLAN_TEXT) -> bytes:
    """A real .docx with one paragraph per line of ``text``."""
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(lines: list[str] | None = None) -> bytes:
    """A real PDF typeset with reportlab's built-in Chinese font (an empty page without lines)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("STSong-Light", 12)
    for n, line in enumerate(lines or []):
        page.drawString(72, 770 - 18 * n, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def zip_bomb_docx() -> bytes:
    """A valid .docx of ~0.3 MB whose body XML unpacks to ~180 MB of empty paragraphs."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * 30_000_000, 1)
            archive.writestr(info.filename, data)
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "不是 Word 文件")
    return buffer.getvalue()


@dataclass(frozen=True)
class BadFile:
    """A file name, how to make its bytes, and a fragment the one-line reason must contain."""

    name: str
    make: Callable[[], bytes]
    reason: str


BAD_FILES = (
    BadFile("empty.txt", lambda: b"", "文件为空"),
    BadFile("empty.docx", lambda: b"", "文件为空"),
    BadFile("empty.pdf", lambda: b"", "文件为空"),
    BadFile("blank.md", lambda: b" \n\t\n\r\n", "没有文字内容"),
    BadFile("only-punctuation.txt", lambda: "。。。\n————\n《》\n".encode(), "没有可识别的正文内容"),
    BadFile("random.docx", lambda: NOISE, "不是有效的 .docx"),
    BadFile("text-named.docx", lambda: PLAN_TEXT.encode(), "不是有效的 .docx"),
    BadFile("truncated.docx", lambda: docx_bytes()[:6000], "不是有效的 .docx"),
    BadFile("zip-not-word.docx", zip_without_document, "不是有效的 .docx"),
    BadFile("zip-bomb.docx", zip_bomb_docx, "解压后内容过大"),
    BadFile("random.pdf", lambda: NOISE, "不是有效的 PDF"),
    BadFile("header-only.pdf", lambda: b"%PDF-1.4\n", "不是有效的 PDF"),
    BadFile("truncated.pdf", lambda: pdf_bytes(["第一条 为了规范学校管理，制定本办法。"])[:900], "不是有效的 PDF"),
    BadFile("scan.pdf", pdf_bytes, "没有可提取的文字"),
    BadFile("word-named.pdf", docx_bytes, "内容是 ZIP"),
    BadFile("pdf-named.txt", lambda: pdf_bytes(["第一条 总则"]), "内容是 PDF"),
    BadFile("word-named.txt", docx_bytes, "扩展名改为 .docx"),
    BadFile("png-named.txt", lambda: b"\x89PNG\r\n\x1a\n" + NOISE, "图片"),
    BadFile("program-named.md", lambda: b"\x7fELF\x02\x01\x01" + NOISE, "可执行程序"),
    BadFile("old-word-named.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + NOISE, "旧版 Office"),
    BadFile("binary.txt", lambda: NOISE, "二进制"),
    BadFile("utf16-without-bom.txt", lambda: PLAN_TEXT.encode("utf-16-le"), "BOM"),
    BadFile("cp1252.txt", lambda: ("Café résumé naïve déjà vu. " * 40).encode("cp1252"), "另存为 UTF-8"),
    BadFile("utf8-and-gbk-mixed.txt", lambda: PLAN_TEXT[:2000].encode() + PLAN_TEXT[2000:4000].encode("gbk"),
            "另存为 UTF-8"),
    BadFile("latin1.html", lambda: b"<html><body><p>" + ("Café " * 80).encode("latin-1") + b"</p></body></html>",
            "另存为 UTF-8"),
    BadFile("sheet.xlsx", lambda: b"PK\x03\x04" + NOISE, "不支持的文件类型"),
    BadFile("old.doc", lambda: b"\xd0\xcf\x11\xe0" + NOISE, "另存为 .docx"),
    BadFile("no-suffix", PLAN_TEXT.encode, "无扩展名"),
)
BAD_BY_NAME = {bad.name: bad for bad in BAD_FILES}


def write_bad_files(folder: Path) -> list[Path]:
    """Write every bad file into ``folder`` (created); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for bad in BAD_FILES:
        path = folder / bad.name
        path.write_bytes(bad.make())
        paths.append(path)
    return paths


def write_sparse(path: Path, size: int) -> Path:
    """A file of ``size`` zero bytes that takes no disk space and no time to write."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path

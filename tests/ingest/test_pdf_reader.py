"""PDF reading: PDFs typeset from the corpus with reportlab's built-in Chinese font STSong-Light."""
from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from policyqa.errors import UnreadableDocument
from policyqa.ingest.cleanup import clean_lines
from policyqa.ingest.pdf_layout import (
    is_page_number,
    join_wrapped_lines,
    remove_page_numbers,
    remove_running_headers,
    running_headers,
)
from policyqa.ingest.readers import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
LAW = CORPUS / "compulsory-education-law.txt"
FONT = "STSong-Light"  # an Adobe CID font reportlab names without shipping a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条")
CHAPTER = re.compile(r"^第[一二三四五六七八九十]+章")


def typeset(lines: list[str], path: Path, *, indent: bool) -> Path:
    """A justified A4 document with centred title/chapters, a running header and “- N -” footers."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=24 if indent else 0)
    centred = ParagraphStyle("centred", parent=body, alignment=TA_CENTER, firstLineIndent=0, fontSize=14)
    story = [Paragraph(escape(line), centred if i == 0 or CHAPTER.match(line) else body)
             for i, line in enumerate(lines)]

    def first_page(c, doc):
        c.setFont(FONT, 10)
        c.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    def later_pages(c, doc):
        first_page(c, doc)
        c.drawCentredString(A4[0] / 2, A4[1] - 40, lines[0])

    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=first_page, onLaterPages=later_pages)
    return path


def articles(lines) -> dict[str, str]:
    """第X条 → the article's text (its lines joined), whitespace removed."""
    out: dict[str, str] = {}
    current = None
    for line in lines:
        match = ARTICLE.match(line)
        if match:
            current = match.group()
            out[current] = ""
        elif CHAPTER.match(line):
            current = None
        if current:
            out[current] += re.sub(r"\s+", "", line)
    return out


@pytest.fixture(scope="module")
def law_lines() -> list[str]:
    return list(clean_lines(LAW.read_text(encoding="utf-8").splitlines()).lines)


@pytest.fixture(scope="module")
def law_pdf(tmp_path_factory, law_lines) -> Path:
    return typeset(law_lines, tmp_path_factory.mktemp("pdf") / "law.pdf", indent=True)


def test_every_article_of_the_law_is_recovered(law_pdf, law_lines):
    doc = read_source(law_pdf)
    expected = articles(law_lines)
    assert len(expected) == 63
    assert [line for line in doc.lines if ARTICLE.match(line)] == [line for line in law_lines if ARTICLE.match(line)]
    assert articles(doc.lines) == expected
    assert doc.encoding == "pdf"


def test_indented_paragraphs_come_back_line_for_line(law_pdf, law_lines):
    strip = lambda lines: [re.sub(r"\s+", "", line) for line in lines]  # noqa: E731
    assert strip(read_source(law_pdf).lines) == strip(law_lines)


def test_page_furniture_is_removed(law_pdf, law_lines):
    doc = read_source(law_pdf)
    assert not [line for line in doc.lines if is_page_number(line)]
    assert doc.lines.count(law_lines[0]) == 1 and doc.lines[0] == law_lines[0]
    assert any("页码" in w and "页眉" in w for w in doc.warnings)


def test_unindented_layout_keeps_every_article(tmp_path, law_lines):
    # Without indents a full line ending in 。 cannot be told from a paragraph end, so an article
    # may come back as two lines split at a sentence end; its start and its text must survive.
    doc = read_source(typeset(law_lines, tmp_path / "flat.pdf", indent=False))
    starts = [m.group() for line in doc.lines if (m := ARTICLE.match(line))]
    assert starts == list(articles(law_lines))
    assert articles(doc.lines) == articles(law_lines)


def test_plan_items_and_schedules_stay_apart(tmp_path):
    plan = list(read_source(CORPUS / "beijing-curriculum-reform-plan.txt").lines)
    doc = read_source(typeset(plan, tmp_path / "plan.pdf", indent=False))
    schedules = [line for line in plan if line.startswith("（20")]
    assert [line for line in doc.lines if line.startswith("（20")] == schedules
    assert "".join(doc.lines).replace(" ", "") == "".join(plan).replace(" ", "")


def test_scanned_pdf_without_text(tmp_path):
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path))
    c.rect(50, 50, 400, 600, fill=1)
    c.showPage()
    c.save()
    with pytest.raises(UnreadableDocument, match="scan.pdf.*OCR"):
        read_source(path)


def test_garbage_pdf(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableDocument, match="garbage.pdf.*不是有效的 PDF"):
        read_source(path)


def test_truncated_pdf(law_pdf, tmp_path):
    path = tmp_path / "half.pdf"
    path.write_bytes(law_pdf.read_bytes()[:2000])
    with pytest.raises(UnreadableDocument, match="half.pdf"):
        read_source(path)


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt="secret")
    c.setFont(FONT, 12)
    c.drawString(50, 800, "第一条 保密内容")
    c.save()
    with pytest.raises(UnreadableDocument, match="locked.pdf.*加密"):
        read_source(path)


# --- the layout functions on hand-made pages ---------------------------------------------------------

@pytest.mark.parametrize("line", ["- 3 -", "— 12 —", "3", "第 3 页", "第3页 共10页", "3/10", "Page 3 of 10"])
def test_page_numbers(line):
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["第三条", "2023年", "1.高质量实施国家课程方案。", "（一）"])
def test_not_page_numbers(line):
    assert not is_page_number(line)


def test_page_number_inside_a_page_is_kept():
    pages, removed = remove_page_numbers([["- 1 -", "甲", "乙", "12", "丙", "丁", "第 1 页"]])
    assert pages == [["甲", "乙", "12", "丙", "丁"]] and removed == 2


def test_running_header_needs_most_pages_and_never_inside():
    schedule = "（2024年8月部署安排，至2027年持续推进）"
    pages = [["义务教育法", "正文甲"], ["义务教育法", "正文乙", schedule], ["义务教育法", schedule, "正文丙", schedule]]
    assert running_headers(pages) == {"义务教育法"}
    kept, removed = remove_running_headers(pages)
    assert kept[0] == ["义务教育法", "正文甲"] and removed == 2
    assert sum(page.count(schedule) for page in kept) == 3


def test_joining_rules():
    full = "各地要及时总结好经验好做法定期组织各类研讨交流活动运用现代网络信息技术共享"  # 36 CJK
    lines = [
        "一、总体要求",                      # heading: short, kept apart
        full, "优质资源。",                  # wrapped paragraph
        full, "，加大宣传力度。",             # a line never opens with a comma
        full + "。",                        # full line ending a sentence: stays (no indents here)
        "第二十三条 学校应当建立安全制度。",  # clause start after a full line
        full, "第十四条规定的情形除外。",      # 第X条 without a space is a reference, not an article
        full, "1.高质量实施国家课程方案。",   # item number
        full[:10],                          # short last line
        "Policy text in", "English",        # short lines: not joined
    ]
    assert join_wrapped_lines(lines) == [
        "一、总体要求", full + "优质资源。", full + "，加大宣传力度。", full + "。",
        "第二十三条 学校应当建立安全制度。", full + "第十四条规定的情形除外。", full,
        "1.高质量实施国家课程方案。", full[:10], "Policy text in", "English",
    ]


def test_blank_line_ends_a_paragraph():
    full = "各地要及时总结好经验好做法定期组织各类研讨交流活动运用现代网络信息技术共享"
    assert join_wrapped_lines([full, "", "优质资源。", full, "x"]) == [full, "优质资源。", full + "x"]

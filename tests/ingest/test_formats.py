"""One document, many file formats: .docx, GB18030 .txt and .pdf give the clauses of the UTF-8 text."""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest

from policyqa.ingest.pipeline import DocumentParser

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DOCUMENTS = ["beijing-curriculum-reform-plan.txt", "compulsory-education-law.txt"]


def source_lines(name: str) -> list[str]:
    return (CORPUS / name).read_text(encoding="utf-8").splitlines()


def labels(path: Path) -> list[tuple[str, str]]:
    return [(c.kind, c.label) for c in DocumentParser().parse(path).clauses]


def write_docx(lines: list[str], path: Path) -> Path:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(lines: list[str], path: Path) -> Path:
    """Typeset with reportlab's built-in CID font STSong-Light (no font file needed), A4,
    indented justified paragraphs, page numbers in the footer."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=24)

    def footer(canvas, doc):
        canvas.setFont("STSong-Light", 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    story = [Paragraph(escape(line.strip()), body) for line in lines if line.strip()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


@pytest.fixture(scope="module", params=DOCUMENTS)
def original(request) -> tuple[str, list[tuple[str, str]]]:
    return request.param, labels(CORPUS / request.param)


def test_docx_gives_the_same_clauses(original, tmp_path):
    name, expected = original
    path = write_docx(source_lines(name), tmp_path / name.replace(".txt", ".docx"))
    assert labels(path) == expected


def test_gb18030_text_gives_the_same_clauses(original, tmp_path):
    name, expected = original
    path = tmp_path / name
    path.write_bytes((CORPUS / name).read_text(encoding="utf-8").encode("gb18030"))
    parsed = DocumentParser().parse(path)
    assert parsed.source.encoding.lower().replace("-", "") in ("gb18030", "gbk", "gb2312")
    assert [(c.kind, c.label) for c in parsed.clauses] == expected


def test_pdf_gives_the_same_clauses(original, tmp_path):
    pytest.importorskip("reportlab", reason="reportlab is needed to typeset a Chinese PDF")
    name, expected = original
    path = write_pdf(source_lines(name), tmp_path / name.replace(".txt", ".pdf"))
    assert labels(path) == expected


def test_pdf_law_articles_keep_their_text(tmp_path):
    pytest.importorskip("reportlab", reason="reportlab is needed to typeset a Chinese PDF")
    name = "compulsory-education-law.txt"
    path = write_pdf(source_lines(name), tmp_path / "law.pdf")
    by_label = {c.label: c for c in DocumentParser().parse(path).clauses}
    text = "".join(by_label["第二十七条"].text.split())
    assert text == "第二十七条对违反学校管理制度的学生，学校应当予以批评教育，不得开除。"


MEASURES = [
    "某市中小学课后服务管理办法",
    "第一章 总则",
    "第一条 为规范中小学课后服务，减轻学生课业负担，制定本办法。",
    "第二条 本办法适用于本市公办义务教育学校。",
    "第二章 服务内容",
    "第三条 课后服务以学生自主学习、体育锻炼和兴趣活动为主，不得讲授新课。",
    "第四条 学校应当为有需要的学生提供托管服务，具体包括：",
    "（一）作业辅导；",
    "（二）阅读指导；",
    "（三）体育和艺术活动。",
    "第三章 附则",
    "第五条 本办法自发布之日起施行。",
]

NOTICE = [
    "关于做好2025年春季学期开学工作的通知",
    "各区教育局：",
    "现就做好春季学期开学工作通知如下。",
    "一、做好安全排查",
    "（一）校舍安全。各校要在开学前完成校舍安全检查，发现隐患立即整改。",
    "（二）食品安全。",
    "1.严格执行食材采购查验制度，建立台账。",
    "2.落实校长陪餐制度，每餐有记录。",
    "二、做好教学准备",
    "（一）教材发放。开学第一天确保课前到书，人手一册。",
    "某市教育局",
    "2025年2月10日",
]


def test_a_new_measures_docx_gets_article_labels(tmp_path):
    parsed = DocumentParser().parse(write_docx(MEASURES, tmp_path / "after-school-measures.docx"))
    articles = [c for c in parsed.clauses if c.kind == "article"]
    assert [c.label for c in articles] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert [c.path[0] for c in articles] == ["第一章 总则", "第一章 总则", "第二章 服务内容",
                                              "第二章 服务内容", "第三章 附则"]
    assert "（三）体育和艺术活动。" in articles[3].text
    assert parsed.meta.title == "某市中小学课后服务管理办法"


def test_a_new_notice_docx_gets_nested_labels(tmp_path):
    parsed = DocumentParser().parse(write_docx(NOTICE, tmp_path / "spring-term-notice.docx"))
    by_label = {c.label: c for c in parsed.clauses}
    assert {"一、（一）", "一、（二）1.", "一、（二）2.", "二、（一）"} <= by_label.keys()
    item = by_label["一、（二）2."]
    assert item.kind == "item" and item.number == 2
    assert item.path == ("一、做好安全排查", "（二）食品安全", "2.落实校长陪餐制度")
    assert parsed.meta.kind.value == "notice"
    assert parsed.meta.date == "2025-02-10"
    assert parsed.meta.title == "关于做好2025年春季学期开学工作的通知"
    assert not any("某市教育局" in c.text for c in parsed.clauses if c.kind != "header")

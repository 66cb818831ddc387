"""Reading .docx files generated with python-docx from the corpus, with real Word numbering."""
from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from policyqa.errors import UnreadableDocument
from policyqa.ingest.docx_reader import read_docx_lines
from policyqa.ingest.number_formats import chinese_counting, format_number
from policyqa.ingest.readers import read_source

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NATIONAL_PLAN = CORPUS / "national-curriculum-reform-plan-2023.txt"

# 一、 / （一） / 1. — the outline of Chinese policy documents, as Word stores it.
OUTLINE_LEVELS = (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))


def abstract_num(abstract_id: int, levels, extra: str = "") -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
        for i, (fmt, text) in enumerate(levels)
    )
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">{lvls}</w:abstractNum>'


def add_list(document, abstract_id: int, num_id: int, levels, overrides: str = "", extra: str = "") -> None:
    """Write an abstract numbering definition and a list instance into numbering.xml."""
    numbering = document.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    abstract = parse_xml(abstract_num(abstract_id, levels, extra))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)  # the schema wants every abstractNum before the nums
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'))


def numbered(document, text: str, num_id: int, ilvl: int):
    paragraph = document.add_paragraph(text)
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id
    return paragraph


def save(document, tmp_path: Path, name: str = "doc.docx") -> Path:
    path = tmp_path / name
    document.save(str(path))
    return path


def test_docx_of_the_national_plan_gives_the_txt_lines(tmp_path):
    document = docx.Document()
    for raw in NATIONAL_PLAN.read_text(encoding="utf-8").splitlines():
        paragraph = document.add_paragraph(raw.replace("[bookmark: _GoBack]", ""))
        if raw.startswith("[bookmark:"):
            paragraph._p.insert(0, parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="_GoBack"/>'))
    doc = read_source(save(document, tmp_path, "plan.docx"))
    assert doc.lines == read_source(NATIONAL_PLAN).lines
    assert doc.name == "plan.docx" and doc.encoding == "utf-8"


def test_automatic_numbering_becomes_visible_text(tmp_path):
    document = docx.Document()
    add_list(document, 90, 90, OUTLINE_LEVELS)
    outline = [("总体要求", 0), ("指导思想", 1), ("基本原则", 1), ("重点任务", 0), ("课程创新引领行动", 1),
               ("高质量实施国家课程方案。", 2), ("加强特色课程建设。", 2), ("教学改革深化行动", 1),
               ("打造改革项目平台。", 2)]
    for text, level in outline:
        numbered(document, text, 90, level)
    document.add_paragraph("（2024年8月部署安排，至2027年持续推进）")
    numbered(document, "组织实施", 90, 0)
    assert read_source(save(document, tmp_path)).lines == (
        "一、总体要求", "（一）指导思想", "（二）基本原则", "二、重点任务", "（一）课程创新引领行动",
        "1.高质量实施国家课程方案。", "2.加强特色课程建设。", "（二）教学改革深化行动", "1.打造改革项目平台。",
        "（2024年8月部署安排，至2027年持续推进）", "三、组织实施",
    )


def test_numbering_beyond_ten_and_list_style(tmp_path):
    document = docx.Document()
    add_list(document, 91, 91, OUTLINE_LEVELS[:1])
    for i in range(12):
        numbered(document, f"第{i}段", 91, 0)
    document.add_paragraph("样式编号甲", style="List Number")  # the template's list style has numPr
    document.add_paragraph("样式编号乙", style="List Number")
    lines = read_docx_lines(save(document, tmp_path))
    assert lines[9:12] == ["十、第9段", "十一、第10段", "十二、第11段"]
    assert lines[12:] == ["1.样式编号甲", "2.样式编号乙"]


def test_start_override_restarts_and_shared_definition_continues(tmp_path):
    document = docx.Document()
    add_list(document, 92, 92, OUTLINE_LEVELS)
    numbering = document.part.numbering_part.element
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="93"><w:abstractNumId w:val="92"/></w:num>'))
    numbering.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="94"><w:abstractNumId w:val="92"/>'
        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>'))
    numbered(document, "甲", 92, 0)
    numbered(document, "乙", 93, 0)   # same abstract definition, no override: Word continues
    numbered(document, "丙", 94, 0)   # start override: a list of its own starting at 五
    numbered(document, "丁", 94, 0)
    assert read_docx_lines(save(document, tmp_path)) == ["一、甲", "二、乙", "五、丙", "六、丁"]


def test_numbering_switched_off_bullets_and_legal_style(tmp_path):
    document = docx.Document()
    add_list(document, 95, 95, (("bullet", "\u2022"),))
    add_list(document, 96, 96, (("chineseCounting", "第%1章"), ("decimal", "%1.%2")), extra="")
    numbered(document, "要点", 95, 0)
    numbered(document, "总则", 96, 0)
    numbered(document, "目的", 96, 1)
    numbered(document, "不编号", 0, 0)
    legal = document.part.numbering_part.element.findall(qn("w:abstractNum"))[-1].findall(qn("w:lvl"))[1]
    legal.insert(0, parse_xml(f'<w:isLgl {nsdecls("w")}/>'))
    assert read_docx_lines(save(document, tmp_path)) == ["要点", "第一章总则", "1.1目的", "不编号"]


def test_tables_tracked_changes_and_text_boxes(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for col, text in enumerate(("序号", "任务", "责任单位")):
        table.cell(0, col).text = text
    for col, text in enumerate(("1", "完善课程体系", "市教委")):
        table.cell(1, col).text = text
    layout = document.add_table(rows=1, cols=1)
    layout.cell(0, 0).text = "版式表格第一段"
    layout.cell(0, 0).add_paragraph("版式表格第二段")
    document.element.body.append(parse_xml(
        f'<w:p {nsdecls("w")}><w:r><w:t>保留</w:t></w:r><w:del w:id="1" w:author="a"><w:r>'
        f'<w:delText>删去</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>插入</w:t></w:r></w:ins>'
        f'</w:p>'))
    assert read_source(save(document, tmp_path)).lines == (
        "序号 | 任务 | 责任单位", "1 | 完善课程体系 | 市教委", "版式表格第一段", "版式表格第二段", "保留插入")


def test_truncated_docx_is_unreadable(tmp_path):
    document = docx.Document()
    document.add_paragraph("第一条 内容")
    full = save(document, tmp_path, "full.docx").read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(full[: len(full) // 2])
    with pytest.raises(UnreadableDocument, match="broken.docx.*不是有效的 .docx 文件"):
        read_source(broken)


def test_text_file_renamed_to_docx_is_unreadable(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_text("第一条 内容", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="fake.docx"):
        read_source(fake)


@pytest.mark.parametrize(("n", "expected"), [
    (1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九"), (100, "一百"),
    (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (2024, "二千零二十四"),
])
def test_chinese_counting(n, expected):
    assert chinese_counting(n) == expected


@pytest.mark.parametrize(("n", "fmt", "expected"), [
    (3, "decimal", "3"), (3, "lowerLetter", "c"), (28, "lowerLetter", "bb"), (4, "upperRoman", "IV"),
    (3, "ideographTraditional", "丙"), (11, "chineseLegalSimplified", "壹拾壹"), (3, "decimalEnclosedCircle", "③"),
    (12, "decimalFullWidth", "１２"), (5, "bullet", ""), (7, "someFutureFormat", "7"),
])
def test_format_number(n, fmt, expected):
    assert format_number(n, fmt) == expected

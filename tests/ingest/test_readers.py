"""read_source on plain text and Markdown files generated from the corpus, and its errors."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from policyqa.errors import UnreadableDocument
from policyqa.ingest.cleanup import clean_lines
from policyqa.ingest.readers import SUPPORTED_SUFFIXES, read_source
from policyqa.ingest.text_decoding import UndecodableText, common_han_share, decode_text

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
PLAN = CORPUS / "beijing-curriculum-reform-plan.txt"
PLAN_TEXT = PLAN.read_text(encoding="utf-8")
TRADITIONAL = ("中華人民共和國義務教育法第一條為了保障適齡兒童、少年接受義務教育的權利，保證義務教育的實施，"
               "提高全民族素質，根據憲法和教育法，制定本法。第二條國家實行九年義務教育制度。") * 3


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "detected"), [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("gb18030", "gb18030"),
    ("gbk", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_every_encoding_of_the_plan_gives_the_same_lines(tmp_path, encoding, detected):
    expected = read_source(PLAN).lines
    doc = read_source(write(tmp_path, f"plan-{encoding}.txt", PLAN_TEXT.encode(encoding)))
    assert doc.lines == expected
    assert doc.encoding == detected
    assert doc.name == f"plan-{encoding}.txt"


def test_crlf_line_endings_give_the_same_lines(tmp_path):
    doc = read_source(write(tmp_path, "plan.txt", PLAN_TEXT.replace("\n", "\r\n").encode("utf-8")))
    assert doc.lines == read_source(PLAN).lines


def test_source_document_fields(tmp_path):
    doc = read_source(PLAN)
    assert doc.name == "beijing-curriculum-reform-plan.txt"
    assert doc.lines[:2] == ("北京市深化基础教育课程教学改革", "实施方案")
    assert all(line and line == line.strip() for line in doc.lines)
    assert doc.warnings == ()


def test_big5_is_read_correctly_or_refused_never_garbled(tmp_path):
    path = write(tmp_path, "big5.txt", TRADITIONAL.encode("big5"))
    try:
        doc = read_source(path)
    except UnreadableDocument as err:
        assert "big5.txt" in str(err)
    else:
        assert doc.text == TRADITIONAL
        assert doc.encoding == "big5"
        assert any("charset-normalizer" in w for w in doc.warnings)


def test_gb18030_reading_of_other_bytes_is_rejected():
    # Big5 bytes are valid GB18030 byte pairs; the common-character check must refuse that reading.
    data = TRADITIONAL.encode("big5")
    assert common_han_share(data.decode("gb18030", errors="replace")) < 0.8
    assert common_han_share(PLAN_TEXT) > 0.99


def test_latin_text_in_an_unknown_code_page_is_refused():
    with pytest.raises(UndecodableText, match="另存为 UTF-8"):
        decode_text(("Café résumé naïve déjà vu. " * 5).encode("cp1252"))


def test_markdown_markup_is_stripped_and_numbering_kept(tmp_path):
    markdown = (
        "# 北京市深化基础教育课程教学改革实施方案\n\n<!-- 草稿\n注释 -->\n## 一、总体要求\n\n"
        "**（一）指导思想**\n\n以*习近平新时代中国特色社会主义思想*为指导。\n\n"
        "- 突出[价值导向](https://example.org/a)。\n* 突出目标导向。\n\n1.高质量实施国家课程方案。\n\n---\n"
        "> （2024年8月部署安排，至2027年持续推进）\n"
    )
    doc = read_source(write(tmp_path, "plan.md", markdown.encode("utf-8")))
    assert doc.lines == (
        "北京市深化基础教育课程教学改革实施方案", "一、总体要求", "（一）指导思想",
        "以习近平新时代中国特色社会主义思想为指导。", "突出价值导向。", "突出目标导向。",
        "1.高质量实施国家课程方案。", "（2024年8月部署安排，至2027年持续推进）",
    )


def test_markdown_of_the_corpus_equals_the_text(tmp_path):
    lines = clean_lines(PLAN_TEXT.splitlines()).lines
    markdown = f"# {lines[0]}\n\n" + "\n\n".join(lines[1:]) + "\n"
    assert read_source(write(tmp_path, "plan.md", markdown.encode("utf-8"))).lines == lines


# --- errors ----------------------------------------------------------------------------------

def assert_unreadable(path: Path, fragment: str, **kwargs) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read_source(path, **kwargs)
    message = str(caught.value)
    assert path.name in message and fragment in message
    assert "\n" not in message and "Traceback" not in message


def test_unknown_extension_lists_supported_ones(tmp_path):
    assert_unreadable(write(tmp_path, "plan.xlsx", b"PK"), ".txt .md .docx .pdf .html .htm")
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".docx", ".pdf", ".html", ".htm")


def test_old_word_file_gets_a_hint(tmp_path):
    assert_unreadable(write(tmp_path, "plan.doc", b"\xd0\xcf\x11\xe0"), "另存为 .docx")


def test_empty_file(tmp_path):
    assert_unreadable(write(tmp_path, "empty.txt", b""), "文件为空")


def test_file_of_blank_lines_has_no_text(tmp_path):
    assert_unreadable(write(tmp_path, "blank.md", "\n\u3000\u3000\n \t\n".encode("utf-8")), "没有文字")


def test_binary_txt_with_nul_bytes(tmp_path):
    assert_unreadable(write(tmp_path, "image.txt", bytes(range(256)) * 4), "二进制")


def test_undecodable_txt_without_nul_bytes(tmp_path):
    assert_unreadable(write(tmp_path, "noise.txt", bytes(range(1, 256)) * 4), "无法确定文本编码")


def test_valid_utf8_with_control_characters_is_refused(tmp_path):
    data = "第一条\x01\x02\x1b[0m".encode("utf-8") + PLAN_TEXT.encode("utf-8")
    assert_unreadable(write(tmp_path, "controls.txt", data), "非文本字符")


def test_private_use_characters_become_a_placeholder_noted_once(tmp_path):
    data = ("学校\ue010美育\ue010工作，\ue234。\n" + PLAN_TEXT).encode("utf-8")
    source = read_source(write(tmp_path, "rare.txt", data))
    assert source.lines[0] == "学校〓美育〓工作，〓。"
    assert [w for w in source.warnings if "私用区" in w] == ["3 个无法显示的字符（私用区 U+E010、U+E234，多为生僻字）以〓代替"]


def test_gb18030_reading_with_private_use_characters_is_still_a_wrong_guess():
    data = ("学校美育工作要求" * 20).encode("gbk") + b"\xaa\xa1"   # GB18030 user-defined area → U+E000
    assert data[-2:].decode("gb18030") == "\ue000"
    with pytest.raises(UndecodableText):
        decode_text(data)


def test_oversized_file(tmp_path):
    path = write(tmp_path, "plan.txt", PLAN_TEXT.encode("utf-8"))
    assert_unreadable(path, "文件过大", max_bytes=1_000)


def test_missing_file(tmp_path):
    assert_unreadable(tmp_path / "nowhere.txt", "文件不存在")


def test_uppercase_extension_is_accepted(tmp_path):
    assert read_source(write(tmp_path, "PLAN.TXT", PLAN_TEXT.encode("gb18030"))).lines == read_source(PLAN).lines


def test_utf32_bom(tmp_path):
    data = codecs.BOM_UTF32_LE + PLAN_TEXT.encode("utf-32-le")
    assert read_source(write(tmp_path, "plan32.txt", data)).encoding == "utf-32"

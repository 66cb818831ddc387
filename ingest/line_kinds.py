"""Recognising the non-numbered lines of a document's header: title pieces, 文号, dates,
signatures, addressees, a law's adoption history, decorative separators."""
from __future__ import annotations

import re

from policyqa.ingest.numbering import parse_numbering
from policyqa.numerals import CN_NUMERAL, cn_to_int
from policyqa.vocabulary import ALL_KIND_WORDS, OTHER_TITLE_ENDINGS, kind_alternation

DOC_NUMBER = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（〈<]\s*\d{4}\s*[〕\]］】)）〉>]\s*\d+\s*号"   # 教基〔2023〕4号
    r"|[\u4e00-\u9fff]{1,16}令\s*第\s*\d+\s*号"                                      # 国务院令第617号
)
"""A 文号 in any of its printed shapes, wherever it is read (ingest, questions, answers)."""
# What may stand beside a 文号 on its own line: brackets, spaces, and the year or date of issue.
_BESIDE_NUMBER = re.compile(r"[\s()（）]|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?")
_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_CN_DATE = re.compile(r"^([〇零一二三四五六七八九]{4})年([十一二三四五六七八九]{1,3})月([十一二三四五六七八九]{1,3})日$")
_HISTORY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日.{0,120}?(通过|修正|修订|公布|施行|批准|发布)[^。]*$")
_ORG_SUFFIX = re.compile(r"(部|厅|委|局|委员会|政府|办公室|办公厅|院|会|中心|署|总局|党委|人大)$")
_SENTENCE_PUNCT = re.compile(r"[。，；,;]")
_KIND_ENDING = re.compile(
    rf"({kind_alternation(ALL_KIND_WORDS, OTHER_TITLE_ENDINGS)})"
    r"[》」”]?(?:[（(][^（）()]*稿[）)])?$"
)
_DECOR = re.compile(r"[↓↑→←★☆■□◆◇●○▲△▼▽※]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ATTACHMENT = re.compile(r"^附件\s*\d*[:：]?$")


def doc_number_in(line: str) -> str | None:
    """The 文号 (教材厅函〔2023〕3号) when ``line`` is essentially only a 文号, else None."""
    match = DOC_NUMBER.search(line)
    if not match:
        return None
    rest = _BESIDE_NUMBER.sub("", line[:match.start()] + " " + line[match.end():])
    if len(rest) > 4:
        return None
    return re.sub(r"\s+", "", match.group(0))


def iso_date(line: str) -> str | None:
    """ISO date of a line that is only a date (2023年5月9日, （2017年08月14日） or 二〇二三年五月九日),
    else None."""
    line = re.sub(r"^[（(]\s*(.*?)\s*[）)]$", r"\1", line.strip())
    match = _DATE.match(line.strip())
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = _CN_DATE.match(line.strip())
        if not match:
            return None
        y = int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in match.group(1)))
        m, d = (cn_to_int(g) for g in match.groups()[1:])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def history_event(line: str) -> tuple[str, str] | None:
    """For a law's history line (1986年4月12日 …通过 / …修正), return (ISO date, event word)."""
    match = _HISTORY.match(line.strip())
    if not match:
        return None
    y, m, d = (int(g) for g in match.groups()[:3])
    return f"{y:04d}-{m:02d}-{d:02d}", match.group(4)


def is_org_line(line: str) -> bool:
    """A short signature line naming one or more issuing bodies (教育部 国家发展改革委 财政部)."""
    if len(line) > 40 or _SENTENCE_PUNCT.search(line) or parse_numbering(line):
        return False
    parts = [p for p in re.split(r"[\s\u3000、]+", line) if p]
    return bool(parts) and all(_ORG_SUFFIX.search(p) for p in parts)


def org_names(line: str) -> tuple[str, ...]:
    """Split a signature line into issuing bodies."""
    return tuple(p for p in re.split(r"[\s\u3000、]+", line) if p)


def is_addressee(line: str) -> bool:
    """The salutation of a notice: 各省、自治区、直辖市教育厅（教委）…："""
    return line.endswith(("：", ":")) and len(line) <= 120 and line.startswith("各")


def is_attachment_marker(line: str) -> bool:
    """A bare 附件 / 附件1 line above an attached document."""
    return bool(_ATTACHMENT.match(line))


def is_title_piece(line: str, *, max_chars: int = 48) -> bool:
    """Could ``line`` be (part of) a document title: short, no sentence punctuation, unnumbered."""
    return (
        0 < len(line) <= max_chars
        and not _SENTENCE_PUNCT.search(line)
        and parse_numbering(line) is None
        and doc_number_in(line) is None
        and iso_date(line) is None
        and history_event(line) is None
        and not is_decor(line)
    )


def ends_like_title(text: str) -> bool:
    """Does ``text`` end the way a document title does (…方案, …意见（征求意见稿）, …法)?"""
    return bool(_KIND_ENDING.search(text.strip()))


def is_draft_marker(line: str) -> bool:
    """A line such as （征求意见稿） / （送审稿） printed under a title."""
    return bool(re.fullmatch(r"[（(][^（）()]{0,8}稿[）)]", line.strip()))


def is_decor(line: str) -> bool:
    """A decorative separator (↓ 文件全文 ↓) that carries no policy text."""
    return bool(_DECOR.search(line)) and len(_CJK.findall(line)) <= 8


def is_toc_marker(line: str) -> bool:
    """The heading of a law's table of contents (目录 / 目 录)."""
    return re.sub(r"\s", "", line) == "目录"


CHAPTER_LINE = re.compile(rf"^第{CN_NUMERAL}[编章节]")

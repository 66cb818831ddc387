"""Document metadata read from the document's own header lines; None where the text is silent."""
from __future__ import annotations

import re

from policyqa.domain import DocKind, DocumentMeta, Level
from policyqa.ingest import line_kinds as lk
from policyqa.ingest.layout import Layout
from policyqa.regions import place_of
from policyqa.vocabulary import KIND_WORDS, LEGAL_FORMS, kind_alternation

_COVERING = re.compile(r"^(?P<issuer>.*?)关于(?:印发|公布)《(?P<inner>[^《》]+?)》的通知$")
"""A notice issuing the body's own plan: the plan's title is the document's (a forwarded document,
关于转发《…》的通知, keeps the notice's title: the inner title names another body's document)."""
_TITLE_ISSUER = re.compile(r"^(?P<issuer>[^《》，。]{2,40}?)(?:关于|印发|转发)")
_LEGISLATURE = re.compile(r"全国人民代表大会(?:常务委员会)?|[\u4e00-\u9fff]{2,12}?(?=第[一二三四五六七八九十]+届人民代表大会)")
_STATE_COUNCIL = re.compile(r"国务院")
_KIND_WORDS = tuple((kind, rf"({kind_alternation(words)})$") for kind, words in KIND_WORDS.items())


def _strip_draft(title: str) -> str:
    return re.sub(r"[（(][^（）()]{0,8}稿[）)]$", "", title).strip()


def _kind_of(title: str | None, is_law: bool) -> DocKind:
    if not title:
        return DocKind.LAW if is_law else DocKind.OTHER
    bare = _strip_draft(title).rstrip("》")
    for kind, pattern in _KIND_WORDS:
        if re.search(pattern, bare) and (kind is not DocKind.LAW or is_law):
            return kind
    return DocKind.LAW if is_law else DocKind.OTHER


def _level_and_region(title: str, issuers: tuple[str, ...], body: str) -> tuple[Level | None, str | None]:
    """Where the document comes from: its issuers' place (某市人民政府办公室 → 某市, 市级), else a
    place its title begins with (宁波市学校安全条例), else what its body calls its own area."""
    for name in (*issuers, title):
        if place := place_of(name):
            return place.level, place.region
    if re.search(r"(我省|全省|省级教育行政部门要)", body):
        return Level.PROVINCIAL, None
    if re.search(r"(我市|全市)", body):
        return Level.MUNICIPAL, None
    return None, None


def _legal_form(title: str, level: Level | None, issuers: tuple[str, ...], header: str) -> str | None:
    """Where a text with articles stands among China's legal forms (立法法): a 法 of the national
    legislature is 法律; what the State Council adopts or approves, 行政法规; what a local people's
    congress adopts, 地方性法规; a ministry's or a local government's 令, 规章; anything else with
    articles from a named issuer (an office's 管理办法), 规范性文件; None when the text names no issuer."""
    bodies = " ".join(issuers) + " " + header
    if _LEGISLATURE.search(bodies) and "全国人民代表大会" in bodies and title.endswith("法"):
        return LEGAL_FORMS[0]
    if level is Level.NATIONAL and _STATE_COUNCIL.search(bodies):
        return LEGAL_FORMS[1]
    if "人民代表大会" in bodies:
        return LEGAL_FORMS[2]
    if re.search(r"令\s*第\s*\d+\s*号", bodies):
        return LEGAL_FORMS[3]
    return LEGAL_FORMS[4] if issuers else None   # a text that names no issuer: not known


def _legislating_body(line: str) -> str | None:
    """The body a law's history line names: 全国人民代表大会常务委员会, 国务院, or a local
    人民代表大会常务委员会 (宁波市第十二届人民代表大会常务委员会 → 宁波市人民代表大会常务委员会)."""
    line = re.sub(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*", "", line)   # the date the line opens with
    if match := _LEGISLATURE.search(line):
        if match.group(0).startswith("全国"):
            return match.group(0)
        return match.group(0) + ("人民代表大会常务委员会" if "常务委员会" in line else "人民代表大会")
    return "国务院" if _STATE_COUNCIL.search(line) else None


class MetadataExtractor:
    """Reads title, issuers, 文号, date, level, draft status, kind and a law's history."""

    def extract(self, doc: str, layout: Layout, body: str) -> DocumentMeta:
        """Return the :class:`DocumentMeta` of one document; fields stay None when absent."""
        full_title = "".join(layout.title_lines).strip() or None
        title, issuers = full_title, ()
        if full_title and (covering := _COVERING.match(full_title)):
            title = covering.group("inner")
            if lk.is_org_line(covering.group("issuer")):
                issuers = lk.org_names(covering.group("issuer"))
        header = layout.header_lines
        signature = [ln for i, ln in enumerate(header) if lk.is_org_line(ln) and i + 1 < len(header)
                     and lk.iso_date(header[i + 1])]
        if signature:
            issuers = tuple(dict.fromkeys(n for ln in signature for n in lk.org_names(ln)))
        if not issuers and title and (named := _TITLE_ISSUER.match(full_title or "")):
            if lk.is_org_line(named.group("issuer")):
                issuers = lk.org_names(named.group("issuer"))
        history = [ev for ln in header if (ev := lk.history_event(ln))]
        if history and not issuers:
            # the body that last adopted or amended the text (not one that only approved it)
            events = [(ev[1], b) for ln in header if (ev := lk.history_event(ln)) and (b := _legislating_body(ln))]
            issuers = tuple([b for ev, b in events if ev in ("通过", "修正", "修订")][-1:] or [b for _, b in events][:1])
        dates = [d for ln in header if (d := lk.iso_date(ln))]
        adopted = next((d for d, ev in history if ev == "通过"), None)
        amended = tuple(d for d, ev in history if ev in ("修正", "修订"))
        date = dates[-1] if dates else (max(d for d, _ in history) if history else None)
        level, region = _level_and_region(title or "", issuers, body)
        # a law's history lists the 令 of each revision: the last one is the text's; a notice
        # prints its own 文号 first (a 文号 cited further down is another document's)
        numbers = [n for ln in header if (n := lk.doc_number_in(ln))]
        kind = _kind_of(title, layout.is_law)
        return DocumentMeta(
            doc=doc, title=title, issuers=issuers,
            doc_number=numbers[-1] if history and numbers else next(iter(numbers), None),
            date=date, level=level, region=region,
            is_draft=any("征求意见稿" in ln for ln in (*layout.title_lines, *header)),
            kind=kind, adopted=adopted, amended=amended,
            legal_form=_legal_form(title or "", level, issuers, " ".join(header)) if kind is DocKind.LAW else None,
        )

"""Document metadata read from the document's own header lines; None where the text is silent."""
from __future__ import annotations

import re

from policyqa.domain import DocKind, DocumentMeta, Level
from policyqa.ingest import line_kinds as lk
from policyqa.ingest.layout import Layout
from policyqa.vocabulary import KIND_WORDS, kind_alternation

_COVERING = re.compile(r"^(?P<issuer>.*?)关于(?:印发|转发|公布)《(?P<inner>.+?)》的通知$")
_MUNICIPALITY = re.compile(r"(北京|上海|天津|重庆)市|[\u4e00-\u9fff]{2,4}市(?=教育|人民政府|委|深化|关于)")
_PROVINCE = re.compile(r"[\u4e00-\u9fff]{2,3}(省|自治区)(?=教育|人民政府|委|深化|关于)")
_NATIONAL = re.compile(r"^(中华人民共和国|教育部|国务院|中共中央|国家|全国人民代表大会)")
_LEGISLATURE = re.compile(r"全国人民代表大会(?:常务委员会)?")
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
    named = " ".join((title, *issuers))
    if match := _MUNICIPALITY.search(named):
        return Level.MUNICIPAL, match.group(0)
    if match := _PROVINCE.search(named):
        return Level.PROVINCIAL, match.group(0)
    if _NATIONAL.search(title) or any(_NATIONAL.search(i) for i in issuers):
        return Level.NATIONAL, None
    if re.search(r"(我省|全省|省级教育行政部门要)", body):
        return Level.PROVINCIAL, None
    if re.search(r"(我市|全市)", body):
        return Level.MUNICIPAL, None
    return None, None


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
        history = [ev for ln in header if (ev := lk.history_event(ln))]
        if history and not issuers:
            issuers = tuple(dict.fromkeys(m.group(0) for ln in header if (m := _LEGISLATURE.search(ln))))[-1:]
        dates = [d for ln in header if (d := lk.iso_date(ln))]
        adopted = next((d for d, ev in history if ev == "通过"), None)
        amended = tuple(d for d, ev in history if ev in ("修正", "修订"))
        date = dates[-1] if dates else (max(d for d, _ in history) if history else None)
        level, region = _level_and_region(title or "", issuers, body)
        return DocumentMeta(
            doc=doc, title=title, issuers=issuers,
            doc_number=next((n for ln in header if (n := lk.doc_number_in(ln))), None),
            date=date, level=level, region=region,
            is_draft=any("征求意见稿" in ln for ln in (*layout.title_lines, *header)),
            kind=_kind_of(title, layout.is_law), adopted=adopted, amended=amended,
        )

"""Is a question about something the library covers at all?

Everything here is read from the library itself — the documents' titles, regions and issuers as
ingested, and the text of local documents — so a document a user adds about any province, city or
district is in scope the moment it is ingested. Four checks, each general:

- a **place** the question names (:mod:`policyqa.assistant.names`) that no document is from and no
  local document mentions (上海 when the library holds no Shanghai document);
- a document named in 《》 that is neither in the library nor quoted by it;
- a **law or regulation** named without 《》 (found by its shape, :mod:`policyqa.assistant.names`)
  that is not one of the library's titles (劳动法 is not 教育法);
- a **year** that the documents in scope never mention (2030年 for a plan that runs to 2027), when
  the question asks what was said about it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import TYPE_CHECKING

from policyqa.assistant.names import place_stem
from policyqa.domain import DocumentMeta, Level
from policyqa.index.aliases import bare_title
from policyqa.index.catalog import Catalog

if TYPE_CHECKING:
    from policyqa.assistant.reading import Reading

_TITLE = re.compile(r"《([^》]{2,60})》")


@dataclass(frozen=True)
class ScopeGap:
    """Why a question falls outside the library, in one line for the user."""

    reason: str


class ScopeChecker:
    """Finds what a question names that the library does not hold."""

    def __init__(self, catalog: Catalog, is_word: Callable[[str], bool]) -> None:
        """``is_word`` tells a dictionary word (to read 现行的某法 as that law, and a longer name whose
        prefix makes a word with its subject as another law)."""
        self.is_word = is_word
        documents = catalog.documents
        self._titles = [bare_title(d.title) for d in documents if d.title]
        local = {d.doc for d in documents if d.level is not Level.NATIONAL}
        self._places = "".join((d.title or "") + (d.region or "") + "".join(d.issuers) for d in documents) \
            + "".join(c.text for c in catalog.clauses if c.doc in local)
        parts: dict[str, list[str]] = {d.doc: self._meta_years(d) for d in documents}
        for clause in catalog.clauses:
            parts.setdefault(clause.doc, []).extend((clause.text, clause.schedule or ""))
        self._texts = {doc: "".join(texts) for doc, texts in parts.items()}   # clauses + metadata years
        self._everything = " ".join([d.title for d in documents if d.title] + self._titles) + "".join(self._texts.values())

    def gaps(self, reading: "Reading") -> list[ScopeGap]:
        """What ``reading`` asks about outside the library (empty when nothing). A year the
        documents never mention is a gap only when the question asks what was said about it
        (2030年的目标是什么); a question that asserts it (说是2025年要完成，该怎么安排) is
        answered with what the documents do say (:meth:`unmentioned_years`)."""
        found = self._missing_places(reading) + self._missing_titles(reading) + self._missing_laws(reading)
        return found or (self.unmentioned_years(reading) if reading.asks_content else [])

    def unmentioned_years(self, reading: "Reading") -> list[ScopeGap]:
        """Years the question mentions that the documents in scope never do (all documents
        when it names none)."""
        docs = list(reading.docs) or list(self._texts)
        return [ScopeGap(f"所涉文件没有提到{year}") for year in reading.years
                if not any(year in self._texts.get(doc, "") for doc in docs)]

    def _missing_places(self, reading: "Reading") -> list[ScopeGap]:
        gaps = []
        for place in reading.places:
            if not any(place_stem(p) in self._places for p in place.parts):
                gaps.append(ScopeGap(f"库中没有{place.text}的文件"))
        return gaps

    def _missing_titles(self, reading: "Reading") -> list[ScopeGap]:
        return [ScopeGap(f"库中没有《{m.group(1)}》") for m in _TITLE.finditer(reading.text)
                if m.group(1) not in self._everything and not _covered(reading, m.start(1), m.end(1))]

    def _missing_laws(self, reading: "Reading") -> list[ScopeGap]:
        titled = [m.span(1) for m in _TITLE.finditer(reading.text)]
        return [ScopeGap(f"库中没有《{law.text}》") for law in reading.laws
                if not any(self._names(law.text, title) for title in self._titles)
                and not (law.text.endswith(("号", "号令")) and law.text in self._everything)   # a decree the library cites
                and not _covered(reading, law.start, law.end)
                and not any(s <= law.start and law.end <= e for s, e in titled)]

    def _names(self, law: str, title: str) -> bool:
        """Does ``law`` (as the question writes it) name the document titled ``title``? It does when
        it is part of the title, or when it ends with the title and what comes before only
        qualifies it (现行的某法) rather than forming, with the title's subject, a word of the
        dictionary or a phrase the library writes (X + 教育 a word: X教育法 is another law than 教育法)."""
        if law in title:
            return True
        if not law.endswith(title) or len(law) == len(title):
            return False
        subject = law[:len(law) - len(title)] + re.sub(r"(法|条例|规定|办法|规则|细则)$", "", title)
        return not (self.is_word(subject) or subject in self._everything)

    @staticmethod
    def _meta_years(meta: DocumentMeta) -> list[str]:
        return [f"{d[:4]}年" for d in (meta.date, meta.adopted, *meta.amended) if d]


def _covered(reading: "Reading", start: int, end: int) -> bool:
    """Does a document the question names (as resolved) span ``start:end``?"""
    return any(m.start <= start and end <= m.end for m in reading.query.mentions)

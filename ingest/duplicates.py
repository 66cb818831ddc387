"""How the documents of a library relate, decided per document, not per sentence.

- a **copy** is the same document in another file or format (same title, place and date, same
  text): it is ingested once, as the more authoritative file, and its record says ``copy_of``;
- a **version** is the same law or regulation with another adoption/amendment date: the newest
  is in force, each older one says ``superseded_by`` it;
- a **repost** is a page with no identity of its own (a web page, or a text that prints no
  issuer and no 文号) carrying another document's text: its clauses point at their twins;
- anything else is a **different document**, however much wording it shares (local plans
  implementing one national opinion share templates): no links.

Clauses are compared by character shingles after normalising width, punctuation and white space,
so a news page that reposts a plan with half-width punctuation is still caught.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import groupby

from policyqa.domain import Clause, DocKind, ParsedDocument

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise_for_matching(text: str) -> str:
    """Fold width (NFKC), drop white space and punctuation: the text two copies share."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(text: str, size: int = 5) -> frozenset[str]:
    """Character ``size``-grams of the normalised text (the whole text when shorter)."""
    norm = normalise_for_matching(text)
    if len(norm) <= size:
        return frozenset({norm}) if norm else frozenset()
    return frozenset(norm[i:i + size] for i in range(len(norm) - size + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of ``a``'s shingles found in ``b`` (1.0 when a is inside b)."""
    return len(a & b) / len(a) if a else 0.0


def _authority(doc: ParsedDocument) -> int:
    """How much a document looks like the official source: laws and texts that print their
    issuer, 文号 and date rank high; a web page (chrome removed) or a draft ranks low."""
    meta = doc.meta
    score = sum(bool(x) for x in (meta.title, meta.issuers, meta.doc_number, meta.date))
    score += 2 * (meta.kind is DocKind.LAW) - 3 * doc.source.web_page - meta.is_draft
    return score


def identity(doc: ParsedDocument) -> tuple[str, str] | None:
    """What names a document whatever file it came in: its title (width, spaces and punctuation
    folded, a leading 中华人民共和国 dropped) and its region; None without a title."""
    meta = doc.meta
    if not meta.title:
        return None
    return normalise_for_matching(meta.title).removeprefix("中华人民共和国"), meta.region or ""


def _has_own_identity(doc: ParsedDocument) -> bool:
    """A document that says who issued it (an issuer, a 文号, or its own place and date) and is not
    a saved web page: it is never taken for a repost of another document."""
    meta = doc.meta
    return bool(meta.issuers or meta.doc_number or (meta.region and meta.date)) and not doc.source.web_page


@dataclass(frozen=True)
class DuplicateFinder:
    """Finds copies, versions and reposts among parsed documents (see the module docstring).

    ``threshold`` is the share of a clause's shingles that must appear in its twin (both ways the
    smaller of the two containments counts, so a short quote inside a long clause is no twin);
    ``copy_share`` the share of a document's clauses that must have twins in the other file for
    two files of one identity and date to be copies.
    """

    threshold: float = 0.8
    min_chars: int = 12
    shingle_size: int = 5
    copy_share: float = 0.9

    def link(self, documents: list[ParsedDocument]) -> list[ParsedDocument]:
        """Return the documents with copies (clauses dropped, ``copy_of`` set), versions
        (``superseded_by``) and reposts (``repost_of`` and clause ``duplicate_of``) marked.

        The kept copy and a repost's original are the more authoritative document (see
        :func:`_authority`); between equals, the one read first."""
        rank = {d.meta.doc: (_authority(d), -i) for i, d in enumerate(documents)}
        pairs = self._pairs(documents)
        shared = _shared_counts(pairs, documents)
        meta = {d.meta.doc: d.meta for d in documents}
        for group in _identity_groups(documents):
            for date, same_date in groupby(sorted(group, key=lambda d: d.meta.date or ""), key=lambda d: d.meta.date):
                kept, *others = sorted(same_date, key=lambda d: rank[d.meta.doc], reverse=True)
                for other in others:
                    if shared[other.meta.doc, kept.meta.doc] >= self.copy_share * _countable(other):
                        meta[other.meta.doc] = replace(meta[other.meta.doc], copy_of=kept.meta.doc)
            laws = [d for d in group if d.meta.kind is DocKind.LAW and d.meta.date and not meta[d.meta.doc].copy_of]
            if len({d.meta.date for d in laws}) > 1:
                newest = max(laws, key=lambda d: (d.meta.date, rank[d.meta.doc])).meta.doc
                for law in laws:
                    if law.meta.doc != newest:
                        meta[law.meta.doc] = replace(meta[law.meta.doc], superseded_by=newest)
        by_id = {c.id: c for d in documents for c in d.clauses}
        docs = {d.meta.doc: d for d in documents}
        twin_of: dict[str, str] = {}
        for a, b in pairs:
            copy, original = (a, b) if rank[by_id[a].doc] < rank[by_id[b].doc] else (b, a)
            if not _has_own_identity(docs[by_id[copy].doc]):
                twin_of.setdefault(copy, original)
        return [self._apply(replace(d, meta=meta[d.meta.doc]), twin_of, by_id) for d in documents]

    def _pairs(self, documents: list[ParsedDocument]) -> list[tuple[str, str]]:
        index: dict[str, set[str]] = defaultdict(set)
        grams: dict[str, frozenset[str]] = {}
        doc_of: dict[str, str] = {}
        for doc in documents:
            for clause in doc.clauses:
                if clause.kind in ("header", "outline") or len(normalise_for_matching(clause.text)) < self.min_chars:
                    continue
                grams[clause.id] = shingles(clause.text, self.shingle_size)
                doc_of[clause.id] = clause.doc
                for g in grams[clause.id]:
                    index[g].add(clause.id)
        pairs: set[tuple[str, str]] = set()
        for cid, own in grams.items():
            hits: dict[str, int] = defaultdict(int)
            for g in own:
                for other in index[g]:
                    if doc_of[other] != doc_of[cid]:
                        hits[other] += 1
            for other, shared in hits.items():
                overlap = min(shared / len(own), shared / len(grams[other]))
                if overlap >= self.threshold:
                    pairs.add(tuple(sorted((cid, other))))
        return sorted(pairs)

    @staticmethod
    def _apply(doc: ParsedDocument, twin_of: dict[str, str], by_id: dict[str, Clause]) -> ParsedDocument:
        if doc.meta.copy_of:
            return replace(doc, clauses=())
        clauses = tuple(replace(c, duplicate_of=twin_of.get(c.id)) for c in doc.clauses)
        copies = [c for c in clauses if c.duplicate_of]
        meta = doc.meta
        if copies and len(copies) >= 0.5 * _countable(doc):
            sources = defaultdict(int)
            for c in copies:
                sources[by_id[c.duplicate_of].doc] += 1
            meta = replace(meta, kind=DocKind.REPOST, repost_of=max(sources, key=sources.get))
        return replace(doc, clauses=clauses, meta=meta)


def _countable(doc: ParsedDocument) -> int:
    """The clauses of ``doc`` that carry text (not its header and outline records)."""
    return sum(c.kind not in ("header", "outline") for c in doc.clauses)


def _identity_groups(documents: list[ParsedDocument]) -> list[list[ParsedDocument]]:
    """Documents sharing one :func:`identity`, for each identity held by more than one."""
    groups: dict[tuple[str, str], list[ParsedDocument]] = defaultdict(list)
    for doc in documents:
        if (key := identity(doc)) is not None:
            groups[key].append(doc)
    return [g for g in groups.values() if len(g) > 1]


def _shared_counts(pairs: list[tuple[str, str]], documents: list[ParsedDocument]) -> dict[tuple[str, str], int]:
    """For each ordered pair of documents, how many clauses of the first have a twin in the second."""
    doc_of = {c.id: c.doc for d in documents for c in d.clauses}
    twins: dict[tuple[str, str], set[str]] = defaultdict(set)
    for a, b in pairs:
        twins[doc_of[a], doc_of[b]].add(a)
        twins[doc_of[b], doc_of[a]].add(b)
    return defaultdict(int, {k: len(v) for k, v in twins.items()})

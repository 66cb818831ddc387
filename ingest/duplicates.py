"""Near-duplicate clauses across documents: a reposted clause points at its official twin.

Clauses are compared by character shingles after normalising width, punctuation and white space,
so a news page that reposts a plan with half-width punctuation is still caught.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class DuplicateFinder:
    """Links clauses that repeat a clause of another document.

    ``threshold`` is the share of a clause's shingles that must appear in its twin (both ways the
    smaller of the two containments counts, so a short quote inside a long clause is no twin).
    """

    threshold: float = 0.8
    min_chars: int = 12
    shingle_size: int = 5

    def link(self, documents: list[ParsedDocument]) -> list[ParsedDocument]:
        """Return the documents with ``duplicate_of`` set on repeated clauses and reposts marked.

        The canonical copy is the one in the more authoritative document (see :func:`_authority`);
        between equals, the one read first.
        """
        pairs = self._pairs(documents)
        rank = {d.meta.doc: (_authority(d), -i) for i, d in enumerate(documents)}
        by_id = {c.id: c for d in documents for c in d.clauses}
        twin_of: dict[str, str] = {}
        for a, b in pairs:
            a_is_copy = rank[by_id[a].doc] < rank[by_id[b].doc]
            copy, original = (a, b) if a_is_copy else (b, a)
            twin_of.setdefault(copy, original)
        return [self._apply(d, twin_of, by_id) for d in documents]

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
        clauses = tuple(replace(c, duplicate_of=twin_of.get(c.id)) for c in doc.clauses)
        copies = [c for c in clauses if c.duplicate_of]
        meta = doc.meta
        if len(copies) >= 0.5 * sum(c.kind not in ("header", "outline") for c in clauses) and copies:
            sources = defaultdict(int)
            for c in copies:
                sources[by_id[c.duplicate_of].doc] += 1
            meta = replace(meta, kind=DocKind.REPOST, repost_of=max(sources, key=sources.get))
        return replace(doc, clauses=clauses, meta=meta)

"""What changed between two versions of a law, article by article.

Articles are matched by their text, not their numbers (an amendment renumbers everything after an
inserted article): each article of the newer version is paired with the most similar unpaired
article of the older one (character bigrams). A pair
with the same normalised text is unchanged; a pair at least :data:`REWORDED` similar is reworded.
When both versions have about as many articles (an amendment, not a rewrite), an article left
without a partner is paired with the same-numbered one if that is unpaired too (rewritten in place).
The rest are added (newer only) or removed (older only).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.domain import Clause
from policyqa.ingest.duplicates import normalise_for_matching, shingles

REWORDED = 0.5
"""The least overlap of character bigrams (shared / larger set) for two articles to count as one
article reworded. Bigrams, not the 5-character shingles of duplicate detection: a reworded article
keeps its words but not its phrases (体育法 第一条 2016 → 2022 shares 0.53 of its bigrams and
almost none of its 5-grams)."""
SHINGLE = 2


@dataclass(frozen=True)
class ArticleChange:
    """One article added (``old`` None), removed (``new`` None) or reworded (both)."""

    kind: str            # added | removed | reworded
    old: Clause | None
    new: Clause | None
    similarity: float = 0.0


@dataclass(frozen=True)
class VersionChanges:
    """The changes from ``old_doc`` to ``new_doc`` in the newer version's order (removed last),
    and how many articles stayed word for word."""

    old_doc: str
    new_doc: str
    changes: tuple[ArticleChange, ...]
    unchanged: int

    @property
    def rewritten(self) -> bool:
        """A comprehensive revision: fewer than a third of the older articles are found again."""
        kept = self.unchanged + len(self.of("reworded"))
        return kept < (kept + len(self.of("removed"))) / 3

    def of(self, kind: str) -> list[ArticleChange]:
        """The changes of one kind."""
        return [c for c in self.changes if c.kind == kind]


def _articles(clauses: Sequence[Clause]) -> list[Clause]:
    return [c for c in clauses if c.kind not in ("header", "outline", "preamble") and c.label.startswith("第")
            and c.label.endswith("条")]


def version_changes(old_doc: str, old: Sequence[Clause], new_doc: str, new: Sequence[Clause]) -> VersionChanges:
    """Compare the articles of two versions (``old`` and ``new`` are their clauses in order)."""
    old_articles, new_articles = _articles(old), _articles(new)
    grams = {c.id: shingles(c.text, SHINGLE) for c in (*old_articles, *new_articles)}
    pairs = []
    for n in new_articles:
        for o in old_articles:
            shared = len(grams[n.id] & grams[o.id])
            if shared:
                pairs.append((shared / max(len(grams[n.id]), len(grams[o.id])), n.id, o.id))
    matched: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for similarity, n_id, o_id in sorted(pairs, reverse=True):
        if similarity >= REWORDED and n_id not in matched and o_id not in used:
            matched[n_id] = (o_id, similarity)
            used.add(o_id)
    if abs(len(new_articles) - len(old_articles)) <= 0.1 * max(len(old_articles), 1):
        # numbering kept (an amendment, not a rewrite): an article whose text found no partner is
        # the same-numbered article rewritten, when that one found none either
        left = {o.label: o for o in old_articles if o.id not in used}
        for n in new_articles:
            if n.id not in matched and n.label in left:
                matched[n.id] = (left[n.label].id, 0.0)
                used.add(left.pop(n.label).id)
    by_id = {c.id: c for c in old_articles}
    changes, unchanged = [], 0
    for n in new_articles:
        if n.id not in matched:
            changes.append(ArticleChange("added", None, n))
            continue
        o = by_id[matched[n.id][0]]
        if _body(o) == _body(n):
            unchanged += 1
        else:
            changes.append(ArticleChange("reworded", o, n, matched[n.id][1]))
    changes += [ArticleChange("removed", o, None) for o in old_articles if o.id not in used]
    return VersionChanges(old_doc, new_doc, tuple(changes), unchanged)


def _body(clause: Clause) -> str:
    """The article's text without its number (renumbering alone is no change)."""
    return normalise_for_matching(clause.text.removeprefix(clause.label))

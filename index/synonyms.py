"""Query expansion from colloquial wording to the vocabulary of laws and policy documents.

A parent asks whether a teacher may 打 a pupil; the law says 不得对学生实施体罚. BM25 cannot match the two and
the small embedder matches them only weakly, so a question's colloquial words add their legal
terms to the BM25 query (never to the text that is embedded, and never replacing a word). The
table, ``data/synonyms.txt``, is general vocabulary, one concept per line::

    体罚 变相体罚 | 打 打骂 动手 揍

"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policyqa.index.tokenize import DATA_DIR

SYNONYMS_PATH = DATA_DIR / "synonyms.txt"


@dataclass(frozen=True)
class SynonymEntry:
    """One concept: the legal ``terms`` added when a question uses any of the ``triggers``."""

    terms: tuple[str, ...]
    triggers: tuple[str, ...]


@dataclass(frozen=True)
class SynonymTable:
    """Colloquial triggers → legal terms; build with :meth:`load` or :meth:`parse`."""

    entries: tuple[SynonymEntry, ...] = ()

    @classmethod
    def load(cls, path: Path = SYNONYMS_PATH) -> SynonymTable:
        """Read a table file (UTF-8, ``#`` comments); raises OSError, or ValueError naming a bad line."""
        return cls.parse(Path(path).read_text(encoding="utf-8"), source=str(path))

    @classmethod
    def parse(cls, text: str, *, source: str = "<text>") -> SynonymTable:
        """Parse ``terms | triggers`` lines; raises ValueError naming the first malformed line."""
        entries = []
        for number, line in enumerate(text.splitlines(), 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            left, bar, right = line.partition("|")
            terms, triggers = tuple(left.split()), tuple(right.split())
            if not bar or not terms or not triggers:
                raise ValueError(f"{source} 第 {number} 行应为 “法定用语 … | 口语说法 …”，实为 “{line}”")
            entries.append(SynonymEntry(terms, triggers))
        return cls(tuple(entries))

    def expand(self, question: str, tokens: Sequence[str]) -> list[str]:
        """The legal terms for the colloquial words of ``question``, in table order, without
        repeats or terms already in the question. ``tokens`` are the question's word tokens: a
        one-character trigger must be one of them (打 in 动手打学生, not in 打工); a longer trigger
        only has to occur in the text."""
        words = set(tokens)
        added: dict[str, None] = {}
        for entry in self.entries:
            if any(_uses(t, question, words) for t in entry.triggers):
                added.update((term, None) for term in entry.terms if term not in question)
        return list(added)


def _uses(trigger: str, question: str, words: set[str]) -> bool:
    return trigger in words if len(trigger) == 1 else trigger in question

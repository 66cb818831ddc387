"""Reading a message once: normalise it, resolve a follow-up, split it into question parts, and
read each part into a frozen :class:`Reading` that every later stage uses as it is.

A message may ask several things: parts end at a question mark or start with a number (1. … 2. …
/ （1）… （2）…). A part that names no document is about the documents of the part before it.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from policyqa.assistant.answer import Turn
from policyqa.assistant.followup import FollowUpResolver
from policyqa.assistant.frame import QuestionFrame, asks_content, read_frame
from policyqa.assistant.names import Name, Place, find_laws, find_places, gazetteer
from policyqa.assistant.question import QuestionNormaliser
from policyqa.domain import Clause
from policyqa.index.query import Query
from policyqa.index.retriever import HybridRetriever
from policyqa.index.spelling import Correction, LibrarySpeller, library_text

MAX_PARTS = 6
_NUMBERED = re.compile(r"(?:^|(?<=[\s？?。；;！!：:，,]))\s*(?:[（(](\d{1,2})[）)]|(?<![\d第])(\d{1,2})[.、．)）](?!\d))\s*")
"""A number that may start a question of a numbered list (1. / 2、 / （3）), not a figure (1.5小时) or
a clause (第1条); it splits the message only when the numbers run 1, 2, 3 … (an item label such
as “5.” in a question about a clause is left alone)."""
_PART_END = re.compile(r"(?<=[？?])")
_LATIN = re.compile(r"[A-Za-z]")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}年")


@dataclass(frozen=True, eq=False)
class Reading:
    """One question part as read once: its text, its retrieval reading (documents named,
    tokens, vector), what it asks (``frame``), the places and laws it names, and, for a
    follow-up about the clause just cited, that clause (``focus``)."""

    text: str
    query: Query
    frame: QuestionFrame
    asks_content: bool
    places: tuple[Place, ...]
    laws: tuple[Name, ...]
    english: bool
    years: tuple[str, ...] = ()
    focus: Clause | None = None

    @property
    def docs(self) -> tuple[str, ...]:
        """The documents this part is about (named, or inherited from the part before)."""
        return self.query.docs


@dataclass(frozen=True)
class Message:
    """A whole message as read: the normalised text, the self-contained text after resolving a
    follow-up (None when unchanged), and one :class:`Reading` per question part."""

    asked: str
    effective: str | None
    parts: tuple[Reading, ...]
    corrections: tuple[Correction, ...] = ()


def split_parts(text: str) -> list[str]:
    """The questions of a message: split before a list number and after a question mark;
    pieces shorter than five characters stay with their neighbour."""
    marks = list(_NUMBERED.finditer(text))
    numbered = len(marks) >= 2 and [int(m.group(1) or m.group(2)) for m in marks] == list(range(1, len(marks) + 1))
    chunks = [text[a.end():b.start() if b else len(text)] for a, b in zip(marks, marks[1:] + [None])] if numbered else [text]
    if numbered and text[:marks[0].start()].strip():   # 我想问：1、… — the lead-in belongs to each question
        chunks = [text[:marks[0].start()] + chunk for chunk in chunks]
    pieces = [p for chunk in chunks for p in _PART_END.split(chunk)]
    parts: list[str] = []
    for piece in (p.strip() for p in pieces):
        if len(piece) >= 5 or not parts:
            parts.append(piece)
        else:
            parts[-1] += piece
    parts = [p for p in parts if p] or [text]
    return parts[:MAX_PARTS - 1] + ["".join(parts[MAX_PARTS - 1:])] if len(parts) > MAX_PARTS else parts


def is_english(text: str) -> bool:
    """Is the question written mostly in Latin letters (an English question)?"""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(_LATIN.match(c)) for c in letters) > 0.6 * len(letters)


class QuestionReader:
    """Turns a raw message into :class:`Message`: every stage after this one reads the parts."""

    def __init__(self, retriever: HybridRetriever, normaliser: QuestionNormaliser | None = None,
                 declines: Callable[[str], bool] = lambda text: False) -> None:
        """``declines`` tells a message the assistant will not answer whatever the documents say:
        its parts are read without a query vector (nothing to retrieve)."""
        self.retriever, self.declines = retriever, declines
        self.normaliser = normaliser or QuestionNormaliser().load()
        self.places = gazetteer(retriever.tokenizer.word_tags())
        self.followups = FollowUpResolver(retriever.resolver, retriever.tokenizer, self.places,
                                          idf=retriever.bm25.idf, embed=retriever.embedder.embed_queries)
        catalog = retriever.catalog
        texts = [d.title or "" for d in catalog.documents] + [c.text for c in catalog.clauses]
        self.speller = LibrarySpeller(retriever.bm25.document_frequencies(), library_text(texts),
                                      retriever.tokenizer.is_word, retriever.tokenizer.stopwords)

    def read(self, raw: object, history: Sequence[Turn] = ()) -> Message:
        """Read ``raw``; raises InvalidQuestion (one line) for an empty, symbol-only or over-long one."""
        asked = self.normaliser.normalise(raw)
        resolved = self.followups.resolve(asked, list(history or ()))
        parts: list[Reading] = []
        corrections: list[Correction] = []
        embed = not self.declines(asked)
        for text in split_parts(resolved.text):
            inherited = parts[-1].docs if parts else ()
            context = resolved.context if not parts else ""
            parts.append(self.read_part(text, inherited, resolved.focus if not parts else None, corrections,
                                        embed=embed, context=context))
        effective = resolved.reading if resolved.reading != asked else None
        return Message(asked, effective, tuple(parts), tuple(corrections))

    def read_part(self, text: str, inherited: Sequence[str] = (), focus: Clause | None = None,
                  corrections: list[Correction] | None = None, *, embed: bool = True, context: str = "") -> Reading:
        """One question part, read once (after its typos are corrected; what was corrected is
        added to ``corrections``). A follow-up's ``context`` (the previous question's content) is
        read with it for retrieval and judgement; what the part asks (its frame) is its own."""
        asks = text
        text = f"{context}，{text}" if context else text
        words = self.retriever.tokenizer.tagged(text)
        query = self.retriever.read(text, inherited_docs=inherited, embed=False)
        named = [(m.start, m.end) for m in query.mentions]
        text, corrected = self.speller.correct(text, words, protected=named)
        if corrected:   # read again what the user meant
            words = self.retriever.tokenizer.tagged(text)
            query = self.retriever.read(text, inherited_docs=inherited, embed=False)
            if corrections is not None:
                corrections.extend(corrected)
        if embed:
            query = self.retriever.embedded(query)   # once, what was meant
        laws = find_laws(words, self.retriever.tokenizer.is_word)
        own = text[len(text) - len(asks):] if context else text   # the part itself, after its corrections
        return Reading(
            text=text, query=query, frame=read_frame(own), asks_content=asks_content(own),
            places=tuple(find_places(words, self.places)), laws=tuple(laws), english=is_english(text),
            years=tuple(dict.fromkeys(_YEAR.findall(text))), focus=focus,
        )

"""Correcting a mistyped word in a question against the library's own vocabulary.

No list of typos: a stretch of the question that occurs nowhere in the library and is no word of
the dictionary, one character away from a word the library uses (行懂 → 行动, 扩有提质 → 扩优提质),
is replaced by that word. Only a word that fell apart is touched: the changed character must be a
lone character of the question's dictionary cut next to another lone one (扩/有/提质, 行/懂), never
part of a dictionary word (北京方案, 老师能) nor a word beside a real one (让/学生), and the
replacement must pair with its neighbours as the library writes them (大行动).
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_WINDOWS = (4, 3, 2)
_FUNCTION_TAG = re.compile(r"^(f|p|c|u\w*|y|r|d|m|q|e|o)$")
"""Tags of function words (里, 对, 的, 吗, 哪, 多): a lone one is grammar, not a broken word."""
MIN_DOCUMENT_FREQUENCY = 2
"""A correction must be a word the library uses in at least this many clauses."""
MIN_CONTEXT_COUNT = 3
"""A two-character correction must occur with its neighbour this often in the library: a phrase the
library keeps writing (大行动), not a chance meeting of characters."""


@dataclass(frozen=True)
class Correction:
    """One replaced stretch of the question."""

    typed: str
    meant: str


class LibrarySpeller:
    """Finds and corrects one-character typos; build once per library."""

    def __init__(self, frequencies: Mapping[str, int], library_text: str, is_word: Callable[[str], bool],
                 function_words: Iterable[str] = ()) -> None:
        """``frequencies``: the library's terms with their clause counts; ``library_text``: all its
        text; ``is_word``: whether a string is a dictionary word (never corrected);
        ``function_words``: characters never taken for a typo (吗, 的, 了: the stopwords)."""
        self._text, self._is_word = library_text, is_word
        self._function_words = frozenset(function_words)
        self._frequencies = frequencies
        self._bigrams = {m.group()[i:i + 2] for m in _CJK_RUN.finditer(library_text) for i in range(len(m.group()) - 1)}
        self._near: dict[str, list[str]] = defaultdict(list)
        for word, df in frequencies.items():
            if 2 <= len(word) <= 4 and df >= MIN_DOCUMENT_FREQUENCY and _CJK_RUN.fullmatch(word):
                for i in range(len(word)):
                    self._near[word[:i] + "?" + word[i + 1:]].append(word)

    def correct(self, question: str, words: Sequence[tuple[str, str]],
                protected: Sequence[tuple[int, int]] = ()) -> tuple[str, tuple[Correction, ...]]:
        """``question`` with its typos corrected, and what was corrected; ``words`` is the
        question cut into tagged dictionary words (a typo falls apart into single characters
        there); ``protected`` spans (names already resolved) are left as typed."""
        bounds, singles, at = {0}, set(), 0
        for word, tag in words:
            if len(word) == 1 and _CJK_RUN.match(word) and not _FUNCTION_TAG.match(tag):
                singles.add(at)
            at += len(word)
            bounds.add(at)
        singles -= {i for start, end in protected for i in range(start, end)}
        text, found = question, []
        for size in _WINDOWS:
            for start in (b for b in sorted(bounds) if b + size in bounds):
                meant = self._meant(text, start, size, singles)
                if meant is not None:
                    found.append(Correction(text[start:start + size], meant))
                    text = text[:start] + meant + text[start + size:]
                    singles -= set(range(start, start + size))
        return text, tuple(found)

    def _meant(self, text: str, start: int, size: int, singles: set[int]) -> str | None:
        typed = text[start:start + size]
        if not _CJK_RUN.fullmatch(typed) or self._known(typed) or self._is_word(typed):
            return None
        candidates = [w for i in range(size) for w in self._near.get(typed[:i] + "?" + typed[i + 1:], ())
                      if _broken(start + i, start, size, singles) and self._fits(text, start, w, i)]
        ranked = sorted(set(candidates), key=lambda w: -self._frequencies[w])
        if not ranked or (len(ranked) > 1 and self._frequencies[ranked[0]] == self._frequencies[ranked[1]]):
            return None
        return ranked[0]

    def _fits(self, text: str, start: int, meant: str, changed: int) -> bool:
        """Does ``meant``, put in at ``start``, join the question as the library writes it? A longer
        word's changed character must pair with its neighbours as in the library; a two-character
        word (where chance neighbours abound) must occur in the library, again and again, with each of
        the question's Chinese characters around it (大行动), and must not replace a function word."""
        at, ch = start + changed, meant[changed]
        if len(meant) > 2:
            left = text[at - 1] + ch if at > 0 and _CJK_RUN.match(text[at - 1]) else None
            right = ch + text[at + 1] if at + 1 < len(text) and _CJK_RUN.match(text[at + 1]) else None
            return all(p in self._bigrams for p in (left, right) if p)
        before, after = text[start - 1:start] if start else "", text[start + 2:start + 3]
        sides = [s for s in (before + meant if _CJK_RUN.match(before) else "",
                             meant + after if _CJK_RUN.match(after) else "") if s]
        return bool(sides) and all(self._text.count(s) >= MIN_CONTEXT_COUNT for s in sides) \
            and text[at] not in self._function_words

    def _known(self, typed: str) -> bool:
        return typed in self._bigrams if len(typed) == 2 else typed in self._text


def _broken(at: int, start: int, size: int, singles: set[int]) -> bool:
    """Is the character at ``at`` a lone character next to another lone one inside the window, the
    way an unknown (mistyped) word falls apart (扩/有/提质, 行/懂), rather than a word of its own
    beside a real word (让/学生)?"""
    return at in singles and any(n in singles and start <= n < start + size for n in (at - 1, at + 1))


def library_text(texts: Iterable[str]) -> str:
    """The library's text as one string for :class:`LibrarySpeller` (pieces kept apart)."""
    return "\n".join(texts)

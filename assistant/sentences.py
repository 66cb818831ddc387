"""Chinese sentence splitting shared by the composer, the LLM verifier and the evaluation suite."""
from __future__ import annotations

import re

_CITE = re.compile(r"\[(\d+)\]")


_OPEN, _CLOSE = "“‘「『", "”’」』"
_ENDS = "。！？!?"
_TRAILERS = "”’」』）)"


def split_sentences(text: str, *, keep_semicolons: bool = False) -> list[str]:
    """The non-empty sentences of ``text``, in order, each with its end punctuation and any
    ``[n]`` markers that follow it.

    A sentence never ends inside a quotation (“…。…”[1] is one sentence: the quote and its
    citation belong together). Without ``keep_semicolons`` a ``；`` also ends a sentence.
    """
    ends = _ENDS if keep_semicolons else _ENDS + "；;"
    sentences, current, depth, i = [], "", 0, 0
    while i < len(text):
        ch = text[i]
        current += ch
        i += 1
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch == "\n" or (ch in ends and depth == 0):
            while i < len(text) and (text[i] in ends or text[i] in _TRAILERS):
                current += text[i]
                i += 1
            while (m := _CITE.match(text, i)) is not None:
                current += m.group()
                i = m.end()
            sentences.append(current)
            current = ""
    sentences.append(current)
    return [s.strip() for s in sentences if s.strip()]


def cited_numbers(sentence: str) -> list[int]:
    """The citation numbers ``[n]`` in a sentence, in order, without repeats."""
    return list(dict.fromkeys(int(n) for n in _CITE.findall(sentence)))


def strip_citations(sentence: str) -> str:
    """The sentence without its ``[n]`` markers."""
    return _CITE.sub("", sentence).strip()

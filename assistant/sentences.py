"""Chinese sentence splitting shared by the composer, the LLM verifier and the evaluation suite."""
from __future__ import annotations

import re

# A sentence ends at 。！？；or a newline; a closing quote or bracket stays with its sentence.
_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
_CITE = re.compile(r"\[(\d+)\]")


def split_sentences(text: str, *, keep_semicolons: bool = False) -> list[str]:
    """The non-empty sentences of ``text``, in order, each with its end punctuation.

    With ``keep_semicolons`` a ``；`` does not end a sentence (for answer text, where a semicolon
    joins parts of one claim).
    """
    pattern = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[”’」』）)]*(?:\[\d+\])*|\n|$)") if keep_semicolons else _END
    return [s.strip() for s in pattern.findall(text) if s.strip()]


def cited_numbers(sentence: str) -> list[int]:
    """The citation numbers ``[n]`` in a sentence, in order, without repeats."""
    return list(dict.fromkeys(int(n) for n in _CITE.findall(sentence)))


def strip_citations(sentence: str) -> str:
    """The sentence without its ``[n]`` markers."""
    return _CITE.sub("", sentence).strip()

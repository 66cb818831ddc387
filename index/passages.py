"""What of a clause is embedded and BM25-indexed, and what stays metadata.

The passage is a contextual chunk header (document title and heading path) followed by the clause
text and its schedule line: the heading path carries the topic words a clause often omits
(第二十七条 alone does not say it is about 学生), the title tells the embedder which document
speaks. The clause id, label, hash, level, kind and draft status stay metadata: they are used for
filters and citations, and would only add noise to the vectors.
"""
from __future__ import annotations

import re

from policyqa.domain import Clause


def passage_text(clause: Clause) -> str:
    """The text embedded and indexed for one clause."""
    path = " > ".join(p for p in clause.path if p not in (clause.label, "前言"))
    parts = [f"《{clause.title}》", path, clause.text, clause.schedule or ""]
    return "\n".join(p for p in parts if p)


_SENTENCE_END = re.compile(r"(?<=[。；！？])")


def passage_windows(clause: Clause, *, min_clause_chars: int = 240, window_chars: int = 160) -> list[str]:
    """Extra, shorter texts embedded for a long clause: its sentences grouped into windows of
    about ``window_chars`` characters, each under the same contextual header. A paraphrased
    question usually matches one sentence of a long clause; its vector is diluted in the whole
    clause's vector. The clause stays the unit returned and cited."""
    if len(clause.text) < min_clause_chars:
        return []
    sentences = [s for line in clause.text.split("\n") for s in _SENTENCE_END.split(line) if s.strip()]
    windows, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > window_chars:
            windows.append(current)
            current = ""
        current += sentence
    if current:
        windows.append(current)
    header = "\n".join(p for p in (f"《{clause.title}》", " > ".join(clause.path)) if p)
    return [f"{header}\n{w}" for w in windows] if len(windows) > 1 else []


WINDOW_MARK = "@w"


def window_id(clause_id: str, n: int) -> str:
    """Vector-store row id of a clause's n-th window."""
    return f"{clause_id}{WINDOW_MARK}{n}"


def clause_id_of(row_id: str) -> str:
    """The clause id a vector-store row belongs to (a window's or the clause's own)."""
    return row_id.split(WINDOW_MARK, 1)[0]

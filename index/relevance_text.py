"""What the relevance model reads of a clause: the document title, the clause label and a window
of its sentences, short enough for the model's input (training and scoring use this one module)."""
from __future__ import annotations

from policyqa.domain import Clause
from policyqa.index.passages import sentence_groups, text_sentences

WINDOW_CHARS = 150
"""Sentences are grouped into windows of at most about this many characters: with the title and a
question, a window fits the model's 128 tokens (about 1.4 characters a token for Chinese)."""
MAX_WINDOWS = 3
"""A clause longer than this many windows is scored on its first ones only (latency bound): on the
corpus-wild train questions the quoted sentence lies in a clause's first window 51 % of the time,
second 27 %, third 14 %, later 8 %."""

def candidate_text(title: str, label: str, text: str) -> str:
    """One text as the model reads it: 《title》label then the text."""
    head = f"《{title}》" if title else ""
    return f"{head}{label}\n{text}" if head or label else text


def sentence_windows(text: str, window_chars: int = WINDOW_CHARS) -> list[str]:
    """``text`` cut after 。；！？ and regrouped into windows of at most ``window_chars``
    characters (a longer sentence is its own window)."""
    return sentence_groups(text_sentences(text), window_chars, strip=True) or [text]


def _label(clause: Clause) -> str:
    return "" if clause.label in ("前言", clause.title) else clause.label


def in_clause(clause: Clause, text: str) -> str:
    """``text`` (a window or sentence of ``clause``) as the model reads it, under the clause's name."""
    return candidate_text(clause.title, _label(clause), text)


def clause_windows(clause: Clause) -> list[str]:
    """The texts the model scores for ``clause`` (its best window is the clause's score)."""
    label = _label(clause)
    text = clause.text[len(label):].lstrip() if label and clause.text.startswith(label) else clause.text
    return [in_clause(clause, w) for w in sentence_windows(text)[:MAX_WINDOWS]]

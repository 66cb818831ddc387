"""HTML-escaping helpers shared by every view: no text from a question, an answer or a document
reaches the page without passing through :func:`esc`."""
from __future__ import annotations

import re
from collections.abc import Iterable

from policyqa.domain import Clause, DocumentMeta, Level

LEVEL_NAMES = {Level.NATIONAL: "国家", Level.PROVINCIAL: "省级", Level.MUNICIPAL: "市级", Level.DISTRICT: "区县级"}
# HTML's five plus the characters Markdown or LaTeX would act on, all as numeric entities in one
# pass (the Chatbot renders Markdown around our HTML).
_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "<>&\"'*_`[]#|~$\\"})


def esc(text: object) -> str:
    """``text`` as inert HTML: ``< > & " '`` and Markdown/LaTeX characters become entities,
    line breaks become ``<br>`` (so no blank line ends the surrounding HTML block)."""
    escaped = ("" if text is None else str(text)).translate(_ENTITIES)
    return re.sub(r"\n+", "<br>", escaped)


def doc_line(meta: DocumentMeta | None, title: str | None = None) -> str:
    """《title》 · 文号 · date · level, escaped, leaving out what the document does not say."""
    name = title or (meta.title if meta else None) or (meta.doc if meta else "")
    parts = [f"《{esc(name)}》"]
    if meta is not None:
        parts += [esc(v) for v in (meta.doc_number, meta.date) if v]
        if meta.level in LEVEL_NAMES:
            parts.append(LEVEL_NAMES[meta.level])
        if meta.is_draft and "征求意见稿" not in (name or ""):
            parts.append("征求意见稿")
    return " · ".join(parts)


def heading_path(clause: Clause) -> str:
    """The clause's headings, outermost first, joined by › (escaped)."""
    return " › ".join(esc(p) for p in clause.path)


def highlight(text: str, sentences: Iterable[str]) -> str:
    """``text`` escaped, with each of ``sentences`` that occurs in it wrapped in ``<mark>``."""
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        start = text.find(sentence.strip()) if sentence.strip() else -1
        if start >= 0:
            spans.append((start, start + len(sentence.strip())))
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out += [esc(text[pos:start]), "<mark>", esc(text[start:end]), "</mark>"]
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def notice(message: str, kind: str = "info") -> str:
    """A one-line message box (kind: info, error, ok)."""
    return f'<div class="pqa-notice pqa-{esc(kind)}">{esc(message)}</div>'

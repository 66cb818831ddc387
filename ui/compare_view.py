"""A :class:`Comparison` as two aligned columns, then what each document has that the other lacks."""
from __future__ import annotations

from policyqa.assistant.compare import Comparison
from policyqa.domain import Clause
from policyqa.ui.answer_view import document_link
from policyqa.ui.html import doc_line, esc, heading_path


def _cell(clause: Clause) -> str:
    link = esc(document_link(clause.doc, clause.ordinal))
    return (f'<div class="pqa-cmp-cell"><a class="pqa-label" href="{link}" target="_blank">{esc(clause.label)}</a>'
            f'<div class="pqa-path">{heading_path(clause)}</div><div class="pqa-clause">{esc(clause.text)}</div></div>')


def _only(title: str, clauses: tuple[Clause, ...]) -> str:
    items = "".join(f"<li>{_cell(c)}</li>" for c in clauses) or '<li class="pqa-muted">无</li>'
    return f'<div class="pqa-only"><div class="pqa-cards-title">{title}</div><ul>{items}</ul></div>'


def comparison_html(result: Comparison) -> str:
    """The aligned pairs side by side (A left, B right, with their similarity; an A clause with
    several counterparts is quoted once), then the clauses only one document has."""
    name_a = esc(result.doc_a.title or result.doc_a.doc)
    name_b = esc(result.doc_b.title or result.doc_b.doc)
    topic = f"（主题：{esc(result.topic)}）" if result.topic else ""
    rows, previous = [], None
    for pair in result.pairs:
        left = _cell(pair.a) if pair.a.id != previous else f'<div class="pqa-muted">同上（{esc(pair.a.label)}）</div>'
        rows.append(f'<div class="pqa-cmp-row">{left}<div class="pqa-cmp-score" title="相似度">'
                    f"{pair.similarity:.2f}</div>{_cell(pair.b)}</div>")
        previous = pair.a.id
    rows = "".join(rows)
    if not rows:
        rows = '<div class="pqa-muted">没有找到对应条款。</div>'
    return (f'<div class="pqa-compare"><div class="pqa-cmp-head"><div>A：{doc_line(result.doc_a)}</div>'
            f"<div>B：{doc_line(result.doc_b)}</div></div>"
            f'<div class="pqa-cards-title">对应条款 {len(result.pairs)} 组{topic}</div>{rows}'
            f"{_only(f'仅《{name_a}》有', result.only_in_a)}{_only(f'仅《{name_b}》有', result.only_in_b)}</div>")

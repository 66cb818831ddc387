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
    """First the one-line finding (with a topic: which document says what, which says nothing),
    then the aligned pairs side by side (A left, B right; an A clause with several counterparts
    is quoted once), then the clauses only one document has. Similarity scores are not shown:
    a pair is listed because its clauses say corresponding things (see the note under the title)."""
    name_a = esc(result.doc_a.title or result.doc_a.doc)
    name_b = esc(result.doc_b.title or result.doc_b.doc)
    topic = f"（主题：{esc(result.topic)}）" if result.topic else ""
    rows, previous = [], None
    for pair in result.pairs:
        left = _cell(pair.a) if pair.a.id != previous else f'<div class="pqa-muted">同上（{esc(pair.a.label)}）</div>'
        rows.append(f'<div class="pqa-cmp-row">{left}<div class="pqa-cmp-score">⇄</div>{_cell(pair.b)}</div>')
        previous = pair.a.id
    rows = "".join(rows)
    if not rows:
        rows = '<div class="pqa-muted">没有相互对应的条款。</div>'
    note = ("只列出两份文件中都与主题相关、且内容相互对应的条款；与主题无关的条款不列出。" if result.topic else
            "按条文内容（语义与用词）配对：地方方案常用自己的话逐条落实国家方案，所以不按编号对应。")
    return (f'<div class="pqa-compare"><div class="pqa-cmp-finding" id="pqa-cmp-finding">{esc(result.finding)}</div>'
            f'<div class="pqa-cmp-head"><div>A：{doc_line(result.doc_a)}</div>'
            f"<div>B：{doc_line(result.doc_b)}</div></div>"
            f'<div class="pqa-cards-title">对应条款 {len(result.pairs)} 组{topic}</div>'
            f'<div class="pqa-muted pqa-cmp-note">{note}</div>{rows}'
            f"{_only(f'仅《{name_a}》有', result.only_in_a)}{_only(f'仅《{name_b}》有', result.only_in_b)}</div>")

"""A whole document as HTML: the page a citation card opens (scrolled to its clause) and the clause
tree of the library tab. Every piece of document text is escaped."""
from __future__ import annotations

from dataclasses import dataclass, field

from policyqa.domain import Clause
from policyqa.index.catalog import Catalog
from policyqa.ui.answer_view import clause_anchor
from policyqa.ui.html import doc_line, esc, heading_path

_PAGE_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:860px;margin:0 auto;
padding:12px 16px 60vh;line-height:1.75;color:#1f2937}
h1{font-size:1.3rem}.meta{color:#6b7280;font-size:.9rem}
.clause{border-left:3px solid #e5e7eb;padding:6px 12px;margin:10px 0;scroll-margin-top:16px}
.clause .label{font-weight:600;color:#1d4ed8}.clause .path{color:#6b7280;font-size:.85rem}
.clause.focus,.clause:target{border-left-color:#f59e0b;background:#fffbeb}
.schedule{color:#92400e;font-size:.9rem}
"""


def clause_block(clause: Clause, *, focus: bool = False) -> str:
    """One clause of the document page, anchored by its ordinal."""
    schedule = f'<div class="schedule">{esc(clause.schedule)}</div>' if clause.schedule else ""
    return (f'<section class="clause{" focus" if focus else ""}" id="{clause_anchor(clause.ordinal)}">'
            f'<div class="label">{esc(clause.label)}</div><div class="path">{heading_path(clause)}</div>'
            f"<div>{esc(clause.text)}</div>{schedule}</section>")


def document_page(catalog: Catalog, doc: str, focus: int | None = None) -> str:
    """A complete HTML page with the whole document, the clause at ordinal ``focus`` highlighted;
    raises KeyError for a document the catalog does not hold."""
    meta = catalog.meta(doc)
    blocks = "".join(clause_block(c, focus=c.ordinal == focus) for c in catalog.clauses_of(doc)
                     if c.kind != "outline")
    title = esc(meta.title or doc)
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
            f"<style>{_PAGE_CSS}</style></head><body><h1>{title}</h1>"
            f'<div class="meta">{doc_line(meta)} · {esc(doc)}</div>{blocks}</body></html>')


@dataclass
class _Node:
    name: str
    clauses: list[Clause] = field(default_factory=list)
    children: dict[str, "_Node"] = field(default_factory=dict)


def _tree(clauses: list[Clause]) -> _Node:
    root = _Node("")
    for clause in clauses:
        node = root
        for part in clause.path[:-1] if clause.path else ():
            node = node.children.setdefault(part, _Node(part))
        leaf = clause.path[-1] if clause.path else clause.label
        node.children.setdefault(leaf, _Node(leaf)).clauses.append(clause)
    return root


def _labelled(clause: Clause) -> str:
    """The clause text, led by its label unless the text already starts with it."""
    text = esc(clause.text)
    return text if clause.text.startswith(clause.label) else f"<b>{esc(clause.label)}</b> {text}"


def _render(node: _Node, depth: int) -> str:
    body = "".join(f'<div class="pqa-tree-text">{_labelled(c)}</div>' for c in node.clauses)
    body += "".join(_render(child, depth + 1) for child in node.children.values())
    return f'<details class="pqa-tree"{" open" if depth == 0 else ""}><summary>{esc(node.name)}</summary>{body}</details>'


def clause_tree(catalog: Catalog, doc: str) -> str:
    """The document's clauses nested under their headings, as collapsible HTML; raises KeyError
    for an unknown document."""
    meta = catalog.meta(doc)
    clauses = [c for c in catalog.clauses_of(doc) if c.kind not in ("outline",)]
    top = "".join(_render(child, 0) for child in _tree(clauses).children.values())
    return (f'<div class="pqa-doc-tree"><div class="pqa-doc-title">{doc_line(meta)}</div>'
            f'<div class="pqa-muted">{len(clauses)} 条条款 · {esc(doc)}</div>{top}</div>')

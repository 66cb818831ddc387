"""An answer as the chat shows it: the text with clickable ``[n]`` markers, then one card per citation
(document, 文号/date, clause label, heading path, the whole clause with its supporting sentences
marked, and a link to the whole document scrolled to that clause)."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from policyqa.assistant.answer import Answer, Citation, Verdict
from policyqa.ui.html import esc, heading_path, highlight

DOC_ROUTE = "/pqa/doc"
_MARKER = re.compile(r"\[(\d+)\]")
VERDICT_CLASSES = {Verdict.FORBIDDEN: "forbidden", Verdict.REQUIRED: "required", Verdict.ENCOURAGED: "encouraged",
                   Verdict.ALLOWED: "allowed", Verdict.UNSPECIFIED: "unspecified"}


def card_id(turn: int, n: int) -> str:
    """The element id of citation ``n`` of answer ``turn`` (what an ``[n]`` link points at)."""
    return f"pqa-c-{turn}-{n}"


def clause_anchor(ordinal: int) -> str:
    """The element id of a clause on the whole-document page."""
    return f"clause-{ordinal}"


def document_link(doc: str, ordinal: int) -> str:
    """URL of the whole-document page scrolled to (and highlighting) one clause."""
    return f"{DOC_ROUTE}?{urlencode({'name': doc, 'at': ordinal})}#{clause_anchor(ordinal)}"


def text_with_links(text: str, turn: int, numbers: set[int]) -> str:
    """Answer text escaped, each ``[n]`` naming a citation turned into a link to its card."""
    out, pos = [], 0
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        if n not in numbers:
            continue
        out += [esc(text[pos:match.start()]),
                f'<a class="pqa-ref" href="#{card_id(turn, n)}">&#91;{n}&#93;</a>']
        pos = match.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def citation_card(citation: Citation, turn: int, *, open_: bool = False) -> str:
    """One citation card: a ``<details>`` whose summary names the source and whose body quotes it."""
    c = citation.clause
    meta_bits = [esc(v) for v in (citation.doc_number, citation.doc_date) if v]
    schedule = f'<div class="pqa-schedule">时间安排：{esc(c.schedule)}</div>' if c.schedule else ""
    return (
        f'<details class="pqa-card" id="{card_id(turn, citation.n)}"{" open" if open_ else ""}>'
        f'<summary><span class="pqa-n">{citation.n}</span> 《{esc(citation.doc_title)}》 '
        f'<span class="pqa-label">{esc(c.label)}</span></summary>'
        f'<div class="pqa-meta">{" · ".join(meta_bits) or "文件未载明文号和日期"}</div>'
        f'<div class="pqa-path">{heading_path(c)}</div>'
        f'<div class="pqa-clause">{highlight(c.text, citation.supporting)}</div>{schedule}'
        f'<a class="pqa-open" href="{esc(document_link(c.doc, c.ordinal))}" target="_blank">查看全文（定位到本条）</a>'
        f"</details>"
    )


def confidence_line(answer: Answer) -> str:
    """How likely the cited clauses answer the question (the relevance model's probability; word coverage without it)."""
    return f"把握：{answer.support:.0%}"


def verdict_badge(verdict: Verdict | None) -> str:
    """A coloured badge for a compliance verdict ('' when there is none)."""
    if verdict is None:
        return ""
    return f'<span class="pqa-verdict pqa-v-{VERDICT_CLASSES[verdict]}">{esc(verdict.value)}</span>'


def answer_html(answer: Answer, turn: int) -> str:
    """The whole chat message for a finished answer: badge, text, how a follow-up was understood,
    notices, then the cards."""
    numbers = {c.n for c in answer.citations}
    heading = "相关条款（文件未直接回答）" if answer.abstained else "引用条款"
    notices = "".join(f'<div class="pqa-notice">{esc(n)}</div>' for n in answer.notices)
    if answer.effective_question:
        notices = f'<div class="pqa-muted pqa-effective">结合上文理解为：{esc(answer.effective_question)}</div>' + notices
    if answer.citations and not answer.abstained:
        notices += f'<div class="pqa-muted pqa-confidence">{confidence_line(answer)}</div>'
    cards = "".join(citation_card(c, turn) for c in answer.citations)
    cards_block = f'<div class="pqa-cards"><div class="pqa-cards-title">{heading}</div>{cards}</div>' if cards else ""
    return (f'<div class="pqa-answer">{verdict_badge(answer.verdict)}'
            f'<div class="pqa-text">{text_with_links(answer.text, turn, numbers)}</div>'
            f"{notices}{cards_block}</div>")


def partial_html(text: str) -> str:
    """A message still being streamed: the text so far, escaped."""
    return f'<div class="pqa-answer pqa-streaming"><div class="pqa-text">{esc(text)}</div></div>'


def plain_text(answer: Answer) -> str:
    """The answer as plain text for the clipboard: the text, then one line per source."""
    lines = [answer.text, "", "来源："] if answer.citations else [answer.text]
    for c in answer.citations:
        extra = "，".join(v for v in (c.doc_number, c.doc_date) if v)
        lines.append(f"[{c.n}] 《{c.doc_title}》{c.clause.label}" + (f"（{extra}）" if extra else ""))
    return "\n".join(lines)


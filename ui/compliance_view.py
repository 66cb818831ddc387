"""The compliance view: a verdict badge, the deciding clause, its deadline and who is responsible."""
from __future__ import annotations

import re

from policyqa.assistant.answer import Answer, Verdict
from policyqa.ui.answer_view import citation_card, text_with_links, verdict_badge
from policyqa.ui.html import esc

# Who a clause charges with doing something, as the corpus names them (qualifier + body).
_BODY = re.compile(
    r"(?:国务院|县级以上(?:地方)?(?:各级)?|地方各级|各级|省级|市级|区级|县级|市、区两级|市、区、校三级|有关)?"
    r"(?:人民政府|教育行政部门|教育督导机构|主管部门|有关部门)"
    r"|教育部|学校|幼儿园|父母或者其他监护人|监护人|教师|各地|各区|各校|各省")
COMPLIANCE_TURN = 10_000   # card ids of the compliance view never clash with the chat's


def responsible_bodies(text: str, limit: int = 3) -> tuple[str, ...]:
    """The bodies a clause text names as actors, in order of appearance, without repeats."""
    return tuple(dict.fromkeys(m.group(0) for m in _BODY.finditer(text)))[:limit]


def compliance_html(answer: Answer) -> str:
    """Verdict badge, the one-line answer, then the deciding clause with its deadline
    (``clause.schedule``) and responsible bodies when the clause gives them."""
    verdict = answer.verdict or Verdict.UNSPECIFIED
    numbers = {c.n for c in answer.citations}
    parts = [f'<div class="pqa-compliance">{verdict_badge(verdict)}',
             f'<div class="pqa-text">{text_with_links(answer.text, COMPLIANCE_TURN, numbers)}</div>']
    parts += [f'<div class="pqa-notice">{esc(n)}</div>' for n in answer.notices]
    if answer.citations and verdict is not Verdict.UNSPECIFIED:
        deciding = answer.citations[0]
        facts = []
        if deciding.clause.schedule:
            facts.append(f"<dt>时限</dt><dd>{esc(deciding.clause.schedule)}</dd>")
        bodies = responsible_bodies(" ".join(deciding.supporting) or deciding.clause.text)
        if bodies:
            facts.append(f"<dt>责任主体</dt><dd>{esc('、'.join(bodies))}</dd>")
        parts.append('<div class="pqa-cards-title">依据条款</div>')
        if facts:
            parts.append(f'<dl class="pqa-facts">{"".join(facts)}</dl>')
        parts.append(citation_card(deciding, COMPLIANCE_TURN, open_=True))
        others = answer.citations[1:]
    else:
        others = answer.citations
    if others:
        parts.append('<div class="pqa-cards-title">相关条款</div>')
        parts += [citation_card(c, COMPLIANCE_TURN) for c in others]
    parts.append("</div>")
    return "".join(parts)

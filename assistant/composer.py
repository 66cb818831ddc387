"""The grounded composer: a short Chinese answer built only from quoted clause sentences.

No LLM. Every sentence of the answer quotes a sentence of the clause it cites (``“…”[n]``);
the only words added are the lead (不可以 / 可以 / 不是 / 前提有误) and the citation frame
(《title》label, or 见上文《title》label for a clause already quoted). The lead is derived from the
quoted wording (严禁/不得 → 不可以) or from figures that differ between the question and the clause.

Hygiene: a clause is quoted once per answer (its chosen sentences in one quotation, joined by ……
where text is left out); the sentence that decides leads its clause's quotation (a short clause
quoted whole starts there, the sentences before it follow after ……).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from policyqa.assistant.answer import Verdict
from policyqa.assistant.evidence import EvidenceSentence, clause_sentences
from policyqa.assistant.frame import NOUNS, QuestionFrame, QuestionKind
from policyqa.assistant.modality import VERDICT_ORDER, Modality, modalities
from policyqa.assistant.numbers import doc_numbers, find_numbers, same_figures
from policyqa.domain import Clause
from policyqa.index.catalog import Catalog
from policyqa.index.versions import version_changes
from policyqa.assistant.wording import SEE_ABOVE, UNDECIDED_LEAD, count_lead
from policyqa.numerals import int_to_cn

_VERDICTS = {Modality.FORBID: Verdict.FORBIDDEN, Modality.ENCOURAGE: Verdict.ENCOURAGED,
             Modality.PERMIT: Verdict.ALLOWED, Modality.REQUIRE: Verdict.REQUIRED}
_TRAILING = re.compile(r"[。；;，,：:\s]+$")
_LEADING_LABEL = re.compile(r"^(第[零〇一二两三四五六七八九十百千]+条|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|（\d+）)\s*")
MAX_QUOTES = 3
CHANGES_QUOTED = 3
"""How many reworded and how many added articles an answer on two versions quotes."""
_CHANGE_NAMES = {"reworded": "修改", "added": "新增"}
_CHANGED = re.compile(r"变化|改动|修改了|修订了|改了|变了|有何变|哪些新|新增了")
"""Asks what changed (between two versions of a law named in the question)."""


@dataclass(frozen=True)
class Ruling:
    """What the relevance model judged of a compliance question: the sentence that decides it
    (its rule gives the verdict), or None. ``no_rule`` is true when the best clauses state no rule
    at all (no 不得/应当/可以 …): only then does the answer say the documents do not decide it; a
    rule the model is unsure of is quoted without a verdict and without that claim."""

    sentence: EvidenceSentence | None
    no_rule: bool = False


@dataclass
class Draft:
    """An answer being written: text parts and the clauses they cite, in citation order."""

    parts: list[str] = field(default_factory=list)
    cited: dict[str, list[str]] = field(default_factory=dict)     # clause id -> supporting sentences
    clauses: dict[str, Clause] = field(default_factory=dict)
    verdict: Verdict | None = None

    def cite(self, clause: Clause, sentence: str) -> int:
        """The citation number of ``clause`` (new numbers in order of first use)."""
        if clause.id not in self.cited:
            self.cited[clause.id], self.clauses[clause.id] = [], clause
        if sentence not in self.cited[clause.id]:
            self.cited[clause.id].append(sentence)
        return list(self.cited).index(clause.id) + 1

    @property
    def text(self) -> str:
        """The answer text."""
        return "".join(self.parts)


def outline_items(outline: str, noun: str | None, question: str = "") -> list[str]:
    """The entries of an outline that a list question about ``noun`` enumerates.

    A heading the question names (某某行动包括什么) scopes the list to the entries
    under it. Otherwise the entries whose heading ends with the noun (课程创新引领行动 for 行动) are
    the list; if there is exactly one (二、重点任务 / 二、重大行动) and it has sub-entries, its
    direct sub-entries are the list when they name the noun, else its deepest ones (1.… to 21.…).
    Without a noun or a match the outline does not answer: an empty list.
    """
    entries = [(len(line) - len(line.lstrip()), _TRAILING.sub("", line.strip()))
               for line in outline.splitlines() if line.strip()]
    if not noun:
        return []
    named = [i for i, (_, text) in enumerate(entries)
             if len(core := _LEADING_LABEL.sub("", text)) >= 4 and core in question and not text.endswith(noun)]
    matches = named[:1] or [i for i, (_, text) in enumerate(entries) if text.endswith(noun)]
    if len(matches) == 1:
        children = _children(entries, matches[0])
        if not children:
            return []
        top = min(d for d, _ in children)
        direct = [text for d, text in children if d == top]
        if not named and all(noun in text for text in direct):
            return list(dict.fromkeys(direct))
        deepest = max(d for d, _ in children)
        return list(dict.fromkeys(text for d, text in children if d == deepest))
    return list(dict.fromkeys(entries[i][1] for i in matches))


def _children(entries: list[tuple[int, str]], index: int) -> list[tuple[int, str]]:
    depth, out = entries[index][0], []
    for d, text in entries[index + 1:]:
        if d <= depth:
            break
        out.append((d, text))
    return out


def verdict_of(sentence: str) -> Verdict:
    """The rule a sentence states: 严禁/不得 → FORBIDDEN, 应当 → REQUIRED, 鼓励 → ENCOURAGED …"""
    found = modalities(sentence)
    return next((_VERDICTS[m] for m in VERDICT_ORDER if m in found), Verdict.UNSPECIFIED)


class GroundedComposer:
    """Writes the answer from scored evidence sentences; never adds a fact of its own."""

    def __init__(self, catalog: Catalog, *, max_quotes: int = MAX_QUOTES, keep_ratio: float = 0.4,
                 rule_coverage: float = 0.25, permit_coverage: float = 0.4, whole_clause_chars: int = 300) -> None:
        self.catalog, self.max_quotes, self.keep_ratio = catalog, max_quotes, keep_ratio
        self.rule_coverage, self.permit_coverage = rule_coverage, permit_coverage
        self.whole_clause_chars = whole_clause_chars

    # -- framing -------------------------------------------------------------------------------
    def source_name(self, clause: Clause) -> str:
        """《title》label as the answer cites it (the header is 文件信息, the outline 提纲)."""
        return f"《{self.catalog.cited_title(clause.doc)}》{clause.label}"

    def quote(self, draft: Draft, evidence: EvidenceSentence, lead: str = "") -> None:
        """Append one quoted sentence with its citation marker."""
        n = draft.cite(evidence.hit.clause, evidence.sentence)
        body = _TRAILING.sub("", _LEADING_LABEL.sub("", evidence.sentence))
        draft.parts.append(f"{lead}{self.source_name(evidence.hit.clause)}：“{body}”[{n}]。")

    @staticmethod
    def _quoted_before(draft: Draft, clause: Clause, sentences: Sequence[str]) -> bool:
        """Has the draft already quoted ``clause`` whole, or all of these ``sentences`` of it?"""
        before = draft.cited.get(clause.id)
        return before is not None and (clause.text in before or all(s in before for s in sentences))

    def _refer(self, draft: Draft, clause: Clause, lead: str = "") -> None:
        """Point back to a clause the answer has already quoted (an answer quotes a clause once)."""
        draft.parts.append(f"{lead}{SEE_ABOVE}{self.source_name(clause)}[{draft.cite(clause, '')}]。")

    def quote_whole(self, draft: Draft, clause: Clause, max_chars: int = 400, lead: str = "",
                    opening: EvidenceSentence | None = None) -> None:
        """Quote a clause's text (cut at a sentence end near ``max_chars``) with its schedule; a
        clause the answer has already quoted whole is referred to instead. With ``opening`` (the
        sentence that answers, from this clause) the quote starts there and the sentences before
        it follow after ……: the deciding sentence comes first and nothing of the clause is lost."""
        if self._quoted_before(draft, clause, [clause.text]):
            self._refer(draft, clause, lead)
            return
        body = _LEADING_LABEL.sub("", clause.text.replace("\n", ""))
        schedule = f"（{clause.schedule.strip('（）()')}）" if clause.schedule and clause.schedule not in clause.text else ""
        if opening is not None and schedule and opening.sentence.strip() == clause.schedule.strip():
            body, schedule = f"{schedule}……{body}", ""   # the schedule line answers (a date): it leads
        start = body.find(_LEADING_LABEL.sub("", opening.sentence).strip()) if opening is not None else -1
        if start > 0:
            body = _TRAILING.sub("", body[start:]) + "……" + body[:start]
        if len(body) > max_chars:
            cut = max(body.rfind(p, 0, max_chars) for p in "。；")
            body = body[:cut + 1] if cut > 0 else body[:max_chars]
            body += "……"
        n = draft.cite(clause, clause.text)
        draft.parts.append(f"{lead}{self.source_name(clause)}：“{_TRAILING.sub('', body)}”{schedule}[{n}]。")

    # -- kinds ---------------------------------------------------------------------------------
    def compose(self, frame: QuestionFrame, evidence: Sequence[EvidenceSentence], *,
                named_docs: Sequence[str] = (), looked_up: bool = False, draft: Draft | None = None,
                premise: str = "", ruling: Ruling | None = None, across: bool = False) -> Draft:
        """The answer to ``frame`` from ``evidence`` (best first), appended to ``draft`` when given;
        empty evidence adds nothing. A clause asked for by number (``looked_up``) is quoted whole
        unless the question asks for one figure, date or rule in it, and so is the best clause of a
        list question whose heading names what is listed (基本原则). ``premise`` leads the first
        quote when the question asserts something the documents never say. ``ruling`` (from the
        relevance model, for compliance questions) names the sentence that decides the question:
        it leads and gives the verdict; without one there is no verdict (see :class:`Ruling`).
        Without a ruling (no model) the verdict needs the quoted sentence to cover enough of the
        question's words. ``across`` (哪些地方/哪些文件…, over evidence from several documents)
        answers with one line per document: its best sentence."""
        draft = draft if draft is not None else Draft()
        if versions := self.versions_asked(frame, named_docs):
            return self._changes(draft, *versions)
        if not evidence:
            return draft
        if looked_up and frame.primary in (QuestionKind.GENERAL, QuestionKind.LIST):
            for clause in dict.fromkeys(e.hit.clause for e in evidence if e.rank == 0):
                self.quote_whole(draft, clause)  # evidence holds only the clauses asked for
            return draft
        if across and len({e.hit.clause.doc for e in evidence}) >= 2:
            return self._per_document(draft, evidence)
        if frame.has(QuestionKind.LIST) and self._outline_list(frame, evidence, draft):
            return self._add_more(draft, [e for e in evidence if e.hit.clause.kind != "outline"], frame, limit=1)
        if len(named_docs) >= 2 and (frame.has(QuestionKind.COMPARE) or frame.primary is QuestionKind.LIST):
            return self._side_by_side(draft, evidence, named_docs, frame)
        first = ruling.sentence if ruling is not None and ruling.sentence is not None else self._first(frame, evidence)
        if frame.primary is QuestionKind.LIST and frame.list_noun and frame.list_noun in "".join(first.hit.clause.path[-1:]):
            self.quote_whole(draft, first.hit.clause)
            return self._add_more(draft, evidence, frame, limit=1, after=first)
        lead = premise + self._lead(frame, first, draft, ruling)
        if len(first.hit.clause.text) <= self.whole_clause_chars:
            self.quote_whole(draft, first.hit.clause, lead=lead, opening=first)  # a short clause is quoted whole
            return self._add_more(draft, evidence, frame, limit=self.max_quotes - 1, after=first)
        more = self._more(draft, evidence, frame, limit=self.max_quotes - 1, after=first, same_clause=True)
        self._quote_clauses(draft, [first, *more], lead)   # the deciding sentence leads its clause's quote
        return draft

    def _first(self, frame: QuestionFrame, evidence: Sequence[EvidenceSentence]) -> EvidenceSentence:
        """The sentence that leads: the best one that has what the question asks for."""
        best = evidence[0]
        fitting = [e for e in evidence if e.fits and e.rank < 3]
        asks_figure = frame.primary in (QuestionKind.QUANTITY, QuestionKind.DATE, QuestionKind.WHO) or frame.asks_doc_number
        if frame.asks_doc_number:   # a document's own 文号 is the one its metadata records (a 文号 in
            own = [e for e in fitting if self._own_number(e)]   # its text is usually one it cites)
            fitting = own or fitting
        if fitting and asks_figure:  # the figure's sentence must also be about the question
            return max(fitting, key=lambda e: e.score + 0.5 * e.coverage)
        if fitting and fitting[0].score >= 0.6 * best.score:
            return fitting[0]
        return best

    def _own_number(self, evidence: EvidenceSentence) -> bool:
        """Does the sentence hold the 文号 of the document it is from?"""
        number = self.catalog.meta(evidence.hit.clause.doc).doc_number
        return bool(number) and re.sub(r"\s", "", number) in re.sub(r"\s", "", evidence.sentence)

    def _lead(self, frame: QuestionFrame, first: EvidenceSentence, draft: Draft, ruling: Ruling | None = None) -> str:
        """不可以 / 可以 / 不是 / 前提有误 — only when the quoted wording or figures decide it."""
        if frame.numbers and frame.has(QuestionKind.CONFIRM):
            stated = list(first.figures) + find_numbers(first.hit.clause.schedule or "")
            if stated and not all(same_figures(c, stated) for c in frame.numbers):
                return "不是，"
            if stated and all(same_figures(c, stated) for c in frame.numbers):
                return "是的，"
        claimed_numbers = doc_numbers(frame.text)
        if claimed_numbers and frame.has(QuestionKind.CONFIRM):
            actual = self.catalog.meta(first.hit.clause.doc).doc_number
            actual = re.sub(r"\s+", "", actual or "")
            if actual and not any(actual in c for c in claimed_numbers):  # the claim may carry a prefix (以教基…)
                return "不是，"
        if frame.primary in (QuestionKind.COMPLIANCE, QuestionKind.CONFIRM):
            verdict = verdict_of(first.sentence)
            if ruling is not None and ruling.sentence is None:
                return UNDECIDED_LEAD if ruling.no_rule and frame.primary is QuestionKind.COMPLIANCE else ""
            # without the model: a wrong 可以 is the costliest error, so permissive verdicts need a closer match
            needed = self.permit_coverage if verdict in (Verdict.ALLOWED, Verdict.ENCOURAGED) else self.rule_coverage
            if ruling is None and first.coverage < needed:
                return ""
            draft.verdict = verdict
            return {Verdict.FORBIDDEN: "不可以。", Verdict.ALLOWED: "可以。", Verdict.ENCOURAGED: "可以，文件予以鼓励。",
                    Verdict.REQUIRED: "文件有明确要求。"}.get(verdict, "")
        return ""

    def _add_more(self, draft: Draft, evidence: Sequence[EvidenceSentence], frame: QuestionFrame, *,
                  limit: int, after: EvidenceSentence | None = None) -> Draft:
        """Up to ``limit`` more quotes that score nearly as well, from clauses not yet quoted."""
        self._quote_clauses(draft, self._more(draft, evidence, frame, limit=limit, after=after))
        return draft

    def _more(self, draft: Draft, evidence: Sequence[EvidenceSentence], frame: QuestionFrame, *, limit: int,
              after: EvidenceSentence | None = None, same_clause: bool = False) -> list[EvidenceSentence]:
        """Up to ``limit`` sentences that score nearly as well as the best, best first: from
        clauses the draft has not quoted, and with ``same_clause`` also from the clause of
        ``after`` (to be quoted with it). A clause is never quoted twice."""
        top = evidence[0].score
        floor = 0.5 * (after.coverage if after else evidence[0].coverage)
        quoted = {after.sentence} if after else set()
        own = after.hit.clause.id if after is not None and same_clause else None
        picked: list[EvidenceSentence] = []
        for e in evidence:
            if len(picked) >= limit or e.score < self.keep_ratio * top:
                break
            if e.sentence in quoted or e.coverage < floor:
                continue
            if frame.primary is QuestionKind.COMPLIANCE and draft.verdict and verdict_of(e.sentence) is not draft.verdict:
                continue  # a second quote must state the same kind of rule
            if e.hit.clause.id in draft.cited and e.hit.clause.id != own:
                continue
            picked.append(e)
            quoted.add(e.sentence)
        return picked

    def _quote_clauses(self, draft: Draft, picked: Sequence[EvidenceSentence], lead: str = "") -> None:
        """One quote per clause, clauses in the order of their first sentence in ``picked``: that
        sentence first, then the clause's other picked sentences in their order in the clause,
        joined directly where they follow each other and by …… where text is left out."""
        by_clause: dict[str, list[EvidenceSentence]] = {}
        for e in picked:
            by_clause.setdefault(e.hit.clause.id, []).append(e)
        for n, group in enumerate(by_clause.values()):
            clause = group[0].hit.clause
            if self._quoted_before(draft, clause, [e.sentence for e in group]):
                self._refer(draft, clause, lead if n == 0 else "")
                continue
            ordered = group[:1] + sorted(group[1:], key=lambda e: e.position)
            body = ""
            for i, e in enumerate(ordered):
                text = _LEADING_LABEL.sub("", e.sentence).strip()
                if i and ordered[i - 1].position + 1 != e.position:
                    body = _TRAILING.sub("", body) + "……"
                body += text
            number = 0
            for e in ordered:
                number = draft.cite(clause, e.sentence)
            draft.parts.append(f"{lead if n == 0 else ''}{self.source_name(clause)}：“{_TRAILING.sub('', body)}”[{number}]。")

    def versions_asked(self, frame: QuestionFrame, docs: Sequence[str]) -> tuple[str, str] | None:
        """(older, newer) when the question names exactly two versions of one law and asks how they
        differ (answered article by article from the texts, whatever the evidence), else None."""
        if len(docs) != 2 or not (frame.has(QuestionKind.COMPARE) or _CHANGED.search(frame.text)):
            return None
        a, b = (self.catalog.meta(d) for d in docs)
        if a.superseded_by and (a.superseded_by == b.doc or a.superseded_by == b.superseded_by) or \
                b.superseded_by and (b.superseded_by == a.doc or b.superseded_by == a.superseded_by):
            older, newer = sorted((a, b), key=lambda m: m.date or "")
            return older.doc, newer.doc
        return None

    def _changes(self, draft: Draft, older: str, newer: str) -> Draft:
        """What changed from ``older`` to ``newer``, article by article (:mod:`policyqa.index.versions`):
        the counts, then a few reworded and added articles of the newer version, each quoted."""
        changes = version_changes(older, self.catalog.clauses_of(older), newer, self.catalog.clauses_of(newer))
        new_name, old_name = self.catalog.cited_title(newer), self.catalog.cited_title(older)
        counts = {kind: len(changes.of(kind)) for kind in ("reworded", "added", "removed")}
        draft.parts.append(f"《{new_name}》与《{old_name}》逐条对照：修改 {counts['reworded']} 条，新增 "
                           f"{counts['added']} 条，删去 {counts['removed']} 条，未变 {changes.unchanged} 条"
                           + ("（全面修订：多数条文已重写，按文字无法逐条对应）。" if changes.rewritten else "。"))
        for change in changes.of("reworded")[:CHANGES_QUOTED] + changes.of("added")[:CHANGES_QUOTED]:
            body = _TRAILING.sub("", _LEADING_LABEL.sub("", clause_sentences(change.new.text)[0]))
            n = draft.cite(change.new, change.new.text)
            was = f"（原{change.old.label}）" if change.old is not None else ""
            draft.parts.append(f"\n{_CHANGE_NAMES[change.kind]}：{change.new.label}{was}：“{body}”[{n}]。")
        return draft

    def _per_document(self, draft: Draft, evidence: Sequence[EvidenceSentence]) -> Draft:
        """One line per document, in the order retrieval ranked them: its best sentence, cited."""
        best: dict[str, EvidenceSentence] = {}
        for e in evidence:   # best first
            best.setdefault(e.hit.clause.doc, e)
        ordered = sorted(best.values(), key=lambda e: e.rank)
        draft.parts.append(f"共 {len(ordered)} 份文件有相关内容：")
        for e in ordered:
            self.quote(draft, e, lead="\n")
        return draft

    def _side_by_side(self, draft: Draft, evidence: Sequence[EvidenceSentence], named_docs: Sequence[str],
                      frame: QuestionFrame) -> Draft:
        """What each named document says: its outline list when the question is about what the
        documents list (几大行动 …), else its one or two best sentences."""
        noun = frame.list_noun or next((n for n in NOUNS if re.search(f"{n}的?(数量|名称|数目|个数)", frame.text)), None)
        for doc in named_docs:
            outline = next((c for c in self.catalog.clauses_of(doc) if c.kind == "outline"), None)
            items = outline_items(outline.text, noun, frame.text) if outline is not None and noun else []
            if items:
                self.list_items(draft, outline, [_TRAILING.sub("", i) for i in items])
                continue
            own = [e for e in evidence if e.hit.clause.doc == doc]
            if not own:
                title = self.catalog.meta(doc).title or doc
                draft.parts.append(f"《{title}》中没有找到相关条款。")
                continue
            self._quote_clauses(draft, [e for e in own[:2] if e.score >= 0.8 * own[0].score])
        return draft

    def _outline_list(self, frame: QuestionFrame, evidence: Sequence[EvidenceSentence], draft: Draft) -> bool:
        """List the headings of an outline that name what the question enumerates (行动, 原则 …)."""
        outlines = [e.hit for e in evidence if e.hit.clause.kind == "outline"]
        if not outlines:
            return False
        hit = outlines[0]
        items = outline_items(hit.clause.text, frame.list_noun, frame.text)
        items = list(dict.fromkeys(_TRAILING.sub("", i) for i in items))
        if not items:
            return False
        lead = ""
        if frame.claimed_count and frame.claimed_count != len(items):
            lead = "前提有误，"
        if frame.count_measure and frame.list_noun:   # 几大行动 → 共六大行动, counted in the outline it cites
            lead += f"{count_lead(int_to_cn(len(items)), frame.count_measure, frame.list_noun)}[{draft.cite(hit.clause, '')}]："
        self.list_items(draft, hit.clause, items, lead)
        return True

    def list_items(self, draft: Draft, outline: Clause, items: Sequence[str], lead: str = "") -> None:
        """One sentence quoting each listed heading, each cited to its own clause (the numbered item
        or section it heads), or to the outline when no clause carries that heading."""
        by_heading = {_TRAILING.sub("", c.path[-1]): c for c in self.catalog.clauses_of(outline.doc)
                      if c.path and c.kind not in ("outline", "header") and c.text.startswith(c.path[-1][:8])}
        quoted = []
        for item in items:
            clause = by_heading.get(item, outline)
            quoted.append(f"“{item}”[{draft.cite(clause, item)}]")
        title = self.catalog.meta(outline.doc).title or outline.doc
        draft.parts.append(f"{lead}《{title}》：{'；'.join(quoted)}。")

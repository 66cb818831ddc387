"""Answer-fidelity metrics of one answer record against one gold item, each with its reason.

- key facts: share of the gold ``must_include`` strings found in the answer (normalised);
- citation support: some cited clause contains a gold evidence quote;
- citation recall / precision, as in ALCE (Gao et al., 2023): a sentence is recalled when the
  union of the clauses it cites supports it; a citation is precise when its sentence is recalled
  and the citation is not irrelevant (it supports the sentence alone, or the others do not);
- faithfulness: share of answer sentences supported by the answer's cited clauses together;
- rejection / false refusal: abstaining on unanswerable / answerable questions.

Support is decided by a :class:`~policyqa.assistant.support.ClaimJudge`. Sentences that are only
framing (不可以。/ 根据…规定：) assert nothing and are left out of the sentence metrics.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.assistant.sentences import cited_numbers, split_sentences
from policyqa.assistant.support import ClaimJudge, claim_core
from policyqa.evals.evidence import contains_quote, normalise
from policyqa.evals.gold import Evidence
from policyqa.evals.records import AnswerRecord, CitedText

__all__ = [
    "Measure", "answer_sentences", "citation_quality", "citation_support", "claim_sentences", "faithfulness",
    "false_refusal", "key_fact_coverage", "rejection",
]


@dataclass(frozen=True)
class Measure:
    """One metric of one item: its value (a share in [0, 1], or a character count for sizes;
    None when the metric does not apply to the item) and why."""

    value: float | None
    reason: str


def answer_sentences(answer: str) -> list[str]:
    """The sentences of an answer; a quotation spanning several sentences (“…。…”[1]) stays one
    sentence, so the marker after it covers all of it, and a lone 。 joins the sentence before."""
    merged: list[str] = []
    for piece in split_sentences(answer, keep_semicolons=True):
        open_quote = merged and merged[-1].count("“") > merged[-1].count("”")
        if merged and (open_quote or not any(ch.isalnum() for ch in piece)):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def claim_sentences(answer: str) -> list[str]:
    """The sentences of an answer that assert something (framing-only sentences left out)."""
    return [s for s in answer_sentences(answer) if claim_core(s)]


def key_fact_coverage(must_include: Sequence[str], record: AnswerRecord) -> Measure:
    """Share of the key strings present in the answer after normalising width, quotes and space;
    0 for an abstention; None when the item has no key strings."""
    if not must_include:
        return Measure(None, "无关键信息（不可回答）")
    if record.abstained:
        return Measure(0.0, "拒答，未给出关键信息")
    text = normalise(record.answer)
    missing = [k for k in must_include if normalise(k) not in text]
    found = len(must_include) - len(missing)
    reason = f"{found}/{len(must_include)} 项关键信息" + (f"；缺少 {'、'.join(missing)}" if missing else "")
    return Measure(found / len(must_include), reason)


def _holds(evidence: Evidence, cited: CitedText) -> bool:
    return cited.doc == evidence.doc and contains_quote(cited.text, evidence.quote)


def citation_support(evidence: Sequence[Evidence], record: AnswerRecord) -> Measure:
    """1 when a cited clause contains a gold evidence quote (from the same document), else 0;
    None when the item has no evidence."""
    if not evidence:
        return Measure(None, "无证据（不可回答）")
    for cited in record.citations:
        for e in evidence:
            if _holds(e, cited):
                return Measure(1.0, f"引用 [{cited.n}] {cited.label or cited.doc} 含证据原文")
    if not record.citations:
        return Measure(0.0, "没有引用")
    return Measure(0.0, f"{len(record.citations)} 条引用均不含证据原文（应引 {evidence[0].doc}）")


def citation_quality(record: AnswerRecord, judge: ClaimJudge) -> tuple[Measure, Measure]:
    """ALCE citation recall and precision of an answer; both None for an abstention or an answer
    without claims (precision also when nothing is cited)."""
    if record.abstained:
        skipped = Measure(None, "拒答，不计引用")
        return skipped, skipped
    sentences = claim_sentences(record.answer)
    if not sentences:
        empty = Measure(None, "答案没有需要引用的句子")
        return empty, empty
    recalled, correct, total, first_miss = 0, 0, 0, ""
    for sentence in sentences:
        cited = [record.citation(n) for n in cited_numbers(sentence)]
        texts = [c.judged_text for c in cited if c is not None]
        joint = bool(texts) and len(texts) == len(cited) and judge.judge(sentence, texts).supported
        recalled += joint
        total += len(cited)
        correct += sum(joint and _needed(sentence, i, texts, judge) for i in range(len(texts)))
        if not joint and not first_miss:
            first_miss = _miss_reason(sentence, cited, texts, judge)
    recall = Measure(recalled / len(sentences), f"{recalled}/{len(sentences)} 句得到所引条款支持" + first_miss)
    if not total:
        return recall, Measure(None, "没有引用")
    return recall, Measure(correct / total, f"{correct}/{total} 条引用必要且相关")


def _needed(sentence: str, index: int, texts: Sequence[str], judge: ClaimJudge) -> bool:
    """ALCE: a citation is irrelevant when it does not support the sentence alone and the other
    citations still do without it."""
    if len(texts) == 1 or judge.judge(sentence, [texts[index]]).supported:
        return True
    rest = [t for i, t in enumerate(texts) if i != index]
    return not judge.judge(sentence, rest).supported


def _miss_reason(sentence: str, cited: Sequence[CitedText | None], texts: Sequence[str], judge: ClaimJudge) -> str:
    short = sentence if len(sentence) <= 40 else sentence[:40] + "…"
    if not cited:
        return f"；无引用：“{short}”"
    if len(texts) < len(cited):
        return f"；引用编号不存在：“{short}”"
    return f"；“{short}” {judge.judge(sentence, texts).reason}"


def faithfulness(record: AnswerRecord, judge: ClaimJudge) -> Measure:
    """Share of the answer's claim sentences supported by all its cited clauses together; None
    for an abstention or an answer without claims."""
    if record.abstained:
        return Measure(None, "拒答，不计")
    sentences = claim_sentences(record.answer)
    if not sentences:
        return Measure(None, "答案没有实质句子")
    texts = [c.judged_text for c in record.citations]
    if not texts:
        return Measure(0.0, f"{len(sentences)} 句均无引用条款可依")
    verdicts = [(s, judge.judge(s, texts)) for s in sentences]
    bad = [(s, v) for s, v in verdicts if not v.supported]
    reason = f"{len(sentences) - len(bad)}/{len(sentences)} 句有据"
    if bad:
        s, v = bad[0]
        reason += f"；“{s if len(s) <= 40 else s[:40] + '…'}” {v.reason}"
    return Measure((len(sentences) - len(bad)) / len(sentences), reason)


def rejection(answerable: bool, record: AnswerRecord) -> Measure:
    """On an unanswerable item: 1 when the answer abstained, else 0; None on answerable items."""
    if answerable:
        return Measure(None, "可回答题")
    return Measure(1.0, "正确拒答") if record.abstained else Measure(0.0, "不可回答却给出了答案")


def false_refusal(answerable: bool, record: AnswerRecord) -> Measure:
    """On an answerable item: 1 when the answer abstained (a false refusal), else 0; None otherwise."""
    if not answerable:
        return Measure(None, "不可回答题")
    return Measure(1.0, "可回答却拒答") if record.abstained else Measure(0.0, "作答")

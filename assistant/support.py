"""Is one answer sentence supported by the clauses it cites? A model-free support judge.

No NLI model runs offline, so :class:`SupportJudge` decides from what the sentence shares with the
evidence: the share of its characters covered by character trigrams found in the evidence, plus
(optionally) an embedding similarity. Three hard checks catch the subtle errors that overlap alone
misses: every number in the sentence must occur in the evidence; a modal word (不得/可以/应当 …)
must not be flipped against the evidence's wording of the same action; and the sentence may bring
no content character the evidence lacks (a swapped subject, an invented sanction). Agreement with
hand labels is measured by ``python -m policyqa.evals.support_agreement`` (see docs/evals.md).

Anything with a ``judge(claim, evidence) -> SupportVerdict`` method (:class:`ClaimJudge`) can
replace it, e.g. an LLM judge; the evaluation suite and the LLM verifier only use that method.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from policyqa.assistant.sentences import strip_citations
from policyqa.assistant.modality import MODAL_PATTERN, MODAL_WORDS, Modality
from policyqa.assistant.wording import COUNT_LEAD, FRAMING
from policyqa.numerals import cn_to_int

if TYPE_CHECKING:
    from policyqa.index.embedder import Embedder

__all__ = ["ClaimJudge", "SupportJudge", "SupportVerdict", "claim_core"]

DEFAULT_THRESHOLD = 0.7

# Modal words become one private-use character per family, so 不能 and 不得 compare equal and a
# flip from 不得 to 可以 is a different character (longest words first: 不可以 before 可以).
_NEG, _PERM, _REQ, _ENC, _OPT = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_MARK = {Modality.FORBID: _NEG, Modality.PERMIT: _PERM, Modality.REQUIRE: _REQ, Modality.ENCOURAGE: _ENC,
         Modality.OPTIONAL: _OPT}
_MODAL_NAMES = {_NEG: "不得/禁止", _PERM: "可以/允许", _REQ: "应当/必须", _ENC: "鼓励/支持", _OPT: "无需"}
_MODAL_OF = {word: _MARK[modality] for word, modality in MODAL_WORDS}

_CN_NUM = "零〇一二两三四五六七八九十百千"
# A number's unit decides what it counts; units of one group are interchangeable (五项 = 五大).
_UNIT_GROUPS = (
    ("个", "项", "大", "类", "种", "条", "方面", "门", "部", "批", "所", "名", "人", "家", "位", "级"),
    ("年", "学年"), ("学期",), ("月",), ("日", "天"), ("周",), ("岁",), ("小时", "学时", "课时", "节"),
    ("分钟",), ("次",), ("倍",), ("%",), ("万",), ("亿",), ("届",), ("章",), ("款",),
)
_UNIT_OF = {unit: group[0] for group in _UNIT_GROUPS for unit in group}
_UNITS = "|".join(sorted(_UNIT_OF, key=len, reverse=True))
_NUMBER = re.compile(rf"(\d+(?:\.\d+)?|[{_CN_NUM}]+)({_UNITS})?")

_QUOTES = re.compile(r"[“”‘’「」『』\"'〈〉]")
_TITLE = re.compile(r"《[^》]{1,60}》")
_ARTICLE = re.compile(rf"第[{_CN_NUM}\d]+[条款项章节](?:第[{_CN_NUM}\d]+[款项])*")
_ITEM_LABEL = re.compile(rf"(?:[{_CN_NUM}]+、)?(?:[（(][{_CN_NUM}\d]+[）)])+(?:\d+[.．])?")
_LEAD_IN = re.compile(
    r"^(?:(?:根据|依据|按照|依照)[^，。：；,:]{0,40}?(?:的?(?:规定|要求)|》|条|法|方案|意见|通知)[，,：:]"
    r"|[^，。：；,:]{0,40}?(?:规定|指出|明确|提出|写明|载明|要求)[：:])"
)
_DOC_LEAD_IN = re.compile(
    r"^(?:该|本|这份)?[^，。：；,:]{0,20}?(?:方案|意见|法|通知|计划|条例|文件|本条|该条)"
    r"(?:第[^，。：；,:]{1,8}条)?(?:中)?(?:明确)?(?:规定|要求|指出|提出|强调|明确)[，,：:]?"
)
_VERDICT = re.compile(r"^(?:不可以|可以|不能|不行|不得|不允许|允许|能|是的|不是|是|否|禁止"
                      r"|文件有明确要求|文件予以鼓励|前提有误)(?:[。，,！!；;：:]|$)")
_SEGMENT_SPLIT = re.compile(r"[^\w\ue000-\ue004%.]+")
# Characters an answer may add around quoted text without asserting anything new.
_FUNCTION_CHARS = frozenset("的了和与及或是在对将把被也都等其之而并由为于就所以中上下者该此这要会有从到向给让即它各均")


@dataclass(frozen=True)
class SupportVerdict:
    """Whether a claim is supported, a score in [0, 1] (higher is better supported) and why."""

    supported: bool
    score: float
    reason: str


@runtime_checkable
class ClaimJudge(Protocol):
    """Anything that judges one answer sentence against evidence texts (this module, an LLM …)."""

    def judge(self, claim: str, evidence: Sequence[str]) -> SupportVerdict:
        """The verdict for ``claim`` given the texts of the clauses it cites."""
        ...


def claim_core(sentence: str) -> str:
    """What a sentence asserts: without ``[n]`` markers, quotation marks, the assistant's framing
    (a part mark （2）, a refusal with its reason), a leading verdict word (不可以。/ 能，), a
    lead-in (根据…规定，/ …指出：), document titles and article labels."""
    text = FRAMING.sub("", _QUOTES.sub("", strip_citations(sentence)).strip()).strip()
    for _ in range(3):  # 不能。根据《X》第N条规定，… peels in a few rounds
        stripped = _DOC_LEAD_IN.sub("", _LEAD_IN.sub("", _VERDICT.sub("", text))).strip()
        if stripped == text:
            break
        text = stripped
    text = _ARTICLE.sub("", _TITLE.sub("", text))
    return _ITEM_LABEL.sub("", text).strip(" ，,：:。")


class SupportJudge:
    """Character-trigram coverage of the claim by the evidence, optionally blended with an
    embedding similarity, after hard checks on numbers, modal words and new content characters.

    ``threshold`` is the score from which a claim counts as supported. With an ``embedder``
    (any :class:`~policyqa.index.embedder.Embedder`) the score is the larger of the lexical
    coverage and the mean of coverage and rescaled cosine similarity, which lets a faithful
    paraphrase through; without one the judge needs no model. ``allow_new_chars`` is how many
    distinct content characters absent from the evidence a claim may bring (0: none, the
    setting measured on ``evals/data/support_pairs.jsonl``).
    """

    def __init__(self, embedder: Embedder | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 allow_new_chars: int = 0, similarity_floor: float = 0.80, similarity_ceiling: float = 0.95) -> None:
        """Raises ValueError for a threshold outside (0, 1], a negative ``allow_new_chars`` or an
        empty similarity range."""
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold 应在 (0, 1] 之间，收到 {threshold}")
        if allow_new_chars < 0:
            raise ValueError(f"allow_new_chars 不能为负，收到 {allow_new_chars}")
        if not similarity_floor < similarity_ceiling:
            raise ValueError(f"similarity_floor ({similarity_floor}) 应小于 similarity_ceiling ({similarity_ceiling})")
        self.embedder = embedder
        self.threshold = threshold
        self.allow_new_chars = allow_new_chars
        self._floor, self._ceiling = similarity_floor, similarity_ceiling

    def judge(self, claim: str, evidence: Sequence[str]) -> SupportVerdict:
        """Judge one answer sentence against the texts of the clauses it cites.

        A sentence that is only framing (a verdict word, a lead-in) is supported; one that cites
        nothing is not. Raises nothing for odd input.
        """
        core = claim_core(_without_checked_count(claim))
        claim_c = _canonical(core)
        if not claim_c:
            return SupportVerdict(True, 1.0, "只有框架词（结论词、出处），无需证据")
        texts = tuple(t for t in evidence if t and t.strip())
        if not texts:
            return SupportVerdict(False, 0.0, "没有引用任何条款")
        view = _evidence_view(texts)
        coverage = _trigram_coverage(claim_c, view)
        score = coverage
        if self.embedder is not None:
            score = max(coverage, (coverage + self._similarity(core, texts)) / 2)
        problem = (_missing_number(core, view) or _flipped_modal(claim_c, view)
                   or _new_chars(claim_c, view, self.allow_new_chars))
        if problem:
            return SupportVerdict(False, round(min(score, self.threshold / 2), 3), problem)
        supported = score >= self.threshold
        word = "支持" if supported else "不支持"
        return SupportVerdict(supported, round(score, 3),
                              f"{word}：{coverage:.0%} 的字与证据重合，得分 {score:.2f}（阈值 {self.threshold:.2f}）")

    def _similarity(self, core: str, texts: Sequence[str]) -> float:
        """Best cosine between the claim and any evidence sentence, rescaled to [0, 1]."""
        pieces = [p for t in texts for p in re.split(r"(?<=[。；！？])", t) if p.strip()]
        vectors = self.embedder.embed_queries([core, *pieces])
        best = float((vectors[1:] @ vectors[0]).max())
        return min(1.0, max(0.0, (best - self._floor) / (self._ceiling - self._floor)))


@dataclass(frozen=True)
class _EvidenceView:
    """The evidence texts prepared once for many claims: canonical texts, trigrams, characters,
    numbers."""

    canonical: tuple[str, ...]
    joined: str
    trigrams: frozenset[str]
    chars: frozenset[str]
    numbers: frozenset[tuple[float, str]]


@lru_cache(maxsize=256)
def _evidence_view(texts: tuple[str, ...]) -> _EvidenceView:
    canonical = tuple(_canonical(t) for t in texts)
    grams = frozenset(seg[i:i + 3] for text in canonical for seg in text.split(" ") for i in range(len(seg) - 2))
    numbers = frozenset().union(*(_numbers(t, bare_chinese=True) for t in texts))
    return _EvidenceView(canonical, "\n".join(canonical), grams, frozenset("".join(canonical)), numbers)


def _canonical(text: str) -> str:
    """NFKC, modal words folded to one character per family, only word characters kept."""
    text = unicodedata.normalize("NFKC", text)
    text = MODAL_PATTERN.sub(lambda m: _MODAL_OF[m.group()], text)
    return " ".join(s for s in _SEGMENT_SPLIT.split(text) if s)


def _trigram_coverage(claim: str, view: _EvidenceView) -> float:
    """Share of the claim's characters inside some claim trigram that occurs in the evidence;
    a segment shorter than three characters counts when it occurs in the evidence as is."""
    covered = total = 0
    for seg in claim.split(" "):
        total += len(seg)
        if len(seg) < 3:
            covered += len(seg) if seg in view.joined else 0
            continue
        hit = [False] * len(seg)
        for i in range(len(seg) - 2):
            if seg[i:i + 3] in view.trigrams:
                hit[i] = hit[i + 1] = hit[i + 2] = True
        covered += sum(hit)
    return covered / total if total else 1.0


def _numbers(text: str, *, bare_chinese: bool) -> set[tuple[float, str]]:
    """(value, unit group) of each number in the text; unit "" when none follows. A Chinese
    numeral without a unit is skipped unless ``bare_chinese`` (一 in 统一 is not a number)."""
    found = set()
    for digits, unit in _NUMBER.findall(unicodedata.normalize("NFKC", text)):
        if not unit and not digits[0].isdigit() and not bare_chinese:
            continue
        try:
            value = float(digits) if digits[0].isdigit() else float(cn_to_int(digits))
        except ValueError:
            continue
        found.add((value, _UNIT_OF.get(unit, "")))
    return found


def _without_checked_count(claim: str) -> str:
    """``claim`` without its count lead (共六大行动：…) when the count equals the number of items
    the same sentence quotes — a count of the quotes themselves, checked here, not in a clause."""
    m = COUNT_LEAD.match(claim)
    if not m:
        return claim
    count = int(m.group(1)) if m.group(1).isdigit() else cn_to_int(m.group(1))
    return claim[m.end():] if count == claim.count("”[") else claim   # each item: “…”[n]


def _missing_number(core: str, view: _EvidenceView) -> str | None:
    """A reason when the claim states a number (with its unit) that no evidence text contains."""
    values = {value for value, _ in view.numbers}
    missing = sorted({(v, u) for v, u in _numbers(core, bare_chinese=False)
                      if ((v, u) not in view.numbers if u else v not in values)})
    if missing:
        shown = "、".join(f"{v:g}{u}" for v, u in missing)
        return f"不支持：数字 {shown} 不在所引条款中"
    return None


def _flipped_modal(claim: str, view: _EvidenceView) -> str | None:
    """A reason when a modal word of the claim contradicts the evidence about the same action.

    The action is the two characters after the modal word; where the evidence has that action
    right after a modal word (within three characters), one of those must be the claim's modal.
    """
    for match in re.finditer("[\ue000-\ue004]", claim):
        modal, action = match.group(), claim[match.end():match.end() + 2]
        if len(action) < 2 or not action.isalnum():
            continue
        seen = {view.joined[i - gap] for i in _find_all(view.joined, action)
                for gap in (1, 2, 3) if i - gap >= 0 and "\ue000" <= view.joined[i - gap] <= "\ue004"}
        if seen and modal not in seen:
            said = "、".join(_MODAL_NAMES[m] for m in sorted(seen))
            return f"不支持：句中“{_MODAL_NAMES[modal]}{action}”，条款是“{said}{action}”"
    return None


def _new_chars(claim: str, view: _EvidenceView, allowed: int) -> str | None:
    """A reason when the claim holds more than ``allowed`` content characters found nowhere in
    the evidence (a swapped subject such as 省级 for 县级, an invented 罚款); function
    characters and digits are ignored."""
    new = [ch for ch in dict.fromkeys(claim)
           if ch not in view.chars and ch not in _FUNCTION_CHARS and not ch.isascii() and not ch.isdigit()]
    if len(new) > allowed:
        shown = "".join(_MODAL_NAMES.get(ch, ch) for ch in new[:6])
        return f"不支持：“{shown}”不见于所引条款"
    return None


def _find_all(text: str, part: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(part), text)]

"""Choosing the sentences of the retrieved clauses that answer a question.

Every retrieved clause is cut into sentences; each sentence is scored by how much of the
question's content it covers (terms weighted by their rarity in the library, plus character
bigrams for colloquial wording), whether it has what the question asks for (a figure of the
asked unit, a date, a 严禁/应当 wording …) and how high its clause was ranked.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from policyqa.assistant.dense import unit_similarity
from policyqa.assistant.frame import QuestionFrame, QuestionKind, content_of, is_question_word
from policyqa.assistant.modality import states_rule
from policyqa.assistant.numbers import FREQUENCY, NumberMention, doc_numbers, find_frequencies, find_numbers
from policyqa.domain import Hit
from policyqa.index.bm25 import BM25Index
from policyqa.index.query import Query

_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?")
_ORG = re.compile(r"(部门|政府|委员会|教育部|学校|幼儿园|机构|单位|教委|教育局|人民代表大会|国务院|办公厅|家庭|父母|监护人|教师)")
_DATE = re.compile(r"(\d{4}|[〇一二三四五六七八九]{4})年|[一二三四五六七八九十\d]+(个月|月|日|天|周|年)|同步|之前|以前|届时|即日起|起施行")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DEICTIC = re.compile(r"^[这那哪该此各每某]")  # 这项, 那份, 哪个: pointers, not content


@dataclass(frozen=True)
class EvidenceSentence:
    """One sentence of a retrieved clause with its scores.

    ``coverage`` is the rarity-weighted share of the question's terms found in the sentence;
    ``clause_coverage`` the same over the whole clause; ``fits`` whether the sentence has what the
    question asks for (a figure, a date, a rule …).
    """

    hit: Hit
    rank: int
    sentence: str
    position: int
    score: float
    coverage: float
    clause_coverage: float
    fits: bool
    figures: tuple[NumberMention, ...]
    similarity: float = 0.0   # the question's cosine to the window holding the sentence (0 without vectors)


_INTRO_END = re.compile(r"[：:]$|下列")
UNIT_CHARS = 160


def clause_sentences(text: str, schedule: str | None = None) -> list[str]:
    """The quotable units of a clause's text, then its schedule line.

    A unit is a sentence (split at 。；！？ and line ends), except that a short heading-like
    sentence keeps the sentence after it, and a sentence introducing a list (…下列情形之一的：)
    keeps the listed items, up to about ``UNIT_CHARS`` characters.
    """
    sentences = [s.strip() for s in _SENTENCE.findall(text) if len(_CJK.findall(s)) >= 2]
    units: list[str] = []
    i = 0
    while i < len(sentences):
        unit = sentences[i]
        i += 1
        if _INTRO_END.search(unit):
            while i < len(sentences) and len(unit) + len(sentences[i]) <= UNIT_CHARS * 2:
                unit += sentences[i]
                i += 1
        elif len(unit) < 20 and i < len(sentences):
            unit += sentences[i]
            i += 1
        units.append(unit)
    if schedule and schedule not in text:
        units.append(schedule)
    return units


class TermWeights:
    """Rarity weights (BM25 idf) of question terms over the whole library."""

    def __init__(self, bm25: BM25Index, *, synonym_weight: float = 0.7) -> None:
        self.bm25, self.synonym_weight = bm25, synonym_weight

    def terms(self, query: Query, ignore: Sequence[str] = ()) -> dict[str, float]:
        """The question's content terms with their weights, from the tokens it was read into:
        question words (什么, 是否, 规定), terms inside ``ignore`` (document names) and pointers
        (这项, 那份) carry no weight, a term contained in a longer one gives way to it, and the legal
        terms of its colloquial words (index/data/synonyms.txt) join at ``synonym_weight``."""
        tokens = {t: None for t in query.tokens if not _DEICTIC.match(t) and not is_question_word(t)
                  and not any(t in name for name in ignore)}
        longest = [t for t in tokens if not any(t != o and t in o for o in tokens)]
        weights = {t: max(self.bm25.idf(t), 0.1) for t in longest}
        for term in query.expansions:  # colloquial words also match their legal terms (打 → 体罚)
            weights.setdefault(term, self.synonym_weight * max(self.bm25.idf(term), 0.1))
        return weights


def coverage(terms: dict[str, float], text: str) -> float:
    """The weighted share of ``terms`` that occur in ``text`` (0 when there are no terms)."""
    total = sum(terms.values())
    return sum(w for t, w in terms.items() if t in text) / total if total else 1.0


def content_bigrams(question: str) -> frozenset[str]:
    """The CJK character bigrams of the question's content (its question words left out)."""
    runs = re.findall(r"[\u4e00-\u9fff]+", content_of(question))
    return frozenset(run[i:i + 2] for run in runs for i in range(len(run) - 1))


def bigram_overlap(grams: frozenset[str], text: str) -> float:
    """The share of the question's content bigrams ``grams`` that occur in ``text``."""
    return sum(g in text for g in grams) / len(grams) if grams else 0.0


def sentence_fits(frame: QuestionFrame, sentence: str, figures: list[NumberMention]) -> bool:
    """Does ``sentence`` contain the kind of content the question's primary kind asks for?"""
    kind = frame.primary
    if frame.asks_doc_number:
        return bool(doc_numbers(sentence))
    if kind is QuestionKind.QUANTITY:
        if frame.units is not None and FREQUENCY in frame.units:
            return bool(find_frequencies(sentence)) or any(f.unit == "次" for f in figures)
        if frame.units is not None:
            return any(f.unit in frame.units for f in figures)
        return any(f.unit_class != "date" for f in figures)
    if kind is QuestionKind.DATE:
        return bool(_DATE.search(sentence))
    if kind is QuestionKind.WHO:
        return bool(_ORG.search(sentence))
    if kind is QuestionKind.COMPLIANCE:
        return states_rule(sentence)
    return True


class EvidenceSelector:
    """Scores the sentences of retrieved clauses against a question.

    With a :class:`~policyqa.assistant.dense.DenseScorer` each unit also gets the question's
    cosine to its clause (or to the window of a long clause that holds it), rescaled so that the
    best retrieved clause scores 1 and a clause ``dense_span`` lower scores 0.
    """

    def __init__(self, weights: TermWeights, *, dense=None, rank_weight: float = 0.3, fit_bonus: float = 0.25,
                 dense_weight: float = 1.0, dense_span: float = 0.1) -> None:
        self.weights, self.rank_weight, self.fit_bonus = weights, rank_weight, fit_bonus
        self.dense, self.dense_weight, self.dense_span = dense, dense_weight, dense_span

    def select(self, frame: QuestionFrame, query: Query, hits: Sequence[Hit], *,
               ignore: Sequence[str] = ()) -> list[EvidenceSentence]:
        """Every sentence of every hit, best first, scored against the question as read once."""
        terms = self.weights.terms(query, ignore)
        grams = content_bigrams(query.text)
        sims = self.dense.similarities(query.vector, [h.clause for h in hits]) \
            if self.dense is not None and query.vector is not None else {}
        best_sim = max((s for v in sims.values() for _, s in v), default=0.0)
        scored = []
        for rank, hit in enumerate(hits):
            clause_text = hit.clause.text
            clause_cov = coverage(terms, "".join(hit.clause.path) + clause_text)
            for position, sentence in enumerate(clause_sentences(clause_text, hit.clause.schedule)):
                figures = find_numbers(sentence)
                fits = sentence_fits(frame, sentence, figures)
                cov = coverage(terms, sentence)
                score = (0.55 * cov + 0.2 * bigram_overlap(grams, sentence) + 0.2 * clause_cov
                         + (self.fit_bonus if fits else 0.0) + self.rank_weight / (rank + 1))
                similarity = unit_similarity(sentence, sims[hit.clause.id]) if hit.clause.id in sims else 0.0
                if hit.clause.id in sims:
                    score += self.dense_weight * max(0.0, 1.0 - (best_sim - similarity) / self.dense_span)
                scored.append(EvidenceSentence(hit, rank, sentence, position, score, cov, clause_cov, fits,
                                               tuple(figures), similarity))
        return sorted(scored, key=lambda e: -e.score)

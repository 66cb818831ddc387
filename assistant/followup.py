"""Resolving a follow-up question against the previous turn of the conversation.

Each message of a conversation is read in exactly one of four ways, decided here:

- **new topic**: no earlier turn, a message that says it changes the topic (另外…, 换个话题…,
  :data:`~policyqa.vocabulary.TOPIC_CHANGE_WORDS`), or one that neither points back nor shares a
  telling word with the previous question: it is asked as it stands;
- **about the clause just cited**: it points back (这条/这个/它…, :data:`~policyqa.vocabulary.POINTING_WORDS`)
  and asks where that comes from (出自哪部法？哪一条？): the previous answer's first clause, named
  in its place, is the focus;
- **switch**: 那X呢 — X takes the place of its counterpart in the previous question: a document
  or a region (那北京方案呢？), else the previous question's word closest to X in meaning (by the
  embedding model: 学校 → 幼儿园), or, when X is a whole statement (那老师对处理不服呢？), X with the
  previous question's last phrase (…，能申诉吗);
- **continuation**: it points back, names nothing of its own (no noun: 向谁申请？违反会怎样？) or shares a
  telling word (one rarer than ``shared_idf`` in the library) with the previous question: it is
  read with the previous question's content as context (its question words left out), so that
  retrieval and any verdict are about that topic; what it asks (its frame) is its own.

The resolved text is shown to the user (结合上文理解为…). A verdict is never carried over: each
turn's verdict is decided afresh from the clauses retrieved for its resolved reading.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from policyqa.assistant.answer import Turn
from policyqa.assistant.frame import QuestionKind, content_of, is_question_word, read_frame
from policyqa.domain import Clause
from policyqa.index.aliases import DocumentResolver
from policyqa.index.tokenize import ChineseTokenizer
from policyqa.vocabulary import ALL_KIND_WORDS, POINTING_WORDS, TOPIC_CHANGE_WORDS, kind_alternation

_SWITCH = re.compile(r"^(?:那么|那)(?![个些条份种位项款])(?P<x>.+?)(?:呢|怎么样|怎么说|又如何)[？?。!！]*$"
                     r"|^(?:那么|那)(?![个些条份种位项款])(?P<z>.{1,6}?)[？?。!！]*$|^(?P<y>.{1,12}?)呢[？?]*$")
"""那X呢 / 那X怎么样 / a short 那X？ / X呢: the conjunction 那, not the demonstrative 那个/那些/那条."""
_POINTING = re.compile(kind_alternation(POINTING_WORDS))
_TOPIC_CHANGE = re.compile(rf"^\s*(?:{kind_alternation(TOPIC_CHANGE_WORDS)})")
_KIND_END = re.compile(rf"({kind_alternation(ALL_KIND_WORDS)})$")
_PUNCT_END = re.compile(r"[，,。？?！!；;：:\s]+$")
_CONTENT_TAGS = ("n", "v", "t", "s", "a", "j", "l")
"""jieba part-of-speech tags of words that carry content: nouns, verbs, times, places, adjectives,
abbreviations and set phrases (not pronouns r, prepositions p, particles u/y, conjunctions c)."""
_NAMING_TAGS = ("n", "t", "s", "j", "l")
"""Tags of words that name what a question is about (nouns, times, places, abbreviations, set
phrases): a message with none of them (违反会怎样？向谁申请？) is about the previous turn's topic."""
CONTEXT_CHARS = 40
"""The most characters of context a continuation carries (the end of the previous question's content)."""


@dataclass(frozen=True)
class ResolvedQuestion:
    """How a message is to be read: ``text`` (what is asked, after a switch), the ``context`` it is
    read with (the previous question's content, for a continuation), and the clause it points
    back to (``focus``)."""

    text: str
    focus: Clause | None = None
    context: str = ""

    @property
    def reading(self) -> str:
        """The self-contained reading shown to the user and retrieved with."""
        return f"{self.context}，{self.text}" if self.context else self.text


class FollowUpResolver:
    """Reads a message against the previous turn (see the module docstring)."""

    def __init__(self, resolver: DocumentResolver, tokenizer: ChineseTokenizer, places: frozenset[str], *,
                 idf: Callable[[str], float] = lambda word: 0.0,
                 embed: Callable[[Sequence[str]], np.ndarray] | None = None, shared_idf: float = 3.0) -> None:
        """``idf`` gives a word's rarity in the library (BM25 idf), ``embed`` query vectors for
        words (the switch's nearest word; without it the switch falls back to a continuation)."""
        self.resolver, self.tokenizer, self.places = resolver, tokenizer, places
        self.idf, self.embed, self.shared_idf = idf, embed, shared_idf

    def resolve(self, question: str, history: Sequence[Turn]) -> ResolvedQuestion:
        """The reading of ``question`` given ``history`` (oldest first)."""
        if not history or _TOPIC_CHANGE.search(question):
            return ResolvedQuestion(question)
        previous = history[-1]
        before = previous.answer.effective_question or previous.question
        points = bool(_POINTING.search(question))
        cited = previous.answer.citations if not previous.answer.abstained else ()
        if points and cited and read_frame(question).primary is QuestionKind.LOCATE:
            focus = cited[0].clause
            named = f"《{cited[0].doc_title}》{focus.label}"
            return ResolvedQuestion(_POINTING.sub(named, question, count=1), focus)
        switch = _SWITCH.match(question.strip()) if not points else None
        if switch and len(question) <= 30:
            x = (switch.group("x") or switch.group("z") or switch.group("y") or "").strip("，, ")
            if self._content_words(self.tokenizer.tagged(x)):   # 还有呢？ names nothing to switch to: a continuation
                return self._switch(question, x, before)
        tagged = self.tokenizer.tagged(question)
        own = self._content_words(tagged)
        names = self._content_words(tagged, _NAMING_TAGS)
        shared = [w for w in own if len(w) >= 2 and w in before and self.idf(w) >= self.shared_idf]
        if points or not names or shared:
            return ResolvedQuestion(question, context=self._context(before))
        return ResolvedQuestion(question)

    # -- the readings ----------------------------------------------------------------------------
    def _switch(self, question: str, x: str, before: str) -> ResolvedQuestion:
        """那X呢 against the previous question ``before``."""
        words = self.tokenizer.tagged(x)
        new = self.resolver.find(x)
        old = self.resolver.find(before)
        region = next((w for w, _ in words if w in self.places), None)
        if new or region:   # another document, or the same kind of document of another place
            if new:
                name = x[new[0].start:new[0].end]
            else:
                suffix = _KIND_END.search(before[old[0].start:old[0].end]) if old else None
                name = region + (suffix.group() if suffix else "")
            if not old:
                return ResolvedQuestion(f"{name}：{before}")
            first = old[0]
            return ResolvedQuestion(before[:first.start] + name + before[first.end:])
        statement = len(x) > 4 and any(tag.startswith("v") for _, tag in words) and \
            any(tag.startswith(("n", "r")) for _, tag in words)
        asked = _PUNCT_END.sub("", before)
        tail = re.split(r"[，,]", asked)
        if statement and len(tail) > 1:   # 那老师对学校的处理不服呢 after …不服，能申诉吗
            return ResolvedQuestion(f"{x}，{tail[-1]}？")
        span = self._counterpart(x, words, asked)
        if span is None:
            return ResolvedQuestion(question, context=self._context(before))
        return ResolvedQuestion(before.replace(span, x, 1))

    def _counterpart(self, x: str, x_words: Sequence[tuple[str, str]], asked: str) -> str | None:
        """The stretch of the previous question ``asked`` that ``x`` (cut into ``x_words``) takes the
        place of: of its runs of up to ``len(x_words) + 2`` words without punctuation, the one closest to ``x`` in
        meaning (by the embedding model). When ``x`` repeats a word of ``asked`` that is not a
        noun (当老师 after 能当…校长吗; 幼儿园招保育员 after 学校招老师…), the run must hold that word;
        otherwise it must start and end with a noun (or a time, place, abbreviation). None without
        the model or such a run."""
        words = self.tokenizer.tagged(asked)
        anchors = {w for w, tag in x_words if not tag.startswith(_NAMING_TAGS) and len(w.strip()) and
                   any(w == a for a, _ in words) and not is_question_word(w) and w not in "的了和与及、"}
        naming = [tag.startswith(_NAMING_TAGS) for _, tag in words]
        longest = len(x_words) + 2
        spans = []
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + longest) + 1):
                run = [w for w, _ in words[i:j]]
                text = "".join(run)
                if re.search(r"[，,。；;：:、？?\s]", text) or text in x:
                    continue
                if (anchors & set(run)) if anchors else (naming[i] and naming[j - 1]):
                    spans.append(text)
        spans = list(dict.fromkeys(spans))
        if self.embed is None or not spans:
            return None
        vectors = self.embed([x, *spans])
        return spans[int(np.argmax(vectors[1:] @ vectors[0]))]

    @staticmethod
    def _content_words(tagged: Sequence[tuple[str, str]], tags: tuple[str, ...] = _CONTENT_TAGS) -> list[str]:
        """The words of a tagged text with one of these part-of-speech ``tags`` (content words by
        default), question words and pointers left out."""
        return [w for w, tag in tagged if tag.startswith(tags) and not is_question_word(w) and not _POINTING.fullmatch(w)]

    @staticmethod
    def _context(before: str) -> str:
        """The previous question's content as context: its question words, pointers and end
        punctuation left out."""
        content = re.sub(r"\s+", "", _PUNCT_END.sub("", _POINTING.sub("", content_of(before))))
        content = re.sub(r"[？?]", "，", content).strip("，")
        return content[-CONTEXT_CHARS:]

"""The places and laws a question names, found by their shape rather than from a list.

A question is cut into tagged words once (:meth:`ChineseTokenizer.tagged`). A **place** is a run of
words naming administrative divisions (南宁, 杭州市, 桂林市象山区): the gazetteer is read from the
dictionary itself — every place word of jieba's dictionary with an administrative ending (南宁市,
广西壮族自治区, 象山区) gives its name with and without the ending — so 东西, 上市 or 山区, which the
dictionary also tags as places, are not taken for one. A **law or regulation** named without 《》
is a noun phrase that ends the way Chinese statute titles end — a word ending in 法 whose stem is a
word (劳动法, 教育法; not 公检法), 法典, or 条例 / 规则 / 规程 / 细则, or 办法 / 规定 right after the
verb that names what they regulate (处理办法, 保护规定) — extended to the left over the nouns of two
or more characters before it (职业 + 教育法, 校车 + 安全 + 管理条例), and stopping at anything
else (根据…, 听说…, 什么办法); or a decree number (教育部令第50号, 第50号令).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ADMIN_ENDING = re.compile(r"^(.{2,}?)((?:[\u4e00-\u9fff]{1,4}族)*自治[区州县旗]|特别行政区|省|市|县|(?<!地)区|州|盟|旗)$")
"""The endings of administrative divisions (省, 市, 自治区 …) after a name of two or more characters.
地区 is not one of them: in common use it means any area (偏远地区, 东北地区, 少数民族地区)."""
_REGULATION_WORDS = ("条例", "规则", "规程", "细则")
"""Endings that name a regulation whatever comes before them, provided something names its subject."""
_RULE_WORDS = ("办法", "规定")
"""Endings that name a rule only right after the verb of what it regulates (处理办法, 保护规定);
after anything else they are ordinary words (什么办法, 方案规定)."""
_NAME_TAGS = re.compile(r"^(n|nz|ns|nt|l|j|x|vn|an)$")
"""Tags of the words a statute's name is made of (nouns, idioms, verbal nouns; jieba tags words
from the domain dictionary x)."""
_DECREE = re.compile(r"[\u4e00-\u9fff]{1,10}令第\s*\d+\s*号|第\s*\d+\s*号令")
"""A regulation cited by its decree number (教育部令第50号, 第50号令)."""
_PLACE_TAGS = ("ns", "nr")
"""A stem is a place name only where the dictionary does not know it as something else (jieba
tags some cities nr, e.g. 桂林)."""
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_VERB_TAGS = ("v", "vn")


@dataclass(frozen=True)
class Name:
    """A name found in a question, with its span in the question."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Place(Name):
    """A run of place names (桂林市象山区) and the single place words it is made of."""

    parts: tuple[str, ...] = ()


def place_stem(place: str) -> str:
    """A place name without its administrative ending (杭州市 → 杭州, 象山区 → 象山), when a name
    of two or more characters is left."""
    m = _ADMIN_ENDING.match(place)
    return m.group(1) if m else place


def _spans(words: list[tuple[str, str]]) -> list[tuple[int, int]]:
    out, at = [], 0
    for word, _tag in words:
        out.append((at, at + len(word)))
        at += len(word)
    return out


def _is_name_part(word: str, tag: str) -> bool:
    return len(word) >= 2 and bool(_CJK.match(word)) and bool(_NAME_TAGS.match(tag))


def gazetteer(word_tags: dict[str, str]) -> frozenset[str]:
    """Place names from the dictionary: each place word with an administrative ending, with and
    without that ending (南宁市 → 南宁市, 南宁)."""
    names = set()
    for word, tag in word_tags.items():
        m = _ADMIN_ENDING.match(word) if tag == "ns" else None
        if m and word_tags.get(m.group(1), "ns") in _PLACE_TAGS:   # 各省市 gives no 各省 (a pronoun)
            names.update((word, m.group(1)))
    return frozenset(names)


def find_places(words: list[tuple[str, str]], places: frozenset[str]) -> list[Place]:
    """Runs of place names in the question (桂林市象山区 is one run of two places)."""
    out: list[Place] = []
    for (word, _tag), (start, end) in zip(words, _spans(words)):
        if word not in places:
            continue
        if out and out[-1].end == start:
            last = out[-1]
            out[-1] = Place(last.text + word, last.start, end, last.parts + (word,))
        else:
            out.append(Place(word, start, end, (word,)))
    return out


def _law_ending(words: list[tuple[str, str]], i: int, is_word) -> bool:
    word, _tag = words[i]
    if len(word) >= 3 and (word.endswith("法典") or (word.endswith("法") and is_word(word[:-1]))):
        return True
    if word == "法":   # cut off its subject: 犯罪 + 法
        return i > 0 and _is_name_part(*words[i - 1])
    if word.endswith(_REGULATION_WORDS):
        return len(word) > 2 or (i > 0 and _is_name_part(*words[i - 1]))
    if word in _RULE_WORDS:
        return i > 0 and words[i - 1][1] in _VERB_TAGS and len(words[i - 1][0]) >= 2 \
            and _CJK.match(words[i - 1][0]) is not None
    return False


def find_laws(words: list[tuple[str, str]], is_word) -> list[Name]:
    """Statute names by their shape (see the module's docstring), the longest where one holds
    another (义务教育法实施细则, not also 义务教育法); ``is_word`` tells a dictionary word (the stem
    of 教育法 is one, that of 公检法 is not)."""
    spans = _spans(words)
    out: list[Name] = []
    for i in range(len(words)):
        if not _law_ending(words, i, is_word):
            continue
        first = i - 1 if words[i][0] in _RULE_WORDS or words[i][0] == "法" else i   # 处理办法, 犯罪法
        while first > 0 and _is_name_part(*words[first - 1]):
            first -= 1
        text = "".join(w for w, _ in words[first:i + 1])
        if len(text) >= 3:
            out.append(Name(text, spans[first][0], spans[i][1]))
    question = "".join(w for w, _ in words)
    out += [Name(m.group(), m.start(), m.end()) for m in _DECREE.finditer(question)]
    return [n for n in out if not any(o is not n and o.start <= n.start and n.end <= o.end for o in out)]

"""Naming documents the way users do: 国家方案, 北京方案, 扩优提质意见, 征求意见稿, 义务教育法 …

Aliases are derived from each document's own metadata (title, region, level, kind, draft status),
so a new document gets sensible aliases without a hand-made list.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from policyqa.domain import DocKind, DocumentMeta, Level
from policyqa.errors import UnknownDocument
from policyqa.regions import short_names
from policyqa.vocabulary import ALL_KIND_WORDS, KIND_WORDS, REPOST_WORDS, kind_alternation

_KIND_WORDS = {**KIND_WORDS, DocKind.REPOST: REPOST_WORDS}
_NATIONAL_WORDS = ("国家", "全国", "教育部", "部里", "中央")
_FILLER = re.compile(r"那个|这个|那份|这份|那部|这部|那一份|这一份|的")
"""Words users put between a place or short name and the kind of document (国家那个方案, 某市的方案,
某某那个意见): dropped before names are matched."""
_MENTION_END = re.compile(rf"({kind_alternation(ALL_KIND_WORDS, REPOST_WORDS, ('稿',))})")
_NAMED_KIND = re.compile(rf"(.{{2,}}?)({kind_alternation(ALL_KIND_WORDS)})")
"""A short name and the kind of document it ends with (扩优提质意见 → 扩优提质 + 意见)."""
_ISSUER_COUNT = "一二三四五六七八九"
_JOINERS = "和|与|及|跟|同|、"
_CONJUNCTION = re.compile(rf"(以及|{_JOINERS})$")
"""Words joining two places that share what follows (甲市和乙市的实施意见)."""
_YEAR = re.compile(r"(?:19|20)\d{2}年?版?")
_YEAR_AFTER = re.compile(rf"(?:{_JOINERS})({_YEAR.pattern})")
_YEAR_BEFORE = re.compile(rf"({_YEAR.pattern})(?:{_JOINERS})$")
_GENERIC_NAMES = frozenset(w for words in _KIND_WORDS.values() for w in words)


def bare_title(title: str) -> str:
    """A title as people shorten it: without 《》, spaces, a leading 关于 or 中华人民共和国, or a
    trailing (征求意见稿)."""
    bare = re.sub(r"[《》〈〉\s]", "", title)
    bare = re.sub(r"[（(][^（）()]{0,8}稿[）)]$", "", bare)
    return re.sub(r"^中华人民共和国", "", re.sub(r"^关于", "", bare))


def aliases_of(meta: DocumentMeta) -> set[str]:
    """Every name a user may give this document. A copy has only its file names (its text is
    the kept file's); an older version of a law is named only with its year (某法2016年版,
    2016年的某法), so the law's plain name is the version in force."""
    names = {meta.doc, meta.doc.rsplit(".", 1)[0]}
    if meta.copy_of:
        return names
    kind_words = _KIND_WORDS.get(meta.kind, ())
    if meta.title:
        names |= set(version_names(meta))
        if meta.superseded_by:
            return {n for n in names if n}
        names |= {meta.title, bare_title(meta.title)}
    names |= {p + k for p in places_of(meta) for k in kind_words}
    if meta.is_draft:
        names |= {"征求意见稿", "意见稿", "草案", "征求意见的文件"}
    return {n for n in names if n}


def version_names(meta: DocumentMeta) -> list[str]:
    """A law named with the year of its text: 某法2016年版, 2016年版某法, 2016年的某法,
    某法（2016年）, 2016版某法 (the full title as well as the short one)."""
    if meta.kind is not DocKind.LAW or not meta.date or not meta.title:
        return []
    year = meta.date[:4]
    names = []
    for title in dict.fromkeys((meta.title, bare_title(meta.title))):
        names += [f"{title}{year}年版", f"{year}年版{title}", f"{year}年版的{title}", f"{year}年的{title}",
                  f"{year}版{title}", f"{title}{year}版", f"{title}（{year}年）", f"{title}({year}年)",
                  f"{title}（{year}年版）", f"{year}年{title}", f"{year}年修订的{title}", f"{year}年修正的{title}"]
    return names


def places_of(meta: DocumentMeta) -> list[str]:
    """Words naming where a (non-law) document comes from: its region and the region's short names
    (某市, 某; 某市某区, 某区), 国家/教育部 for a national plan, and the words for
    the region's own kind of place (市/市里 for a city or a 直辖市, 省/省里 for a province, 区/县
    for a district) and for its level (省级, 市级, 区级)."""
    if meta.kind is DocKind.LAW:
        return []
    places = []
    if meta.region:
        places += [meta.region, *short_names(meta.region)]
    if meta.level is Level.NATIONAL:
        places += list(_NATIONAL_WORDS)
        if 1 < len(meta.issuers) <= len(_ISSUER_COUNT):
            places += [f"{_ISSUER_COUNT[len(meta.issuers) - 1]}部门", f"{_ISSUER_COUNT[len(meta.issuers) - 1]}部委"]
    suffix = meta.region[-1] if meta.region else None
    if meta.level is Level.DISTRICT:
        places += ["区", "区级", "区里", "县", "县级", "县里"]
    elif suffix == "市" or (suffix is None and meta.level is Level.MUNICIPAL):
        places += ["市", "市级", "市里"]
    elif suffix == "省" or (suffix is None and meta.level is Level.PROVINCIAL):
        places += ["省", "省级", "省里"]
    if meta.level is Level.PROVINCIAL and "省级" not in places:
        places.append("省级")
    return places


@dataclass(frozen=True)
class DocumentMention:
    """A document named in a question, and where."""

    doc: str
    start: int
    end: int


class DocumentResolver:
    """Resolves user names of documents to file names."""

    def __init__(self, documents: Iterable[DocumentMeta]) -> None:
        self.documents = tuple(documents)
        self._alias: dict[str, set[str]] = defaultdict(set)
        for meta in self.documents:
            for alias in aliases_of(meta):
                self._alias[alias].add(meta.doc)
        self._by_doc = {meta.doc: meta for meta in self.documents}
        # the words naming a document's own region (安阳市, 安阳 …), read once: a place joined to a
        # named document by a conjunction is looked up among them
        self._region_words = {w for d in self.documents if d.region for w in places_of(d) if w.startswith(d.region[:2])}
        self._unique = sorted((a for a, docs in self._alias.items() if len(a) >= 3 and len(docs) == 1),
                              key=len, reverse=True)   # names of one document, longest first

    def resolve(self, name: str) -> str:
        """The file name of the document called ``name``; raises UnknownDocument listing choices."""
        key = name.strip()
        docs = self._alias.get(key) or self._fuzzy(key)
        if len(docs) == 1:
            return next(iter(docs))
        choices = "、".join(sorted(self.short_names()))
        if docs:
            raise UnknownDocument(f"“{name}” 可指多份文件：{'、'.join(sorted(docs))}。请写明文件名")
        raise UnknownDocument(f"未找到文档 “{name}”。可选：{choices}")

    def short_names(self) -> list[str]:
        """One short, readable name per document (for error messages and menus)."""
        out = []
        for meta in self.documents:
            names = sorted(aliases_of(meta) - {meta.doc}, key=len)
            out.append(next((n for n in names if len(n) >= 3), meta.doc))
        return out

    def find(self, question: str) -> list[DocumentMention]:
        """Documents named in ``question``, in order of appearance (longest name wins a span).

        Names are matched in the question as typed, then with filler words dropped (国家那个方案 →
        国家方案); spans always refer to the question as typed."""
        found: list[DocumentMention] = []
        taken = [False] * len(question)
        compact, where = _without_fillers(question)
        passes = [(question, list(range(len(question))))] + ([(compact, where)] if compact != question else [])
        for text, spans in passes:
            view = [taken[i] for i in spans]
            exact = self._find_exact(text, view)   # marks its spans in ``view`` for the fuzzy pass
            for hit in exact + self._find_fuzzy(text, view):
                start, end = spans[hit.start], spans[hit.end - 1] + 1
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append(DocumentMention(hit.doc, start, end))
        found += self._coordinated(question, found)
        seen, ordered = set(), []
        for mention in sorted(found, key=lambda x: x.start):
            if mention.doc not in seen:
                seen.add(mention.doc)
                ordered.append(mention)
        return ordered

    def _coordinated(self, question: str, found: list[DocumentMention]) -> list[DocumentMention]:
        """Places joined before one named document share its name: in 甲市和乙市的美育实施意见
        the 美育实施意见 of 甲市 is named too. For each mention preceded by a place word and a
        conjunction, that place with the rest of the mention (its own place dropped) is resolved."""
        out = []
        for mention in found:
            text = question[mention.start:mention.end]
            own = max((p for p in places_of(self._by_doc[mention.doc]) if text.startswith(p)), key=len, default=None)
            before = question[:mention.start]
            conj = _CONJUNCTION.search(before)
            if own is None or conj is None:
                continue
            head = before[:conj.start()]
            word = max((w for w in self._region_words if head.endswith(w)), key=len, default=None)
            if word is None:
                continue
            name, _ = _without_fillers(word + text[len(own):])
            docs = self._alias.get(name) or self._fuzzy(name)
            if len(docs) == 1 and next(iter(docs)) != mention.doc:
                out.append(DocumentMention(next(iter(docs)), len(head) - len(word), len(head)))
        return out + self._other_years(question, found)

    def _other_years(self, question: str, found: list[DocumentMention]) -> list[DocumentMention]:
        """Years joined to a named version share its name: 某法2016年版和2022年版,
        2016年版和2022年版某法 — the other year is resolved with the mention's year swapped."""
        out = []
        for mention in found:
            text = question[mention.start:mention.end]
            after = _YEAR_AFTER.match(question[mention.end:])
            before = _YEAR_BEFORE.search(question[:mention.start])
            for year in _YEAR.finditer(text):
                for other, start, end in ((after, mention.end, mention.end), (before, mention.start, mention.start)):
                    if other is None:
                        continue
                    name = text[:year.start()] + other.group(1) + text[year.end():]
                    docs = self._alias.get(name, set())
                    if len(docs) == 1 and next(iter(docs)) != mention.doc:
                        base = end if other is after else start - len(other.group(0))
                        out.append(DocumentMention(next(iter(docs)), base + other.start(1), base + other.end(1)))
        return out

    def _find_exact(self, question: str, taken: list[bool]) -> list[DocumentMention]:
        found = []
        for alias in self._unique:   # plain substring search: a library of a hundred documents has
            start = question.find(alias)   # ten thousand aliases, too many to compile as patterns
            while start != -1:
                end = start + len(alias)
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append(DocumentMention(next(iter(self._alias[alias])), start, end))
                start = question.find(alias, start + 1)
        return found

    def _find_fuzzy(self, question: str, taken: list[bool]) -> list[DocumentMention]:
        out = []
        for m in _MENTION_END.finditer(question):
            if any(taken[m.start():m.end()]):
                continue
            for start in range(max(0, m.start() - 10), m.start() - 1):
                docs = self._fuzzy(question[start:m.end()])
                if len(docs) == 1:
                    out.append(DocumentMention(next(iter(docs)), start, m.end()))
                    break
        return out

    def _fuzzy(self, mention: str) -> set[str]:
        """Documents whose title contains the mention's core and whose kind fits its ending
        (扩优提质意见 → the opinion whose title holds 扩优提质)."""
        m = _NAMED_KIND.fullmatch(mention)
        if not m or mention in _GENERIC_NAMES:  # 实施方案, 行动计划 after a verb: a kind of document, not a name
            return set()
        core, word = m.groups()
        fits = [d for d in self.documents if d.title and word in _KIND_WORDS.get(d.kind, ())]
        strict = {d.doc for d in fits if core in bare_title(d.title)}
        if strict:
            return strict
        # a place, then a short name: 教育部某某方案, 市里某某方案 → the place's documents only
        placed = {d.doc for d in fits for p in places_of(d) if len(core) > len(p) + 1
                  and core.startswith(p) and _abbreviates(core[len(p):], bare_title(d.title), placed=True)}
        return placed or {d.doc for d in fits if _abbreviates(core, bare_title(d.title))}


def _abbreviates(short: str, title: str, *, placed: bool = False) -> bool:
    """Whether ``short`` abbreviates ``title`` the Chinese way: its characters in the title's order,
    and, for a two-character short name without a place before it, starting where the title
    starts (未保 → 未成年人保护, 义教 → 义务教育; 课改 alone is too loose, 市里课改 is not)."""
    if len(short) < 2 or not _is_subsequence(short, title):
        return False
    return placed or len(short) >= 3 or title.startswith(short[0])


def _without_fillers(question: str) -> tuple[str, list[int]]:
    """``question`` without filler words, and the position in ``question`` of each kept character."""
    kept = [True] * len(question)
    for m in _FILLER.finditer(question):
        kept[m.start():m.end()] = [False] * (m.end() - m.start())
    positions = [i for i, keep in enumerate(kept) if keep]
    return "".join(question[i] for i in positions), positions


def _is_subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)

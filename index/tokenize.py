"""Chinese word tokens for BM25: jieba search-mode cuts with a policy-domain dictionary."""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

DATA_DIR = Path(__file__).parent / "data"
USERDICT_PATH = DATA_DIR / "userdict.txt"
STOPWORDS_PATH = DATA_DIR / "stopwords.txt"

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}")


class ChineseTokenizer:
    """Turns text into BM25 terms; call :meth:`load` once before :meth:`tokens`.

    Each instance owns a private ``jieba.Tokenizer`` (never jieba's global one) loaded with
    ``userdict.txt``, so domain terms such as 公民同招 or 县管校聘 stay whole, while search mode
    also yields their dictionary sub-words (义务教育 → 义务, 教育, 义务教育). This is jieba's
    ``cut_for_search`` generalised to sub-words of every length: ``cut_for_search`` only tries 2-
    and 3-character ones, so 义务教育法 would never yield 义务教育.
    ``hmm`` is off by default: without jieba's HMM guesser an unknown word is cut the same way in
    a question as in a clause, instead of being glued to whatever characters surround it.
    ``char_bigrams`` additionally emits overlapping character bigrams of every CJK run (skipping
    bigrams that contain a one-character stopword) as a recall fallback for unknown terms.
    """

    def __init__(
        self, *, userdict: Path = USERDICT_PATH, stopwords: Path = STOPWORDS_PATH,
        char_bigrams: bool = False, hmm: bool = False,
    ) -> None:
        """Record the dictionary files and options; nothing is read until :meth:`load`."""
        self.userdict = Path(userdict)
        self.stopwords_path = Path(stopwords)
        self.char_bigrams = char_bigrams
        self.hmm = hmm
        self._jieba: jieba.Tokenizer | None = None
        self._tagger = None
        self._stopwords: frozenset[str] = frozenset()

    def load(self) -> ChineseTokenizer:
        """Build the private jieba tokenizer and read both word lists; returns ``self``.

        Raises OSError when a dictionary file cannot be read. jieba's progress messages are
        silenced only while this runs; the ``jieba`` logger's level is restored afterwards.
        """
        import jieba

        self._stopwords = read_word_list(self.stopwords_path)
        tokenizer = jieba.Tokenizer()
        with _quiet_logger("jieba"):
            tokenizer.FREQ, tokenizer.total = _cached(_dict_file(tokenizer), "prefix", lambda: _prefix_dict(tokenizer))
            tokenizer.initialized = True
            tokenizer.load_userdict(str(self.userdict))
        self._jieba = tokenizer
        return self

    @property
    def stopwords(self) -> frozenset[str]:
        """The loaded stopwords (empty before :meth:`load`)."""
        return self._stopwords

    @property
    def signature(self) -> str:
        """A hash of the word lists and options: store it with an index, compare it at query time."""
        digest = hashlib.sha256()
        for path in (self.userdict, self.stopwords_path):
            digest.update(path.read_bytes())
        digest.update(f"bigrams={self.char_bigrams};hmm={self.hmm}".encode())
        return digest.hexdigest()[:16]

    def tokens(self, text: str) -> list[str]:
        """The terms of ``text`` in order: NFKC-normalised, lower-cased, stopwords dropped.

        Raises RuntimeError when :meth:`load` has not been called.
        """
        if self._jieba is None:
            raise RuntimeError("ChineseTokenizer.load() must be called before tokens()")
        normal = unicodedata.normalize("NFKC", text).lower()
        result = [w for w in (w.strip() for w in self._search_cut(normal)) if self._is_term(w)]
        if self.char_bigrams:
            result.extend(self._bigrams(normal))
        return result

    def is_word(self, text: str) -> bool:
        """Is ``text`` a word of the dictionary (jieba's, with the domain words)?"""
        if self._jieba is None:
            raise RuntimeError("ChineseTokenizer.load() must be called before is_word()")
        return bool(self._jieba.FREQ.get(text))

    def word_tags(self) -> dict[str, str]:
        """The dictionary's words with their part-of-speech tags (jieba's ``dict.txt``)."""
        self._load_tagger()
        return self._tagger.word_tag_tab  # type: ignore[union-attr]

    def _load_tagger(self) -> None:
        if self._jieba is None:
            raise RuntimeError("ChineseTokenizer.load() must be called before tagging")
        if self._tagger is None:
            import jieba.posseg

            class CachedTags(jieba.posseg.POSTokenizer):
                def load_word_tag(self, f) -> None:   # jieba's, from a cache read in one go
                    f.close()
                    self.word_tag_tab = _cached(f.name, "tags", lambda: _word_tags(f.name))

            with _quiet_logger("jieba"):
                self._tagger = CachedTags(self._jieba)

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into words with jieba's part-of-speech tags (ns a place, n a noun, v a
        verb, p a preposition …), from the same dictionary; the tagger is built on first use.
        Used to find the names a question gives (places, laws), not for BM25."""
        self._load_tagger()
        return [(pair.word, pair.flag) for pair in self._tagger.cut(text, HMM=self.hmm)]

    def _search_cut(self, normal: str) -> Iterator[str]:
        """Each jieba word, preceded by its dictionary sub-words (shorter first, left to right)."""
        assert self._jieba is not None
        freq = self._jieba.FREQ
        for word in self._jieba.cut(normal, HMM=self.hmm):
            for size in range(2, len(word)):
                for start in range(len(word) - size + 1):
                    if freq.get(word[start : start + size]):
                        yield word[start : start + size]
            yield word

    def _is_term(self, word: str) -> bool:
        return bool(word) and word not in self._stopwords and any(c.isalnum() for c in word)

    def _bigrams(self, normal: str) -> Iterator[str]:
        for match in _CJK_RUN.finditer(normal):
            run = match.group()
            for i in range(len(run) - 1):
                if run[i] not in self._stopwords and run[i + 1] not in self._stopwords:
                    yield run[i : i + 2]


def _dict_file(tokenizer) -> str:
    """The path of the tokenizer's main dictionary (jieba's bundled ``dict.txt`` by default)."""
    import jieba

    return tokenizer.dictionary or os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)


def _prefix_dict(tokenizer) -> tuple[dict[str, int], int]:
    """jieba's prefix dictionary and total frequency, built by jieba itself."""
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total


def _word_tags(dict_file: str) -> dict[str, str]:
    """Word → part-of-speech tag, from jieba's ``dict.txt`` lines (word, frequency, tag)."""
    tags = {}
    with open(dict_file, encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def _cached(dict_file: str, kind: str, build):
    """``build()``'s result for the dictionary ``dict_file``, cached in the temp folder as one
    marshal file keyed by the file's path, size and time (jieba reads its own cache through a
    file object, 0.6 s on every start; read in one piece it takes 0.2 s). A cache that cannot be
    read or written is rebuilt or skipped."""
    stat = os.stat(dict_file)
    key = hashlib.sha256(f"{os.path.abspath(dict_file)}|{stat.st_size}|{stat.st_mtime_ns}|{kind}".encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"policyqa-jieba-{kind}-{key}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = build()
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as handle:
            handle.write(marshal.dumps(value))
        os.replace(handle.name, path)
    except OSError:
        pass
    return value


def read_word_list(path: Path) -> frozenset[str]:
    """The non-empty, non-comment (``#``) lines of a UTF-8 word list; raises OSError."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#"))


@contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """Raise one logger's level to WARNING for the duration of the block, then restore it."""
    logger = logging.getLogger(name)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)

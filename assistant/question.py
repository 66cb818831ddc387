"""Cleaning a user's question before anything else sees it.

The library is in simplified Chinese, so a question in traditional characters is converted
(OpenCC ``t2s``) to reach the same clauses; HTML, SQL or script-looking text stays plain text.
"""
from __future__ import annotations

import re
import unicodedata

from opencc import OpenCC

from policyqa.errors import InvalidQuestion

MAX_QUESTION_CHARS = 500
# A raw string this many times the limit is refused before any cleaning, so a pasted book is cheap.
_RAW_FACTOR = 4
_EXAMPLE = "例如：教师节是哪一天？"
# Format (zero-width, bidi, soft hyphen, tag), surrogate, private-use and unassigned characters.
_DROPPED_CATEGORIES = frozenset({"Cf", "Cs", "Co", "Cn"})
_SPACE = re.compile(r"\s+")
# NFKC turns full-width ？（） into ASCII; keep the Chinese punctuation the corpus uses.
_CHINESE_PUNCT = str.maketrans({"?": "？", "(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})


class QuestionNormaliser:
    """Turns raw user input into a question ready for retrieval, or refuses it with one line.

    ``max_chars`` is the longest question accepted after cleaning; ``simplify`` converts
    traditional characters to simplified. The OpenCC converter is built in :meth:`load`.
    """

    def __init__(self, max_chars: int = MAX_QUESTION_CHARS, *, simplify: bool = True) -> None:
        """Keep the settings; raises ValueError for a non-positive ``max_chars``."""
        if max_chars < 1:
            raise ValueError(f"max_chars 必须为正整数，收到 {max_chars}")
        self.max_chars = max_chars
        self.simplify = simplify
        self._converter: OpenCC | None = None

    def load(self) -> "QuestionNormaliser":
        """Build the traditional→simplified converter (a few milliseconds); returns self."""
        if self.simplify and self._converter is None:
            self._converter = OpenCC("t2s")
        return self

    def normalise(self, raw: object) -> str:
        """The question with invisible and control characters removed, spaces collapsed,
        half-width letters/digits unified (NFKC) and traditional characters simplified.

        Raises InvalidQuestion (one line, in Chinese) when the input is not text, is empty,
        has no letters or digits (only emoji or punctuation), or is longer than ``max_chars``.
        """
        if raw is None:
            raise InvalidQuestion(f"请输入一个问题，{_EXAMPLE}")
        if not isinstance(raw, str):
            raise InvalidQuestion(f"问题必须是文字，收到 {type(raw).__name__}")
        if len(raw) > self.max_chars * _RAW_FACTOR:
            raise self._too_long(len(raw))
        text = self._simplified(_clean(raw))
        if not text:
            raise InvalidQuestion(f"请输入一个问题，{_EXAMPLE}")
        if len(text) > self.max_chars:
            raise self._too_long(len(text))
        if not any(ch.isalnum() for ch in text):
            raise InvalidQuestion("问题中没有文字（只有符号或表情），请用中文或英文提问，例如：教师节是哪一天？")
        return text

    def _simplified(self, text: str) -> str:
        if not self.simplify:
            return text
        return self.load()._converter.convert(text)  # type: ignore[union-attr]

    def _too_long(self, length: int) -> InvalidQuestion:
        return InvalidQuestion(f"问题过长（{length} 字），请精简到 {self.max_chars} 字以内，只问一件事。")


def _clean(raw: str) -> str:
    """NFKC, controls to spaces, invisible characters dropped, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", raw)
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            kept.append(" ")  # tab, newline and the C0/C1 controls separate words
        elif category not in _DROPPED_CATEGORIES:
            kept.append(ch)
    return _SPACE.sub(" ", "".join(kept)).strip().translate(_CHINESE_PUNCT)


def normalise_question(raw: object, *, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """One-off :meth:`QuestionNormaliser.normalise`; a long-lived caller should keep a loaded
    :class:`QuestionNormaliser` instead. Raises InvalidQuestion."""
    return QuestionNormaliser(max_chars).normalise(raw)

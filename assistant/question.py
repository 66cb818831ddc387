"""Cleaning a user's question before anything else sees it."""
from __future__ import annotations

import re
import unicodedata

from policyqa.errors import InvalidQuestion

MAX_QUESTION_CHARS = 500
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACE = re.compile(r"\s+")


def normalise_question(raw: object, *, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question with invisible and control characters removed, spaces collapsed and
    half-width letters/digits unified (NFKC), ready for retrieval.

    Raises InvalidQuestion (one line, in Chinese) when nothing askable is left or it is too long.
    """
    if raw is None:
        raise InvalidQuestion("请输入一个问题，例如：义务教育法第二十七条规定了什么？")
    if not isinstance(raw, str):
        raise InvalidQuestion(f"问题必须是文字，收到 {type(raw).__name__}")
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", raw))
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    # NFKC turns full-width ？（） into ASCII; keep Chinese punctuation the corpus uses
    text = text.translate(str.maketrans({"?": "？", "(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}))
    if not text:
        raise InvalidQuestion("请输入一个问题，例如：义务教育法第二十七条规定了什么？")
    if len(text) > max_chars:
        raise InvalidQuestion(f"问题过长（{len(text)} 字），请精简到 {max_chars} 字以内，只问一件事。")
    if not any(ch.isalnum() for ch in text):
        raise InvalidQuestion("问题中没有文字，请用中文或英文提问，例如：学校能开除学生吗？")
    return text

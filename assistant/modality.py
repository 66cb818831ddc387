"""The modal (deontic) words of Chinese statutes and policy texts, once, with what each rules.

One table serves the composer (the verdict a quoted sentence gives: 不得 → 不可以), the evidence
scores (does a sentence state a rule at all) and the support judge (a claim that turns 不得 into
可以 contradicts its clause). Longest words first, so 不可以 is read before 可以 and 不应当 before
应当. The words are those of the genre: prohibitions (严禁, 不得, 禁止 …), permissions (可以, 允许,
有权), obligations (应当, 必须, 须, 应), encouragement (鼓励, 支持, 提倡) and the absence of an
obligation (无需, 不必).
"""
from __future__ import annotations

import re
from enum import Enum


class Modality(str, Enum):
    """What a modal word does to the action after it."""

    FORBID = "forbid"
    PERMIT = "permit"
    REQUIRE = "require"
    ENCOURAGE = "encourage"
    OPTIONAL = "optional"


MODAL_WORDS: tuple[tuple[str, Modality], ...] = tuple(sorted((
    ("不允许", Modality.FORBID), ("不可以", Modality.FORBID), ("不应当", Modality.FORBID), ("不得", Modality.FORBID),
    ("不准", Modality.FORBID), ("不能", Modality.FORBID), ("不应", Modality.FORBID), ("不可", Modality.FORBID),
    ("不许", Modality.FORBID), ("禁止", Modality.FORBID), ("严禁", Modality.FORBID),
    ("无需", Modality.OPTIONAL), ("不需要", Modality.OPTIONAL), ("不必", Modality.OPTIONAL), ("不用", Modality.OPTIONAL),
    ("可以", Modality.PERMIT), ("允许", Modality.PERMIT), ("能够", Modality.PERMIT), ("有权", Modality.PERMIT),
    ("应当", Modality.REQUIRE), ("必须", Modality.REQUIRE), ("应该", Modality.REQUIRE), ("须", Modality.REQUIRE),
    ("应", Modality.REQUIRE),
    ("鼓励", Modality.ENCOURAGE), ("提倡", Modality.ENCOURAGE), ("支持", Modality.ENCOURAGE),
), key=lambda pair: -len(pair[0])))
"""Every modal word with its modality, longest first."""
RULE_CUES = ("要",)
"""Words that mark a sentence as stating a rule (各地要…) without deciding which: evidence only."""

MODAL_PATTERN = re.compile("|".join(re.escape(word) for word, _ in MODAL_WORDS))
MODALITY_OF = dict(MODAL_WORDS)
VERDICT_ORDER = (Modality.FORBID, Modality.ENCOURAGE, Modality.PERMIT, Modality.REQUIRE)
"""When a sentence holds several modal words, the one that decides its verdict: a prohibition
anywhere in it outweighs the rest, then encouragement, permission, obligation."""


def modalities(text: str) -> set[Modality]:
    """The modalities of the modal words in ``text`` (each word read once, longest first)."""
    return {MODALITY_OF[m.group()] for m in MODAL_PATTERN.finditer(text)}


def states_rule(text: str) -> bool:
    """Does ``text`` state a rule (a modal word or a rule cue)?"""
    return bool(MODAL_PATTERN.search(text)) or any(cue in text for cue in RULE_CUES)

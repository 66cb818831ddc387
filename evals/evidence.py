"""Does a retrieved text contain a gold evidence quote? Normalised for width, quotes and space."""
from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC (full/half width), unified quote marks, no white space."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))


def contains_quote(text: str, quote: str) -> bool:
    """True when ``quote`` lies inside ``text`` after normalisation."""
    return normalise(quote) in normalise(text)

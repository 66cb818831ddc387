"""Render a list counter the way Word does for a ``w:numFmt`` value (一、（一）、1.、a) …)."""
from __future__ import annotations

_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def chinese_counting(n: int, digits: str = _DIGITS, units: str = "十百千", short_teens: bool = True) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (numbers up to 9999; larger ones in digits).

    ``short_teens`` writes 十一 rather than 一十一 for 10–19, as Word does except in 大写 numerals.
    """
    if n <= 0 or n > 9999:
        return str(n)
    parts: list[str] = []
    pending_zero = False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit, n = divmod(n, power)
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        parts.append(digits[digit] + unit)
    text = "".join(parts)
    return text[1:] if short_teens and text.startswith(digits[1] + units[0]) else text


def _legal(n: int) -> str:
    return chinese_counting(n, _LEGAL_DIGITS, "拾佰仟", short_teens=False)


def _letters(n: int) -> str:
    """Word's letter numbering: a … z, then aa … zz, aaa …"""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = []
    for value, symbol in _ROMAN:
        count, n = divmod(n, value)
        out.append(symbol * count)
    return "".join(out)


def _cycle(symbols: str, n: int) -> str:
    return symbols[(n - 1) % len(symbols)] if n > 0 else str(n)


def _enclosed(n: int, first: int, last_n: int) -> str:
    return chr(first + n - 1) if 1 <= n <= last_n else str(n)


def _full_width(n: int) -> str:
    return str(n).translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})


_FORMATTERS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": _full_width,
    "decimalFullWidth2": _full_width,
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedCircleChinese": lambda n: _enclosed(n, 0x2460, 20),
    "decimalEnclosedParen": lambda n: _enclosed(n, 0x2474, 20),
    "decimalEnclosedFullstop": lambda n: _enclosed(n, 0x2488, 20),
    "lowerLetter": _letters,
    "upperLetter": lambda n: _letters(n).upper(),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "chineseLegalSimplified": _legal,
    "ideographLegalTraditional": _legal,
    "ideographDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_DIGITS[int(d)] for d in str(n)),
    "ideographTraditional": lambda n: _cycle(_HEAVENLY_STEMS, n),
    "ideographZodiac": lambda n: _cycle(_EARTHLY_BRANCHES, n),
}


def format_number(n: int, num_fmt: str) -> str:
    """The text Word shows for counter ``n`` in format ``num_fmt``; unknown formats fall back to decimal.

    ``bullet`` and ``none`` give an empty string: they carry no number.
    """
    if num_fmt in ("bullet", "none"):
        return ""
    return _FORMATTERS.get(num_fmt, str)(n)

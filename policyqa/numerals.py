"""Chinese numerals, read and written once for every stage: clause numbers (第四十一条), headings
（三）, figures (一百零五, 三万, 二〇二三) and the counts the assistant writes (六大行动)."""
from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
"""Chinese digits with their values (两 counts as 2, 〇 as 0)."""
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千]+"
"""A regular-expression class for a Chinese numeral below ten thousand."""


def cn_to_int(text: str) -> int:
    """二十二 → 22, 一百零五 → 105, 十 → 10, 三万 → 30000, 二〇二三 → 2023 (a run of digits is
    read digit by digit, as years are written); raises ValueError when ``text`` is no numeral."""
    if "万" in text:
        high, _, low = text.partition("万")
        return cn_to_int(high or "一") * 10000 + (cn_to_int(low) if low else 0)
    if not text or any(ch not in DIGITS and ch not in SMALL_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and all(ch in DIGITS for ch in text):
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in DIGITS:
            digit = DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
    return total + (digit or 0)


def int_to_cn(number: int) -> str:
    """Convert 1..9999 to a Chinese numeral as laws write it (二十七, 一百零五, 十)."""
    if not 0 < number < 10000:
        raise ValueError(f"out of range: {number}")
    digits = "零一二三四五六七八九"
    parts, zero_pending = [], False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = number // unit_value % 10
        if d == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(("" if (d == 1 and unit == "十" and not parts) else digits[d]) + unit)
    return "".join(parts)

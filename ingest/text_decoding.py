"""Decode the bytes of a plain-text file without silently guessing a wrong encoding.

Order: a byte-order mark (UTF-8/16/32), strict UTF-8, strict GB18030 (which also reads GBK and
GB2312) checked for plausibility, and last charset-normalizer when it is confident and names
another East-Asian encoding (Big5, Shift-JIS …). Anything else
is refused with a reason the user can act on.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (  # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that never occur in a real text file: controls other than tab/newlines/form feed
# and the replacement character.
_IMPLAUSIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# The private-use area: where GB18030 puts undefined codes (so a GB18030 reading holding them is
# a wrong guess), but also where government files put rare characters a font supplies (U+E010).
# In a text that is valid Unicode they are kept as a placeholder and reported once.
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
PLACEHOLDER = "〓"
"""The geta mark, the typesetter's sign for a character that cannot be shown."""
_HAN = re.compile("[\u4e00-\u9fff]")
# Real Chinese prose uses mostly the 3,755 common characters of GB2312 level 1 (lead bytes
# B0–D7); bytes of another encoding read as GB18030 scatter over all 20,000+ characters.
_MIN_COMMON_HAN_SHARE = 0.8
_MAX_CHAOS = 0.1
# charset-normalizer is trusted only for the other East-Asian encodings: among single-byte Latin
# code pages it confuses look-alikes (cp1252 read as cp1257), which would corrupt text silently.
_GUESSABLE = frozenset({"big5", "big5hkscs", "cp950", "cp932", "shift_jis", "euc_jp", "euc_kr", "cp949"})


class UndecodableText(ValueError):
    """The bytes are not text in any encoding we can identify with confidence; ``str`` says why."""


@dataclass(frozen=True)
class DecodedText:
    """Decoded text, the encoding used and an optional note on how it was chosen (or on the
    characters that had to be replaced)."""

    text: str
    encoding: str
    note: str | None = None


def decode_text(data: bytes) -> DecodedText:
    """Decode ``data``; returns text and encoding, raises :class:`UndecodableText` with a Chinese reason.

    Private-use characters in a valid Unicode text are replaced by :data:`PLACEHOLDER` (noted)."""
    return _with_placeholders(_decode(data))


def _decode(data: bytes) -> DecodedText:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(_check_plausible(data.decode(encoding)), encoding)
            except UnicodeDecodeError:
                raise UndecodableText(f"文件以 {encoding} 字节序标记开头，但内容不是有效的 {encoding} 文本") from None
    if b"\x00" in data:
        raise UndecodableText("含有 NUL 字节，像是二进制文件而不是文本（UTF-16 文本请带 BOM 保存或另存为 UTF-8）")
    try:
        return DecodedText(_check_plausible(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    gb_text = _try_gb18030(data)
    if gb_text is not None:
        return DecodedText(gb_text, "gb18030")
    return _charset_normalizer_guess(data)


def _check_plausible(text: str) -> str:
    """Return ``text`` unless it holds control or replacement characters (then raise)."""
    bad = _IMPLAUSIBLE.search(text)
    if bad:
        raise UndecodableText(f"含有非文本字符 U+{ord(bad.group()):04X}，像是二进制文件或编码错误")
    return text


def _with_placeholders(decoded: DecodedText) -> DecodedText:
    """``decoded`` with each private-use character replaced by :data:`PLACEHOLDER`, noted once."""
    found = _PRIVATE_USE.findall(decoded.text)
    if not found:
        return decoded
    codes = "、".join(f"U+{ord(c):04X}" for c in dict.fromkeys(found))
    note = f"{len(found)} 个无法显示的字符（私用区 {codes}，多为生僻字）以{PLACEHOLDER}代替"
    return DecodedText(_PRIVATE_USE.sub(PLACEHOLDER, decoded.text), decoded.encoding,
                       "；".join(n for n in (decoded.note, note) if n))


def common_han_share(text: str) -> float:
    """Share of the Han characters in ``text`` that are common (GB2312 level 1); 1.0 if none."""
    han = _HAN.findall(text)
    if not han:
        return 1.0
    return sum(1 for ch in han if _is_common_han(ch)) / len(han)


def _is_common_han(ch: str) -> bool:
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return False
    return 0xB0 <= lead <= 0xD7


def _try_gb18030(data: bytes) -> str | None:
    """The GB18030 reading of ``data`` if it is strict-valid and looks like Chinese text, else None."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    if _IMPLAUSIBLE.search(text) or _PRIVATE_USE.search(text) or common_han_share(text) < _MIN_COMMON_HAN_SHARE:
        return None
    return text


def _charset_normalizer_guess(data: bytes) -> DecodedText:
    """Ask charset-normalizer; accept only a low-chaos guess that decodes to plausible text."""
    best = from_bytes(data).best()
    if best is None or best.chaos > _MAX_CHAOS or best.encoding not in _GUESSABLE:
        raise UndecodableText("无法确定文本编码（不是 UTF-8、GBK/GB18030 或 UTF-16），请另存为 UTF-8 后重试")
    text = _check_plausible(str(best))
    return DecodedText(text, best.encoding, f"文本编码由 charset-normalizer 推断为 {best.encoding}")

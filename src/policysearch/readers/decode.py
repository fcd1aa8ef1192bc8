"""Decoding: bytes of a corpus file to text, with the encoding found from the bytes.

Chinese corpus files come in UTF-8 (with or without BOM), UTF-16 and the GB family. A
declared charset (an HTML meta tag) is only a hint: pages declared gb2312 routinely hold
GBK or GB18030 characters (镕, €), so the GB names are all read as GB18030, its superset,
and a declaration that the bytes contradict is ignored. Order of trust:

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. UTF-16 without BOM (only bytes with NULs, decoding to ordinary text);
3. UTF-8, strict, or with a few damaged sequences (a truncated file: reported as a
   problem); GB text practically never passes;
4. the declared charset, if the bytes decode under it;
5. GB18030.

Anything else, or text full of control characters, is not text: `DecodeError`.
"""
from __future__ import annotations

import codecs
import re

GB_NAMES = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "gb18030", "euc-cn", "hz-gb-2312",
            "csgb2312", "chinese", "ms936", "windows-936"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ORDINARY = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f"
                       r"\u3400-\u9fff\uff00-\uffef\ufeff]")
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


class DecodeError(ValueError):
    """The bytes are not text in any encoding we accept."""


def canonical(name: str | None) -> str | None:
    """Python codec name for a declared charset; the GB family becomes gb18030."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in GB_NAMES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """Return (text, encoding used, problems). Raises DecodeError when the bytes are not text."""
    if not data.strip():
        raise DecodeError("empty file")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            text, problems = _lenient(data, enc)
            return _checked(text, enc), enc, problems
    utf16 = _utf16_without_bom(data) if b"\x00" in data else None
    if utf16:
        text, problems = _lenient(data, utf16)
        return _checked(text, utf16), utf16, problems
    if _mostly_utf8(data):
        text, problems = _lenient(data, "utf-8")
        return _checked(text, "utf-8"), "utf-8", problems
    candidates = [canonical(declared), "gb18030"]
    for enc in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return _checked(text, enc), enc, []
    raise DecodeError("binary or unknown encoding (not UTF-8, UTF-16 or GB18030)")


def _lenient(data: bytes, enc: str) -> tuple[str, list[str]]:
    """Decode, replacing damaged sequences; say so when there were any."""
    try:
        return data.decode(enc), []
    except UnicodeDecodeError as exc:
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        where = "at the end (truncated file)" if exc.start >= len(data) - 4 else f"at byte {exc.start}"
        if exc.start >= len(data) - 4 and bad == 1:
            text = text.rstrip("\ufffd")
        return text, [f"damaged {enc} sequence {where}: {bad} character(s) replaced"]


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM: the bytes decode to (almost) nothing but ordinary text.

    Only tried when the bytes hold NULs: ASCII in UTF-16 (digits, newlines) has them,
    UTF-8 and GB text never do."""
    if len(data) < 4:
        return None
    best, best_score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data[: len(data) - len(data) % 2].decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:5000]
        ordinary = len(_ORDINARY.findall(sample))
        score = ordinary / max(1, len(sample))
        if score > best_score:
            best, best_score = enc, score
    return best if best_score >= 0.9 else None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8, perhaps with a few broken bytes (a truncated file): valid multi-byte sequences
    and almost no bad ones. GB18030 text fails this at once."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad == 0:
        return True
    good = len(_UTF8_MULTIBYTE.findall(data))
    return good >= 4 and bad <= max(1, good // 100)


def _checked(text: str, enc: str) -> str:
    """Reject 'text' that is mostly control characters (binary that happened to decode)."""
    sample = text[:20000]
    controls = len(_CONTROL.findall(sample))
    if controls > max(8, len(sample) // 100):
        raise DecodeError(f"binary content ({controls} control characters in the first "
                          f"{len(sample)} decoded as {enc})")
    if not sample.strip("\ufeff\ufffd \t\r\n"):
        raise DecodeError("no text")
    return text.replace("\x00", "")

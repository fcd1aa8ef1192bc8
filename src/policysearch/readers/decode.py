"""Decoding: bytes of a corpus file to text, with the encoding found from the bytes.

Chinese corpus files come in UTF-8 (with or without BOM), UTF-16 and the GB family. A
declared charset (an HTML meta tag) is only a hint: pages declared gb2312 routinely hold
GBK or GB18030 characters (镕, €), so the GB names are all read as GB18030, its superset,
and a declaration that the bytes contradict is ignored. Order of trust:

1. a byte-order mark (UTF-8, UTF-16 LE/BE);
2. strict UTF-8 (GB text practically never passes it);
3. the declared charset, if the bytes decode under it;
4. UTF-16 without BOM (recognised by its NUL pattern), then GB18030;
5. UTF-8 with a few damaged sequences (a truncated file), reported as a problem.

Anything else, or text full of control characters, is not text: `DecodeError`.
"""
from __future__ import annotations

import codecs
import re

GB_NAMES = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "gb18030", "euc-cn", "hz-gb-2312",
            "csgb2312", "chinese", "ms936", "windows-936"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
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
    candidates = ["utf-8", canonical(declared), "gb18030"]
    for enc in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return _checked(text, enc), enc, []
    if _mostly_utf8(data):
        text, problems = _lenient(data, "utf-8")
        return _checked(text, "utf-8"), "utf-8", problems
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
    """UTF-16 without BOM: ASCII and CJK text has NULs mostly in one byte position."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    if odd > half * 0.2 and even < half * 0.02:
        return "utf-16-le"
    if even > half * 0.2 and odd < half * 0.02:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes: many valid multi-byte sequences, almost no bad ones."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_UTF8_MULTIBYTE.findall(data))
    return good >= 2 and bad <= max(3, good // 100)


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

"""Dates: parse the many ways a date is written, and find one in a file name or text.

A date is kept at the precision it is known: "YYYY-MM-DD", "YYYY-MM" or "YYYY". The
readers try, in order, the file's own metadata (`parse`), the file name (`from_filename`)
and the text (`from_text`); the article records which one answered (`date_from`).

Text is the least reliable source: a policy article is full of years that are not its
date ("到2026年" is a target, "2023年经济总量" a past reference). So `from_text` only
accepts a complete date (year, month and day) in a dateline or on the first lines, and a
year-less dateline ("新华社北京1月31日电") only when the caller knows the year.
"""
from __future__ import annotations

import datetime as _dt
import re

_SEP = r"\s*[-/._年]\s*"
# Full dates in a value: 2018年11月09日, 2018-11-09, 2018/11/9, 2018.11.09, 20181109.
_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:" + _SEP + r"(\d{1,2})" + _SEP.replace("年", "月")
                  + r"(\d{1,2})日?|(\d{2})(\d{2}))(?!\d)")
_YM = re.compile(r"(?<!\d)((?:19|20)\d{2})" + _SEP + r"(\d{1,2})月?(?![\d.])")
_Y = re.compile(r"(?<!\d)((?:19|20)\d{2})年?(?!\d)")
# Datelines: 新华社北京1月31日电, 本报北京5月29日电, 本报讯（2024年5月30日）.
_DATELINE = re.compile(r"(?:社|报|网|台|电)[\u4e00-\u9fff]{0,12}?(?:((?:19|20)\d{2})年)?"
                       r"(\d{1,2})月(\d{1,2})日(?:电|讯|消息)")
_TEXT_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
                       r"|(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
# Words before a date that make it something other than the article's date.
_NOT_THE_DATE = re.compile(r"(?:到|至|截至|截止|自|从|于|前|后|起|届|期|预计|计划|目标|力争|—|-|~)\s*$")


def _valid(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1900 <= year <= 2100:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        _dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse(value: object) -> str | None:
    """A metadata value (string or number) as YYYY-MM-DD / YYYY-MM / YYYY, or None."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(int(value))
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{10}|\d{13}", text):
        return _from_timestamp(int(text))
    m = _YMD.search(text)
    if m:
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        return _valid(int(y), int(mo), int(d))
    m = _YM.search(text)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)))
    english = _english(text)
    if english:
        return english
    m = _Y.fullmatch(text) or _Y.fullmatch(text.rstrip("年度"))
    return _valid(int(m.group(1))) if m else None


def _from_timestamp(stamp: int) -> str | None:
    """Unix seconds or milliseconds, read in China's time zone (exports from Chinese sites)."""
    if stamp >= 10**12:
        stamp //= 1000
    try:
        when = _dt.datetime.fromtimestamp(stamp, _dt.timezone(_dt.timedelta(hours=8)))
    except (OverflowError, OSError, ValueError):
        return None
    return _valid(when.year, when.month, when.day)


def _english(text: str) -> str | None:
    """"May 30, 2024", "30 May 2024", "Thu, 30 May 2024 08:00:00 +0800" (RSS feeds)."""
    m = re.search(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+((?:19|20)\d{2})"
                  r"|([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+((?:19|20)\d{2})", text)
    if not m:
        return None
    day, month, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
    number = _MONTHS.get(month[:3].lower())
    return _valid(int(year), number, int(day)) if number else None


_MONTHS = {name: k for k, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def from_filename(name: str) -> str | None:
    """The date a file name carries: 20240530-01-03.txt, 2024-05-30_x.txt, 2024年5月30日.txt.

    A bare leading year ("2026_四川省_政府工作报告.csv") gives year precision."""
    stem = name.rsplit("/", 1)[-1]
    m = _YMD.search(stem)
    if m:
        y, mo, d = m.group(1), m.group(2) or m.group(4), m.group(3) or m.group(5)
        found = _valid(int(y), int(mo), int(d))
        if found:
            return found
    m = re.match(r"((?:19|20)\d{2})[-_.](\d{1,2})(?:[-_.]|$)", stem)
    if m and not re.match(r"\d{4}[-_.]\d{1,2}[-_.]\d", stem):
        found = _valid(int(m.group(1)), int(m.group(2)))
        if found:
            return found
    m = re.match(r"((?:19|20)\d{2})(?:年|[-_ ])(?!\d)", stem)
    return _valid(int(m.group(1))) if m else None


_PATH_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_/.]?(0[1-9]|1[0-2])[-_/.]?(0[1-9]|[12]\d|3[01])(?!\d)")


def from_path(rel: str) -> str | None:
    """The date of a file from its name, else from its folders (archive/2024/05/30/03.txt,
    202405/30/01-03.txt)."""
    found = from_filename(rel)
    if found or "/" not in rel:
        return found
    folders = rel.rsplit("/", 1)[0]
    for m in reversed(list(_PATH_YMD.finditer(folders + "/"))):
        found = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            return found
    return None


def dateline(text: str, year: int | None = None) -> str | None:
    """The date of a news dateline near the start ("新华社北京2024年1月31日电")."""
    m = _DATELINE.search(text[:300])
    if not m:
        return None
    y = int(m.group(1)) if m.group(1) else year
    return _valid(y, int(m.group(2)), int(m.group(3))) if y else None


def from_text(text: str, year: int | None = None, head_chars: int = 200) -> str | None:
    """A date written in the text: a dateline, else a full date on the first lines.

    Only complete dates count, and not ones introduced as a deadline or a range
    ("到2026年6月30日", "自2024年1月1日起")."""
    found = dateline(text, year)
    if found:
        return found
    head = text[:head_chars]
    for m in _TEXT_YMD.finditer(head):
        if _NOT_THE_DATE.search(head[max(0, m.start() - 4):m.start()]):
            continue
        after = head[m.end():m.end() + 3]
        if re.match(r"\s*(?:起|前|后|以来|至|到|—|-)", after):
            continue
        parts = m.groups()[:3] if m.group(1) else m.groups()[3:]
        found = _valid(int(parts[0]), int(parts[1]), int(parts[2]))
        if found:
            return found
    return None

"""Dates: parse the many ways a date is written, and find one in a file name or text.

A date is kept at the precision it is known: "YYYY-MM-DD", "YYYY-MM" or "YYYY". The
readers try, in order, the file's own metadata (`parse`), the file name (`from_filename`)
and the text (`from_text`); the article records which one answered (`date_from`).

Text is the least reliable source: a policy article is full of years that are not its
date ("到2026年" is a target, "2023年经济总量" a past reference). So `from_text` only
accepts a complete date (year, month and day) in a dateline or on the first lines; a date
written without its year ("新华社北京1月31日电", "今天（5月26日）") only against a known
base date (the article's own partial date, the file's date, a year column), never from
nothing. Relative words (今天, 昨天, 日前) are resolved by `relative` against a base too:
the year (and month) are chosen so the date is not after the base, since an article
reports what has happened by the day it is dated.
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


# ---------------------------------------------------------------- dates without a year

# 今天（5月26日）, 今日(26日): "today" with the day written out, as broadcasts write it.
_TODAY_DATED = re.compile(r"(?:今天|今日)\s*[（(]\s*(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日\s*[）)]")
# Days from the base date. Vague words (日前 "the other day", 近日, 近期) name no day.
RELATIVE_DAYS = {"今天": 0, "今日": 0, "本日": 0, "当天": 0, "当日": 0, "昨天": -1, "昨日": -1,
                 "前天": -2, "前日": -2, "明天": 1, "明日": 1, "后天": 2}
VAGUE_DAYS = ("日前", "近日", "近期", "连日来", "日来", "前不久", "不久前", "此前")


def _base_parts(base: str | int | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of a base date ("2026", "2026-02", "2026-02-09", 2026)."""
    if base is None:
        return None
    m = re.fullmatch(r"((?:19|20)\d{2})(?:-(\d{2})(?:-(\d{2}))?)?", str(base).strip())
    if not m:
        return None
    return int(m.group(1)), (int(m.group(2)) if m.group(2) else None), \
        (int(m.group(3)) if m.group(3) else None)


def month_day(month: int | None, day: int, base: str | int | None) -> str | None:
    """A month and day (or a day alone) completed from a known base date, the year (and
    month) chosen so the date is not after the base: 12月30日 against 2026-01-05 is
    2025-12-30. With a base of a year only, that year. Without a base, None."""
    parts = _base_parts(base)
    if parts is None:
        return None
    year, base_month, base_day = parts
    if month is None:
        if base_month is None:
            return None
        month = base_month
        if base_day is not None and day > base_day:
            month, year = (12, year - 1) if month == 1 else (month - 1, year)
    elif base_month is not None and (month, day) > (base_month, base_day or 31):
        year -= 1
    return _valid(year, month, day)


def relative(word: str, base: str | int | None) -> str | None:
    """The day a relative word names, counted from a base date of day precision:
    "昨天" against 2024-05-30 is 2024-05-29. "今天（5月26日）" takes its written day (the
    year from the base). Vague words (日前, 近日) and a base without a day give None."""
    word = word.strip()
    m = _TODAY_DATED.fullmatch(word)
    if m:
        return month_day(int(m.group(1)) if m.group(1) else None, int(m.group(2)), base)
    if word not in RELATIVE_DAYS:
        return None
    parts = _base_parts(base)
    if parts is None or parts[2] is None:
        return None
    day = _dt.date(*parts) + _dt.timedelta(days=RELATIVE_DAYS[word])
    return day.isoformat()


def _base(year: int | None, base: str | int | None) -> str | int | None:
    return base if base is not None else year


def dateline(text: str, year: int | None = None, base: str | int | None = None) -> str | None:
    """The date of a news dateline near the start ("新华社北京2024年1月31日电"); a dateline
    without a year ("新华社北京1月31日电") is completed from the base date (or year)."""
    m = _DATELINE.search(text[:300])
    if not m:
        return None
    if m.group(1):
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return month_day(int(m.group(2)), int(m.group(3)), _base(year, base))


def from_text(text: str, year: int | None = None, head_chars: int = 200,
              base: str | int | None = None) -> str | None:
    """A date written in the text: a dateline, else a full date on the first lines, else
    "今天（5月26日）" near the top completed from the base date (`year` is the older way
    to give a base of a year).

    Only complete dates count, and not ones introduced as a deadline or a range
    ("到2026年6月30日", "自2024年1月1日起"). 昨天 or 日前 date an event, not the article,
    and give nothing here (see `relative`)."""
    found = dateline(text, year, base)
    if found:
        return found
    head = text[:head_chars]
    found = _full_date(head)
    if found:
        return found
    m = _TODAY_DATED.search(head)
    if m:
        return month_day(int(m.group(1)) if m.group(1) else None, int(m.group(2)), _base(year, base))
    return None


def _full_date(head: str) -> str | None:
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

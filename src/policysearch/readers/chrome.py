"""Page chrome: the furniture a saved web page leaves around an article's text.

Text copied from a web page (a CSV or JSON export, an HTML page, a .txt saved from a site)
often opens with the site's widgets and metadata and ends with its footer:

    下载 / 打印 / 全屏 / 收藏 / 【字号： 加大 还原 减小 】      UI words and a font widget
    您的位置: 首页 > 云南要闻 >                              a breadcrumb trail
    来源：云南日报 / 发表时间： 2026-02-09 09:45:30 / 阅读量：   page metadata
    2026年上海市政府工作报告                                 the title, repeated
    …
    相关报道： / 扫一扫在手机打开当前页 / 京ICP备05070218号        links and the site footer

`clean(body, title)` removes such lines from the top and the bottom of the body only:
the top is the run of lines before the first line of prose, where furniture, lines that
only repeat the title and earlier copies of a header line are dropped (the speech header
"——2026年1月27日在…会议上", "省长 王予波", "各位代表：" stay); the bottom is the run of
trailing lines that are all furniture, repeats of the title, or repeats of text the body
already holds. In the middle nothing is touched, with one exception: a run of furniture
holding a site-footer line (an ICP number, 主办单位) is a footer pasted mid-page and goes
as a block. The metadata found on the way is lifted: 来源 gives the source and 发布时间 /
时间 / a bare timestamp the page's date, which `apply` uses only when the article has
none. The words and patterns are maintained in data/page_chrome.txt.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from policysearch import dates
from policysearch.article import Article

HEAD_MAX = 40          # lines: the top is never longer than this
TAIL_MAX = 300         # lines: nor the bottom
LINE_MAX = 160         # characters: a longer line is never furniture
REPEAT_MIN = 15        # characters: a shorter trailing line is not dropped as a repeat
VALUE_MAX = 30         # characters: a label's value on the next line is at most this long

_SPACE = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
# A page timestamp: 2026-02-03 09:02:33, 2026年02月10日 07时41分, 2025/01/20 价格司.
_STAMP = re.compile(r"((?:19|20)\d{2}[-/.](?:\d{1,2})[-/.]\d{1,2}|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)"
                    r"(\d{1,2}[:时]\d{2}(?:[:分]\d{2}秒?)?分?)?([\u4e00-\u9fff]{1,8})?")
_PROSE = re.compile(r"[。！？!?；]")


@dataclass
class _Data:
    words: frozenset[str]
    widget: frozenset[str]
    widget_start: re.Pattern
    patterns: re.Pattern
    strong: re.Pattern
    breadcrumb: re.Pattern
    links: re.Pattern
    labels: dict[str, str]
    label_re: re.Pattern


@lru_cache(maxsize=1)
def _data() -> _Data:
    text = resources.files("policysearch").joinpath("data/page_chrome.txt").read_text("utf-8")
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"\[(\w+)\]", line.strip())
        if m:
            current = sections.setdefault(m.group(1), [])
        elif current is not None:
            current.append(line.strip() if "\t" not in line else line)

    def alternation(name: str) -> re.Pattern:
        return re.compile("|".join(f"(?:{p})" for p in sections[name]))

    labels = dict(line.split("\t", 1) for line in sections["labels"])
    label_re = re.compile("(" + "|".join(sorted(map(re.escape, labels), key=len, reverse=True))
                          + r")[：:]")
    return _Data(frozenset(sections["words"]), frozenset(sections["widget"]),
                 alternation("widget_start"), alternation("patterns"), alternation("strong"),
                 alternation("breadcrumb"), alternation("links"), labels, label_re)


@dataclass
class Cleaned:
    body: str
    source: str | None = None
    date: str | None = None
    removed: list[str] = field(default_factory=list)


def dense(line: str) -> str:
    return _SPACE.sub("", line)


# ---------------------------------------------------------------- classifying lines

@dataclass
class _Line:
    text: str
    key: str                 # the line without white space
    furniture: bool = False
    strong: bool = False
    meta: dict[str, str] = field(default_factory=dict)   # source / date this line gave


def _classify(lines: list[str]) -> list[_Line]:
    """Mark each line furniture or not; a line's neighbours matter for widgets (大 中 小
    after 【字体：), breadcrumbs (云南要闻 after 首页 >), labels whose value is on the next
    line, and link lists under a 相关报道 heading. A line's metadata goes into its `meta`."""
    data = _data()
    out = [_Line(x, dense(x)) for x in lines]
    state = None          # "widget", "crumb", "crumb_item", "links", "value"
    last_item = ""
    for i, line in enumerate(out):
        key = line.key
        if not key:
            continue            # a blank line inside a widget or a trail does not end it
        if len(key) > LINE_MAX:
            state = None
            continue
        if state == "value":
            state = None
            if len(key) <= VALUE_MAX and not data.label_re.match(key) and not _PROSE.search(key) \
                    and not key.startswith("—"):
                line.furniture = True
                continue
        if state == "widget" and key in data.widget:
            line.furniture = True
            continue
        if state in ("crumb", "crumb_item"):
            if re.fullmatch(r"[>＞›»/]+", key):
                line.furniture, state = True, "crumb"
                continue
            if (state == "crumb" or key == last_item) and len(key) <= 12 and not _PROSE.search(key):
                line.furniture, state, last_item = True, "crumb_item", key
                continue
        if state == "links" and not _PROSE.search(key) and len(key) <= 60:
            line.furniture = True
            continue
        state = None
        if data.strong.fullmatch(key):
            line.furniture = True
            state = "value" if key[-1] in "：:" else None    # 中文域名： / 中国政府网.政务
        elif data.widget_start.fullmatch(key):
            line.furniture, state = True, "widget"
        elif data.breadcrumb.fullmatch(key):
            line.furniture, state, last_item = True, "crumb", ""
        elif key in data.words or data.patterns.fullmatch(key):
            line.furniture = True
        elif data.links.fullmatch(key):
            line.furniture, state = True, "links"
        elif _stamp(key, line.meta):
            line.furniture = True
        else:
            labelled = _labels(key, line.meta)
            if labelled:
                line.furniture = True
                state = _take_value(out, i, line.meta) if labelled == "open" else None
    for line in out:
        # a footer line inside a link list or after a label is a footer line all the same
        line.strong = line.furniture and bool(data.strong.fullmatch(line.key))
    return out


def _stamp(key: str, found: dict[str, str]) -> bool:
    """A bare page timestamp (with a time, or a short department name after a numeric
    date); its date is the page's."""
    m = _STAMP.fullmatch(key)
    if not m or not (m.group(2) or (m.group(3) and "年" not in m.group(1))):
        return False
    parsed = dates.parse(m.group(1))
    if parsed:
        found.setdefault("date", parsed)
    return bool(parsed)


def _labels(key: str, found: dict[str, str]) -> str | None:
    """A line made only of page-metadata labels ("来源：中国人大网浏览字号："): "closed",
    or "open" when the last label's value is on the next line; None when not such a line."""
    data = _data()
    key = re.sub(r"^[（(](.*)[）)]$", r"\1", key)
    matches = list(data.label_re.finditer(key))
    if not matches or matches[0].start() != 0:
        return None
    values = []
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(key)
        values.append((data.labels[m.group(1)], key[m.end():end]))
    for field_name, value in values:
        if len(value) > VALUE_MAX or _PROSE.search(value):
            return None
        if field_name == "date" and value and not dates.parse(value):
            return None
    for field_name, value in values:
        if value and field_name == "source":
            found.setdefault("source", value)
        elif value and field_name == "date":
            found.setdefault("date", dates.parse(value))
    return "open" if not values[-1][1] else "closed"


def _take_value(lines: list[_Line], i: int, found: dict[str, str]) -> str:
    """The value of an open label is the next line ("来源：" / "四川日报"); the state the
    classifier goes on in: "value", or "widget" after 字号： (大 / 中 / 小 follow)."""
    label = _data().label_re.findall(re.sub(r"^[（(]", "", lines[i].key))[-1]
    field_name = _data().labels[label]
    if field_name == "widget":
        return "widget"
    value = lines[i + 1].key if i + 1 < len(lines) else ""
    if not value or len(value) > VALUE_MAX or _PROSE.search(value) or _data().label_re.match(value):
        return "value"
    if field_name == "source":
        found.setdefault("source", value)
    elif field_name == "date":
        m = _STAMP.match(value)
        parsed = dates.parse(m.group(1) if m else value)
        if parsed:
            found.setdefault("date", parsed)
    return "value"


# ---------------------------------------------------------------- the cleaner

def _norm_title(text: str) -> str:
    """Text compared with the title: no white space, brackets or a trailing document number."""
    text = re.sub(r"[（(][^（）()]*〔\d{4}〕[^（）()]*[）)]$", "", dense(text))
    return re.sub(r"[【】\[\]「」“”\"]", "", text)


def _title_run(lines: list[_Line], i: int, title: str) -> int:
    """How many lines from i only repeat the title (one, or a title printed over several
    lines); 0 when line i does not. A line that is a part of the title of six or more
    characters counts ("政府工作报告" under "2026年广东省政府工作报告")."""
    if not title:
        return 0
    text = ""
    for n in range(1, 5):
        if i + n > len(lines) or _PROSE.search(lines[i + n - 1].key) or not lines[i + n - 1].key:
            return 0
        text += _norm_title(lines[i + n - 1].text)
        if text == title or (n == 1 and len(text) >= 6 and text in title):
            return n
        if not title.startswith(text) and text not in title:
            return 0
    return 0


def _head_end(lines: list[_Line]) -> int:
    """Index of the first line of prose: the top ends there."""
    for i, line in enumerate(lines[:HEAD_MAX]):
        if not line.furniture and (_PROSE.search(line.key) or len(line.key) > 60):
            return i
    return min(len(lines), HEAD_MAX)


def clean(body: str, title: str = "") -> Cleaned:
    """The body without page furniture at its top and bottom, and what it said about the
    page (source, date)."""
    lines = _classify(body.split("\n"))
    title_key = _norm_title(title or "")
    drop = [False] * len(lines)
    _drop_head(lines, title_key, drop)
    _drop_tail(lines, title_key, drop)
    _drop_footer_blocks(lines, title_key, drop)
    kept = [x.text for x, gone in zip(lines, drop) if not gone]
    removed = [x.text for x, gone in zip(lines, drop) if gone and x.key]
    found: dict[str, str] = {}
    for line, gone in zip(lines, drop):
        if gone:    # metadata only from lines that go: a 来源 line in the text is text
            for name, value in line.meta.items():
                found.setdefault(name, value)
    text = "\n".join(kept).strip("\n")
    if not text.strip():
        return Cleaned(body)   # all furniture: keep what there was rather than nothing
    return Cleaned(text, found.get("source"), found.get("date"), removed)


def _drop_head(lines: list[_Line], title: str, drop: list[bool]) -> None:
    end = _head_end(lines)
    i = 0
    while i < end:
        line = lines[i]
        run = _title_run(lines, i, title) if not line.furniture else 0
        if line.furniture or run:
            for k in range(i, i + max(run, 1)):
                drop[k] = True
            i += max(run, 1)
            continue
        # A header line printed twice, once above the breadcrumb and once below it: the
        # later copy stays. (Only across furniture: a table of contents repeats chapter
        # headings that are text.)
        if line.key and _copy_below(lines, i, end):
            drop[i] = True
        i += 1


def _copy_below(lines: list[_Line], i: int, end: int) -> bool:
    between = False
    for j in range(i + 1, end):
        if lines[j].key == lines[i].key:
            return between
        between = between or lines[j].furniture
    return False


def _drop_tail(lines: list[_Line], title: str, drop: list[bool]) -> None:
    joined = "".join(x.key for x in lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line.key))
    i = len(lines) - 1
    floor = max(0, len(lines) - TAIL_MAX)
    while i >= floor:
        line = lines[i]
        if not line.key or line.furniture or (title and _norm_title(line.text) == title):
            drop[i] = True
            i -= 1
            continue
        # A trailing line repeating text the body already holds above it (the page's
        # summary, the opening sentence again): dropping it loses nothing.
        if len(line.key) >= REPEAT_MIN and joined.find(line.key, 0, starts[i]) >= 0:
            drop[i] = True
            i -= 1
            continue
        break


def _drop_footer_blocks(lines: list[_Line], title: str, drop: list[bool]) -> None:
    """A run of furniture holding a site-footer line, with any title repeats beside it."""
    def soft(k: int) -> bool:
        return lines[k].furniture or not lines[k].key or (bool(title) and _norm_title(lines[k].text) == title)

    for i, line in enumerate(lines):
        if not line.strong or drop[i]:
            continue
        a = i
        while a > 0 and soft(a - 1):
            a -= 1
        b = i
        while b + 1 < len(lines) and soft(b + 1):
            b += 1
        for k in range(a, b + 1):
            drop[k] = True


def apply(article: Article) -> None:
    """Clean an article's body in place; the page's source and date fill only fields the
    article lacks (a date refines a year or month it already has, never replaces it)."""
    cleaned = clean(article.body, article.title)
    article.body = cleaned.body
    if cleaned.source and not article.source:
        article.source = cleaned.source
    if cleaned.date and (not article.date or (article.date_precision != "day"
                                               and cleaned.date.startswith(article.date)
                                               and len(cleaned.date) > len(article.date))):
        article.set_date(cleaned.date, "text")

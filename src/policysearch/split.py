"""The newspaper splitter: plain text of a scanned page (or one article) into articles.

A scanned page reaches us as lines: headlines, bylines, paragraphs broken where the
column ended, and pull quotes that repeat a sentence of the article in large type. The
stages, each a small function:

1. `paragraphs`: drop blank lines and join lines the scan broke mid-sentence ("…开" +
   "展…" → "…开展…"). A line is broken when it ends without closing punctuation and is
   too long, or too punctuated, to be a heading.
2. `split_page`: an article starts at a byline (本报讯, 本报记者…, 新华社…电, 记者…报道)
   preceded by its headline lines (引题 / 主题 / 副题), or at headline lines that follow a
   paragraph closed by a credit such as （青讯）.
3. `build`: per article, the title from the headline lines, the byline, the credit lifted
   out of the body, headings inside the body kept in place and listed as subheadings, and
   pull quotes dropped: a short paragraph is a pull quote when a longer paragraph of the
   same article contains it, or contains a sentence nearly equal to it.

`split_page` returns the articles of a page, or the one article of a single-article file.
A one-article file (a newspaper archive's 20240530-01-03.txt) is read more gently: its
headline is the first block of lines when a blank line ends it (引题 / 主题 / 副题 on
consecutive lines), else the leading headline-like lines; its byline line stays in the
body, only a credit ending the article is lifted, and pull quotes are looked for only when
the text shows it was scanned (words broken across lines).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

HEADLINE_MAX = 48          # characters: longer lines are body text
HEADLINE_LINES = 4         # 引题 + 主题 (sometimes on two lines) + 副题
PULL_QUOTE_MAX = 150       # characters: longer paragraphs are never pull quotes
PULL_QUOTE_MIN = 10
PAGE_MAX_CHARS = 100_000   # a scanned page is never longer

CJK = "\u3400-\u9fff\uf900-\ufaff"
_CLOSING = "。！？!?；;：:…”’」』》）)】〕—"
_OPEN_END = "，,、“‘「『《（(【〔"
_SENTENCE = re.compile(r"[^。！？!?；]*[。！？!?；]+[”’」』）)]*|[^。！？!?；]+$")
_STRUCTURE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条编部分]|目\s*录$|[一二三四五六七八九十]+、"
                        r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_MEDIA = r"(?:新华社|中新社|中新网|人民网|新华网|央视网|光明网|央广网|国际在线|中国新闻网|经济日报|人民日报)"
_PLACE_DATE = rf"[{CJK}]{{0,12}}?(?:(?:19|20)\d{{2}}年)?\d{{1,2}}月\d{{1,2}}日"
_PAREN = r"(?:\s*[（(][^（）()]{1,40}[）)])*"
_BULLET = r"[□■●◆▲★◇○]?\s*"    # some pages mark bylines with a box: "□本报记者 张三"
_BYLINE_PREFIX = re.compile(
    rf"^{_BULLET}(?:本报讯{_PAREN}"
    rf"|本报{_PLACE_DATE}(?:电|讯){_PAREN}"
    rf"|{_MEDIA}{_PLACE_DATE}(?:电|讯|消息){_PAREN}"
    rf"|{_MEDIA}(?:北京|[{CJK}]{{2,6}})?消息{_PAREN}"
    rf"|(?:本报|特约)?记者[\s{CJK}·、]{{2,30}}?报道)")
_NAME = rf"[{CJK}·]{{2,5}}(?:[（(][^）)]{{1,6}}[）)])?"
# A line that is only a byline: a role, then names ("本报记者 徐恒 路铁晨（实习）").
_BYLINE_LINE = re.compile(
    rf"^{_BULLET}(?:(?:本报|本刊|特约|新华社|中新社|人民日报|央视|总台)?"
    rf"(?:记者|通讯员|实习生|评论员|特约记者|特约撰稿人|评论员观察)"
    rf"|(?:文\s*[／/|｜]\s*图|文|图|摄影|摄)(?:\s*[：:／/|｜]|\s+))"
    rf"\s*(?:{_NAME}(?:[\s、，,]+{_NAME}){{0,7}})?$")
# Page furniture: the paper's name, page numbers, editors, contacts. Never a headline.
_FURNITURE = re.compile(rf"^[{CJK}]{{1,8}}报$|第\s*[\d一二三四五六七八九十]+\s*版|星期[一二三四五六日天]"
                        r"|责任编辑|责编|美编|校对|本版编辑|版式设计|邮箱|E-?mail|电话[:：]|^本版|^\d+$")
# A page's masthead line: a date with the weekday or page number, not a headline.
_MASTHEAD = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周|第|$)"
                       r"|^(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}$|^第\s*\d+\s*版")
_CREDIT = re.compile(rf"(?<=[。！？!?”’」』…）)])\s*[（(]((?:(?:本报)?(?:记者|通讯员))?\s*[{CJK}·]{{2,4}}"
                     rf"(?:\s+[{CJK}·]{{2,4}})*)[）)]\s*$")


@dataclass
class Piece:
    """One article as the splitter sees it, before dates and metadata."""
    title: str
    paragraphs: list[str] = field(default_factory=list)
    byline: str | None = None
    credit: str | None = None
    subheadings: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)   # pull quotes removed

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


# ---------------------------------------------------------------- lines and paragraphs

def clean_line(line: str) -> str:
    """One line with its white space normalised (ideographic and no-break spaces too)."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").replace("\ufeff", "")
    return re.sub(r"[ \t\f\v]+", " ", line).strip()


def _dense_len(line: str) -> int:
    return len(re.sub(r"\s", "", line))


def is_byline(line: str) -> bool:
    return bool(_BYLINE_PREFIX.match(line)) or is_byline_line(line)


def is_byline_line(line: str) -> bool:
    """A line that is only a byline: "本报记者 徐恒 路铁晨（实习）"."""
    # "本报记者 张三摄" under a photo is a picture credit, not an article's byline.
    return bool(_BYLINE_LINE.match(line)) and _dense_len(line) <= 40 and not line.endswith("摄")


def byline_prefix(line: str) -> str | None:
    m = _BYLINE_PREFIX.match(line)
    return m.group(0).strip() if m else None


def is_headline(line: str) -> bool:
    """Short, unpunctuated at the end, no full stop inside: a headline or subheading."""
    n = _dense_len(line)
    if n == 0 or n > HEADLINE_MAX or is_byline(line):
        return False
    if line[-1] in "。；;：:，,、" or "。" in line or line[0] in "（(":
        return False
    if line[-1] in "！？!?" and n > 25:
        return False
    if not re.search(rf"[{CJK}A-Za-z]", line) or _MASTHEAD.search(line) or _FURNITURE.search(line):
        return False
    return True


def _is_broken(line: str, following: str) -> bool:
    """The scan broke this line mid-sentence: it continues on the next line."""
    if not following or is_byline(following):
        return False
    if following[0] in "，,、。；;：:！？!?）)”’」』》】〕…":
        return True     # no paragraph opens with closing punctuation
    last = line[-1]
    if last in _CLOSING:
        return False
    if last in _OPEN_END:
        return True
    if _dense_len(line) > HEADLINE_MAX or "。" in line or "；" in line:
        return True
    if "、" in line or "，" in line:
        # A heading rarely lists or runs to several clauses; a fragment whose next line
        # opens with a one- or two-character clause ("车、特色…", "安，“四川造”…") is the
        # rest of a word.
        if ("、" in line or line.count("，") >= 2 or _dense_len(line) > 25
                or re.match(r"^[^，、。；：]{1,2}[，、。；：]", following)):
            return True
    return False


def paragraphs(text: str) -> list[str]:
    """Non-empty lines, with lines broken mid-sentence joined back together."""
    return _paragraphs(text)[0]


def _raw_lines(text: str) -> list[str]:
    return [clean_line(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def _paragraphs(text: str) -> tuple[list[str], int]:
    """(paragraphs, how many joins were made): joins are the mark of a scanned text."""
    lines = [x for x in _raw_lines(text) if x]
    out: list[str] = []
    buffer = ""
    joins = 0   # words broken across lines: the mark of a scan
    for i, line in enumerate(lines):
        if buffer:
            if re.search(rf"[{CJK}]$", buffer) and re.match(rf"[{CJK}]", line):
                joins += 1
            buffer = _join(buffer, line)
        else:
            buffer = line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        # A line that reads as a title is never broken when it opens the text or follows
        # an article's closing credit: it is the next article's headline.
        opens = i == 0 or (buffer == line and out and _CREDIT.search(out[-1]))
        if not (opens and _is_long_title(buffer)) and _is_broken(buffer, following):
            continue
        out.append(buffer)
        buffer = ""
    if buffer:
        out.append(buffer)
    return out, joins


def _join(left: str, right: str) -> str:
    """Join a broken line: no space between CJK text, one space between Latin words."""
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z0-9]", right):
        return f"{left} {right}"
    return left + right


# ---------------------------------------------------------------- page splitting

def _headline_run_before(paras: list[str], i: int, floor: int) -> int:
    """Index where the run of headline lines ending just before i starts (i if none).

    The line right above a byline may be a long one-line title; lines above it must be
    short headline lines."""
    start = i
    while start > floor and i - start < HEADLINE_LINES:
        line = paras[start - 1]
        if not (is_headline(line) or (start == i and _is_long_title(line))):
            break
        start -= 1
    return start


def article_starts(paras: list[str]) -> list[int]:
    """Indexes of the paragraphs that begin an article (its first headline line)."""
    starts: list[int] = []
    floor = 0
    for i, para in enumerate(paras):
        if is_byline(para):
            start = _headline_run_before(paras, i, floor)
            if start < i and (not starts or start > starts[-1]):
                starts.append(start)
                floor = i + 1
        elif (i >= floor and i > 0 and _CREDIT.search(paras[i - 1])
              and (is_headline(para) or _is_long_title(para)) and _opens_article(paras, i)):
            if not starts or i > starts[-1]:
                starts.append(i)
                floor = i + 1
    return starts


def _opens_article(paras: list[str], i: int) -> bool:
    """Headline lines at i followed by body text (or a byline): a new article."""
    j = i + 1
    while j < len(paras) and j - i < HEADLINE_LINES and is_headline(paras[j]):
        j += 1
    return j < len(paras) and j > i


def split_page(text: str, single: bool = False) -> list[Piece]:
    """The articles of a newspaper page; a single-article text gives one piece, and so
    does any text when `single` (a file whose name says it is one article of a page: its
    sub-stories with their own bylines are parts of the one feature)."""
    paras, joins = _paragraphs(text)
    if not paras:
        return []
    starts = [] if single else article_starts(paras)
    if not starts or starts[0] > 0 and _has_body(paras[:starts[0]]):
        starts = [0] + starts
    if len(starts) == 1:
        return [one_article(text, paras, joins)]
    bounds = list(zip(starts, starts[1:] + [len(paras)]))
    return [build(paras[a:b]) for a, b in bounds]


def one_article(text: str, paras: list[str], joins: int) -> Piece:
    """One article: all of the text but a masthead line, whatever the byline rule saw.

    When the body's paragraphs are indented (archives indent them with full-width spaces)
    and the headline is not, the indentation says where the headline lines end: the title
    is taken from the unindented lines only, and lead lines among them (核心阅读, 编者的话
    and their text) go to the body."""
    skip = 0
    while skip < len(paras) - 1 and _MASTHEAD.search(paras[skip]) and _dense_len(paras[skip]) <= 40:
        skip += 1
    head, rest = _unindented_head(text)
    if skip == 0 and head:
        body, body_joins = _paragraphs("\n".join(rest))
        lead, n = _head_title(head, body)
        piece = build(head[lead:lead + n] + head[:lead] + head[lead + n:] + body, page=False,
                      scanned=_scanned(body_joins, text), title_count=n)
        if piece.byline is None and body and is_byline(body[0]):   # the byline after a lead
            piece.byline = squeeze_byline(byline_prefix(body[0]) or body[0])
        return piece
    block = headline_block(text) if skip == 0 else None
    return build(paras[skip:], page=False, scanned=_scanned(joins, text), title_count=block)


def _scanned(joins: int, text: str) -> bool:
    """Words broken across lines mark a scan, whose pull quotes are then looked for; a text
    longer than any page (PAGE_MAX_CHARS) is not a scanned page."""
    return joins >= 2 and len(text) <= PAGE_MAX_CHARS


_INDENT = re.compile(r"^(?:\u3000|[ \t\xa0]{2,}|\t)")


def _unindented_head(text: str) -> tuple[list[str], list[str]]:
    """(the unindented lines that open the text, the lines after them) when the text's
    paragraphs are indented (two or more indented lines) and its first lines are not;
    ([], []) otherwise."""
    raw = [x for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if clean_line(x)]
    indented = [bool(_INDENT.match(x)) for x in raw]
    if sum(indented) < 2 or not raw or indented[0]:
        return [], []
    first = indented.index(True)
    return [clean_line(x) for x in raw[:first]], raw[first:]


def _head_title(head: list[str], body: list[str]) -> tuple[int, int]:
    """(where the headline starts among the unindented head lines, how many lines it has).

    A lead that opens the text (编者的话 and its note) is stepped over; the headline is the
    run of headline lines that follows, ended by a lead marker, a sentence or the body."""
    start = 0
    if _is_lead_marker(head[0]):
        start = 1
        while start < len(head) and not _title_like(head[start], True):
            start += 1
        if start == len(head):
            return 0, 0
    n = title_lines(head[start:] + body[:1], page=False)
    n = min(n, len(head) - start)
    for k in range(1, n):
        if _is_lead_line(head[start + k]):
            return start, k
    return start, n


def _is_lead_line(line: str) -> bool:
    """Under a headline: a lead marker, or summary text (a sentence, a list of clauses)
    rather than a 副题."""
    return (_is_lead_marker(line) or bool(re.search(r"[。！？；]", line))
            or len(re.findall(r"[，,、]", line)) >= 2)


def _is_lead_marker(line: str) -> bool:
    return line.startswith(_headline_words()["lead_markers"])


def headline_block(text: str) -> int | None:
    """Lines of the headline when the layout shows it: the first block of consecutive
    lines, ended by a blank line, in a text whose paragraphs are not all blank-separated
    (archives write 引题 / 主题 / 副题 on consecutive lines, then a blank, then the body)."""
    lines = _raw_lines(text)
    while lines and not lines[0]:
        lines.pop(0)
    consecutive = any(a and b for a, b in zip(lines, lines[1:]))
    if not consecutive or "" not in lines:
        return None
    block = lines[:lines.index("")]
    if len(block) > HEADLINE_LINES or len(block) == len([x for x in lines if x]):
        return None
    if any(_STRUCTURE.match(line) for line in block[1:]):
        return None     # "第一章" under a law's name opens the text, it is no 副题
    if all(_title_like(line, k == 0) or line.startswith(("——", "—"))
           or (k == 0 and len(block) > 1 and _is_kicker(line)) for k, line in enumerate(block)):
        return len(paragraphs("\n".join(block)))
    return None


def _has_body(paras: list[str]) -> bool:
    """Text before the first article that is more than a page header or a headline."""
    return any(not is_headline(p) and _dense_len(p) > 30 and re.search(r"[。！？；]", p)
               for p in paras)


# ---------------------------------------------------------------- one article

def title_lines(paras: list[str], page: bool = True) -> int:
    """How many leading paragraphs are the headline (stopping at a byline or the body).

    On a page a headline line is short (`is_headline`). In a one-article file the first
    line is the title when it reads as one even if long (archives keep whole titles on one
    line), and the lines after it may be a little longer (副题)."""
    n = 0
    while n < len(paras) and n < HEADLINE_LINES:
        para = paras[n]
        if _STRUCTURE.match(para) and n > 0:
            break
        if n > 0 and re.sub(r"\s", "", para) in re.sub(r"\s", "", " ".join(paras[:n])):
            break   # the headline again, as the text's first line: text, not title
        fits = is_headline(para) if page else _title_like(para, n == 0)
        kicker = (not page and n == 0 and len(paras) > 2 and _is_kicker(para)
                  and _title_like(paras[1], False))
        if not (fits or kicker or (n > 0 and para.startswith(("——", "—", "--")))
                or (n == 0 and len(paras) > 1 and _is_long_title(para))):
            break
        n += 1
    if n == len(paras) and n > 1:
        n = 1   # short lines only: the first is the title, the rest is the text
    return n


def _is_kicker(line: str) -> bool:
    """A 引题 that ends in a colon ("习近平在…时强调：") above the main headline."""
    return line[-1] in "：:" and _dense_len(line) <= HEADLINE_MAX and "。" not in line \
        and not is_byline(line)


def _title_like(line: str, first: bool) -> bool:
    """A headline line of a one-article file."""
    if first:
        return _is_long_title(line) or is_headline(line)
    # Subtitles run long but separate their phrases with spaces, not commas.
    limit = 100 if not re.search(r"[，,]", line) else 64
    return is_headline(line) or (_dense_len(line) <= limit and _is_long_title(line)
                                 and not line.startswith(("（", "(")))


def _is_long_title(line: str) -> bool:
    # Up to 100 characters; more only when the phrases are spaced, not punctuated (the
    # long 主题 + 副题 titles of news broadcasts).
    limit = 160 if not re.search(r"[，,]", line) else 100
    return (_dense_len(line) <= limit and not re.search(r"[。；：:，,、]$", line)
            and "。" not in line and not is_byline(line) and not _MASTHEAD.search(line))


def join_title(lines: list[str], spaced_breaks: bool = False) -> str:
    """Headline lines as one title.

    Two pieces of Chinese text meet without a space when they are one headline broken in
    two (`_continues`: "江西出台" + "先进制造业促进条例"), and with a space when they are two
    headlines, a 引题 over its 主题 ("聚焦高质量发展" + "四川算力产业驶入快车道"). A 副题
    opening with a dash keeps its dash and no space. Spacing inside a line is kept as
    written, unless `spaced_breaks`: a scanned page sets a headline's two lines side by
    side with spaces between them, so there a space between Chinese characters is a break
    like a line's end and the same rule decides."""
    pieces: list[str] = []
    for k, line in enumerate(lines):
        if k and line == lines[k - 1]:
            continue    # a headline printed twice
        line = re.sub(r"\s+", " ", line).strip()
        pieces += _spaced_pieces(line) if spaced_breaks else [line]
    title = ""
    for piece in (p for p in pieces if p):
        title = piece if not title else title + _joiner(title, piece) + piece
    return re.sub(r"\s+", " ", title).strip()


def _spaced_pieces(line: str) -> list[str]:
    """A line cut at each space between two Chinese characters."""
    return re.split(rf"(?<=[{CJK}])\s+(?=[{CJK}])", line)


def _joiner(left: str, right: str) -> str:
    if right.startswith(("—", "-")):
        return ""
    if not (re.search(rf"[{CJK}]$", left) and re.match(rf"[{CJK}]", right)):
        # punctuation already separates ("…强调：" + main); Latin text keeps its space
        return "" if re.search(r"[：:，,。！？!?、；;]$", left) else " "
    return "" if _continues(left, right) else " "


@lru_cache(maxsize=1)
def _headline_words() -> dict[str, tuple[str, ...]]:
    text = resources.files("policysearch").joinpath("data/headline_words.txt").read_text("utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    # longest first, so "关于" is tried before "于"
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in sections.items()}


def _continues(left: str, right: str) -> bool:
    """The right piece goes on with the headline the left one began.

    The left piece has not ended its phrase: a bracket or quote still open (《政府网站集约化
    / 试点工作方案》), a function word at its end (…关于 / …的). Or the right piece cannot
    start a headline (的…, 》…). Or the pieces are the parts of one clause: a subject and
    a verb waiting for the longer object that follows ("江西出台" + "先进制造业促进条例"),
    a subject with no verb and the predicate that follows ("宁夏工业增速" + "继续位居全国
    第一"), or the name of a document broken before its end ("…标识解析体系" + "创新发展实施
    方案"). Anything else is two headlines."""
    words = _headline_words()
    if _unclosed(left) or left.endswith(words["open_end"]) or right.startswith(words["open_start"]):
        return True
    verbs = words["verbs"]
    right_is_predicate = right.startswith(words["adverbs"] + verbs)
    if left.endswith(verbs) and not right_is_predicate and len(right) > len(left):
        return True
    if right.startswith(words["adverbs"]) and not any(v in left for v in verbs):
        return True
    return _document_name_tail(right, verbs) and not right_is_predicate


def _document_name_tail(text: str, verbs: tuple[str, ...]) -> bool:
    """The end of a document's name: a 文种 ending ("实施方案") after words that are not a
    clause of their own (no verb: "四川出台制造业实施方案" is a headline; no 关于: "X关于Y的
    通知" is a whole title)."""
    from policysearch.readers import doctype   # the 文种 endings are the readers' data

    if doctype.from_title(text) is None or "关于" in text:
        return False
    rest = text[:len(text) - len(doctype.ending(text))]
    return not any(v in rest for v in verbs)


def _unclosed(text: str) -> bool:
    pairs = ("《》", "“”", "（）", "()", "【】", "「」", "〔〕")
    return any(text.count(a) > text.count(b) for a, b in pairs)


def build(paras: list[str], page: bool = True, scanned: bool = True,
          title_count: int | None = None) -> Piece:
    """One article from its paragraphs: headline, byline, body, credit, subheadings.

    Pull quotes exist only in scanned text (a page, or a file whose lines were broken);
    in a one-article file only the credit that ends the article is lifted."""
    n = title_count if title_count is not None else title_lines(paras, page)
    if n:
        title, rest = join_title(paras[:n], spaced_breaks=True), paras[n:]
    else:
        title, rest = fallback_title(paras), list(paras)
    piece = Piece(title=title)
    # The byline stays in the body too (nothing of the text is lost); it is also lifted
    # into the article's byline field.
    if rest and is_byline_line(rest[0]) and not _BYLINE_PREFIX.match(rest[0]):
        piece.byline = squeeze_byline(rest[0])
        if page:
            rest = rest[1:]     # on a page the byline line is layout; one-article files keep it
    elif rest and byline_prefix(rest[0]):
        piece.byline = squeeze_byline(byline_prefix(rest[0]))
    if page:
        rest, piece.credit = lift_credits(rest)
    elif rest:
        last, piece.credit = lift_credits(rest[-1:])
        rest = rest[:-1] + last
    if page or scanned:
        rest, piece.dropped = drop_pull_quotes(rest)
    piece.subheadings = [p for p in rest if is_headline(p)]
    piece.paragraphs = rest or ([title] if title else [])
    return piece


def squeeze_byline(byline: str) -> str:
    return re.sub(r"\s+", " ", byline).strip().lstrip("□■●◆▲★◇○ ")


def fallback_title(paras: list[str]) -> str:
    """No headline lines: the first line if short, else its first sentence, cut to 60."""
    if not paras:
        return ""
    first = paras[0]
    if _dense_len(first) <= 100 and not first.endswith("。"):
        return join_title([first])
    sentence = _SENTENCE.match(first)
    text = join_title([sentence.group(0) if sentence else first])
    return text if len(text) <= 60 else text[:60] + "…"


def lift_credits(paras: list[str]) -> tuple[list[str], str | None]:
    """Remove credits such as （青讯） ending a paragraph; return the first one found."""
    credit = None
    out = []
    for para in paras:
        m = _CREDIT.search(para)
        if m and not is_headline(para):
            credit = credit or re.sub(r"\s+", " ", m.group(1)).strip()
            para = para[:m.start()].rstrip()
        if para:
            out.append(para)
    return out, credit


def _norm(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’「」]", "", text)


def sentences(text: str) -> list[str]:
    return [s for s in (m.group(0).strip() for m in _SENTENCE.finditer(text)) if s]


def drop_pull_quotes(paras: list[str]) -> tuple[list[str], list[str]]:
    """Drop short paragraphs that repeat (exactly or nearly) text of another paragraph.

    Never a paragraph that ends with a colon; one that follows a colon is content being
    introduced ("王胜俊宣布：" + the names) unless it repeats a sentence exactly.
    Candidates are found through the rarest character pairs of the short paragraph, so a
    long text costs little more than a short one."""
    normed = [_norm(p) for p in paras]
    postings: dict[str, set[int]] = {}
    for j, q in enumerate(normed):
        for k in range(len(q) - 1):
            postings.setdefault(q[k:k + 2], set()).add(j)
    dropped: set[int] = set()
    for i, p in enumerate(normed):
        if not PULL_QUOTE_MIN <= len(p) <= PULL_QUOTE_MAX or is_headline(paras[i]):
            continue
        if p[-1] in "：:":
            continue
        introduced = i > 0 and normed[i - 1][-1:] in ("：", ":")
        for j in _candidates(p, i, postings):
            if j not in dropped and _repeats(p, normed[j], later=i > j, exact=introduced):
                dropped.add(i)
                break
    kept = [p for i, p in enumerate(paras) if i not in dropped]
    return kept, [paras[i] for i in sorted(dropped)]


def _candidates(p: str, i: int, postings: dict[str, set[int]], rare: int = 8) -> list[int]:
    """Paragraphs holding most of p's rarest character pairs (a repeat holds nearly all)."""
    grams = sorted({p[k:k + 2] for k in range(len(p) - 1)}, key=lambda g: len(postings.get(g, ())))
    grams = grams[:rare]
    hits: dict[int, int] = {}
    for g in grams:
        for j in postings.get(g, ()):
            if j != i:
                hits[j] = hits.get(j, 0) + 1
    need = max(1, len(grams) // 2)
    return sorted(j for j, n in hits.items() if n >= need)


def _repeats(p: str, q: str, later: bool, exact: bool = False) -> bool:
    """p repeats q: q holds p (equal text: only the later copy goes), or nearly holds it.

    "Nearly": a longer sentence (or two) of q holds all of p, in order, but for one
    character — a pull quote that lost a phrase ("…的规律，前景十分广阔" from "…的规律，
    方兴未艾，前景十分广阔"). Sentences that differ by substitutions (a number, a name)
    are different sentences, not quotes."""
    if p == q:
        return later
    core = p.rstrip("。！？!?；;…")
    if len(q) > len(p) and core in q:
        return True
    if exact or not _shares_bigrams(core, q):
        return False
    for s in _windows(q):
        if len(s) <= len(core) or len(s) > len(core) * 2:
            continue
        if _covered(core, s) >= len(core) - 1:
            return True
    return False


def _covered(p: str, s: str) -> int:
    """Characters of p found, in order, in runs of two or more within s."""
    blocks = SequenceMatcher(None, p, s, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 2)


def _windows(q: str) -> list[str]:
    """Single sentences of q and pairs of neighbouring ones (a quote may span two)."""
    parts = [_norm(s) for s in sentences(q)]
    return parts + ["".join(parts[k:k + 2]) for k in range(len(parts) - 1)]


def _shares_bigrams(p: str, q: str) -> bool:
    grams = {p[k:k + 2] for k in range(len(p) - 1)}
    if not grams:
        return False
    hits = sum(1 for g in grams if g in q)
    return hits >= 0.7 * len(grams)

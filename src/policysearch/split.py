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

`split_text` returns the articles of a page, or the one article of a single-article file
(headline lines first, then the body).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

HEADLINE_MAX = 48          # characters: longer lines are body text
HEADLINE_LINES = 4         # 引题 + 主题 (sometimes on two lines) + 副题
PULL_QUOTE_MAX = 150       # characters: longer paragraphs are never pull quotes
PULL_QUOTE_MIN = 10
NEAR_DUPLICATE = 0.85      # share of a pull quote found, in order, in its source

CJK = "\u3400-\u9fff\uf900-\ufaff"
_CLOSING = "。！？!?；;：:…”’」』》）)】〕—"
_OPEN_END = "，,、“‘「『《（(【〔"
_INNER_PUNCT = re.compile(r"[。！？；：、]")
_SENTENCE = re.compile(r"[^。！？!?；]*[。！？!?；]+[”’」』）)]*|[^。！？!?；]+$")
_STRUCTURE = re.compile(r"^(?:第[一二三四五六七八九十百零〇\d]+[章节条编部分]|目\s*录$|[一二三四五六七八九十]+、"
                        r"|[（(][一二三四五六七八九十\d]+[）)]|\d+[.、．])")
_MEDIA = r"(?:新华社|中新社|中新网|人民网|新华网|央视网|光明网|央广网|国际在线|中国新闻网|经济日报|人民日报)"
_PLACE_DATE = rf"[{CJK}]{{0,12}}?(?:(?:19|20)\d{{2}}年)?\d{{1,2}}月\d{{1,2}}日"
_PAREN = r"(?:\s*[（(][^（）()]{1,40}[）)])*"
_BYLINE_PREFIX = re.compile(
    rf"^(?:本报讯{_PAREN}"
    rf"|本报{_PLACE_DATE}(?:电|讯){_PAREN}"
    rf"|{_MEDIA}{_PLACE_DATE}(?:电|讯|消息){_PAREN}"
    rf"|{_MEDIA}(?:北京|[{CJK}]{{2,6}})?消息{_PAREN}"
    rf"|(?:本报|特约)?记者[\s{CJK}·、]{{2,30}}?报道)")
_BYLINE_LINE = re.compile(
    rf"^(?:(?:本报|本刊|特约|新华社|中新社)?(?:记者|通讯员|实习生|评论员|特约记者)"
    rf"|文\s*[／/|｜]\s*图|[文图]\s*[：:／/]|(?:新华社|中新社)\s*记者|本报评论员)")
# A page's masthead line: a date with the weekday or page number, not a headline.
_MASTHEAD = re.compile(r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周|第|$)"
                       r"|^(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}$|^第\s*\d+\s*版")
_CREDIT = re.compile(rf"(?<=[。！？!?”’」』…])\s*[（(]((?:记者|通讯员)?\s*[{CJK}·]{{2,4}}"
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
    line = re.sub(r"[\u200b-\u200d\u2060]", "", line)
    return re.sub(r"[ \t\f\v]+", " ", line).strip()


def squeeze(text: str) -> str:
    """Drop white space between CJK characters (layout, not meaning): "江西出台 先进…"."""
    text = re.sub(r"\s+", " ", text).strip()
    wide = rf"[{CJK}\u3000-\u303f\uff00-\uffef“”‘’《》\u2014\u2026]"
    return re.sub(rf"(?<={wide}) (?={wide})", "", text)


def _dense_len(line: str) -> int:
    return len(re.sub(r"\s", "", line))


def is_byline(line: str) -> bool:
    return bool(_BYLINE_PREFIX.match(line)) or is_byline_line(line)


def is_byline_line(line: str) -> bool:
    """A line that is only a byline: "本报记者 徐恒 路铁晨（实习）"."""
    return (bool(_BYLINE_LINE.match(line)) and _dense_len(line) <= 40
            and not re.search(r"[。！？；，]", line))


def byline_prefix(line: str) -> str | None:
    m = _BYLINE_PREFIX.match(line)
    return m.group(0).strip() if m else None


def is_headline(line: str) -> bool:
    """Short, unpunctuated at the end, no full stop inside: a headline or subheading."""
    n = _dense_len(line)
    if n == 0 or n > HEADLINE_MAX or is_byline(line):
        return False
    if line[-1] in "。；;：:，,、" or "。" in line or line[0] in "（(【[":
        return False
    if line[-1] in "！？!?" and n > 25:
        return False
    if not re.search(rf"[{CJK}A-Za-z]", line) or _MASTHEAD.search(line):
        return False
    return True


def _is_broken(line: str, following: str) -> bool:
    """The scan broke this line mid-sentence: it continues on the next line."""
    if not following or is_byline(following):
        return False
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
    lines = [clean_line(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [x for x in lines if x]
    out: list[str] = []
    buffer = ""
    for i, line in enumerate(lines):
        buffer = _join(buffer, line) if buffer else line
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not _is_broken(buffer, following):
            out.append(buffer)
            buffer = ""
    if buffer:
        out.append(buffer)
    return out


def _join(left: str, right: str) -> str:
    """Join a broken line: no space between CJK text, one space between Latin words."""
    if re.search(r"[A-Za-z0-9]$", left) and re.match(r"[A-Za-z0-9]", right):
        return f"{left} {right}"
    return left + right


# ---------------------------------------------------------------- page splitting

def _headline_run_before(paras: list[str], i: int, floor: int) -> int:
    """Index where the run of headline lines ending just before i starts (i if none)."""
    start = i
    while start > floor and i - start < HEADLINE_LINES and is_headline(paras[start - 1]):
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
        elif (i >= floor and i > 0 and _CREDIT.search(paras[i - 1]) and is_headline(para)
              and _opens_article(paras, i)):
            if not starts or i > starts[-1]:
                starts.append(i)
                floor = i + 1
    return starts


def _opens_article(paras: list[str], i: int) -> bool:
    """Headline lines at i followed by body text (or a byline): a new article."""
    j = i
    while j < len(paras) and j - i < HEADLINE_LINES and is_headline(paras[j]):
        j += 1
    return j < len(paras) and j > i


def split_page(text: str) -> list[Piece]:
    """The articles of a newspaper page; a single-article text gives one piece."""
    paras = paragraphs(text)
    if not paras:
        return []
    starts = article_starts(paras)
    if not starts or starts[0] > 0 and _has_body(paras[:starts[0]]):
        starts = [0] + starts
    bounds = list(zip(starts, starts[1:] + [len(paras)]))
    return [build(paras[a:b]) for a, b in bounds]


def _has_body(paras: list[str]) -> bool:
    """Text before the first article that is more than a page header."""
    return any(not is_headline(p) and _dense_len(p) > 30 for p in paras)


# ---------------------------------------------------------------- one article

def title_lines(paras: list[str]) -> int:
    """How many leading paragraphs are the headline (stopping at a byline or the body)."""
    n = 0
    while n < len(paras) and n < HEADLINE_LINES:
        para = paras[n]
        if _STRUCTURE.match(para) and n > 0:
            break
        if not (is_headline(para) or (n > 0 and para.startswith(("——", "—", "--")))):
            break
        n += 1
    if n == len(paras) and n > 1:
        n = 1   # short lines only: the first is the title, the rest is the text
    return n


def join_title(lines: list[str]) -> str:
    return squeeze(" ".join(lines))


def build(paras: list[str]) -> Piece:
    """One article from its paragraphs: headline, byline, body, credit, subheadings."""
    n = title_lines(paras)
    if n:
        title, rest = join_title(paras[:n]), paras[n:]
    else:
        title, rest = fallback_title(paras), list(paras)
    piece = Piece(title=title)
    # The byline stays in the body too (nothing of the text is lost); it is also lifted
    # into the article's byline field.
    if rest and is_byline_line(rest[0]) and not _BYLINE_PREFIX.match(rest[0]):
        piece.byline = squeeze_byline(rest[0])
    elif rest and byline_prefix(rest[0]):
        piece.byline = squeeze_byline(byline_prefix(rest[0]))
    rest, piece.credit = lift_credits(rest)
    rest, piece.dropped = drop_pull_quotes(rest)
    piece.subheadings = [squeeze(p) for p in rest if is_headline(p)]
    piece.paragraphs = rest or ([title] if title else [])
    return piece


def squeeze_byline(byline: str) -> str:
    return re.sub(r"\s+", " ", byline).strip()


def fallback_title(paras: list[str]) -> str:
    """No headline lines: the first line if short, else its first sentence, cut to 60."""
    if not paras:
        return ""
    first = paras[0]
    if _dense_len(first) <= 100 and not first.endswith("。"):
        return squeeze(first)
    sentence = _SENTENCE.match(first)
    text = squeeze(sentence.group(0) if sentence else first)
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
    """Drop short paragraphs that repeat (exactly or nearly) text of another paragraph."""
    normed = [_norm(p) for p in paras]
    dropped: set[int] = set()
    for i, p in enumerate(normed):
        if not PULL_QUOTE_MIN <= len(p) <= PULL_QUOTE_MAX or is_headline(paras[i]):
            continue
        for j, q in enumerate(normed):
            if j == i or j in dropped:
                continue
            if _repeats(p, q, later=i > j):
                dropped.add(i)
                break
    kept = [p for i, p in enumerate(paras) if i not in dropped]
    return kept, [paras[i] for i in sorted(dropped)]


def _repeats(p: str, q: str, later: bool) -> bool:
    """p repeats q: q holds p (equal text: only the later copy goes), or nearly holds it.

    "Nearly": a sentence (or two) of q covers most of p in order — a pull quote may be cut
    from a longer sentence or lose a phrase ("…的规律，前景十分广阔" from "…的规律，方兴未艾，
    前景十分广阔")."""
    if p == q:
        return later
    core = p.rstrip("。！？!?；;…")
    if len(q) > len(p) and core in q:
        return True
    if not _shares_bigrams(core, q):
        return False
    for s in _windows(q):
        if len(s) < len(core) * 0.8:
            continue
        if _coverage(core, s) >= NEAR_DUPLICATE:
            if len(s) > len(p) or len(q) > len(p) or (len(s) == len(p) and later):
                return True
    return False


def _coverage(p: str, s: str) -> float:
    """Share of p's characters found, in order, in runs of two or more within s."""
    blocks = SequenceMatcher(None, p, s, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= 2) / max(1, len(p))


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

"""Tagging: the subject provinces, the industries and a completed date for each article.

The stage runs once per article while indexing, after the readers, so it reads only what an
article carries (title, byline, body, and any facet the reader took from file metadata) and
keeps everything it loads in one process-wide cache.

Provinces. One scan of the text with a single compiled pattern finds every name of the
gazetteer (data/places.tsv, generated from the national division codes; data/regions.tsv for
zones, landmarks and regional names) together with the words that merely contain a place name
(data/place_traps.tsv, data/not_places.tsv: 孙中山, 长安汽车, 朝阳产业 ...). The longest word
wins at each position, so a trap hides the place inside it. Each mention is then weighed as a
careful reader would: the title and the lead weigh most, a paragraph that opens on the place
gives it substance, a place named only as the venue of a meeting (在北京举行) or as one item
of a long list counts for little, and a short county name (金寨, 阜平) or a name shared by
several provinces (朝阳, 鼓楼区, 兴安) only backs up a province the article names otherwise.
A province is a subject when its weight clears a threshold and is not dwarfed by the main one.

Industries. Terms of data/industries.tsv are found with one pattern too, sentence by sentence;
a term counts fully where its sentence gives it substance (a figure, a project, a measure) and
little inside a bare list, and the title counts most.

Dates. Only when the reader found no full date: a dateline (新华社北京1月31日电, 本报北京…
电) or a full date near the top, never a target year (到2026年, 2024—2026年); a month and
day complete the year the reader already had, and no year is ever guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from policysearch.article import Article

PROVINCES = ("北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 "
             "湖北 湖南 广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 "
             "台湾").split()

# --- weights of the province evidence (tuned on dev/labels.jsonl as a whole, not per article)
TITLE_WEIGHT = 6.0
LEAD_WEIGHT = 4.0
PARAGRAPH_TOPIC_WEIGHT = 3.0
SENTENCE_WEIGHT = 1.0
LIST_FACTOR = 0.3      # one item of a list of three or more places
VENUE_FACTOR = 0.2     # 在北京举行 / 在上海开幕: where, not what
SUBJECT_THRESHOLD = 4.0
RELATIVE_THRESHOLD = 0.25   # of the strongest province's weight
ROUNDUP_PROVINCES = 6       # an article naming this many provinces is a round-up

STRONG_LEVELS = {"province", "prefecture", "prefecture-short", "county", "region", "zone", "landmark"}

_SENTENCE_END = re.compile(r"[。！？；!?;]+|\n+")
_VENUE_AFTER = re.compile(r"^[^，。；]{0,14}?(举行|召开|开幕|闭幕|举办|落幕|开展|启幕|召集|会见|会谈|出席|主持|发布|揭晓)")
_VENUE_BEFORE = re.compile(r"(在|于|赴|到|抵达)$")
_NOT_A_PLACE_AFTER = re.compile(r"^(?:号|舰|队|籍|大学|师范|理工|交通大学|医院|军区)")
_DATELINE = re.compile(
    r"(?:新华社|中新社|本报|本台|央视网|人民网|央广网|光明网|中国日报)?(?:记者)?"
    r"[\u4e00-\u9fff]{0,8}?(\d{1,2})月(\d{1,2})日(?:电|讯)")


@dataclass
class Place:
    provinces: frozenset[str]
    strong: bool                    # can name a province on its own


@dataclass
class _Data:
    places: dict[str, Place]
    place_pattern: re.Pattern[str]
    terms: dict[str, list[tuple[str, float]]]
    term_pattern: re.Pattern[str]


def _data_lines(name: str):
    text = resources.files("policysearch").joinpath("data", name).read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def _trie_pattern(words) -> re.Pattern[str]:
    """One regex for many literal words, shaped as a trie so each position is tried once per
    first character; alternatives are longest-first, so the longest word wins."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return re.compile(build(trie))


@lru_cache(maxsize=1)
def _load() -> _Data:
    found: dict[str, tuple[set[str], bool]] = {}
    for name, province, level, _code in _data_lines("places.tsv"):
        provinces, strong = found.setdefault(name, (set(), False))
        provinces.add(province)
        found[name] = (provinces, strong or level in STRONG_LEVELS)
    for name, provinces, kind in _data_lines("regions.tsv"):
        found[name] = (set(provinces.split(",")), True)
    for word, *_ in list(_data_lines("place_traps.tsv")) + list(_data_lines("not_places.tsv")):
        if word not in found or word in ("海南藏族自治州",):
            found[word] = (set(), False)
    found["海南藏族自治州"] = ({"青海"}, True)
    places = {n: Place(frozenset(p), strong) for n, (p, strong) in found.items()}

    terms: dict[str, list[tuple[str, float]]] = {}
    for industry, term, weight in _data_lines("industries.tsv"):
        terms.setdefault(term, []).append((industry, float(weight)))
    for phrase in ("工业和信息化部", "工信部", "农业农村部", "人民银行", "中国人民银行", "电视台",
                   "通信员", "新闻发布", "发布会", "互联网信息办公室"):
        terms.setdefault(phrase, [])
    return _Data(places, _trie_pattern(places), terms, _trie_pattern(terms))


# --- provinces -------------------------------------------------------------------------------

@dataclass
class _Mention:
    start: int
    end: int
    name: str
    place: Place


@dataclass
class _Evidence:
    score: float = 0.0
    title: bool = False
    sentences: set[int] = field(default_factory=set)


def _strip_dateline(text: str) -> str:
    """Blank a leading dateline (新华社北京1月31日电, 央视网消息（新闻联播）：) with spaces, so the
    city of the wire office is not read as the subject and offsets stay put."""
    head = text[:120]
    for pattern in (_DATELINE, re.compile(r"央视网消息[（(][^）)]{0,12}[）)][：:]?")):
        m = pattern.search(head)
        if m and m.start() < 40:
            text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]
            head = text[:120]
    return re.sub(r"^[（(]记者[^）)]{0,20}[）)]", lambda m: " " * len(m.group()), text.lstrip())


def _mentions(text: str, data: _Data) -> list[_Mention]:
    out = []
    for m in data.place_pattern.finditer(text):
        place = data.places.get(m.group())
        if place is None or not place.provinces:
            continue
        if _NOT_A_PLACE_AFTER.match(text, m.end()):
            continue
        out.append(_Mention(m.start(), m.end(), m.group(), place))
    return out


def _resolve(mentions: list[_Mention]) -> list[tuple[_Mention, str]]:
    """Strong one-province names stand alone; short county names and names shared by several
    provinces count only for a province that the strong names already brought in."""
    known = {next(iter(m.place.provinces)) for m in mentions
             if m.place.strong and len(m.place.provinces) == 1}
    known |= {p for m in mentions if m.place.strong and len(m.place.provinces) > 1
              and m.name not in ("", ) for p in m.place.provinces if _is_region(m)}
    out = []
    for m in mentions:
        if m.place.strong and (len(m.place.provinces) == 1 or _is_region(m)):
            out.extend((m, p) for p in sorted(m.place.provinces))
        else:
            candidates = sorted(m.place.provinces & known)
            if len(candidates) == 1:
                out.append((m, candidates[0]))
    return out


@lru_cache(maxsize=4096)
def _region_name(name: str) -> bool:
    return _load().places[name].strong and len(_load().places[name].provinces) > 1 and not any(
        True for _ in ())


def _is_region(m: _Mention) -> bool:
    # A name from regions.tsv (京津冀) stands for all its provinces; a division name shared by
    # several provinces (鼓楼区) is ambiguous instead. Regions are the only multi-province
    # names that are strong.
    return m.place.strong and len(m.place.provinces) > 1 and _is_listed_region(m.name)


@lru_cache(maxsize=1)
def _region_names() -> frozenset[str]:
    return frozenset(name for name, *_ in _data_lines("regions.tsv"))


def _is_listed_region(name: str) -> bool:
    return name in _region_names()


def _in_list(text: str, m: _Mention, mentions_at: dict[int, int]) -> bool:
    """Whether the mention is one item of a list of places (北京、上海、广东等地)."""
    before, after = text[max(0, m.start - 1): m.start], text[m.end: m.end + 1]
    return before in "、和与及" and before != "" and (m.start - 1) in mentions_at or after == "、"


def _is_venue(text: str, m: _Mention) -> bool:
    before = text[max(0, m.start - 2): m.start]
    return bool(_VENUE_BEFORE.search(before)) and bool(_VENUE_AFTER.match(text[m.end: m.end + 18]))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _paragraph_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n+\s*", text)]


def province_scores(title: str, body: str) -> dict[str, float]:
    """Weight of each province as a subject of the article (see the module docstring)."""
    data = _load()
    text = _strip_dateline(body)
    evidence: dict[str, _Evidence] = {}

    for m, province in _resolve(_mentions(title, data)):
        if not _is_venue(title, m):
            ev = evidence.setdefault(province, _Evidence())
            if not ev.title:
                ev.title, ev.score = True, ev.score + TITLE_WEIGHT

    mentions = _mentions(text, data)
    resolved = _resolve(mentions)
    mentions_at = {m.end: i for i, m in enumerate(mentions)}
    spans = _sentence_spans(text)
    lead_end = _lead_end(text, spans)
    paragraph_starts = set(_paragraph_starts(text))
    sentence_of = _sentence_index(spans)
    topic_paragraphs: set[tuple[str, int]] = set()
    lead_given: set[str] = set()
    for m, province in resolved:
        factor = 1.0
        if _is_venue(text, m):
            factor = VENUE_FACTOR
        elif _in_list(text, m, mentions_at):
            factor = LIST_FACTOR
        ev = evidence.setdefault(province, _Evidence())
        s = sentence_of(m.start)
        if s not in ev.sentences:
            ev.sentences.add(s)
            ev.score += SENTENCE_WEIGHT * factor
        if m.start < lead_end and province not in lead_given and factor == 1.0:
            lead_given.add(province)
            ev.score += LEAD_WEIGHT
        para = _paragraph_of(m.start, paragraph_starts)
        if (factor == 1.0 and m.start - para <= 25 and (province, para) not in topic_paragraphs
                and _paragraph_length(text, para) >= 60):
            topic_paragraphs.add((province, para))
            ev.score += PARAGRAPH_TOPIC_WEIGHT
    return {p: ev.score for p, ev in evidence.items()}


def _lead_end(text: str, spans: list[tuple[int, int]]) -> int:
    """The lead: the first sentence (or two short ones) of the body."""
    end = 0
    for start, stop in spans:
        if text[start:stop].strip():
            end = stop
            if end - len(text) + len(text.lstrip()) >= 40:
                break
    return min(end, 160)


def _sentence_index(spans: list[tuple[int, int]]):
    starts = [s for s, _ in spans]

    def index(pos: int) -> int:
        lo, hi = 0, len(starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= pos:
                lo = mid
            else:
                hi = mid
        return lo
    return index


def _paragraph_of(pos: int, starts: set[int]) -> int:
    return max((s for s in starts if s <= pos), default=0)


def _paragraph_length(text: str, start: int) -> int:
    end = text.find("\n", start)
    return (len(text) if end < 0 else end) - start


def subject_provinces(title: str, body: str) -> list[str]:
    scores = province_scores(title, body)
    if not scores:
        return []
    top = max(scores.values())
    threshold = SUBJECT_THRESHOLD
    if len(scores) >= ROUNDUP_PROVINCES and not any(
            p for p in scores if _title_has(title, p)):
        threshold += 2.0
    chosen = [p for p, s in scores.items() if s >= threshold and s >= RELATIVE_THRESHOLD * top]
    return sorted(chosen, key=lambda p: (-scores[p], PROVINCES.index(p)))


def _title_has(title: str, province: str) -> bool:
    return any(province == p for m, p in _resolve(_mentions(title, _load())))


# --- industries ------------------------------------------------------------------------------

INDUSTRY_TITLE_WEIGHT = 3.0
INDUSTRY_THRESHOLD = 3.0
_FIGURE = re.compile(r"\d|[一二三四五六七八九十百千万亿]+(?:亿|万|倍|成)|%|％|增长|下降|投产|开工|建成|签约|"
                     r"出台|发布|实施|启动|项目|基地|产值|营收|订单|产量|规模")


def industry_scores(title: str, body: str) -> dict[str, float]:
    data = _load()
    scores: dict[str, float] = {}
    for m in data.term_pattern.finditer(title):
        for industry, weight in data.terms.get(m.group(), []):
            scores[industry] = scores.get(industry, 0.0) + INDUSTRY_TITLE_WEIGHT * weight / 2
    for start, stop in _sentence_spans(body):
        sentence = body[start:stop]
        best: dict[str, float] = {}
        for m in data.term_pattern.finditer(sentence):
            for industry, weight in data.terms.get(m.group(), []):
                listed = sentence[m.end(): m.end() + 1] == "、" or sentence[m.start() - 1: m.start()] == "、"
                w = weight * (0.4 if listed else 1.0)
                best[industry] = max(best.get(industry, 0.0), w)
        if not best:
            continue
        factor = 1.5 if _FIGURE.search(sentence) else 1.0
        for industry, w in best.items():
            scores[industry] = scores.get(industry, 0.0) + w * factor
    return scores


INDUSTRIES = ("制造业 电子信息 软件和信息服务 人工智能 算力 通信网络 装备制造 汽车 能源 石化化工 冶金建材 "
              "新材料 生物医药 消费品 农业 节能环保 交通物流 金融 建筑房地产 文化旅游 商贸").split()


def subject_industries(title: str, body: str) -> list[str]:
    scores = industry_scores(title, body)
    chosen = [i for i, s in scores.items() if s >= INDUSTRY_THRESHOLD]
    return sorted(chosen, key=lambda i: (-scores[i], INDUSTRIES.index(i)))


# --- dates -----------------------------------------------------------------------------------

_FULL_DATE = re.compile(r"(?<![\d—\-–~至到])((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日(?!\s*[—\-–~至到])")


def complete_date(article: Article) -> None:
    """Fill or refine the date from a dateline or a full date near the top (module docstring)."""
    if article.date_precision == "day":
        return
    head = f"{article.byline or ''}\n{article.body[:200]}"
    year = article.date[:4] if article.date else None
    full = _FULL_DATE.search(head)
    if full and (year is None or full.group(1) == year):
        y, mo, d = full.groups()
        if _valid(int(mo), int(d)):
            article.set_date(f"{y}-{int(mo):02d}-{int(d):02d}", "text")
            return
    line = _DATELINE.search(head)
    if line and year:
        mo, d = int(line.group(1)), int(line.group(2))
        if _valid(mo, d) and (article.date_precision != "month" or int(article.date[5:7]) == mo):
            article.set_date(f"{year}-{mo:02d}-{d:02d}", "text")


def _valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= 31


# --- the stage -------------------------------------------------------------------------------

def tag(article: Article) -> None:
    """Set provinces and industries and complete the date of one article, in place."""
    title, body = article.title or "", article.body or ""
    found = subject_provinces(title, body)
    if article.provinces:
        # provinces from the file's metadata stand; only a province in the title is added
        extra = [p for p in found if p not in article.provinces and _title_has(title, p)]
        article.provinces = list(article.provinces) + extra
    else:
        article.provinces = found
    article.industries = subject_industries(title, body)
    complete_date(article)

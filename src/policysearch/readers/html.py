"""HTML pages (.html .htm .shtml) saved from web sites, government sites above all.

Pipeline: bytes -> text (readers.decode: the declared charset is only a hint) -> a tree
(lxml's HTML parser: no network access; libxml2's HTML parser never expands entities
declared in a DOCTYPE, and the DOCTYPE's internal subset is removed before parsing anyway,
so neither an external entity nor an entity bomb can do anything) -> metadata and text.

Metadata, most trusted first: the government metadata table (标题 / 发文机关 / 发文字号 /
发布日期 / 成文日期 / 主题分类 label cells, or "label：value" lines), then <meta> tags
(ArticleTitle, PubDate, ContentSource, og:*), then <h1> and <title>. The body is the main
content element (UCAP-CONTENT, TRS_Editor, article …) or, failing that, the page without
scripts, styles, navigation and the metadata table.

Deep or huge documents: the parser runs with huge_tree, which still stops at 2048 levels
of nesting. A stop is a fatal error in the parser's log; the page is then read again by a
streaming parser that has no depth limit, and the problem is reported, never silently
truncated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser as _StreamParser

import lxml.html
from lxml import etree

from policysearch import dates, split
from policysearch.article import Article
from policysearch.readers import doctype
from policysearch.readers.decode import decode

_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.I | re.S)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
             "nav", "header", "footer", "aside", "form", "select", "button", "input",
             "textarea", "head", "link", "map", "canvas", "audio", "video")
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
              "table", "section", "article", "ul", "ol", "dl", "dt", "dd", "blockquote",
              "pre", "hr", "center", "title", "tbody", "thead", "caption", "figure",
              "figcaption", "address", "main"}
_BOILERPLATE_ATTR = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumb|crumbs?|footer|header|sidebar|share|"
    r"toolbar|print|copyright|related|comment|advert|ads|position|location|topbar|"
    r"bottom|foot|top-bar)(?:$|[\s_-])", re.I)
MAIN_CONTENT = ("UCAP-CONTENT", "pages_content", "TRS_Editor", "trs_editor", "zoom",
                "articleContent", "article-content", "article_content", "content_text",
                "news_content", "newsContent", "detail-content", "detailContent", "artibody",
                "main-content", "mainContent", "content", "article", "text", "Custom_UnionStyle")

# Labels of government metadata tables and page headers -> field.
LABELS = {"标题": "title", "文章标题": "title", "名称": "title",
          "发布日期": "date", "发布时间": "date", "发文日期": "date", "公布日期": "date",
          "日期": "date", "时间": "date", "成文日期": "written_date",
          "发文机关": "issuer", "发布机关": "issuer", "发布机构": "issuer", "发文单位": "issuer",
          "制发机关": "issuer", "发文字号": "doc_number", "文号": "doc_number",
          "主题分类": "topic", "来源": "source", "信息来源": "source", "稿源": "source",
          "作者": "byline", "索引号": "index_no", "主题词": "keywords"}
_LABEL_RE = re.compile(r"(" + "|".join(sorted(
    ("\\s*".join(label) for label in LABELS), key=len, reverse=True)) + r")\s*[：:]")
META_NAMES = {
    "title": ("articletitle", "og:title", "dc.title", "title", "twitter:title"),
    "date": ("pubdate", "publishdate", "article:published_time", "dc.date", "dcterms.issued",
             "publish_date", "firstpublishedtime", "og:release_date", "date", "dc.date.issued"),
    "source": ("contentsource", "source", "og:site_name", "sitename", "site_name"),
    "byline": ("author", "dc.creator"),
    "url": ("og:url", "url"),
    "topic": ("columnname", "category", "subjectclassification"),
}


def read_html(data: bytes, name: str) -> tuple[list[Article], list[str]]:
    """One article from an HTML page, and any problems met on the way."""
    match = _CHARSET.search(data[:4096])
    text, _encoding, problems = decode(data, match.group(1).decode("ascii") if match else None)
    text = _XML_DECL.sub("", _DOCTYPE.sub("", text, count=1))
    page = _parse(text)
    if page is None:
        problems.append("nested deeper than the HTML parser allows: read as flat text")
        page = _flat_page(text)
    article = _article(page, name)
    if not article.body.strip() and not article.title.strip():
        return [], problems
    return [article], problems


# ---------------------------------------------------------------- parsing

@dataclass
class Page:
    """What the article is made from: labelled fields, meta tags, candidate titles, body."""
    fields: dict[str, str] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    title_tag: str = ""
    h1: str = ""
    body_lines: list[str] = field(default_factory=list)


def _parse(text: str) -> Page | None:
    parser = lxml.html.HTMLParser(no_network=True, huge_tree=True, remove_comments=True,
                                  remove_pis=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return _flat_page(text)
    if any(e.level == etree.ErrorLevels.FATAL for e in parser.error_log):
        return None
    page = Page()
    for meta in root.iter("meta"):
        key = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").lower()
        if key and meta.get("content") and key not in page.meta:
            page.meta[key] = meta.get("content").strip()
    canonical = root.find(".//link[@rel='canonical']")
    if canonical is not None and canonical.get("href"):
        page.meta.setdefault("url", canonical.get("href"))
    title = root.find(".//title")
    page.title_tag = _text(title) if title is not None else ""
    for bad in list(root.iter(*DROP_TAGS)):
        _remove(bad)
    h1 = root.find(".//h1")
    page.h1 = _text(h1) if h1 is not None else ""
    main = _main_content(root)
    for table in _metadata_blocks(root):
        page.fields.update(_labelled(_lines(table)))
        if main is None or not _contains(table, main):
            _remove(table)
    if main is None:
        _drop_boilerplate(root)
        body = root.find("body")
        main = body if body is not None else root
    else:
        # Labels outside the content ("发布时间：… 来源：…" above the article).
        outside = [ln for ln in _lines(root) if ln][:80]
        for key, value in _labelled(outside).items():
            page.fields.setdefault(key, value)
    page.body_lines = _lines(main)
    return page


def _remove(element) -> None:
    """Remove an element but keep its tail text (which belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        prev = element.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _contains(outer, inner) -> bool:
    return any(a is outer for a in inner.iterancestors()) or outer is inner


def _main_content(root):
    for key in MAIN_CONTENT:
        for attr in ("id", "class"):
            for el in root.iter():
                value = el.get(attr) if isinstance(el.tag, str) else None
                if value and (value == key or key in value.split()) and len(_text(el)) > 20:
                    return el
    return None


def _metadata_blocks(root) -> list:
    """The innermost tables / lists / divs holding at least two metadata labels.

    Only small blocks count: a big container that happens to hold two labels is the page."""
    candidates = []
    for el in root.iter("table", "ul", "dl", "div"):
        text = _text(el)
        if len(text) <= 1500 and len({m.group(1) for m in _LABEL_RE.finditer(text)}) >= 2:
            candidates.append(el)
    return [c for c in candidates
            if not any(o is not c and _contains(c, o) for o in candidates)]


def _drop_boilerplate(root) -> None:
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _BOILERPLATE_ATTR.search(attrs) and len(_text(el)) < 2000:
            _remove(el)


def _text(el) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _lines(el) -> list[str]:
    """Text of an element with a line break at every block boundary (no recursion, so
    deep trees are fine)."""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if tag in BLOCK_TAGS:
            parts.append("\n")
        if event == "start" and node.text and tag:
            parts.append(node.text)
        if event == "end" and node.tail and node is not el:
            parts.append(node.tail)
    lines = [split.clean_line(x) for x in "".join(parts).split("\n")]
    return [x for x in lines if x]


def _labelled(lines: list[str]) -> dict[str, str]:
    """Fields from "label：value" text, the value on the same line or the next.

    A label starts its line, or sits in a short line of page furniture beside a date or
    another label ("2024-05-30 10:00 来源：新华社"); the bare date of such a line is
    the page's date."""
    fields: dict[str, str] = {}
    for i, line in enumerate(lines):
        matches = list(_LABEL_RE.finditer(line))
        if not matches:
            continue
        if matches[0].start() > 0:
            lead = line[:matches[0].start()]
            if len(line) > 100 or not (len(matches) > 1 or dates.parse(lead)):
                continue
            if dates.parse(lead):
                fields.setdefault("page_date", dates.parse(lead))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            value = line[m.end():end].strip()
            if not value and k == len(matches) - 1 and i + 1 < len(lines) \
                    and not _LABEL_RE.match(lines[i + 1]):
                value = lines[i + 1].strip()
            field = LABELS[re.sub(r"\s", "", m.group(1))]
            if field in ("source", "byline"):
                # "新华社 【字体：大 中 小】", "新华社  作者：…": the value ends at furniture.
                value = re.split(r"\s{2,}|[【\[|｜]", value)[0].strip()
            if value and field not in fields and len(value) <= 200:
                fields[field] = value
    return fields


# ---------------------------------------------------------------- flat fallback

class _Flat(_StreamParser):
    """Streaming text extraction (no tree, so no depth limit); skips scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_title = False
        self.title = ""
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template"):
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            a = dict(attrs)
            key = (a.get("name") or a.get("property") or "").lower()
            if key and a.get("content"):
                self.meta.setdefault(key, a["content"].strip())
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template"):
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(data)


def _flat_page(text: str) -> Page:
    flat = _Flat()
    flat.feed(text)
    flat.close()
    page = Page()
    page.meta, page.title_tag = flat.meta, flat.title.strip()
    lines = [x for x in (split.clean_line(s) for s in "".join(flat.parts).split("\n")) if x]
    page.fields = _labelled(lines[:80])
    page.body_lines = lines
    return page


# ---------------------------------------------------------------- the article

def _meta(page: Page, field: str) -> str | None:
    for name in META_NAMES[field]:
        if page.meta.get(name):
            return page.meta[name]
    return None


def _clean_title_tag(title: str) -> str:
    """"通知标题_政府信息公开专栏" / "标题 - 中国政府网": drop the site part."""
    parts = re.split(r"\s*(?:_|\s[-|—–]\s|\|)\s*", title)
    return max(parts[:1] + [p for p in parts[1:] if len(p) > len(parts[0])], key=len) if parts else title


def _article(page: Page, name: str) -> Article:
    title = (page.fields.get("title") or _meta(page, "title") or page.h1
             or _clean_title_tag(page.title_tag))
    body_lines = list(page.body_lines)
    if not title and body_lines:
        title = split.fallback_title(body_lines)
    article = Article(title=split.join_title([title or name]), body=_body(body_lines))
    article.issuer = page.fields.get("issuer")
    article.doc_number = page.fields.get("doc_number")
    article.topic = page.fields.get("topic") or _meta(page, "topic")
    article.written_date = dates.parse(page.fields.get("written_date"))
    article.source = page.fields.get("source") or _meta(page, "source")
    article.url = _meta(page, "url")
    byline = page.fields.get("byline") or _meta(page, "byline")
    article.byline = byline
    _date(article, page, name)
    kind = doctype.from_title(article.title)
    if kind is None and not (article.issuer or article.doc_number) and (article.byline or article.source):
        kind = doctype.NEWS
    article.doc_type = kind
    return article


def _body(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _date(article: Article, page: Page, name: str) -> None:
    for value in (page.fields.get("date"), _meta(page, "date"), page.fields.get("page_date"),
                  page.fields.get("written_date")):
        found = dates.parse(value)
        if found:
            article.set_date(found, "metadata")
            return
    found = dates.from_path(name)
    if found:
        article.set_date(found, "filename")
        return
    found = dates.from_text(article.body, head_chars=300)
    if found:
        article.set_date(found, "text")

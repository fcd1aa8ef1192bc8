"""Plain text (.txt): one article, or a newspaper page holding several.

The splitter (policysearch.split) decides: a page yields one article per byline-headed
block; anything else is one article whose headline lines become the title. Dates come
from the sidecar metadata, else the file name (a newspaper archive names its files
20240530-01-03.txt), else the text (a page header, a dateline, a date on the first lines).
"""
from __future__ import annotations

import re

from policysearch import dates, split
from policysearch.article import Article
from policysearch.readers import doctype

# Newspaper archives name files by date, page and position: 20240530-01-03.txt.
_ARCHIVE_NAME = re.compile(r"(?:19|20)\d{6}[-_]\d{1,3}(?:[-_]\d{1,3})?$")
# ... and one with the article's position on the page names one article (20240530-01-03),
# never a page to split (a feature's sub-stories carry bylines of their own).
_ONE_ARTICLE_NAME = re.compile(r"(?:19|20)\d{6}[-_]\d{1,3}[-_]\d{1,3}$")


def read_text(text: str, name: str, single: bool = False) -> list[Article]:
    """Articles of one decoded text file; `name` is its path in the corpus (for its date).
    One article, never a page, when `single` or when the name says so."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    archived = bool(_ARCHIVE_NAME.search(stem))
    single = single or _ONE_ARTICLE_NAME.search(stem) is not None
    pieces = split.split_page(text, single=single)
    pieces = [p for p in pieces if p.paragraphs or p.title]
    if not pieces:
        return []
    is_page = len(pieces) > 1
    news = is_page or archived
    file_date = dates.from_path(name)
    page_date = file_date or (_page_header_date(text) if is_page else None)
    articles = []
    for ordinal, piece in enumerate(pieces):
        article = Article(title=piece.title, body=piece.body, ordinal=ordinal,
                          byline=piece.byline, credit=piece.credit,
                          subheadings=piece.subheadings)
        _date(article, piece, file_date, page_date)
        kind = doctype.from_title(piece.title)
        article.doc_type = doctype.NEWS if (news or piece.byline) else kind
        articles.append(article)
    return articles


def _date(article: Article, piece: split.Piece, file_date: str | None,
          page_date: str | None) -> None:
    if file_date:
        article.set_date(file_date, "filename")
        if len(file_date) < 10:   # a year or month only: a dateline may give the day
            found = dates.from_text(piece.body, base=file_date)
            if found and found.startswith(file_date):
                article.set_date(found, "text")
        return
    if page_date:
        article.set_date(page_date, "text")
        return
    found = dates.from_text(piece.body)
    if found:
        article.set_date(found, "text")


def _page_header_date(text: str) -> str | None:
    """A date on the page's first lines (the masthead: 2024年5月30日 星期四)."""
    lines = [split.clean_line(x) for x in text.splitlines()]
    for line in [x for x in lines if x][:6]:
        if len(line) <= 40 and "。" not in line and not split.is_byline(line):
            found = dates.from_text(line, head_chars=40)
            if found:
                return found
    return None

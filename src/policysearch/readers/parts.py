"""Texts too long to be one article, read in parts.

A plain-text file of many megabytes (a report pasted whole, a broken export) is no newspaper
page, and analysing it as one article would hold the tokens of all of it at once: tens of
bytes per character, gigabytes for a file of 100 MB, and a search result nobody can read.
So a text longer than MAX_ARTICLE_CHARS is cut, at a line break (else a sentence end, else
a comma, else anywhere) before each MAX_ARTICLE_CHARS, into parts indexed as consecutive
articles of the file: the first part is read like any text (its headline gives the title), the others
are titled "<title>（第k部分）" and share its date and kind. An article of an export or a
web page whose body runs longer is cut the same way. Nothing is dropped, and the file's
summary notes that it was read in parts.
"""
from __future__ import annotations

import re
from dataclasses import replace

from policysearch import split
from policysearch.article import Article

# A long law (the Civil Code: 110,000 characters) is one article; a part this long still
# loads, highlights and analyses in a fraction of a second.
MAX_ARTICLE_CHARS = 250_000
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_CLAUSE_END = re.compile(r"[，,、：:]")


def cut(text: str, limit: int | None = None) -> list[str]:
    """`text` in pieces of at most `limit` (MAX_ARTICLE_CHARS) characters, each ending at a
    line break in its second half, else at a sentence end or else a clause end (，) near
    its end, else at the limit."""
    limit = limit or MAX_ARTICLE_CHARS
    pieces, start = [], 0
    while len(text) - start > limit:
        end = start + limit
        brk = text.rfind("\n", start + limit // 2, end)
        for boundary in (_SENTENCE_END, _CLAUSE_END):
            if brk >= 0:
                break
            found = None
            for found in boundary.finditer(text, end - min(limit // 2, 20_000), end):
                pass
            brk = found.end() - 1 if found else -1
        if brk < 0:
            brk = end - 1
        pieces.append(text[start:brk + 1])
        start = brk + 1
    pieces.append(text[start:])
    return pieces


def note(count: int) -> str:
    return (f"too long for one article: read as {count} parts of at most "
            f"{MAX_ARTICLE_CHARS:,} characters")


def continued(first: Article, body: str, number: int) -> Article:
    """Part `number` (2, 3, …) of the article that `first` begins."""
    return replace(first, title=f"{first.title}（第{number}部分）", body=body,
                   subheadings=[], byline=None, credit=None)


def read_long_text(text: str, name: str, read_text) -> tuple[list[Article], list[str]]:
    """A plain text of any length: `read_text(text, name)` on the first part, the rest as
    continuations of its last article."""
    pieces = cut(text)
    # A text of parts is no newspaper page (a page is never a megabyte): one article.
    articles = read_text(pieces[0], name, single=len(pieces) > 1)
    if len(pieces) == 1 or not articles:
        return articles, []
    first = articles[-1]
    for number, piece in enumerate(pieces[1:], start=2):
        body = "\n".join(split.paragraphs(piece))
        if body:
            articles.append(continued(first, body, number))
    return articles, [note(len(pieces))]


def split_long(articles: list[Article]) -> tuple[list[Article], list[str]]:
    """Articles whose body is longer than MAX_ARTICLE_CHARS, each cut into parts."""
    out, problems = [], []
    for article in articles:
        pieces = cut(article.body)
        if len(pieces) == 1:
            out.append(article)
            continue
        out.append(replace(article, body=pieces[0].strip()))
        out += [continued(article, piece.strip(), k) for k, piece in enumerate(pieces[1:], start=2)]
        problems.append(f"“{article.title[:30]}”: {note(len(pieces))}")
    return out, problems

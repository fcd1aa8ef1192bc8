"""Tabular exports: .csv (a header row, one article per row), .json (a list of objects, or
an object holding such a list), .jsonl (one object per line).

Field names are mapped by readers.records (English and Chinese names). A bad row or line
is skipped and reported ("line 7: not valid JSON"); the good ones are kept.
"""
from __future__ import annotations

import csv
import io
import json
import re
import sys
from typing import Any, Iterator

from policysearch import split
from policysearch.article import Article
from policysearch.readers import doctype, records

_CONTAINER_KEYS = ("data", "articles", "items", "records", "results", "docs", "documents",
                   "list", "rows", "news", "entries")
_HTML_TAG = re.compile(r"</?(?:p|div|br|span|font|table|td|strong|b|img)\b[^>]*>", re.I)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_jsonl(text: str) -> tuple[list[Article], list[str]]:
    articles, problems = [], []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            problems.append(f"line {lineno}: not valid JSON")
            continue
        _add(obj, f"line {lineno}", articles, problems)
    return articles, problems


def read_json(text: str) -> tuple[list[Article], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # Some ".json" exports are really JSON Lines.
        if "\n{" in text.strip():
            return read_jsonl(text)
        raise ValueError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    articles, problems = [], []
    for where, obj in _objects(data):
        _add(obj, where, articles, problems)
    return articles, problems


def _objects(data: Any) -> Iterator[tuple[str, Any]]:
    """The records of a JSON document: a list, or the list of records an object wraps
    ({"data": [...]}, {"result": {"items": [...]}}), or one object that is a record."""
    if isinstance(data, list):
        for i, obj in enumerate(data, start=1):
            yield f"item {i}", obj
        return
    if isinstance(data, dict):
        wrapped = _wrapped_list(data)
        if wrapped is not None:
            yield from _objects(wrapped)
            return
        yield "object", data
        return
    yield "document", data


def _wrapped_list(data: dict, depth: int = 2) -> list | None:
    """The list of objects inside a wrapper object: a known key first, else the longest."""
    lists = [(k, v) for k, v in data.items()
             if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
    for key, value in lists:
        if records.norm_key(key) in _CONTAINER_KEYS:
            return value
    if lists and not records.pick(data).keys() & {"title", "body"}:
        return max(lists, key=lambda kv: len(kv[1]))[1]
    if depth > 1:
        for value in data.values():
            if isinstance(value, dict):
                inner = _wrapped_list(value, depth - 1)
                if inner is not None:
                    return inner
    return None


def read_csv(text: str) -> tuple[list[Article], list[str]]:
    text = text.lstrip("\ufeff")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    # The header line shows the delimiter, but rarely a quote: the sniffer then guesses
    # doublequote=False and reads RFC 4180's "" inside a quoted field as its end, shifting
    # the row's columns. Quotes inside quoted fields are always doubled (RFC 4180).
    reader = csv.reader(io.StringIO(text, newline=""), dialect, doublequote=True)
    articles, problems = [], []
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ValueError(f"no CSV header row ({exc})") from None
    if not records.pick({h: "x" for h in header}).keys() & {"title", "body", "summary"}:
        raise ValueError(f"CSV header names no title or text column: {', '.join(header[:8])}")
    rowno = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"row {rowno + 1}: {exc}")
            break
        rowno += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.append(f"row {rowno}: {len(row)} fields, header has {len(header)}")
            if len(row) < len(header):
                row = row + [""] * (len(header) - len(row))
        _add(dict(zip(header, row)), f"row {rowno}", articles, problems)
    return articles, problems


def _add(obj: Any, where: str, articles: list[Article], problems: list[str]) -> None:
    if not isinstance(obj, dict):
        problems.append(f"{where}: not an object")
        return
    article = from_record(obj)
    if article is None:
        problems.append(f"{where}: no title or text")
        return
    article.ordinal = len(articles)
    articles.append(article)


def from_record(record: dict[str, Any]) -> Article | None:
    """An article from one record, or None when it has neither title nor text."""
    fields = records.pick(record)
    body = clean_body(records_body(fields))
    title = records.text_value(fields.get("title", ""))
    if not body and not title:
        return None
    if not title:
        title = split.fallback_title([x for x in body.split("\n") if x.strip()])
    article = Article(title=split.join_title([title]), body=body or title)
    records.apply_metadata(article, fields)
    article.title = split.join_title([article.title])
    if not article.doc_type:
        article.doc_type = doctype.from_title(article.title) or (
            None if article.issuer or article.doc_number else doctype.NEWS)
    return article


def records_body(fields: dict[str, Any]) -> str:
    value = fields.get("body") or fields.get("summary") or ""
    if isinstance(value, list):
        return "\n".join(records.text_value(v) for v in value)
    return value if isinstance(value, str) else records.text_value(value)


def clean_body(text: str) -> str:
    """Body text of a record: HTML markup (some exports keep it) to lines, lines cleaned."""
    if _HTML_TAG.search(text):
        text = _html_to_text(text)
    lines = [split.clean_line(x) for x in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(x for x in lines if x)


def _html_to_text(fragment: str) -> str:
    from policysearch.readers.html import _Flat

    flat = _Flat()
    flat.feed(fragment)
    flat.close()
    return "".join(flat.parts)

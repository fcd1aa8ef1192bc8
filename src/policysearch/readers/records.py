"""Records: a mapping of field names to values (a CSV row, a JSON object, a sidecar
manifest entry) onto article fields.

Exports name their fields in many ways, in English and Chinese; data/field_names.txt lists
the names recognised for each article field. Names compare case-insensitively with spaces,
'_' and '-' ignored.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from policysearch import dates
from policysearch.article import Article

_KEY_JUNK = re.compile(r"[\s_\-]+")


def norm_key(key: object) -> str:
    return _KEY_JUNK.sub("", str(key)).lower().lstrip("\ufeff")


@lru_cache(maxsize=1)
def field_names() -> dict[str, list[str]]:
    """Article field -> recognised record keys (normalised), in order of preference."""
    text = resources.files("policysearch").joinpath("data/field_names.txt").read_text("utf-8")
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            field, names = line.split("\t", 1)
            out[field.strip()] = [norm_key(n) for n in names.split()]
    return out


@lru_cache(maxsize=1)
def province_names() -> list[str]:
    text = resources.files("policysearch").joinpath("data/province_short_names.txt").read_text("utf-8")
    return [x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#")]


def short_province(value: str) -> str | None:
    """"四川省" -> "四川", "广西壮族自治区" -> "广西"; None when it names no province."""
    value = value.strip()
    for name in province_names():
        if value.startswith(name):
            return name
    return None


# Last resort for exports with names of their own ("news_body", "article_headline"): a
# word inside the key. Checked in this order, so "title" wins over "text" in "title_text".
FUZZY = (("title", ("title", "headline", "标题", "题目")),
         ("body", ("body", "text", "content", "正文", "内容", "全文")),
         ("date", ("date", "time", "日期", "时间")),
         ("source", ("source", "media", "来源", "媒体")),
         ("url", ("url", "link", "链接")))


def pick(record: dict[str, Any]) -> dict[str, Any]:
    """The record's values by article field (first recognised key wins; empty values skipped).

    Nested objects one level down ({"meta": {"title": …}}) count as fields of the record."""
    by_key: dict[str, Any] = {}
    nested = []
    for key, value in record.items():
        if isinstance(value, dict):
            nested.append(value)
        else:
            by_key.setdefault(norm_key(key), value)
    for inner in nested:
        for key, value in inner.items():
            if not isinstance(value, dict):
                by_key.setdefault(norm_key(key), value)
    out = {}
    for field, names in field_names().items():
        for name in names:
            value = by_key.get(name)
            if _present(value):
                out[field] = value
                break
    used = {k for k, v in by_key.items() if any(v is x for x in out.values())}
    for field, words in FUZZY:
        if field in out:
            continue
        for key, value in by_key.items():
            if key not in used and _present(value) and any(w in key for w in words):
                out[field] = value
                used.add(key)
                break
    _guess_by_value(by_key, out, used)
    return out


_DATE_VALUE = re.compile(r"\s*(?:19|20)\d{2}(?:[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?)?"
                         r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*")


def _guess_by_value(by_key: dict[str, Any], out: dict[str, Any], used: set[str]) -> None:
    """Fields still missing, recognised by their values: the longest text is the body, the
    longest short Chinese line the title, a value that is only a date the date."""
    rest = {k: v for k, v in by_key.items() if k not in used and isinstance(v, str) and v.strip()}
    if "body" not in out and "summary" not in out:
        texts = [(len(v), k) for k, v in rest.items()
                 if len(v) >= 50 and re.search(r"[\u4e00-\u9fff]", v) and not v.startswith("http")]
        if texts:
            key = max(texts)[1]
            out["body"] = rest.pop(key)
    if "title" not in out:
        short = [(len(v), k) for k, v in rest.items()
                 if 4 <= len(v.strip()) <= 100 and re.search(r"[\u4e00-\u9fff]", v)
                 and not re.search(r"[。；]\s*$", v) and not _DATE_VALUE.fullmatch(v)]
        if short:
            out["title"] = rest.pop(max(short)[1])
    if "date" not in out:
        for key, value in rest.items():
            if _DATE_VALUE.fullmatch(value) and dates.parse(value):
                out["date"] = value
                break


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def text_value(value: Any) -> str:
    """A field value as one clean string (lists joined with '、')."""
    if isinstance(value, list):
        return "、".join(text_value(v) for v in value if _present(v))
    if isinstance(value, dict):
        return ""
    return re.sub(r"\s+", " ", str(value)).strip()


def list_value(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [text_value(v) for v in value]
    else:
        items = re.split(r"[,，、;；|/\s]+", text_value(value))
    return [x for x in items if x]


def apply_metadata(article: Article, fields: dict[str, Any]) -> None:
    """Set the article's metadata from picked record fields (not title/body)."""
    for name in ("source", "url", "byline", "credit", "issuer", "doc_number", "topic", "doc_type"):
        if name in fields:
            value = text_value(fields[name])
            if value:
                setattr(article, name, value)
    if "title" in fields and text_value(fields["title"]):
        article.title = text_value(fields["title"])
    date = record_date(fields)
    if date:
        article.set_date(date, "metadata")
    if "written_date" in fields:
        article.written_date = dates.parse(fields["written_date"]) or article.written_date
    if "province" in fields:
        provinces = [short_province(p) for p in list_value(fields["province"])]
        found = list(dict.fromkeys(p for p in provinces if p))
        if found:
            article.provinces = found
    if "industry" in fields:
        article.industries = list(dict.fromkeys(list_value(fields["industry"])))


def record_date(fields: dict[str, Any]) -> str | None:
    """Publication date, else the date written, else the year column."""
    for name in ("date", "written_date"):
        if name in fields:
            found = dates.parse(fields[name])
            if found:
                return found
    if "year" in fields:
        return dates.parse(text_value(fields["year"]))
    return None

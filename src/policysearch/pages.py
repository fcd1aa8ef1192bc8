"""Small decisions about how values read on the web pages (web's view-model uses these).

Kept apart from web.py so the rules are plain functions with their own tests: a topic shown
as a path, a byline without the newspaper's dateline marker, a facet that says nothing,
counts short enough for a bar chart.
"""
from __future__ import annotations

import re

from policysearch import metadata

# 本报讯 / 本报电 / 本报北京5月30日电: where the article comes from, not who wrote it
_BYLINE_MARKER = re.compile(r"^\s*本报(?:讯|电|[^\s（(，,]{1,16}?电)\s*")
_BRACKETS = re.compile(r"^[（(【\[]\s*(.*?)\s*[）)】\]]$")


def byline_author(byline: str | None) -> str | None:
    """The author part of a byline: 本报讯 alone is no author; 本报讯（记者 张三） is 记者 张三."""
    if not byline:
        return None
    rest = _BYLINE_MARKER.sub("", byline).strip()
    rest = _BRACKETS.sub(r"\1", rest).strip()
    return rest or None


def facet_label(name: str, value: str) -> str:
    """A facet value as people read it (the value itself stays the filter)."""
    if name == "topic":
        return metadata.topic_path(value) or value
    return value


def says_nothing(items: list[dict], total: int, share: float) -> bool:
    """True when a facet would only repeat the result count: one value holds nearly all of
    the results and none is chosen (a chosen value must stay visible to be turned off)."""
    if not items or any(i.get("selected") for i in items):
        return False
    return max(i["count"] for i in items) >= share * max(total, 1)


def short_count(n: int) -> str:
    """1234 -> 1.2k, 12345 -> 12k: fits above a narrow bar."""
    if n < 1000:
        return str(n)
    if n < 10000:
        return f"{n / 1000:.1f}k"
    return f"{n // 1000}k"

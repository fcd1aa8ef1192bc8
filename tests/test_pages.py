"""How values read on the pages: bylines, topics, facets that say nothing, short counts."""
from __future__ import annotations

from policysearch import pages


def test_byline_without_the_newspaper_marker():
    assert pages.byline_author("本报讯") is None
    assert pages.byline_author("本报讯（记者 王小明）") == "记者 王小明"
    assert pages.byline_author("本报北京3月5日电") is None
    assert pages.byline_author("本报记者 李四 张五（实习）") == "本报记者 李四 张五（实习）"
    assert pages.byline_author(None) is None


def test_topic_is_shown_as_a_path():
    assert pages.facet_label("topic", "卫生、体育\\体育") == "卫生、体育 › 体育"
    assert pages.facet_label("issuer", "国务院") == "国务院"


def test_a_facet_with_one_value_holding_nearly_everything_says_nothing():
    items = [{"value": "新闻", "count": 97, "selected": False}, {"value": "通知", "count": 3, "selected": False}]
    assert pages.says_nothing(items, 100, 0.95)
    assert not pages.says_nothing(items, 120, 0.95)
    assert not pages.says_nothing([{**items[0], "selected": True}], 100, 0.95)


def test_short_counts():
    assert [pages.short_count(n) for n in (7, 999, 1234, 12345)] == ["7", "999", "1.2k", "12k"]

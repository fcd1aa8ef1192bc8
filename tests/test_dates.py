"""Dates: metadata values, file names and text, at the precision they are known."""
from __future__ import annotations

import pytest

from policysearch import dates


@pytest.mark.parametrize("value,expected", [
    ("2018年11月09日", "2018-11-09"),
    ("2018-11-09 10:00:00", "2018-11-09"),
    ("2024-05-30T08:00:00+08:00", "2024-05-30"),
    ("2018/11/9", "2018-11-09"),
    ("2018.11.09", "2018-11-09"),
    ("20181109", "2018-11-09"),
    ("2024年5月", "2024-05"),
    ("2024-05", "2024-05"),
    ("2024", "2024"),
    (2026, "2026"),
    (1717027200, "2024-05-30"),
    ("1717027200000", "2024-05-30"),
    ("May 30, 2024", "2024-05-30"),
    ("Thu, 30 May 2024 08:00:00 +0800", "2024-05-30"),
    ("2024-02-30", None),
    ("2024-13-01", None),
    ("not a date", None),
    ("", None),
    (None, None),
])
def test_parse(value, expected):
    assert dates.parse(value) == expected


@pytest.mark.parametrize("name,expected", [
    ("20240530-01-03.txt", "2024-05-30"),
    ("2024/05/20240530-01-03.txt", "2024-05-30"),
    ("2024-05-30_国务院常务会议.txt", "2024-05-30"),
    ("2024年5月30日 新闻.txt", "2024-05-30"),
    ("2024-05.txt", "2024-05"),
    ("2026_四川省_政府工作报告.csv", "2026"),
    ("content_5338761.htm", None),
    ("000_669bfbe561f8a9dd.txt", None),
    ("20241399-01.txt", None),
    ("report-2024.txt", None),
])
def test_from_filename(name, expected):
    assert dates.from_filename(name) == expected


@pytest.mark.parametrize("text,year,expected", [
    ("新华社北京2024年1月31日电 国务院总理…", None, "2024-01-31"),
    ("新华社北京1月31日电 国务院总理…", 2024, "2024-01-31"),
    ("新华社北京1月31日电 国务院总理…", None, None),
    ("本报北京5月29日电（记者 王某）", 2024, "2024-05-29"),
    ("关于开展检查的通知\n2023年7月8日\n各单位：", None, "2023-07-08"),
    ("到2026年12月31日，全省数字经济规模显著提升。", None, None),
    ("自2024年1月1日起施行。", None, None),
    ("2023年“双圈”经济总量达到了8.19万亿元。", None, None),
    ("明确到2026年，初步建成标识解析体系。", None, None),
])
def test_from_text(text, year, expected):
    assert dates.from_text(text, year) == expected


def test_text_date_must_be_near_the_top():
    text = "标题\n" + "正文内容，" * 100 + "2020年1月2日召开会议。"
    assert dates.from_text(text) is None


@pytest.mark.parametrize("rel,expected", [
    ("2024/05/30/01-03.txt", "2024-05-30"),
    ("202405/30/01-03.txt", "2024-05-30"),
    ("archive/20240530/03.txt", "2024-05-30"),
    ("2024-05/20240601-02-01.txt", "2024-06-01"),
    ("misc/notes.txt", None),
])
def test_from_path(rel, expected):
    assert dates.from_path(rel) == expected


# ---------------------------------------------------------------- dates without a year

@pytest.mark.parametrize("month,day,base,expected", [
    (1, 31, "2026", "2026-01-31"),              # a year only: that year
    (12, 30, "2026", "2026-12-30"),
    (1, 31, "2026-02-09", "2026-01-31"),
    (12, 30, "2026-01-05", "2025-12-30"),       # never after the base: last year's December
    (12, 30, "2026-01", "2025-12-30"),
    (2, 15, "2026-02", "2026-02-15"),           # same month as a month base: this year
    (5, 26, "2026-05-26", "2026-05-26"),
    (None, 26, "2026-05-27", "2026-05-26"),     # a day alone takes the base's month
    (None, 30, "2026-06-02", "2026-05-30"),     # … or the month before, not after the base
    (None, 26, "2026", None),                   # a day needs a month to go with
    (1, 31, None, None),                        # never from nothing
    (2, 30, "2026", None),
])
def test_month_day_from_a_base(month, day, base, expected):
    assert dates.month_day(month, day, base) == expected


@pytest.mark.parametrize("word,base,expected", [
    ("今天（5月26日）", "2026", "2026-05-26"),
    ("今天(5月26日)", "2026-05-27", "2026-05-26"),
    ("今日（26日）", "2026-05-27", "2026-05-26"),
    ("今天（12月31日）", "2026-01-02", "2025-12-31"),
    ("今天", "2024-05-30", "2024-05-30"),
    ("昨天", "2024-05-30", "2024-05-29"),
    ("昨日", "2024-03-01", "2024-02-29"),
    ("前天", "2024-01-01", "2023-12-30"),
    ("昨天", "2024-05", None),                  # a relative day needs a base day
    ("昨天", None, None),
    ("今天（5月26日）", None, None),
    ("日前", "2024-05-30", None),               # vague words name no day
    ("近日", "2024-05-30", None),
])
def test_relative_words_only_against_a_base(word, base, expected):
    assert dates.relative(word, base) == expected


@pytest.mark.parametrize("text,base,expected", [
    ("新华社北京1月31日电 国务院常务会议今天召开。", "2026", "2026-01-31"),
    ("新华社北京12月30日电 国务院常务会议今天召开。", "2026-01-05", "2025-12-30"),
    ("新华社北京1月31日电 国务院常务会议今天召开。", None, None),
    ("央视网消息（新闻联播）：连日来降雨持续。今天（5月26日），湖北出现强降雨。", "2026", "2026-05-26"),
    ("央视网消息（新闻联播）：某部门今天(4月12日)发布数据。", "2022-04", "2022-04-12"),
    ("央视网消息（新闻联播）：连日来降雨持续。今天（5月26日），湖北出现强降雨。", None, None),
    ("本报讯 昨天，全省工作会议召开。", "2024-05-30", None),    # 昨天 dates the meeting
    ("本报讯 四川省日前发布新政。", "2024", None),
])
def test_from_text_with_a_base(text, base, expected):
    assert dates.from_text(text, base=base) == expected


def test_tagger_completes_a_partial_date_from_today_with_its_day_written():
    from policysearch import tagging
    from policysearch.article import Article

    article = Article(title="强降雨持续", body="央视网消息（新闻联播）：今天（5月26日），湖北出现强降雨。")
    article.set_date("2026", "filename")
    tagging.tag(article)
    assert (article.date, article.date_from) == ("2026-05-26", "text")
    article = Article(title="强降雨持续", body="央视网消息（新闻联播）：今天（5月26日），湖北出现强降雨。")
    tagging.tag(article)
    assert article.date is None


def test_records_without_a_date_take_the_file_date_as_base(tmp_path):
    from policysearch import readers

    path = tmp_path / "2026_xwlb.jsonl"
    path.write_text('{"标题": "强降雨持续", "正文": "央视网消息（新闻联播）：今天（5月26日），湖北出现强降雨。"}\n'
                    '{"标题": "另一条", "正文": "国家统计局今天发布数据。"}\n', encoding="utf-8")
    first, second = readers.read_file(path, tmp_path)[0]
    assert (first.date, first.date_from) == ("2026-05-26", "text")
    assert (second.date, second.date_from) == ("2026", "filename")


def test_year_archive_file_with_a_year_less_dateline(tmp_path):
    from policysearch import readers

    folder = tmp_path / "2026"
    folder.mkdir()
    path = folder / "2026_新闻.txt"
    path.write_text("国务院常务会议召开\n\n新华社北京1月31日电 国务院常务会议今天召开，研究部署工作。", encoding="utf-8")
    article = readers.read_file(path, tmp_path)[0][0]
    assert (article.date, article.date_from) == ("2026-01-31", "text")

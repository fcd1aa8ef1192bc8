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

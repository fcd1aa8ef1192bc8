"""Synonyms and abbreviations: the data file's shape, expansion of the syntax tree, and both
directions on a real index of invented articles."""
from __future__ import annotations

import pytest

from policysearch import analysis, search, synonyms


def test_the_file_states_its_source_and_how_to_extend_it():
    from importlib import resources
    text = resources.files("policysearch").joinpath("data", synonyms.DATA_FILE).read_text("utf-8")
    head = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    assert "Source:" in head and "To extend:" in head


def test_every_form_is_on_one_line_only():
    seen = {}
    for group in synonyms.groups():
        for form in group:
            key = analysis.normalise(form)
            assert key not in seen, f"{form} is on two lines: {group} and {seen[key]}"
            seen[key] = group


@pytest.mark.parametrize("pair", [("新能源车", "新能源汽车"), ("发改委", "国家发展改革委"),
                                  ("工信部", "工业和信息化部"), ("两会", "全国两会")])
def test_expansion_goes_both_ways(pair):
    a, b = pair
    assert b in synonyms.alternatives(a)
    assert a in synonyms.alternatives(b)


def test_words_are_expanded_keeping_their_field_and_phrases_are_not():
    tree, said = synonyms.expand(search.parse('工信部 title:发改委 "新能源车" -两会'))
    flat = repr(tree)
    assert "工业和信息化部" in flat and "('phrase', '国家发展改革委', 'title')" in flat
    assert "新能源汽车" not in flat          # the quoted phrase stays as typed
    assert "全国两会" in flat                 # NOT 两会 also excludes 全国两会
    assert {d["term"] for d in said} == {"工信部", "发改委", "两会"}


def test_traditional_script_expands_too():
    assert "新能源汽车" in synonyms.alternatives("新能源車")


@pytest.fixture(scope="module")
def index_dir(index_rows):
    rows = [{"title": "甲市新能源车下乡活动启动", "text": "本市组织新能源车下乡，惠及农村居民。", "date": "2024-03-01"},
            {"title": "乙省推广新能源汽车", "text": "乙省出台措施推广新能源汽车，完善充电设施。", "date": "2024-04-01"},
            {"title": "丙县农机补贴", "text": "丙县发放农机购置补贴。", "date": "2024-05-01"}]
    return index_rows(rows, "synonyms").index_dir


def titles(index_dir, q, **params):
    result = search.search(index_dir, search.SearchRequest.from_params(q=q, **params))
    return {h["title"] for h in result["hits"]}, result


def test_both_directions_on_an_index_and_a_way_to_turn_it_off(index_dir):
    short, result = titles(index_dir, "新能源车")
    assert short == {"甲市新能源车下乡活动启动", "乙省推广新能源汽车"}
    assert result["expanded"] == [{"term": "新能源车", "also": ["新能源汽车"]}] and result["synonyms"]
    full, _ = titles(index_dir, "新能源汽车")
    assert full == short
    off, result = titles(index_dir, "新能源车", synonyms=False)
    assert off == {"甲市新能源车下乡活动启动"} and result["synonyms"] is False
    quoted, result = titles(index_dir, '"新能源汽车"')
    assert quoted == {"乙省推广新能源汽车"} and result["expanded"] == []


def test_synonyms_are_highlighted(index_dir):
    result = search.search(index_dir, search.SearchRequest.from_params(q="新能源车"))
    snippets = " ".join(h["snippet"] for h in result["hits"])
    assert "<mark>新能源汽车</mark>" in snippets and "<mark>新能源车</mark>" in snippets

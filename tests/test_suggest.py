"""Completion and "did you mean", on a real index of invented titles."""
from __future__ import annotations

import pytest

from policysearch import search, suggest

TITLES = ["关于加快发展智能网联汽车的通知", "智能网联汽车道路测试管理办法", "智能制造试点示范项目名单",
          "智能网联汽车产业发展报告", "关于推进智能制造的指导意见", "数字乡村建设指南",
          "數字鄉村發展行動計劃", "农村人居环境整治方案"]


@pytest.fixture(scope="module")
def index_dir(index_rows):
    rows = [{"title": t, "text": f"{t}。有关部门作出部署。", "date": f"2024-0{n % 9 + 1}-01"}
            for n, t in enumerate(TITLES)]
    index_dir = index_rows(rows, "suggest").index_dir
    suggest.completer(index_dir)    # built here, so no request waits for it
    return index_dir


def test_completes_frequent_title_words_then_titles(index_dir, tmp_path):
    q, found = suggest.suggestions(index_dir, "智能", tmp_path)
    assert q == "智能"
    words = [c for c in found if c in ("智能网联汽车", "智能制造")]
    assert words and found.index(words[0]) == 0          # words come before titles
    assert found[0] == "智能网联汽车"                      # in three titles, 智能制造 in two
    assert "智能网联汽车道路测试管理办法" in found
    assert all(c.startswith("智能") for c in found)


def test_completes_the_last_word_keeping_the_others(index_dir, tmp_path):
    _, found = suggest.suggestions(index_dir, "通知 智能网", tmp_path)
    assert found and all(c.startswith("通知 智能网") for c in found)


def test_traditional_script_completes_simplified_titles_and_back(index_dir, tmp_path):
    _, found = suggest.suggestions(index_dir, "數字", tmp_path)
    assert {"数字乡村建设指南", "數字鄉村發展行動計劃"} <= set(found)


def test_nothing_for_operators_fields_and_trailing_space(index_dir, tmp_path):
    for q in ("", "OR", "issuer:国务", "智能 "):
        assert suggest.suggestions(index_dir, q, tmp_path)[1] == []


def test_the_completer_is_cached_on_disk_per_generation(index_dir, tmp_path):
    suggest._completers.clear()
    suggest.completer(index_dir, tmp_path)
    assert list(tmp_path.glob("suggest-*.pickle"))
    suggest._completers.clear()
    assert suggest.completer(index_dir, tmp_path, wait=False) is None
    assert suggest.suggestions(index_dir, "智能", tmp_path)[1]     # loaded, not rebuilt
    assert suggest.completer(index_dir, tmp_path, wait=False) is not None


def test_did_you_mean_a_close_spelling(index_dir, tmp_path):
    request = search.SearchRequest.from_params(q="智能网连汽车")
    assert search.search(index_dir, request)["total"] == 0
    offers = suggest.did_you_mean(index_dir, request, tmp_path)
    assert offers[0]["kind"] == "spelling" and offers[0]["q"] == "智能网联汽车"
    assert offers[0]["total"] == 3


def test_did_you_mean_fewer_words(index_dir, tmp_path):
    request = search.SearchRequest.from_params(q="数字乡村 量子纠缠")
    offers = suggest.did_you_mean(index_dir, request, tmp_path)
    fewer = [o for o in offers if o["kind"] == "fewer"]
    assert fewer == [{"q": "数字乡村", "total": 2, "kind": "fewer", "dropped": "量子纠缠"}]


def test_completer_prefers_the_commonest_for_big_ranges():
    words = {f"新{n:04d}": n for n in range(1, 2000)}
    done = suggest.Completer([], words)
    assert done.complete("新") == [f"新{n:04d}" for n in range(1999, 1994, -1)]
    assert done.complete("新19") == [f"新19{n:02d}" for n in range(99, 94, -1)]

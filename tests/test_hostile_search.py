"""Documents built to make searching slow: a 2.1 MB file on one line (a sentence repeated
27,000 times, as a broken export can be), 200,000 short lines, 100,000 matches of one word.
Every route that shows them (search page and its JSON / Atom / CSV twins, the article page
with its highlights and match count) answers correctly; the < 5 s bounds only guard against
a hang (bench/bench_hostile.py measures, at 20 MB)."""
from __future__ import annotations

import csv
import io
import time

import pytest

from policysearch import search
from policysearch.readers import parts as parts_module
from policysearch.web import create_app

SENTENCE = "该区持续优化营商环境，推动数字经济与实体经济深度融合。"
ONE_LINE = SENTENCE * 27_000                                        # 2.1 MB, no line break
LINES = "\n".join(f"台账{i:06d}" for i in range(200_000)) + "\n台账末尾记有海绵城市改造。\n"
MATCHES = "标题：高标准农田建设\n\n" + "农田" * 100_000 + "。\n"      # one part: 200,000 characters


@pytest.fixture(scope="module")
def hostile(index_files):
    settings, summary = index_files({
        "oneline.txt": ONE_LINE, "lines.txt": "某区台账汇总\n\n" + LINES, "matches.txt": MATCHES,
        "normal.txt": "某区发展数字经济\n\n该区数字经济规模持续扩大。"}, "hostile-search")
    assert summary["files"]["failed"] == 0, summary["errors"]
    return settings, create_app({"SETTINGS": settings, "TESTING": True}).test_client()


def _search(settings, q: str, **params) -> dict:
    started = time.perf_counter()
    result = search.search(settings.index_dir, search.SearchRequest.from_params(q=q, **params))
    assert time.perf_counter() - started < 5, "hang guard"
    return result


def test_a_word_of_the_one_line_document(hostile):
    settings, _ = hostile
    result = _search(settings, "营商环境", per_page=100)
    parts = parts_module.cut(ONE_LINE)
    assert result["total"] == len(parts) > 1     # read in parts, every one found
    for hit in result["hits"]:
        assert hit["snippet"] == f"{SENTENCE[:6]}<mark>营商环境</mark>{SENTENCE[10:]}" * 3


def test_a_word_in_both_the_huge_and_the_normal_document(hostile):
    settings, _ = hostile
    result = _search(settings, "数字经济", per_page=100)
    assert result["total"] == len(parts_module.cut(ONE_LINE)) + 1
    assert all("<mark>数字经济</mark>" in h["snippet"] for h in result["hits"])


def test_the_last_of_200000_lines(hostile):
    settings, _ = hostile
    result = _search(settings, "海绵城市")
    assert [h["snippet"] for h in result["hits"]] == ["台账末尾记有<mark>海绵城市</mark>改造。"]


def test_100000_matches_in_snippet_page_and_count(hostile):
    settings, client = hostile
    result = _search(settings, "农田")
    assert result["total"] == 1
    hit = result["hits"][0]
    assert hit["snippet"].startswith("<mark>农田</mark><mark>农田</mark>")
    assert hit["title_html"] == "标题：高标准<mark>农田</mark>建设"
    started = time.perf_counter()
    article = client.get(f"/article/{hit['id']}.json?q=农田").get_json()
    page = client.get(f"/article/{hit['id']}?q=农田").get_data(as_text=True)
    assert time.perf_counter() - started < 10, "hang guard"
    assert article["body_html"].count("<mark>农田</mark>") == 100_000
    assert "共 100000 处匹配" in page


@pytest.mark.parametrize("route", ["/search", "/search.json", "/search.atom", "/search.csv"])
def test_every_route_answers_for_a_query_matching_the_huge_documents(hostile, route):
    _, client = hostile
    started = time.perf_counter()
    r = client.get(f"{route}?q=台账 OR 营商环境 OR 农田")
    assert time.perf_counter() - started < 5, "hang guard"
    assert r.status_code == 200
    body = r.get_data(as_text=True)
    if route == "/search.csv":
        rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
        total = client.get("/search.json?q=台账 OR 营商环境 OR 农田").get_json()["total"]
        assert len(rows) == 1 + total and total >= 3    # long texts come in parts
        assert all(len(row[-2]) < 1000 for row in rows[1:]), "snippets, not documents"
    else:
        assert "营商环境" in body and "农田" in body

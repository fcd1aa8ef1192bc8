"""A sharded index answers exactly like one index over the same corpus (shards.py)."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from policysearch import search, shards

# Words, phrases, operators, filters, date sort, deep pages and the empty query: ranking
# with collection statistics, totals, facets and tie order all have to agree.
REQUESTS = [
    dict(q="经济"), dict(q="发展", per_page=50), dict(q="发展", page=3, per_page=20),
    dict(q="人工智能 制造业"), dict(q='"高质量发展"'), dict(q="改革 OR 开放", per_page=30),
    dict(q="企业 -金融"), dict(q="title:工作"), dict(q="会议", sort="date", per_page=40),
    dict(q="", sort="date", per_page=100), dict(q="", page=4, per_page=25),
    dict(q="建设", province=["北京"], date_from="2015"), dict(q="国务院", industry=["金融"]),
    dict(q="农业 农村", date_from="2020-01", date_to="2026-12"),
    # the ranking's document-number, literal and adjacency credit, on a later page
    dict(q="国发[2019]5号"), dict(q="高质量 发展", page=2, per_page=20),
]


@pytest.fixture(scope="module")
def sharded(indexed_corpus, tmp_path_factory):
    """The demo corpus indexed again, split into 3 shards."""
    corpus, settings, _ = indexed_corpus
    index_dir = tmp_path_factory.mktemp("sharded") / "index"
    sharded_settings = replace(settings, index_dir=index_dir)
    summary = shards.build(corpus, sharded_settings, count=3)
    return sharded_settings, summary


def _request(params: dict) -> search.SearchRequest:
    return search.SearchRequest.from_params(**params)


def _comparable(result: dict) -> dict:
    return {"total": result["total"], "facets": result["facets"],
            "hits": [(h["id"], h["score"], h["snippet"]) for h in result["hits"]]}


def test_every_shard_holds_part_and_the_summary_adds_up(indexed_corpus, sharded):
    _, _, single_summary = indexed_corpus
    settings, summary = sharded
    assert shards.layout(settings.index_dir) == {"count": 3, "by": "file"}
    assert summary["articles"]["total"] == single_summary["articles"]["total"]
    assert summary["files"]["added"] == single_summary["files"]["added"]
    totals = [search.search(settings.index_dir / name, _request({}))["total"]
              for name in shards.shard_names(3)]
    assert all(totals) and sum(totals) == single_summary["articles"]["total"]


@pytest.mark.parametrize("params", REQUESTS, ids=lambda p: repr(p)[:60])
def test_sharded_results_equal_one_index(indexed_corpus, sharded, params):
    _, single_settings, _ = indexed_corpus
    settings, _ = sharded
    one = search.search(single_settings.index_dir, _request(params))
    split = shards.search(settings.index_dir, _request(params))
    assert _comparable(split) == _comparable(one)


def test_queries_really_rank_and_tie(indexed_corpus):
    """The comparison above is not vacuous: scores differ and some hits tie."""
    _, settings, _ = indexed_corpus
    hits = search.search(settings.index_dir, _request(dict(q="发展", per_page=50)))["hits"]
    scores = [h["score"] for h in hits]
    assert len(set(scores)) > 5 and scores == sorted(scores, reverse=True)
    dated = search.search(settings.index_dir, _request(dict(sort="date", per_page=100)))["hits"]
    dates = [h["date"] for h in dated]
    assert len(dates) > len(set(dates))   # same dates: the id key decides, on both sides


def test_per_shard_statistics_would_rank_differently(indexed_corpus, sharded):
    """Each shard ranked with only its own statistics gives other scores than one index: the
    summed statistics are what makes the sharded ranking exact."""
    _, single_settings, _ = indexed_corpus
    settings, _ = sharded
    request = _request(dict(q="人工智能 制造业", per_page=100))
    exact = {h["id"]: h["score"] for h in search.search(single_settings.index_dir, request)["hits"]}
    local = {}
    for name in shards.shard_names(3):
        local.update({h["id"]: h["score"]
                      for h in search.search(settings.index_dir / name, request)["hits"]})
    assert any(local[i] != exact[i] for i in exact if i in local)


def test_article_and_related_come_from_the_shard_holding_them(indexed_corpus, sharded):
    _, single_settings, _ = indexed_corpus
    settings, _ = sharded
    hit = search.search(single_settings.index_dir, _request(dict(q="经济")))["hits"][0]
    article = shards.get_article(settings.index_dir, hit["id"], q="经济")
    assert article["id"] == hit["id"] and "<mark>经济</mark>" in article["body_html"]
    assert shards.get_article(settings.index_dir, "no-such-id") is None
    related = shards.related(settings.index_dir, hit["id"])
    assert related and hit["id"] not in [r["id"] for r in related]


def test_missing_shard_fails_the_query_naming_it(indexed_corpus, tmp_path):
    corpus, settings, _ = indexed_corpus
    index_dir = tmp_path / "index"
    shards.build(corpus, replace(settings, index_dir=index_dir, workers=1), count=2)
    shutil.rmtree(index_dir / "shard-01")
    with pytest.raises(shards.ShardsUnavailable, match="shard-01") as caught:
        shards.search(index_dir, _request(dict(q="经济")))
    assert caught.value.missing == ["shard-01"]

    from policysearch.web import create_app
    client = create_app({"INDEX_DIR": str(index_dir)}).test_client()
    response = client.get("/search.json?q=经济")
    assert response.status_code == 503 and "shard-01" in response.get_json()["error"]
    page = client.get("/search?q=经济")
    assert page.status_code == 503 and "shard-01" in page.get_data(as_text=True)


def test_reindexing_a_sharded_index_updates_only_what_changed(indexed_corpus, tmp_path):
    corpus, settings, _ = indexed_corpus
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    sharded_settings = replace(settings, index_dir=tmp_path / "index", workers=1)
    first = shards.build(copy, sharded_settings, count=2)
    victim = sorted(p for p in copy.rglob("*.txt"))[0]
    victim.unlink()
    again = shards.build(copy, sharded_settings)   # the layout's count is kept
    assert again["files"]["deleted"] == 1 and again["files"]["added"] == 0
    assert again["files"]["unchanged"] == first["files"]["added"] - 1
    assert again["articles"]["total"] == first["articles"]["total"] - again["articles"]["deleted"]


def test_cli_updates_and_searches_a_sharded_index(indexed_corpus, sharded):
    """`index` without --shards keeps the layout; `search` needs no option either."""
    import json

    from click.testing import CliRunner

    from policysearch.cli import main

    corpus, _, single_summary = indexed_corpus
    settings, _ = sharded
    env = {"POLICYSEARCH_CACHE": str(settings.cache_dir), "POLICYSEARCH_WORKERS": "1"}
    out = CliRunner().invoke(main, ["index", str(corpus), "--index", str(settings.index_dir),
                                    "--json"], env=env, catch_exceptions=False)
    assert out.exit_code == 0, out.output
    summary = json.loads(out.output)
    assert summary["files"]["unchanged"] == single_summary["files"]["added"]
    assert summary["articles"]["total"] == single_summary["articles"]["total"]
    assert shards.layout(settings.index_dir)["count"] == 3
    out = CliRunner().invoke(main, ["search", "经济", "--index", str(settings.index_dir),
                                    "--json"], env=env, catch_exceptions=False)
    result = json.loads(out.output)
    expected = shards.search(settings.index_dir, _request(dict(q="经济")))
    assert _comparable(result) == _comparable(expected) and result["total"] > 0


def test_web_on_a_sharded_index_finds_nothing_without_failing(sharded):
    """A search finding nothing and completion answer on a sharded index (no 503)."""
    from policysearch.web import create_app

    settings, _ = sharded
    client = create_app({"INDEX_DIR": str(settings.index_dir)}).test_client()
    assert client.get("/search.json?q=没有这样的文字串").get_json()["total"] == 0
    assert client.get("/search?q=没有这样的文字串 经济").status_code == 200
    assert client.get("/suggest?q=经济").get_json() == ["经济", []]

"""A sharded index answers exactly like one index over the same corpus (shards.py)."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

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
    return {"total": result["total"], "stories": result["stories"], "facets": result["facets"],
            "hits": [(h["id"], h["score"], h["snippet"], [c["id"] for c in h["copies"]])
                     for h in result["hits"]]}


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
    """A search finding nothing answers on a sharded index (no 503)."""
    from policysearch.web import create_app

    settings, _ = sharded
    client = create_app({"INDEX_DIR": str(settings.index_dir)}).test_client()
    assert client.get("/search.json?q=没有这样的文字串").get_json()["total"] == 0
    assert client.get("/search?q=没有这样的文字串 经济").status_code == 200


# -- the same on a corpus whose republished copies lie in different shards -----------------

FILLER = "会议还研究了其他事项。各地区各部门要抓好落实，确保各项任务按期完成。"
STORIES = [  # (title, body, dates of its copies): each copy goes to another shard
    ("石湾镇稻田养鱼喜获丰收",
     "石湾镇推广稻田养鱼模式，今年亩均增收一千二百元。镇农技站组织技术员下田指导，帮助农户选种、"
     "投苗、防病。全镇参与农户达到三百多户，带动周边村庄共同发展。", ["2028-09-03", "2028-09-01",
                                                     "2028-09-05"]),
    ("青川县湿地保护区开放观鸟步道",
     "青川县湿地保护区新建观鸟步道全长四千八百米，设观测点十二处。保护区管理局介绍，今冬已记录"
     "候鸟六十七种，其中国家一级保护鸟类五种。步道实行预约入园，每日限流两千人次。", ["2029-11-02",
                                                                 "2029-11-02"]),
    ("南港市冰雪运动产业园签约落地",
     "南港市冰雪运动产业园项目签约，总投资三十五亿元，建设室内滑雪场、冰雪装备制造基地和培训中心。"
     "项目建成后预计年接待游客一百五十万人次，带动就业三千人。", ["2027-01-10", "2027-01-12"]),
]
SINGLES = [  # on the same subjects, and others: not copies
    ("石湾镇举办稻田养鱼培训班", "石湾镇举办稻田养鱼技术培训班，八十多名农户参加学习，专家讲解投苗时机。",
     "2028-05-01"),
    ("稻田养鱼技术规范发布", "省农业农村厅发布稻田养鱼技术规范，明确沟坑占比不超过百分之十。",
     "2028-07-15"),
    ("冰雪运动进校园活动启动", "冰雪运动进校园，学生体验冰雪项目，全市九十所学校参加。", "2027-02-01"),
    ("关于加快发展冰雪运动产业的意见", "发展冰雪运动产业，建设冰雪场地，举办冰雪赛事。", "2027-01-01"),
    ("湿地保护条例修订草案公开征求意见", "湿地保护条例修订草案向社会公开征求意见，截止日期为十二月底。",
     "2029-10-20"),
    ("西岭县推动产业升级", "西岭县发展绿色产业，推进绿色转型，物流枢纽建设加快。", "2030-03-01"),
    ("北湾区召开经济工作会议", "会议提到碳汇交易市场建设，要求碳汇交易市场规范运行。", "2030-04-01"),
]
COPY_REQUESTS = [
    dict(q="稻田养鱼"), dict(q="稻田养鱼", per_page=1), dict(q="稻田养鱼", page=2, per_page=1),
    dict(q="养鱼 OR 冰雪 OR 湿地", per_page=3), dict(q="养鱼 OR 冰雪 OR 湿地", page=2, per_page=3),
    dict(q="", sort="date", per_page=4), dict(q="", sort="date", page=2, per_page=4),
    dict(q="", per_page=100), dict(q="保护区", date_from="2029-11"), dict(q='"观鸟步道"'),
]


def _file_in_shard(stem: str, shard: int, count: int = 3) -> str:
    """A file name starting with `stem` that shards.shard_of puts in shard `shard`."""
    for n in range(1000):
        name = f"{stem}-{n}.jsonl"
        if shards.shard_of(name, count) == shard:
            return name
    raise AssertionError("no such name")


def _copies_files() -> dict[str, str]:
    import json

    files, n = {}, 0
    for s, (title, body, dates) in enumerate(STORIES):
        for c, date in enumerate(dates):
            # copies as printed on other pages: the same text, a word changed in the last one
            text = body + FILLER if c < 2 else body.replace("。", "！", 1) + FILLER
            files[_file_in_shard(f"story{s}-copy{c}", (s + c) % 3)] = json.dumps(
                {"title": title, "text": text, "date": date}, ensure_ascii=False)
    for title, body, date in SINGLES:
        n += 1
        files[_file_in_shard(f"single{n}", n % 3)] = json.dumps(
            {"title": title, "text": body + FILLER, "date": date}, ensure_ascii=False)
    return files


@pytest.fixture(scope="module")
def with_copies(index_files):
    """The copies corpus as one index and as 3 shards: (single index_dir, sharded index_dir)."""
    single_settings, summary = index_files(_copies_files(), "copies")
    corpus = single_settings.index_dir.parent / "corpus"
    sharded_settings = replace(single_settings, index_dir=single_settings.index_dir.parent / "sharded")
    shards.build(corpus, sharded_settings, count=3)
    return single_settings.index_dir, sharded_settings.index_dir


def test_copies_really_lie_in_different_shards(with_copies):
    """The comparison below is not vacuous: one index groups the copies, and no shard holds
    two copies of one story."""
    one, split = with_copies
    grouped = search.search(one, _request(dict(q="稻田养鱼")))
    assert grouped["total"] == 5 and grouped["stories"] == 3
    assert sorted(len(h["copies"]) for h in grouped["hits"]) == [0, 0, 2]
    for name in shards.shard_names(3):
        alone = search.search(split / name, _request(dict(q="", per_page=100)))
        assert all(not h["copies"] for h in alone["hits"])


@pytest.mark.parametrize("params", COPY_REQUESTS, ids=lambda p: repr(p)[:60])
def test_copies_across_shards_collapse_as_in_one_index(with_copies, params):
    one, split = with_copies
    assert _comparable(shards.search(split, _request(params))) == \
        _comparable(search.search(one, _request(params)))


def test_article_page_lists_copies_from_every_shard(with_copies):
    one, split = with_copies
    for hit in search.search(one, _request(dict(q="", per_page=100)))["hits"]:
        for id in [hit["id"]] + [c["id"] for c in hit["copies"]]:
            expected = search.get_article(one, id)
            found = shards.get_article(split, id)
            assert found["copies"] == expected["copies"], id
    assert any(search.get_article(one, h["id"])["copies"]
               for h in search.search(one, _request(dict(q="稻田养鱼")))["hits"])


def test_related_articles_as_in_one_index(with_copies, indexed_corpus, sharded):
    """Related articles: the subject words picked with the whole index's counts, the copies
    of the article left out and the others collapsed, ranked as one index ranks them."""
    one, split = with_copies
    ids = [h["id"] for h in search.search(one, _request(dict(q="", per_page=100)))["hits"]]
    found = {id: search.related(one, id) for id in ids}
    assert sum(1 for r in found.values() if r) >= 5
    for id in ids:
        assert shards.related(split, id) == found[id], id
    _, single_settings, _ = indexed_corpus
    settings, _ = sharded
    for hit in search.search(single_settings.index_dir, _request(dict(q="发展", per_page=20)))["hits"]:
        assert shards.related(settings.index_dir, hit["id"]) == \
            search.related(single_settings.index_dir, hit["id"]), hit["id"]


@pytest.mark.parametrize("q", ["稻田", "冰雪", "湿地保护", "石湾镇", "青川", "发", "经", "国务院",
                               "全国"])
def test_suggest_on_a_sharded_index_as_in_one_index(indexed_corpus, sharded, with_copies, q):
    from policysearch.web import create_app

    _, single_settings, _ = indexed_corpus
    settings, _ = sharded
    one, split = with_copies
    _built(single_settings.index_dir, settings.index_dir, one, split)
    for single_dir, sharded_dir in ((single_settings.index_dir, settings.index_dir), (one, split)):
        expected = create_app({"INDEX_DIR": str(single_dir)}).test_client().get(f"/suggest?q={q}")
        found = create_app({"INDEX_DIR": str(sharded_dir)}).test_client().get(f"/suggest?q={q}")
        assert found.get_json() == expected.get_json()
    assert any(create_app({"INDEX_DIR": str(d)}).test_client().get(f"/suggest?q={q}").get_json()[1]
               for d in (settings.index_dir, split))


def _built(*index_dirs) -> None:
    """Completion built now (a request would answer without it while it is being built)."""
    from policysearch import suggest

    for d in index_dirs:
        assert suggest.completer(d) is not None


# 保护区 is in two titles only, those of two copies in different shards: no shard alone
# counts it as a title word
@pytest.mark.parametrize("q", ["石弯镇", "保护去", "冰雪 产叶园", "稻田养鱼 没有这种词"])
def test_did_you_mean_on_a_sharded_index_as_in_one_index(with_copies, q):
    from policysearch.web import create_app

    one, split = with_copies
    _built(one, split)
    expected = create_app({"INDEX_DIR": str(one)}).test_client().get(f"/search.json?q={q}")
    found = create_app({"INDEX_DIR": str(split)}).test_client().get(f"/search.json?q={q}")
    assert expected.get_json()["did_you_mean"]
    assert found.get_json()["did_you_mean"] == expected.get_json()["did_you_mean"]


def test_a_copy_added_later_joins_its_story_in_the_shards_left_unchanged(index_files, tmp_path):
    """Re-indexing groups across the shards again: a new copy in one shard of an article
    that had none groups that article, in a shard that did not change (and whose open
    searcher sees the new groups), as one index over the updated corpus groups it."""
    import json

    files = _copies_files()
    settings, _ = index_files(files, "copies-later")
    corpus = settings.index_dir.parent / "corpus"
    split = replace(settings, index_dir=tmp_path / "sharded")
    shards.build(corpus, split, count=3)
    request = _request(dict(q="稻田养鱼"))
    before = shards.search(split.index_dir, request)        # opens every shard
    title, body, date = SINGLES[0]                            # in shard 1 (see _copies_files)
    name = _file_in_shard("single1-copy-later", 0)
    (corpus / name).write_text(json.dumps({"title": title, "text": body + FILLER,
                                           "date": date}, ensure_ascii=False), "utf-8")
    again = shards.build(corpus, split)
    assert again["files"]["added"] == 1
    one, _ = index_files({**files, name: (corpus / name).read_text("utf-8")}, "copies-later-one")
    after = shards.search(split.index_dir, request)
    assert _comparable(after) == _comparable(search.search(one.index_dir, request))
    assert after["stories"] == before["stories"] and after["total"] == before["total"] + 1
    assert [len(h["copies"]) for h in after["hits"] if h["title"] == title] == [1]


# -- sharded by year -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def by_year(indexed_corpus, tmp_path_factory):
    """The demo corpus indexed again, split into 3 shards by year."""
    corpus, settings, _ = indexed_corpus
    year_settings = replace(settings, index_dir=tmp_path_factory.mktemp("by-year") / "index")
    return year_settings, shards.build(corpus, year_settings, count=3, by="year")


def _shard_dates(index_dir, count: int) -> list[list]:
    """The dates of every article of each shard (None: undated)."""
    out = []
    for name in shards.shard_names(count):
        hits = search.search(Path(index_dir) / name, _request(dict(sort="date", per_page=100)))
        found = {h["id"]: h["date"] for h in hits["hits"]}
        found.update({c["id"]: c.get("date") for h in hits["hits"] for c in h["copies"]})
        assert len(found) == hits["total"]
        out.append(list(found.values()))
    return out


def test_year_shards_hold_blocks_of_years(indexed_corpus, by_year):
    _, _, single_summary = indexed_corpus
    settings, summary = by_year
    shape = shards.layout(settings.index_dir)
    assert shape["by"] == "year" and shape["count"] == 3
    assert len(shape["years"]) == 2 and shape["years"] == sorted(set(shape["years"]))
    assert summary["articles"]["total"] == single_summary["articles"]["total"]
    assert summary["files"] == single_summary["files"]   # each file counted once
    dates = _shard_dates(settings.index_dir, 3)
    assert all(dates) and sum(map(len, dates)) == single_summary["articles"]["total"]
    for number, found in enumerate(dates):
        assert all(shards.shard_of_year(d[:4] if d else None, shape["years"]) == number
                   for d in found)
    assert None in dates[2]   # undated articles live in the last shard


@pytest.mark.parametrize("params", REQUESTS, ids=lambda p: repr(p)[:60])
def test_year_sharded_results_equal_one_index(indexed_corpus, by_year, params):
    _, single_settings, _ = indexed_corpus
    settings, _ = by_year
    one = search.search(single_settings.index_dir, _request(params))
    assert _comparable(shards.search(settings.index_dir, _request(params))) == _comparable(one)


def _generations(index_dir, count: int) -> list[str]:
    from policysearch import index

    return [index.current_generation(Path(index_dir) / name).name
            for name in shards.shard_names(count)]


def test_new_years_touch_only_the_newest_shard(index_files, tmp_path):
    """Per-article routing by year: a new file of a new year (and undated items) changes the
    last shard only; a file holding two years lands in two shards; the answers stay those of
    one index over the same corpus."""
    import json

    files = _copies_files()
    settings, _ = index_files(files, "years")
    corpus = settings.index_dir.parent / "corpus"
    split = replace(settings, index_dir=tmp_path / "by-year", workers=1)
    shards.build(corpus, split, count=3, by="year")
    years = shards.layout(split.index_dir)["years"]
    assert years == [2028, 2029]    # 2027 | 2028 | 2029 on: 4, 5 and 5 articles
    before = _generations(split.index_dir, 3)

    new = {"daily-new.jsonl": "\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"title": "霞浦县紫菜加工园投产", "text": "霞浦县紫菜加工园投产，年加工紫菜八千吨。" + FILLER,
         "date": "2031-03-02"},
        {"title": "蓝溪乡竹编合作社扩大规模", "text": "蓝溪乡竹编合作社新增社员四十户。" + FILLER}])}
    (corpus / "daily-new.jsonl").write_text(new["daily-new.jsonl"], "utf-8")
    again = shards.build(corpus, split)
    assert again["files"]["added"] == 1 and again["files"]["unchanged"] == len(files)
    assert again["articles"]["added"] == 2
    after = _generations(split.index_dir, 3)
    assert after[:2] == before[:2] and after[2] != before[2]
    undated = shards.search(split.index_dir, _request(dict(q="竹编合作社")))
    assert undated["total"] == 1 and undated["hits"][0]["date"] is None
    assert search.search(split.index_dir / "shard-02", _request(dict(q="竹编合作社")))["total"] == 1

    mixed = "\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"title": "枫林镇茶园春茶开采", "text": "枫林镇茶园春茶开采，茶农忙于采摘。" + FILLER,
         "date": "2027-04-01"},
        {"title": "枫林镇茶叶博览会开幕", "text": "枫林镇茶叶博览会开幕，展商三百家。" + FILLER,
         "date": "2030-05-01"}])
    (corpus / "tea.jsonl").write_text(mixed, "utf-8")
    shards.build(corpus, split)
    last = _generations(split.index_dir, 3)
    assert last[1] == after[1] and last[0] != after[0] and last[2] != after[2]
    for shard, word in (("shard-00", "春茶"), ("shard-02", "博览会")):
        assert search.search(split.index_dir / shard, _request(dict(q=word)))["total"] == 1

    one, _ = index_files({**files, **new, "tea.jsonl": mixed}, "years-one")
    for params in (dict(q="", sort="date", per_page=100), dict(q="枫林镇"), dict(q="竹编"),
                   dict(q="", page=2, per_page=5), dict(q="稻田养鱼")):
        assert _comparable(shards.search(split.index_dir, _request(params))) == \
            _comparable(search.search(one.index_dir, _request(params)))


def _cli(*args):
    from click.testing import CliRunner

    from policysearch.cli import main

    return CliRunner().invoke(main, [str(a) for a in args],
                                              env={"POLICYSEARCH_WORKERS": "1"},
                                              catch_exceptions=False)


def test_changing_the_shard_rule_needs_rebuild(index_files, tmp_path):
    settings, _ = index_files(_copies_files(), "rule")
    corpus, index_dir = settings.index_dir.parent / "corpus", tmp_path / "index"
    assert _cli("index", corpus, "--index", index_dir, "--shards", 2).exit_code == 0
    out = _cli("index", corpus, "--index", index_dir, "--shard-by", "year")
    assert out.exit_code == 1
    assert out.stderr.strip().count("\n") == 0
    assert "sharded by file" in out.stderr and "--rebuild" in out.stderr
    assert shards.layout(index_dir) == {"count": 2, "by": "file"}
    out = _cli("index", corpus, "--index", index_dir, "--shard-by", "year", "--rebuild", "--json")
    assert out.exit_code == 0, out.stderr
    assert shards.layout(index_dir)["by"] == "year"
    assert (index_dir / shards.ROUTES).exists()
    # later runs keep the rule without the option
    assert _cli("index", corpus, "--index", index_dir).exit_code == 0
    assert shards.layout(index_dir)["by"] == "year"


def test_check_over_shards_finds_and_repairs_a_damaged_shard(index_files, tmp_path):
    import json

    from policysearch import index

    settings, _ = index_files(_copies_files(), "check")
    corpus, index_dir = settings.index_dir.parent / "corpus", tmp_path / "index"
    assert _cli("index", corpus, "--index", index_dir, "--shards", 3).exit_code == 0
    whole = _cli("check", "--index", index_dir)
    assert whole.exit_code == 0, whole.output
    assert [line.split(":")[0] for line in whole.output.splitlines()] == \
        [f"{index_dir}/{name}" for name in shards.shard_names(3)] + [str(index_dir)]
    expected = shards.search(index_dir, _request(dict(q="", per_page=100)))

    gen = index.current_generation(index_dir / "shard-01")
    victim = max((p for p in gen.iterdir() if p.suffix == ".trm"), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    damaged = _cli("check", "--index", index_dir)
    assert damaged.exit_code == 1
    assert f"{index_dir}/shard-01/{gen.name}/{victim.name}: " in damaged.output
    assert "shard-00: ok" in damaged.output and "shard-02: ok" in damaged.output
    report = json.loads(_cli("check", "--index", index_dir, "--json").stdout)
    assert [bool(part["problems"]) for part in report["shards"]] == [False, True, False]
    assert report["problems"][0]["file"] == f"shard-01/{gen.name}/{victim.name}"

    repaired = _cli("check", "--index", index_dir, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "rebuilt shard-01 from the corpus" in repaired.output
    assert _cli("check", "--index", index_dir).exit_code == 0
    assert _comparable(shards.search(index_dir, _request(dict(q="", per_page=100)))) == \
        _comparable(expected)

    shutil.rmtree(index_dir / "shard-02")
    gone = _cli("check", "--index", index_dir)
    assert gone.exit_code == 1 and f"{index_dir}/shard-02/CURRENT: missing" in gone.output

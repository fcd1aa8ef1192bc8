"""Search: query language, hostile input, filters and facets, sorting, paging, hits,
and the recall promise on real articles (every literal substring finds its article)."""
from __future__ import annotations

import json
import random
import time

import pytest

from policysearch import analysis, index, readers, search
from policysearch.ingest import ingest_file

DOCS = [
    {"title": "深化放管服改革", "text": "持续深化放管服改革，优化营商环境。四川省推进一网通办。",
     "date": "2024-05-30", "province": "四川"},
    {"title": "培育专精特新企业", "text": "工业和信息化部培育专精特新中小企业，发展人工智能。",
     "date": "2023-03-01"},
    {"title": "新能源汽车产销两旺", "text": "我国新能源汽车产销两旺，动力电池装机量增长。",
     "date": "2024-01-15", "province": "广东"},
    {"title": "新能源的汽车", "text": "这里说的是新能源的汽车，不是那个词。", "date": "2022-07-01"},
    {"title": "ＧＤＰ增长", "text": "一季度ＧＤＰ同比增长５％，５Ｇ基站超过三百万个。二〇二四年目标明确。",
     "date": "2024-04-16"},
    {"title": "生僻字", "text": "𠮷野家的招牌与㐀字并列。", "date": "2021"},
    {"title": "脚本<script>", "text": "正文含有<script>alert('x')</script>与&符号，以及数字经济。",
     "date": "2020-12"},
    {"title": "经济运行", "text": "经济运行总体平稳。文化产业蓬勃发展。", "date": "2019-06-01",
     "province": "四川"},
    {"title": "文化惠民", "text": "文化惠民工程深入推进。", "date": "2018-02-02", "province": "广东"},
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory, settings_factory):
    base = tmp_path_factory.mktemp("search")
    corpus = base / "corpus"
    corpus.mkdir()
    for n, doc in enumerate(DOCS):  # several files so the parallel build is exercised
        (corpus / f"d{n}.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")
    settings = settings_factory(base / "index")
    summary = index.update(corpus, settings)
    assert summary["articles"]["total"] == len(DOCS), summary
    return settings.index_dir


def run(ix, q="", **params):
    return search.search(ix, search.SearchRequest.from_params(q=q, **params))


def titles(ix, q, **params):
    return sorted(h["title"] for h in run(ix, q, per_page=100, **params)["hits"])


# -- recall and the analysis failure cases -------------------------------------------------

@pytest.mark.parametrize("q, title", [
    ("管服", "深化放管服改革"), ("放管服", "深化放管服改革"), ("精特", "培育专精特新企业"),
    ("GDP", "ＧＤＰ增长"), ("ｇｄｐ", "ＧＤＰ增长"), ("5G", "ＧＤＰ增长"), ("〇二", "ＧＤＰ增长"),
    ("𠮷", "生僻字"), ("𠮷野", "生僻字"), ("㐀字", "生僻字"), ("經濟運行", "经济运行"),
    ("專精特新", "培育专精特新企业"), ("动力电", "新能源汽车产销两旺"),
])
def test_literal_text_is_found(ix, q, title):
    assert title in titles(ix, q)


def test_phrase_matches_only_literal_text(ix):
    assert titles(ix, '"新能源汽车"') == ["新能源汽车产销两旺"]
    # unquoted, a word also matches through its jieba words in any order; quoted, never
    # (新能源汽车 is one dictionary word, so only the other article has both words)
    assert titles(ix, "汽车新能源") == ["新能源的汽车"]
    assert titles(ix, '"汽车新能源"') == []


def test_traditional_phrase(ix):
    assert titles(ix, '"新能源汽車"') == ["新能源汽车产销两旺"]


# -- query language ------------------------------------------------------------------------

def test_and_is_the_default(ix):
    assert titles(ix, "新能源 电池") == ["新能源汽车产销两旺"]
    assert titles(ix, "新能源 AND 电池") == ["新能源汽车产销两旺"]


def test_or_not_minus_and_parentheses(ix):
    assert titles(ix, "文化 OR 专精特新") == ["培育专精特新企业", "文化惠民", "经济运行"]
    assert titles(ix, "文化 -惠民") == ["经济运行"]
    assert titles(ix, "文化 NOT 惠民") == ["经济运行"]
    assert titles(ix, "(文化 OR 新能源) -惠民 -电池") == ["新能源的汽车", "经济运行"]


def test_field_prefixes(ix):
    assert titles(ix, "title:经济") == ["经济运行"]
    assert titles(ix, "经济") == ["GDP增长", "经济运行", "脚本<script>"] or \
        set(titles(ix, "经济")) >= {"经济运行", "脚本<script>"}
    assert titles(ix, 'title:"新能源的"') == ["新能源的汽车"]
    assert titles(ix, "province:四川") == titles(ix, "", province=["四川"])
    assert titles(ix, "nosuchfield:经济") == []  # an unknown prefix is just text


def test_wildcard_is_a_literal_prefix(ix):
    assert "新能源汽车产销两旺" in titles(ix, "新能*")
    with pytest.raises(search.ParamError, match="匹配全部文章"):
        search.SearchRequest.from_params(q="*")


HOSTILE = ['"', '"""', "((((经济", "经济))))", ")(", "OR", "NOT", "- - -", "AND OR NOT",
           "OR 经济 OR", "-", "--经济", "title:", 'title:"', ":::", "\x00\x01\x1f经济\x7f",
           "\u200b", "（经济）", "“新能源汽车”", "a" * 300, "经" * 300, "经济 " * 24,
           "NOT NOT NOT 经济", "((((((((((((((((((((a))))))))))))))))))))", "*经济*", "?",
           "<script>alert(1)</script>", "' OR 1=1 --", "\\", "%", "经济 | 文化 || 惠民 & 运行"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_give_a_result_or_a_search_error(ix, q):
    started = time.perf_counter()
    try:
        result = run(ix, q)
        assert isinstance(result["total"], int)
    except search.SearchError as exc:
        assert str(exc)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("q, match", [
    ("经济 " * 150, "最多 300"),
    (" OR ".join(["经济"] * 1000), "最多 300"),
    (" OR ".join(["经济"] * 30), "个词，最多"),
    ("(" * 40 + "经济", "括号嵌套"),
])
def test_unrunnable_queries_are_refused_with_a_message(q, match):
    with pytest.raises(search.ParamError, match=match) as err:
        search.SearchRequest.from_params(q=q)
    assert err.value.param == "q"


@pytest.mark.parametrize("params, param", [
    ({"page": 0}, "page"), ({"page": "x"}, "page"), ({"per_page": 0}, "per_page"),
    ({"sort": "random"}, "sort"), ({"date_from": "2024-13"}, "from"),
    ({"date_to": "yesterday"}, "to"), ({"date_from": "2024", "date_to": "2023"}, "from"),
    ({"province": ["川" * 60]}, "province"),
])
def test_bad_parameters_name_themselves(params, param):
    with pytest.raises(search.ParamError) as err:
        search.SearchRequest.from_params(q="经济", **params)
    assert err.value.param == param and str(err.value).startswith(param)


def test_per_page_over_the_limit_is_refused_naming_it():
    assert search.SearchRequest.from_params(q="经济", per_page=100).per_page == 100
    with pytest.raises(search.ParamError) as err:
        search.SearchRequest.from_params(q="经济", per_page=1000)
    assert err.value.param == "per_page" and "100" in err.value.message


# -- filters, facets, sorting, paging ------------------------------------------------------

def test_date_filters_at_each_precision(ix):
    assert titles(ix, "新能源", date_from="2024") == ["新能源汽车产销两旺"]
    assert titles(ix, "新能源", date_to="2022-07") == ["新能源的汽车"]
    assert titles(ix, "新能源", date_from="2022-07-02", date_to="2024-01-15") == ["新能源汽车产销两旺"]


def test_facets_equal_the_totals_of_filtered_searches(ix):
    for q in ("", "文化 OR 新能源 OR 经济", "发展"):
        result = run(ix, q)
        assert result["total"] == sum(f["count"] for f in result["facets"]["year"]) or q == ""
        for facet in ("province", "industry", "doc_type", "year"):
            for entry in result["facets"][facet]:
                value = entry["value"]
                params = ({"date_from": value, "date_to": value} if facet == "year"
                          else {facet: [value]})
                assert run(ix, q, **params)["total"] == entry["count"], (q, facet, value)


def test_a_facet_ignores_its_own_filter_but_not_the_others(ix):
    everything = run(ix, "")
    sichuan = run(ix, "", province=["四川"])
    assert sichuan["total"] < everything["total"]
    assert sichuan["facets"]["province"] == everything["facets"]["province"]
    assert sum(f["count"] for f in sichuan["facets"]["year"]) == sichuan["total"]


def test_sort_by_date_and_paging(ix):
    result = run(ix, "", sort="date", per_page=3)
    dates = [h["date"] for h in result["hits"]]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3
    page2 = run(ix, "", sort="date", per_page=3, page=2)
    assert not {h["id"] for h in page2["hits"]} & {h["id"] for h in result["hits"]}
    assert run(ix, "", page=50)["hits"] == []


def test_relevance_prefers_titles(ix):
    hits = run(ix, "文化")["hits"]
    assert hits[0]["title"] == "文化惠民"


def test_hits_carry_the_contract_fields(ix):
    result = run(ix, "放管服")
    assert set(result) >= {"query", "total", "page", "per_page", "took_ms", "hits", "facets"}
    hit = result["hits"][0]
    assert "body" not in hit and hit["score"] > 0
    assert hit["title_html"] == "深化<mark>放管服</mark>改革"
    assert "<mark>放管服</mark>" in hit["snippet"]
    for key in ("id", "title", "file", "date", "provinces", "industries", "source", "url"):
        assert key in hit


def test_documents_are_escaped_in_hits(ix):
    hit = run(ix, "数字经济")["hits"][0]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert hit["title_html"] == "脚本&lt;script&gt;"


def test_get_article_and_related(ix):
    hit = run(ix, "放管服")["hits"][0]
    article = search.get_article(ix, hit["id"], q="放管服")
    assert article["body"].startswith("持续深化")
    assert "<mark>放管服</mark>" in article["body_html"]
    assert search.get_article(ix, "no-such-id") is None
    plain = search.get_article(ix, hit["id"])
    assert "<mark>" not in plain["body_html"]
    related = search.related(ix, run(ix, '"新能源汽车"')["hits"][0]["id"])
    assert [r["title"] for r in related] == ["新能源的汽车"]


# -- the recall promise on the real demo corpus --------------------------------------------

def _articles(corpus):
    out = []
    for path in readers.scan(corpus).files:
        try:
            out += ingest_file(path, corpus)[0]
        except readers.ReadError:
            pass
    return out


def _all_ids(index_dir, q):
    ids, page = set(), 1
    while True:
        result = search.search(index_dir, search.SearchRequest.from_params(q=q, per_page=100,
                                                                           page=page))
        ids |= {h["id"] for h in result["hits"]}
        ids |= {c["id"] for h in result["hits"] for c in h["copies"]}  # collapsed copies
        if page * 100 >= result["total"]:
            return ids, result["total"]
        page += 1


def _samples(articles, rng, n):
    out = []
    while len(out) < n:
        a = rng.choice(articles)
        text = rng.choice([a.title, a.body])
        runs = [r for r in analysis.runs(text) if len(r) >= 2] if text else []
        if not runs:
            continue
        run_ = rng.choice(runs)
        size = rng.randint(2, min(4, len(run_)))
        start = rng.randrange(len(run_) - size + 1)
        out.append((a, run_[start:start + size]))
    return out


def test_random_substrings_find_their_article(indexed_corpus):
    corpus, settings, _ = indexed_corpus
    articles = [a for a in _articles(corpus) if a.title or a.body]
    misses = []
    for article, sub in _samples(articles, random.Random(3), 150):
        ids, _ = _all_ids(settings.index_dir, sub)
        if article.id not in ids:
            misses.append((sub, article.title))
    assert not misses


def test_quoted_phrases_find_only_literal_matches(indexed_corpus):
    corpus, settings, _ = indexed_corpus
    articles = {a.id: a for a in _articles(corpus)}
    for article, sub in _samples(list(articles.values()), random.Random(5), 40):
        ids, total = _all_ids(settings.index_dir, f'"{sub}"')
        assert article.id in ids
        needle = analysis.normalise(sub)
        for other in ids:
            a = articles[other]
            assert needle in analysis.normalise(a.title) or needle in analysis.normalise(a.body), \
                (sub, a.title)


def test_a_pasted_paragraph_finds_its_article_quickly(ix):
    q = DOCS[4]["text"] * 3
    started = time.perf_counter()
    assert titles(ix, q[:300]) == ["ＧＤＰ增长"]
    assert time.perf_counter() - started < 1.0


def test_many_single_characters_stay_bounded(ix):
    started = time.perf_counter()
    run(ix, " ".join("中国经济发展文化新能源汽车一二三四五六七八九十"))
    assert time.perf_counter() - started < 1.0


@pytest.fixture(scope="module")
def news_index(tmp_path_factory, settings_factory):
    """../shared/dev/labels.jsonl (real news the analysis was not tuned on), indexed."""
    from conftest import shared_path

    source = shared_path("dev", "labels.jsonl")
    base = tmp_path_factory.mktemp("news")
    corpus = base / "corpus"
    corpus.mkdir()
    lines = source.read_text("utf-8").splitlines(keepends=True)
    for n in range(0, len(lines), 20):
        (corpus / f"news{n:04d}.jsonl").write_text("".join(lines[n:n + 20]), "utf-8")
    settings = settings_factory(base / "index")
    index.update(corpus, settings)
    return corpus, settings


def test_random_substrings_of_real_news_find_their_article(news_index):
    corpus, settings = news_index
    articles = [a for a in _articles(corpus) if a.body]
    misses = []
    for article, sub in _samples(articles, random.Random(11), 300):
        if article.id not in _all_ids(settings.index_dir, sub)[0]:
            misses.append((sub, article.title))
    assert not misses


def test_a_string_in_fewer_than_ten_articles_finds_its_article_on_page_one(news_index):
    corpus, settings = news_index
    articles = [a for a in _articles(corpus) if a.body]
    misses = []
    for article, sub in _samples(articles, random.Random(13), 200):
        result = search.search(settings.index_dir, search.SearchRequest.from_params(q=sub))
        shown = {h["id"] for h in result["hits"]}
        shown |= {c["id"] for h in result["hits"] for c in h["copies"]}
        if result["total"] < 10 and article.id not in shown:
            misses.append((sub, article.title))
    assert not misses


def test_traditional_substrings_of_real_news_find_their_article(news_index):
    import opencc

    to_trad = opencc.OpenCC("s2t")
    corpus, settings = news_index
    articles = [a for a in _articles(corpus) if a.body]
    for article, sub in _samples(articles, random.Random(12), 60):
        assert article.id in _all_ids(settings.index_dir, to_trad.convert(sub))[0], sub


def test_year_facet_ignores_the_date_range(ix):
    result = run(ix, "", date_from="2024-02", date_to="2024-12")
    years = {f["value"]: f["count"] for f in result["facets"]["year"]}
    assert years["2024"] == run(ix, "", date_from="2024", date_to="2024")["total"] == 3
    assert "2019" in years and result["total"] == 2


def test_a_broad_or_query_gives_a_full_page_of_scored_hits(ix):
    result = run(ix, "文化 OR 新能源 OR 经济 OR 发展", per_page=3)
    assert result["total"] >= 3 and len(result["hits"]) == 3
    assert len({h["id"] for h in result["hits"]}) == 3
    assert all(h["score"] > 0 for h in result["hits"])


def test_filtered_relevance_ranking_stays_inside_the_filter(ix):
    result = run(ix, "新能源 OR 文化", province=["广东"], per_page=100)
    assert result["total"] == len(result["hits"])
    assert all("广东" in h["provinces"] for h in result["hits"])


def test_warm_never_raises(ix, tmp_path):
    search.warm(ix)
    search.warm(tmp_path / "missing")

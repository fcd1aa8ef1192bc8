"""Routes of the web UI and its JSON/Atom/CSV twins, through Flask's test client, against a
real index of the repo's demo corpus (built once per session by conftest's indexed_corpus)."""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree, html as lxml_html

from policysearch.web import FILTERS, chips, create_app, facet_view, pagination, tile_map, year_chart

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
QUERY = "发展"            # in nearly every document of the demo corpus: several pages of hits
RARE = "人工智能"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="session")
def app(indexed_corpus):
    _, settings, _ = indexed_corpus
    return create_app({"SETTINGS": settings, "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


def get_json(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/json"
    return r.get_json()


def page(client, url, status=200):
    r = client.get(url)
    text = r.get_data(as_text=True)
    assert r.status_code == status, text[:800]
    assert "Traceback" not in text
    return lxml_html.fromstring(text), text


def no_markup_but_mark(element) -> bool:
    return all(child.tag == "mark" and no_markup_but_mark(child) for child in element)


# --- search page and its JSON twin -------------------------------------------------------------

def test_home_page_has_search_box_and_overview(client):
    doc, text = page(client, "/")
    assert doc.xpath("//input[@name='q' and @data-search-input]")
    assert doc.xpath("//link[@rel='search' and contains(@href, 'opensearch.xml')]")
    assert "政策检索" in text


def test_search_page_lists_hits_with_total_and_time(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    assert result["total"] > 10, "the demo corpus should give several pages for this query"
    doc, _ = page(client, f"/search?q={QUERY}")
    stats = doc.xpath("//p[@class='stats']")[0]
    assert stats.get("data-total") == str(result["total"])
    assert "毫秒" in stats.text_content()
    titles = [a.text_content() for a in doc.xpath("//li[@class='hit']//h2/a")]
    assert titles == [h["title"] for h in result["hits"]]
    first = doc.xpath("//li[@class='hit']")[0]
    assert first.get("data-id") == result["hits"][0]["id"]
    link = first.xpath(".//h2/a/@href")[0]
    assert link.startswith(f"/article/{result['hits'][0]['id']}?q=")


def test_search_json_is_the_contract_document(client):
    result = get_json(client, f"/search.json?q={QUERY}&per_page=5&page=2")
    assert set(result) >= {"query", "total", "page", "per_page", "took_ms", "hits", "facets"}
    assert (result["page"], result["per_page"]) == (2, 5)
    assert len(result["hits"]) == 5
    hit = result["hits"][0]
    assert "body" not in hit
    assert {"id", "title", "date", "provinces", "industries", "score", "snippet"} <= set(hit)
    for name in ("province", "industry", "year"):
        assert all(set(b) == {"value", "count"} for b in result["facets"][name])


def test_per_page_over_100_is_a_400_naming_it_like_page(client):
    result = get_json(client, f"/search.json?q={QUERY}&per_page=100")
    assert result["per_page"] == 100
    assert len(result["hits"]) == min(100, result["total"])
    for url in (f"/search.json?q={QUERY}&per_page=1000", f"/search.json?q={QUERY}&page=abc"):
        error = get_json(client, url, status=400)
        assert error["param"] in url and error["param"] in error["error"]


def test_snippets_are_escaped_text_with_marks_only(client):
    doc, _ = page(client, f"/search?q={RARE}")
    snippets = doc.xpath("//p[@class='snippet']")
    assert snippets, "expected hits with snippets"
    assert all(no_markup_but_mark(s) for s in snippets)
    assert any(s.xpath(".//mark") for s in snippets)


@pytest.mark.parametrize("q", ['<script>alert("x")</script>', "<b>发展</b>", '"><img src=x onerror=alert(1)>'])
def test_query_text_is_escaped_everywhere(client, q):
    r = client.get("/search", query_string={"q": q})
    text = r.get_data(as_text=True)
    assert r.status_code in (200, 400), text[:500]
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>发展" not in text
    doc = lxml_html.fromstring(text)
    assert not doc.xpath("//img[@src='x'] | //b[not(ancestor::footer)]")


HOSTILE = [{"title": "<script>alert('t')</script>恶意标题 数字政府",
            "text": "正文开头。数字政府建设要求 1<2 且 <img src=x onerror=alert(1)> & \"引号\"。",
            "url": "javascript:alert(1)", "date": "2024-05-30", "source": "<i>来源</i>"}]


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory, settings_factory):
    """An index whose only article carries markup and a javascript: URL in every field."""
    from policysearch import index

    base = tmp_path_factory.mktemp("hostile")
    (base / "corpus").mkdir()
    (base / "corpus" / "hostile.json").write_text(json.dumps(HOSTILE, ensure_ascii=False), "utf-8")
    settings = settings_factory(base / "index")
    index.update(base / "corpus", settings)
    return create_app({"SETTINGS": settings, "TESTING": True}).test_client()


def assert_inert(doc):
    assert not doc.xpath("//script[not(@src)] | //img | //i | //b | //*[@onerror]")
    assert not [h for h in doc.xpath("//a/@href") if h.strip().lower().startswith("javascript:")]


def test_document_markup_is_shown_as_text(hostile_client):
    doc, text = page(hostile_client, "/search?q=数字政府")
    assert_inert(doc)
    title = doc.xpath("//li[@class='hit']//h2/a")[0]
    assert "<script>alert('t')</script>" in title.text_content()
    article = title.get("href")
    doc, text = page(hostile_client, article)
    assert_inert(doc)
    assert "<script>alert('t')</script>" in doc.xpath("//h1")[0].text_content()
    assert doc.xpath("//div[@class='article-body']//mark"), "highlights still there"
    assert "javascript:alert(1)" in doc.xpath("//dl")[0].text_content(), "shown, not linked"
    assert not doc.xpath("//a[contains(@class, 'original-link')]")


def test_pages_carry_a_content_security_policy(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


# --- facets and filters ----------------------------------------------------------------------

def top_value(result, facet):
    buckets = result["facets"][facet]
    assert buckets, f"no {facet} facet values for {result['query']!r} in the demo corpus"  # the demo corpus has them
    return buckets[0]


def test_province_filter_narrows_to_its_facet_count(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    bucket = top_value(result, "province")
    narrowed = get_json(client, f"/search.json?q={QUERY}&province={bucket['value']}&per_page=100")
    assert narrowed["total"] == bucket["count"]
    assert all(bucket["value"] in h["provinces"] for h in narrowed["hits"])


def test_doc_type_filter_narrows_to_its_facet_count(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    bucket = top_value(result, "doc_type")
    narrowed = get_json(client, f"/search.json?q={QUERY}&doc_type={bucket['value']}&per_page=100")
    assert narrowed["total"] == bucket["count"]
    assert {h["doc_type"] for h in narrowed["hits"]} == {bucket["value"]}
    doc, _ = page(client, f"/search?q={QUERY}&doc_type={bucket['value']}")
    assert doc.xpath(f"//a[@class='chip' and @data-chip='{bucket['value']}']/span[@class='chip-kind' and text()='文种']")


def test_several_provinces_are_ored(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    assert len(result["facets"]["province"]) >= 2, "needs two provinces in the facet"  # the demo corpus has them
    a, b = result["facets"]["province"][:2]
    both = get_json(client, f"/search.json?q={QUERY}&province={a['value']}&province={b['value']}")
    assert max(a["count"], b["count"]) <= both["total"] <= a["count"] + b["count"]


def test_selected_province_shows_as_chip_and_checked_facet(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    value = top_value(result, "province")["value"]
    doc, _ = page(client, f"/search?q={QUERY}&province={value}")
    chip = doc.xpath(f"//a[@class='chip' and @data-chip='{value}']")
    assert chip, "chip for the active province"
    remove = parse_qs(urlsplit(chip[0].get("href")).query)
    assert remove == {"q": [QUERY]}
    selected = doc.xpath("//section[@data-facet='province']//a[contains(@class, 'is-selected')]")
    assert [a.get("data-value") for a in selected] == [value]
    assert doc.xpath(f"//a[contains(@class, 'tile') and contains(@class, 'is-selected') and @data-province='{value}']")


def test_facet_links_toggle_without_javascript(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    links = doc.xpath("//section[@data-facet='industry']//a[@class='facet-item']")
    assert links, "no industry facet values in the demo corpus"  # the demo corpus has them
    href = links[0].get("href")
    value = links[0].get("data-value")
    assert parse_qs(urlsplit(href).query)["industry"] == [value]
    doc2, _ = page(client, href)
    again = doc2.xpath(f"//section[@data-facet='industry']//a[@data-value='{value}']")[0]
    assert "industry" not in parse_qs(urlsplit(again.get("href")).query), "second click removes it"


def test_year_bars_are_links_that_filter_by_that_year(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    bars = doc.xpath("//*[local-name()='svg']//*[local-name()='a']")
    assert bars, "no dated documents for the query"  # the demo corpus has them
    year = bars[0].get("data-year")
    query = parse_qs(urlsplit(bars[0].get("href")).query)
    assert query["from"] == [year] and query["to"] == [year]
    result = get_json(client, f"/search.json?q={QUERY}&from={year}&to={year}&per_page=100")
    assert result["total"] > 0
    assert all((h["date"] or "").startswith(year) for h in result["hits"])


def test_tile_map_has_every_province_once(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    tiles = doc.xpath("//div[@class='tilemap']/*[@data-province]")
    names = [t.get("data-province") for t in tiles]
    assert len(names) == 34 == len(set(names))


def test_sort_by_date_orders_hits_newest_first(client):
    result = get_json(client, f"/search.json?q={QUERY}&sort=date&per_page=50")
    dates = [h["date"] for h in result["hits"] if h["date"]]
    assert dates == sorted(dates, reverse=True)


def test_pagination_links_move_forward(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    nxt = doc.xpath("//a[@rel='next']/@href")
    assert nxt and parse_qs(urlsplit(nxt[0]).query)["page"] == ["2"]
    doc2, _ = page(client, nxt[0])
    assert doc2.xpath("//ol[@class='hits']/@start") == ["11"]


def test_empty_result_suggests_what_to_relax(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    value = top_value(result, "province")["value"]
    doc, text = page(client, f"/search?q={QUERY} 量子纠缠超导磁悬浮&province={value}")
    assert "没有找到" in text
    suggestions = doc.xpath("//ul[@class='suggestions']//a")
    labels = [a.text_content() for a in suggestions]
    assert any(value in label for label in labels)
    assert any("量子纠缠超导磁悬浮" in label for label in labels)


# --- article page ---------------------------------------------------------------------------

def first_hit(client, q=RARE):
    result = get_json(client, f"/search.json?q={q}")
    assert result["hits"], f"no hits for {q!r}"
    return result["hits"][0]


def test_article_page_highlights_the_query_and_shows_metadata(client):
    hit = first_hit(client)
    doc, text = page(client, f"/article/{hit['id']}?q={RARE}")
    body = doc.xpath("//div[@class='article-body']")[0]
    assert body.xpath(".//mark"), "matches highlighted"
    # a long report's body comes in sections (one div per heading), each only text and marks
    parts = body.xpath("./div[@class='body-section']") or [body]
    assert all(no_markup_but_mark(part) for part in parts)
    assert len(parts) == len(body) or parts == [body]
    assert hit["file"] in text, "the corpus file is shown"
    labels = doc.xpath("//dl/dt/text()")
    assert "语料文件" in labels
    if hit.get("url"):
        assert doc.xpath(f"//a[contains(@class,'original-link') and @href='{hit['url']}']")


def test_article_page_without_query_has_no_marks(client):
    hit = first_hit(client)
    doc, _ = page(client, f"/article/{hit['id']}")
    assert not doc.xpath("//div[@class='article-body']//mark")
    assert doc.xpath("//div[@class='article-body']")[0].text_content().strip()


def test_article_json_is_the_article_document(client):
    hit = first_hit(client)
    article = get_json(client, f"/article/{hit['id']}.json?q={RARE}")
    assert article["id"] == hit["id"]
    assert article["body"]
    assert "<mark>" in article["body_html"]
    plain = get_json(client, f"/article/{hit['id']}.json")
    assert "body_html" not in plain or "<mark>" not in (plain["body_html"] or "")


def test_article_page_lists_related_articles(client):
    hit = first_hit(client)
    doc, _ = page(client, f"/article/{hit['id']}")
    related = doc.xpath("//section[contains(@class,'related')]//a/@href")
    assert related and all(h.startswith("/article/") for h in related)
    assert f"/article/{hit['id']}" not in related


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("query, param", [
    ("per_page=abc", "per_page"), ("page=0", "page"), ("page=-3", "page"),
    ("sort=loudest", "sort"), ("from=yesterday", "from"), ("to=2024-13-45", "to"),
])
def test_bad_parameter_is_a_400_naming_it(client, query, param):
    doc, text = page(client, f"/search?q={QUERY}&{query}", status=400)
    assert param in doc.xpath("//p[@class='error-message']")[0].text_content()
    body = get_json(client, f"/search.json?q={QUERY}&{query}", status=400)
    assert body["status"] == 400 and body["param"] == param and param in body["error"]


def test_bad_query_page_keeps_the_query_to_fix(client):
    doc, _ = page(client, "/search?q=*&province=四川", status=400)
    assert "q" in doc.xpath("//p[@class='error-message']")[0].text_content()
    assert doc.xpath("//input[@name='q']/@value") == ["*"]
    assert doc.xpath("//form[@role='search']/input[@name='province']/@value") == ["四川"]


def test_unknown_article_is_a_404_in_both_formats(client):
    doc, text = page(client, "/article/0000000000000000", status=404)
    assert "找不到" in text
    body = get_json(client, "/article/0000000000000000.json", status=404)
    assert body["status"] == 404


def test_unknown_route_is_a_friendly_404(client):
    doc, text = page(client, "/no/such/page", status=404)
    assert doc.xpath("//section[@class='error-page']")


def test_unexpected_error_is_a_500_without_traceback(indexed_corpus):
    _, settings, _ = indexed_corpus
    app = create_app({"SETTINGS": settings})

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    r = app.test_client().get("/boom")
    text = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "secret internals" not in text and "Traceback" not in text
    assert "服务器出错了" in text


def test_missing_index_is_a_503_page(tmp_path, settings_factory):
    app = create_app({"SETTINGS": settings_factory(tmp_path / "nowhere"), "TESTING": True})
    client = app.test_client()
    doc, text = page(client, f"/search?q={QUERY}", status=503)
    assert "policysearch index" in text
    page(client, "/", status=503)
    assert get_json(client, f"/search.json?q={QUERY}", status=503)["status"] == 503


def test_finished_index_run_shows_without_restart(tmp_path, settings_factory):
    """The backend opens the index per request: build it while the app runs, no restart."""
    from policysearch import index

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "laws-txt", corpus / "laws-txt")
    settings = settings_factory(tmp_path / "index")
    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    get_json(client, "/search.json?q=数据", status=503)
    index.update(corpus, settings)
    assert get_json(client, "/search.json?q=数据")["total"] > 0


# --- feeds and exports ----------------------------------------------------------------------

def test_atom_feed_lists_newest_results(client):
    r = client.get(f"/search.atom?q={QUERY}")
    assert r.status_code == 200 and r.mimetype == "application/atom+xml"
    feed = etree.fromstring(r.data)
    entries = feed.findall(f"{ATOM}entry")
    assert 0 < len(entries) <= 30
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    link = entries[0].find(f"{ATOM}link").get("href")
    assert "/article/" in link and link.startswith("http")
    title = entries[0].find(f"{ATOM}title")
    assert title.get("type") == "html" and len(title) == 0, "HTML travels escaped, as text"


def test_csv_export_has_header_rows_and_states_its_cap(indexed_corpus):
    _, settings, _ = indexed_corpus
    app = create_app({"SETTINGS": settings, "TESTING": True, "CSV_MAX_ROWS": 3})
    r = app.test_client().get(f"/search.csv?q={QUERY}")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "title", "date"]
    assert rows[0][-2:] == ["snippet", "article_url"]
    assert len(rows) == 1 + 3
    assert "<mark>" not in text and all(row[-1].startswith(f"{settings.public_url}/article/") for row in rows[1:])
    assert r.headers["X-Result-Cap"] == "3" and int(r.headers["X-Total-Count"]) > 3


def test_csv_export_link_states_the_cap(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    assert "最多 1000 条" in doc.xpath("//p[@class='exports']")[0].text_content()


def test_opensearch_description(client):
    r = client.get("/opensearch.xml")
    assert r.status_code == 200
    doc = etree.fromstring(r.data)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    templates = [u.get("template") for u in doc.findall(f"{ns}Url")]
    assert any(t.startswith("http://127.0.0.1:5000/search?q={searchTerms}") for t in templates)


# --- the view-model on its own ---------------------------------------------------------------

@pytest.fixture()
def ctx(app):
    with app.test_request_context("/search?q=x"):
        yield


def params(**kw):
    base = {"q": "光伏", **{name: [] for name in FILTERS}, "from": None, "to": None,
            "sort": "relevance", "page": 1, "per_page": 10}
    return {**base, **kw}


def test_facet_view_marks_selection_and_builds_toggle_urls(ctx):
    p = params(province=["四川"])
    items = facet_view("province", [{"value": "四川", "count": 3}, {"value": "重庆", "count": 2}], p)
    assert [(i["value"], i["count"], i["selected"]) for i in items] == [("四川", 3, True), ("重庆", 2, False)]
    assert parse_qs(urlsplit(items[0]["toggle_url"]).query) == {"q": ["光伏"]}
    assert parse_qs(urlsplit(items[1]["toggle_url"]).query)["province"] == ["四川", "重庆"]


def test_selected_value_without_hits_stays_visible(ctx):
    items = facet_view("industry", [], params(industry=["能源"]))
    assert items == [{"value": "能源", "count": 0, "selected": True, "toggle_url": "/search?q=%E5%85%89%E4%BC%8F"}]


def test_chips_remove_one_filter_each(ctx):
    p = params(province=["四川", "重庆"], **{"from": "2024", "to": "2025"})
    out = chips(p)
    assert [c["label"] for c in out] == ["四川", "重庆", "2024 至 2025"]
    assert parse_qs(urlsplit(out[0]["remove_url"]).query)["province"] == ["重庆"]
    assert "from" not in parse_qs(urlsplit(out[2]["remove_url"]).query)


def test_pagination_window_with_gaps(ctx):
    pager = pagination({"total": 200, "page": 10, "per_page": 10}, params(page=10))
    shown = [link.get("n", "…") for link in pager["links"]]
    assert shown == [1, "…", 8, 9, 10, 11, 12, "…", 20]
    assert pager["prev"] and pager["next"]


def test_year_chart_and_tile_map_shapes(ctx):
    items = facet_view("year", [{"value": "2025", "count": 4}, {"value": "2024", "count": 2}], params())
    chart = year_chart(items)
    assert [b["value"] for b in chart["bars"]] == ["2024", "2025"]
    assert chart["bars"][1]["h"] > chart["bars"][0]["h"]
    tiles = tile_map(facet_view("province", [{"value": "青海", "count": 5}], params()))["tiles"]
    qinghai = next(t for t in tiles if t["name"] == "青海")
    assert qinghai["level"] == 5 and qinghai["url"]
    assert next(t for t in tiles if t["name"] == "西藏")["url"] is None


def test_templates_and_static_files_are_package_data():
    """Wheels carry templates/ (through the src/policysearch/templates symlink) and static/:
    every file there matches pyproject's package-data globs, as setuptools expands them.
    (Checked by hand too: pip wheel . && unzip -l dist/*.whl | grep templates/.)"""
    import glob
    import tomllib

    repo = Path(__file__).resolve().parents[1]
    package = repo / "src" / "policysearch"
    globs = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]["policysearch"]
    shipped = {Path(f).resolve() for g in globs for f in glob.glob(str(package / g), recursive=True)
               if Path(f).is_file()}
    wanted = [f for d in (repo / "templates", package / "static") for f in d.rglob("*") if f.is_file()]
    assert (package / "templates").resolve() == (repo / "templates").resolve()
    assert wanted and not [f for f in wanted if f.resolve() not in shipped]

"""What policy-library users expect, through Flask's test client on the demo corpus: issuer and
topic facets, the title-only switch, synonyms, completion, did-you-mean, and the small
things (quotes, topic paths, bylines, undated feed entries, JSON paging links)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from lxml import etree

from test_web import ATOM, QUERY, get_json, page


@pytest.fixture(scope="module")
def client(indexed_corpus):
    from policysearch import suggest
    from policysearch.web import create_app
    _, settings, _ = indexed_corpus
    suggest.completer(settings.index_dir, settings.cache_dir)   # as `serve` does at start
    return create_app({"SETTINGS": settings, "TESTING": True}).test_client()


def test_issuer_and_topic_facets_on_the_page_and_in_json(client):
    result = get_json(client, "/search.json?q=")
    issuer = result["facets"]["issuer"][0]
    doc, _ = page(client, "/search?sort=date")
    links = doc.xpath("//section[@data-facet='issuer']//a[@data-value]")
    assert links and links[0].get("data-value") == issuer["value"]
    topic = next(b for b in result["facets"]["topic"] if "\\" in b["value"])
    label = doc.xpath(f"//section[@data-facet='topic']//a[@data-value='{topic['value']}']"
                      "//span[@class='facet-value']")[0].text_content()
    assert "\\" not in label and " › " in label
    # ticking it filters, puts it on top and shows a chip
    url = links[-1].get("href")
    doc, _ = page(client, url)
    first = doc.xpath("//section[@data-facet='issuer']//a[@data-value]")[0]
    assert first.get("aria-pressed") == "true"
    assert doc.xpath("//a[@class='chip']")


def test_issuer_query_and_its_alias_in_json(client):
    a = get_json(client, "/search.json?q=issuer:国务院办公厅")
    b = get_json(client, "/search.json?q=发文机关:国务院办公厅")
    assert a["total"] == b["total"] > 0


def test_a_field_with_no_values_says_so_on_the_page(index_rows):
    from policysearch.web import create_app
    settings = index_rows([{"title": "某县召开会议", "text": "研究工作。"}])
    own = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    doc, text = page(own, "/search?q=issuer:国务院")
    assert "发文机关" in doc.xpath("//p[@class='notice']")[0].text_content()
    assert get_json(own, "/search.json?q=issuer:国务院")["messages"]


def test_operators_alone_match_nothing_on_the_page(client):
    doc, _ = page(client, "/search?q=OR")
    assert doc.xpath("//p[@class='stats']/@data-total") == ["0"]
    assert "运算符" in doc.xpath("//p[@class='notice']")[0].text_content()


def test_title_only_switch(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    switch = {a.text_content(): a.get("href") for a in doc.xpath("//nav[contains(@class,'scope')]/a")}
    assert set(switch) == {"全文", "仅标题"}
    doc, _ = page(client, switch["仅标题"])
    titles = [a.text_content() for a in doc.xpath("//li[@class='hit']//h2/a")]
    assert titles and all(QUERY in t for t in titles)
    assert doc.xpath("//form[@class='searchbox']//input[@name='scope']/@value") == ["title"]
    json_total = get_json(client, f"/search.json?q={QUERY}&scope=title")["total"]
    assert doc.xpath("//p[@class='stats']/@data-total") == [str(json_total)]
    assert get_json(client, f"/search.json?q={QUERY}&scope=x", status=400)["param"] == "scope"


def test_synonyms_are_shown_and_can_be_turned_off(client):
    on = get_json(client, "/search.json?q=发改委")
    off = get_json(client, "/search.json?q=发改委&synonyms=0")
    assert on["expanded"][0]["also"][0] == "国家发展改革委"
    assert on["total"] > off["total"] and off["synonyms"] is False
    doc, _ = page(client, "/search?q=发改委")
    note = doc.xpath("//p[contains(@class,'expanded')]")[0]
    assert "也搜索了" in note.text_content() and "国家发展改革委" in note.text_content()
    toggle = note.xpath(".//a[@data-synonyms-toggle]/@href")[0]
    assert parse_qs(urlsplit(toggle).query)["synonyms"] == ["0"]
    doc, _ = page(client, toggle)
    assert doc.xpath("//p[@class='stats']/@data-total") == [str(off["total"])]
    assert doc.xpath("//p[contains(@class,'expanded')]/@data-synonyms") == ["off"]
    assert get_json(client, "/search.json?q=发改委&synonyms=maybe", status=400)["param"] == "synonyms"


def test_suggest_is_opensearch_json(client):
    r = client.get("/suggest?q=国务")
    assert r.status_code == 200
    q, completions = r.get_json()
    assert q == "国务" and completions and all(c.startswith("国务") for c in completions)
    assert client.get("/suggest?q=" + "长" * 400).status_code == 400
    description = etree.fromstring(client.get("/opensearch.xml").data)
    templates = [u.get("template") for u in description.iter("{http://a9.com/-/spec/opensearch/1.1/}Url")
                 if u.get("type") == "application/x-suggestions+json"]
    assert templates and "/suggest?q={searchTerms}" in templates[0]


def test_dead_end_offers_a_close_spelling_and_no_exports(client):
    doc, text = page(client, "/search?q=国务完办公厅")
    offer = doc.xpath("//li[@class='suggestion-spelling']")[0]
    assert "国务院办公厅" in offer.text_content() and "篇" in offer.text_content()
    assert not doc.xpath("//p[@class='exports']")
    result = get_json(client, "/search.json?q=国务完办公厅")
    assert result["did_you_mean"][0]["q"] == "国务院办公厅"
    assert result["did_you_mean"][0]["total"] == get_json(client, "/search.json?q=国务院办公厅")["total"]


def test_json_twin_has_paging_links(client):
    result = get_json(client, f"/search.json?q={QUERY}&per_page=5&page=2")
    links = result["links"]
    assert parse_qs(urlsplit(links["next"]).query)["page"] == ["3"]
    assert "page" not in parse_qs(urlsplit(links["prev"]).query)
    assert urlsplit(links["next"]).path == "/search.json" and urlsplit(links["html"]).path == "/search"
    last = get_json(client, links["self"].replace("page=2", f"page={(result['total'] + 4) // 5}"))
    assert last["links"]["next"] is None


def test_quoted_query_is_not_wrapped_in_more_quotes(client):
    doc, _ = page(client, '/search?q="乡村振兴"')
    stats = doc.xpath("//p[@class='stats']")[0].text_content()
    assert '“"' not in stats and '"”' not in stats and '"乡村振兴"' in stats


def test_date_inputs_show_hints_not_values(client):
    doc, _ = page(client, f"/search?q={QUERY}")
    for placeholder in doc.xpath("//form[@class='dateform']//input[@name='from' or @name='to']/@placeholder"):
        assert not any(c.isdigit() for c in placeholder)


def test_article_meta_topic_path_and_byline_without_marker(client):
    result = get_json(client, "/search.json?q=topic:体育")
    hit = result["hits"][0]
    doc, _ = page(client, f"/article/{hit['id']}")
    row = doc.xpath("//dt[text()='主题分类']/following-sibling::dd[1]")[0].text_content()
    assert "\\" not in row and "›" in row
    news = get_json(client, "/search.json?q=&sort=date&per_page=100&doc_type=新闻")["hits"]
    marker_only = [h for h in news if h.get("byline") == "本报讯"]
    assert marker_only, "the demo newspaper page has 本报讯 articles"
    doc, _ = page(client, f"/article/{marker_only[0]['id']}")
    assert not doc.xpath("//dt[text()='作者']")


def test_atom_entries_without_a_date_do_not_claim_1970(client):
    r = client.get("/search.atom?q=")
    feed = etree.fromstring(r.data)
    stamps = [e.text for e in feed.iter(f"{ATOM}updated")]
    assert stamps and not any(s.startswith("1970") for s in stamps)


def test_doc_type_facet_hidden_when_one_value_holds_nearly_everything(client):
    from policysearch.web import ONE_VALUE_SHARE
    result = get_json(client, "/search.json?q=&doc_type=新闻")
    assert result["facets"]["doc_type"][0]["count"] >= ONE_VALUE_SHARE * result["total"]
    doc, _ = page(client, "/search?q=本报")
    counts = get_json(client, "/search.json?q=本报")["facets"]["doc_type"]
    shown = doc.xpath("//section[@data-facet='doc_type']")
    top_share = counts[0]["count"] / max(1, get_json(client, "/search.json?q=本报")["total"])
    assert bool(shown) == (top_share < ONE_VALUE_SHARE)


def test_year_chart_has_counts_and_a_no_date_bucket(client):
    result = get_json(client, f"/search.json?q={QUERY}")
    assert result["no_date"] > 0, "the demo corpus has undated articles"
    doc, _ = page(client, f"/search?q={QUERY}")
    counts = doc.xpath("//svg[@class='yearchart']//text[@class='bar-count']/text()")
    assert counts
    undated = doc.xpath("//svg[@class='yearchart']//g[@data-year='none']")
    assert undated and str(result["no_date"]) in undated[0].xpath("string(.//text[@class='bar-count'])")


def test_long_report_gets_a_table_of_contents_in_page_and_json(client):
    result = get_json(client, "/search.json?q=工作报告&doc_type=报告")
    report = result["hits"][0]
    art = get_json(client, f"/article/{report['id']}.json?q=创新")
    assert len(art["toc"]) >= 3 and "sections_html" not in art
    assert any(h["matches"] for h in art["toc"])
    doc, _ = page(client, f"/article/{report['id']}?q=创新")
    entries = doc.xpath("//nav[contains(@class,'toc-side')]//a[@data-toc]")
    assert len(entries) == len(art["toc"])
    for a in entries:
        assert doc.xpath(f"//div[@id='{a.get('data-toc')}']")
    assert doc.xpath("//a[@data-next-section]")
    marks = len(doc.xpath("//div[@class='article-body']//mark"))
    assert marks == sum(int(n) for n in doc.xpath("//div[@class='body-section']/@data-matches"))

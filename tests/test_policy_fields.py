"""Issuer, topic and document number in the query language and as facets; title-only scope;
queries of operators alone; the no-date count (on the demo corpus's State Council pages)."""
from __future__ import annotations

import pytest

from policysearch import metadata, search


@pytest.fixture(scope="module")
def demo(indexed_corpus):
    return indexed_corpus[1].index_dir


def run(index_dir, q="", **params):
    return search.search(index_dir, search.SearchRequest.from_params(q=q, **params))


def test_issuer_field_and_its_chinese_alias(demo):
    result = run(demo, "issuer:国务院办公厅", per_page=100)
    assert result["total"] > 0 and not result["messages"]
    for hit in result["hits"]:
        assert "国务院办公厅" in hit["issuer"]
    assert run(demo, "发文机关:国务院办公厅")["total"] == result["total"]


def test_issuer_query_matches_part_of_a_name_and_each_issuer_of_a_joint_document(demo):
    joint = [h for h in run(demo, "issuer:国家数据局", per_page=100)["hits"]]
    assert joint and all("国家数据局" in h["issuer"] for h in joint)
    assert any("、" in h["issuer"] for h in joint)     # 国家发展改革委、国家数据局


def test_doc_number_in_any_bracket_style(demo):
    some = next(h for h in run(demo, "issuer:国务院办公厅", per_page=100)["hits"]
                if h.get("doc_number") and "〔" in h["doc_number"])
    number = some["doc_number"]
    ascii_brackets = number.replace("〔", "[").replace("〕", "]")
    for q in (f"doc_number:{number}", f"发文字号:{ascii_brackets}"):
        result = run(demo, q)
        assert some["id"] in {h["id"] for h in result["hits"]}
        assert all(h["doc_number"] == number for h in result["hits"]), q


def test_topic_field_matches_a_level_of_the_path(demo):
    result = run(demo, "topic:体育", per_page=100)
    assert result["total"] > 0
    assert all("体育" in h["topic"] for h in result["hits"])


def test_issuer_and_topic_are_facets_counted_like_the_others(demo):
    result = run(demo, "")
    issuers = {b["value"]: b["count"] for b in result["facets"]["issuer"]}
    assert issuers["国务院办公厅"] > 0 and "国家数据局" in issuers
    assert "国家发展改革委、国家数据局" not in issuers      # joint documents count for each
    topics = result["facets"]["topic"]
    assert topics and any("\\" in b["value"] for b in topics)
    value = topics[0]["value"]
    filtered = run(demo, "", topic=[value])
    assert filtered["total"] == topics[0]["count"]
    assert all(h["topic"] == value for h in filtered["hits"])
    both = run(demo, "", issuer=["国务院办公厅"], topic=[value])
    assert both["total"] == next((b["count"] for b in both["facets"]["topic"] if b["value"] == value), 0)


def test_a_field_nothing_has_returns_nothing_and_says_so(index_rows):
    settings = index_rows([{"title": "某市召开座谈会", "text": "会议研究了有关工作。"}])
    for q, label in (("issuer:国务院办公厅", "发文机关"), ("topic:科技", "主题分类"),
                     ("doc_number:国发〔2024〕1号", "发文字号")):
        result = run(settings.index_dir, q)
        assert result["total"] == 0
        assert any(label in m for m in result["messages"]), result["messages"]
    assert run(settings.index_dir, "座谈会")["messages"] == []


@pytest.mark.parametrize("q", ["OR", "AND", "NOT", "OR AND NOT", "，。！"])
def test_operators_or_symbols_alone_match_nothing_and_say_so(demo, q):
    result = run(demo, q)
    assert result["total"] == 0 and result["hits"] == []
    assert result["messages"] and "运算符" in result["messages"][0]


def test_title_only_scope(demo):
    everywhere = run(demo, "发展", per_page=100)
    titles = run(demo, "发展", scope="title", per_page=100)
    assert 0 < titles["total"] < everywhere["total"]
    assert all("发展" in h["title"] for h in titles["hits"])
    assert titles["scope"] == "title"
    with pytest.raises(search.ParamError) as err:
        search.SearchRequest.from_params(q="发展", scope="abstract")
    assert err.value.param == "scope"


def test_no_date_count_is_what_the_year_buckets_leave_out(demo):
    result = run(demo, "")
    years = sum(b["count"] for b in result["facets"]["year"])
    assert result["no_date"] == result["total"] - years


def test_match_keys_do_not_confuse_numbers():
    values = metadata.keyed(["国办发〔2019〕4号", "国办发〔2019〕14号", "国发〔2019〕4号"])
    assert metadata.containing(values, "国办发[2019]4号") == ["国办发〔2019〕4号"]
    assert metadata.containing(values, "〔2019〕4号") == ["国办发〔2019〕4号", "国发〔2019〕4号"]
    # a whole number also matches in canonical form: 第 and leading zeros either side
    values = metadata.keyed(["国办发〔2019〕第4号", "国办发〔2019〕14号", "国发〔2019〕04号"])
    assert metadata.containing(values, "国办发[2019]4号") == ["国办发〔2019〕第4号"]
    assert metadata.containing(values, "国发（2019）第4号") == ["国发〔2019〕04号"]
    assert metadata.canonical_number("国办发（2018）第0121号") == "国办发〔2018〕121号"
    assert metadata.topic_path("卫生、体育\\体育") == "卫生、体育 › 体育"
    assert metadata.split_issuers("国家发展改革委、国家数据局") == ["国家发展改革委", "国家数据局"]


def test_year_of_writing_is_a_facet_and_a_filter(demo):
    result = run(demo, "")
    years = result["facets"]["written_year"]
    assert years and [b["value"] for b in years] == sorted((b["value"] for b in years), reverse=True)
    chosen = years[0]
    filtered = run(demo, "", written_year=[chosen["value"]], per_page=100)
    assert filtered["total"] == chosen["count"]
    assert all(h["written_date"].startswith(chosen["value"]) for h in filtered["hits"])
    assert run(demo, f"成文年份:{chosen['value']}")["total"] == chosen["count"]


def test_the_html_reader_keeps_the_date_of_writing(tmp_path):
    from policysearch.ingest import ingest_file
    page = tmp_path / "p.html"
    page.write_text("<html><body><table><tr><td>标题：</td><td>某某办法</td></tr>"
                    "<tr><td>成文日期：</td><td>2021年03月04日</td></tr>"
                    "<tr><td>发布日期：</td><td>2021年03月10日</td></tr></table>"
                    "<p>第一条 为了规范管理，制定本办法。</p></body></html>", "utf-8")
    articles, _ = ingest_file(page, tmp_path)
    article = articles[0]
    assert article.written_date == "2021-03-04" and article.date == "2021-03-10"

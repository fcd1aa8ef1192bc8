"""Ranking and republished copies on small real indexes: verbatim beats scattered, title
beats body, every hit scored, a document number or an exact title first, substantial
articles before one-line notices, copies collapsed into one hit, related articles on the
subject. Every article here is invented for the test."""
from __future__ import annotations

import json

import pytest

from policysearch import dedup, index, metadata, ranking, search
from policysearch.web import create_app

FILLER = "会议还研究了其他事项。各地区各部门要抓好落实，确保各项任务按期完成。"

DOCS = [
    # verbatim vs scattered
    {"title": "东湖片区建设进展", "text": "东湖片区的绿色算力枢纽今年投入运行。" + FILLER,
     "date": "2023-05-01"},
    {"title": "西岭县推动产业升级", "date": "2023-06-01",
     "text": "西岭县发展绿色产业，推进绿色转型。算力需求增长，算力设施扩容。交通枢纽改造，"
             "物流枢纽建设。" + FILLER},
    # title vs body
    {"title": "南港市培育碳汇交易市场", "text": "南港市出台办法，规范交易行为。" + FILLER,
     "date": "2022-03-01"},
    {"title": "北湾区召开经济工作会议", "date": "2024-03-01",
     "text": "会议提到碳汇交易市场建设，要求碳汇交易市场规范运行，碳汇交易市场扩容。" + FILLER},
    # document numbers
    {"title": "国务院办公厅关于推进山地旅游发展的意见", "doc_number": "国办发〔2031〕121号",
     "text": "各省、自治区、直辖市人民政府：推进山地旅游发展，经国务院同意，现提出以下意见。"
             + FILLER, "date": "2031-12-20"},
    {"title": "国务院办公厅关于河道采砂管理有关问题的通知", "doc_number": "国办发〔2031〕108号",
     "text": "河道采砂须依法许可。本通知涉及的第121号名录另行发布，国办发文件另行通知，"
             "2031年底前完成清理。" + FILLER, "date": "2031-11-02"},
    {"title": "山地旅游发展意见落实情况通报", "date": "2032-03-01",
     "text": "各地贯彻国办发〔2031〕121号文件，山地旅游发展势头良好。" + FILLER},
    # exact title
    {"title": "青川县湿地保护条例", "text": "第一条 为了保护湿地，制定本条例。" + FILLER,
     "date": "2029-01-01", "doc_type": "条例"},
    {"title": "学习《青川县湿地保护条例》座谈会召开", "date": "2029-02-01",
     "text": "座谈会交流学习青川县湿地保护条例的体会，青川县湿地保护条例明确了责任。" + FILLER},
    # a broad term: a substantial article, then one-line notices
    {"title": "关于加快发展低空经济的若干措施", "doc_type": "意见", "date": "2030-01-05",
     "text": "低空经济是战略性新兴产业。" + "。".join(
         f"第{n}条 支持低空经济企业开展第{n}项试点，完善低空经济基础设施" for n in range(1, 30))
     + "。"},
    {"title": "某部长出席低空经济论坛", "text": "某部长出席低空经济论坛并致辞。", "date": "2030-02-01"},
    {"title": "低空经济论坛闭幕", "text": "为期两天的低空经济论坛闭幕。", "date": "2030-02-03"},
    # a story republished on another day (and a different story on the same subject)
    {"title": "石湾镇稻田养鱼喜获丰收", "date": "2028-09-01",
     "text": "石湾镇推广稻田养鱼模式，今年亩均增收一千二百元。镇农技站组织技术员下田指导，"
             "帮助农户选种、投苗、防病。全镇参与农户达到三百多户，带动周边村庄共同发展。" + FILLER},
    {"title": "石湾镇稻田养鱼喜获丰收", "date": "2028-09-03",
     "text": "石湾镇推广稻田养鱼模式，今年亩均增收一千二百元。镇农技站组织技术员下田指导，"
             "帮助农户选种、投苗、防病。全镇参与农户达到三百多户，带动周边村庄共同致富。" + FILLER},
    {"title": "石湾镇举办稻田养鱼培训班", "date": "2028-05-01",
     "text": "石湾镇举办稻田养鱼技术培训班，八十多名农户参加学习，专家讲解投苗时机。" + FILLER},
    # related articles: a sports-industry piece among other subjects
    {"title": "关于加快发展冰雪运动产业的意见", "date": "2027-01-01",
     "text": "发展冰雪运动产业，建设冰雪场地，举办冰雪赛事。" + FILLER},
    {"title": "冰雪运动进校园活动启动", "date": "2027-02-01",
     "text": "冰雪运动进校园，学生体验冰雪项目。" + FILLER},
    {"title": "关于加快发展农机装备产业的意见", "date": "2027-03-01",
     "text": "发展农机装备产业，提升农机装备水平。" + FILLER},
    {"title": "关于加快推进产业扶贫的意见", "date": "2027-04-01",
     "text": "推进产业扶贫，发展特色产业。" + FILLER},
]


@pytest.fixture(scope="module")
def ix(tmp_path_factory, settings_factory):
    base = tmp_path_factory.mktemp("ranking")
    corpus = base / "corpus"
    corpus.mkdir()
    for n, doc in enumerate(DOCS):
        (corpus / f"r{n:02}.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n",
                                               "utf-8")
    settings = settings_factory(base / "index")
    assert index.update(corpus, settings)["articles"]["total"] == len(DOCS)
    return settings


def run(settings, q, **params):
    return search.search(settings.index_dir, search.SearchRequest.from_params(q=q, **params))


def first(settings, q, **params) -> str:
    return run(settings, q, **params)["hits"][0]["title"]


def test_verbatim_beats_scattered_words(ix):
    assert first(ix, "绿色算力枢纽") == "东湖片区建设进展"
    result = run(ix, "绿色 算力 枢纽")  # typed as words: adjacent and in order wins
    assert result["total"] == 2 and result["hits"][0]["title"] == "东湖片区建设进展"


def test_title_beats_body(ix):
    titles = [h["title"] for h in run(ix, "碳汇交易市场")["hits"]]
    assert titles == ["南港市培育碳汇交易市场", "北湾区召开经济工作会议"]


@pytest.mark.parametrize("q", ["碳汇 OR 算力 OR 稻田", "枢", "汇交", "会议 OR 湿地",
                               "湿地 OR doc_type:意见"])
def test_no_hit_scores_zero_while_others_score(ix, q):
    hits = run(ix, q, per_page=100)["hits"]
    assert hits and all(h["score"] > 0 for h in hits), [(h["title"], h["score"]) for h in hits]


@pytest.mark.parametrize("q", ["国办发〔2031〕121号", "国办发[2031]121号", "国办发(2031)121号",
                               "国办发（2031）121号", "国办发〔2031〕第121号", "国办发〔2031〕0121号"])
def test_document_number_first(ix, q):
    assert first(ix, q) == "国务院办公厅关于推进山地旅游发展的意见"


def test_one_document_number_match_for_field_queries_and_typed_numbers(ix):
    """The doc_number field, matched in canonical form as well as by containment, serves
    `doc_number:` queries and typed numbers alike (no separate number table)."""
    wanted = "国务院办公厅关于推进山地旅游发展的意见"
    for q in ("doc_number:国办发〔2031〕第121号", "doc_number:国办发[2031]0121号",
              "发文字号:〔2031〕121号", "国办发〔2031〕第121号"):
        assert [h["title"] for h in run(ix, q)["hits"]][:1] == [wanted], q
    assert run(ix, "doc_number:国办发〔2031〕121号")["total"] == 1
    assert run(ix, "doc_number:国办发")["total"] == 2          # containment, as before
    assert run(ix, "doc_number:〔2031〕12号")["total"] == 0     # 12号 is not in 121号
    gen = index.current_generation(ix.index_dir)
    assert not (gen / "doc_numbers.json").exists()


@pytest.mark.parametrize("q", ["青川县湿地保护条例", "《青川县湿地保护条例》"])
def test_exact_title_first(ix, q):
    assert first(ix, q) == "青川县湿地保护条例"


def test_broad_term_puts_the_substantial_article_first(ix):
    assert first(ix, "低空经济") == "关于加快发展低空经济的若干措施"


def test_copies_collapse_into_one_hit(ix):
    result = run(ix, "稻田养鱼")
    assert result["total"] == 3  # totals count articles
    assert result["stories"] == 2
    assert len(result["hits"]) == 2
    shown = result["hits"][0]
    assert shown["date"] == "2028-09-01"  # the earliest copy is shown …
    assert [c["date"] for c in shown["copies"]] == ["2028-09-03"]  # … listing the other
    assert result["hits"][1]["copies"] == []
    years = {f["value"]: f["count"] for f in result["facets"]["year"]}
    assert years == {"2028": 3}  # facet counts too


def test_copies_on_the_article_page_and_in_the_result_list(ix):
    client = create_app({"SETTINGS": ix, "TESTING": True}).test_client()
    page = client.get("/search?q=稻田养鱼").get_data(as_text=True)
    assert "另有 1 处刊发" in page and "合并为一条" in page
    shown = run(ix, "稻田养鱼")["hits"][0]
    article = client.get(f"/article/{shown['id']}.json").get_json()
    assert [c["id"] for c in article["copies"]] == [shown["copies"][0]["id"]]
    html = client.get(f"/article/{shown['id']}").get_data(as_text=True)
    assert "另有 1 处刊发" in html


def test_related_articles_share_the_subject(ix):
    shown = run(ix, "冰雪运动产业")["hits"][0]
    assert shown["title"] == "关于加快发展冰雪运动产业的意见"
    related = [r["title"] for r in search.related(ix.index_dir, shown["id"])]
    assert related == ["冰雪运动进校园活动启动"]


def test_nearness():
    assert ranking.nearness(["发展", "改革"], "推进发展和改革") > 0.8
    assert ranking.nearness(["发展", "改革"], "发展" + "其他内容" * 20 + "改革") < 0.2
    assert ranking.nearness(["发展", "改革"], "发展") == 0.0


def test_canonical_document_number():
    assert metadata.canonical_number("国办发[2018]121号") == "国办发〔2018〕121号"
    assert metadata.canonical_number("国办发（2018）第121号") == "国办发〔2018〕121号"
    assert metadata.canonical_number("没有文号") is None


def test_near_duplicates_by_bigram_jaccard():
    a = dedup.bigram_codes("标题", "石湾镇推广稻田养鱼模式，今年亩均增收一千二百元，参与农户三百多户。")
    b = dedup.bigram_codes("标题", "石湾镇推广稻田养鱼模式，今年亩均增收一千二百元，参与农户三百余户。")
    c = dedup.bigram_codes("标题", "青川县制定湿地保护条例，明确各部门职责和保护范围。")
    assert dedup.jaccard(a, b) >= dedup.JACCARD > dedup.jaccard(a, c)
    agree = (dedup.signature(a) == dedup.signature(b)).mean()
    assert agree > (dedup.signature(a) == dedup.signature(c)).mean()


def test_template_bulletins_with_other_figures_are_not_copies():
    day1 = ("卫生部门通报疫情", "卫生部门今天（3月4日）通报，3月3日新增病例12例，治愈出院30例，"
            "现有病例120例，累计报告病例3500例。各地继续做好防控工作。")
    day2 = ("卫生部门通报疫情", "卫生部门今天（3月5日）通报，3月4日新增病例9例，治愈出院41例，"
            "现有病例88例，累计报告病例3509例。各地继续做好防控工作。")
    a = (dedup.bigram_codes(*day1), dedup.numbers(*day1), 100)
    b = (dedup.bigram_codes(*day2), dedup.numbers(*day2), 101)
    assert dedup.jaccard(a[0], b[0]) > 0.5  # the template is shared …
    assert not dedup.copies_of(a, b)        # … the figures are not
    assert dedup.copies_of(a, (a[0], a[1], 110))
    assert not dedup.copies_of(a, (a[0], a[1], 100 + 365))  # the same words a year later

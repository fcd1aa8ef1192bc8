"""The newspaper splitter: the sample page against its gold file, and the general rules
(broken lines, bylines, credits, pull quotes, headlines) on small made-up pages."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policysearch import readers, split

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "dev" / "seed_page_gold.json"
PAGE = SHARED / "samples" / "newspaper" / "000_669bfbe561f8a9dd.txt"


def _squash(text: str | None) -> str:
    return re.sub(r"\s", "", text or "")


@pytest.fixture(scope="module")
def page():
    if not GOLD.exists() or not PAGE.exists():
        pytest.skip("needs ../shared/dev/seed_page_gold.json and ../shared/samples/newspaper")
    gold = json.loads(GOLD.read_text("utf-8"))
    articles, problems = readers.read_file(PAGE, PAGE.parent)
    return gold, articles, problems


def test_page_splits_into_the_gold_articles(page):
    gold, articles, problems = page
    assert problems == []
    assert [_squash(a.title) for a in articles] == [_squash(g["title"]) for g in gold["articles"]]


@pytest.mark.parametrize("n", range(5))
def test_page_article_matches_gold(page, n):
    gold, articles, _ = page
    g, a = gold["articles"][n], articles[n]
    assert a.byline == g["byline"]
    assert a.credit == g.get("credit"), a.credit
    body = _squash(a.body)
    for phrase in g.get("must_contain", []):
        assert _squash(phrase) in body, phrase
    for sentence in g.get("sentences_once", []):
        assert body.count(_squash(sentence)) == 1, sentence
    assert [_squash(s) for s in a.subheadings] == [_squash(s) for s in g.get("subheadings", [])]
    for heading in g.get("subheadings", []):
        assert _squash(heading) in body, "subheadings stay inside the article"
    if a.date is not None:
        assert a.date.startswith(str(g["year_if_known"]))
    assert a.doc_type == "新闻"
    assert "（" + (g.get("credit") or "@") + "）" not in a.body, "credit lifted out of the body"


def test_page_articles_have_files_and_ordinals(page):
    _, articles, _ = page
    assert [a.ordinal for a in articles] == list(range(5))
    assert {a.file for a in articles} == {PAGE.name}
    assert len({a.id for a in articles}) == 5


# ---------------------------------------------------------------- general rules

def test_lines_broken_mid_sentence_are_joined():
    text = "标题\n\n在推动技术创新方面，瞄准重点领域，开\n\n展有组织的科研攻关，争取突破。\n\n青海气候干燥、\n\n冷凉、洁净。"
    assert split.paragraphs(text) == ["标题", "在推动技术创新方面，瞄准重点领域，开展有组织的科研攻关，争取突破。",
                                      "青海气候干燥、冷凉、洁净。"]


def test_short_heading_is_not_joined_to_the_next_paragraph():
    text = "把人工智能作为一号创新工程\n\n记者在发布会上了解到，四川把人工智能作为一号创新工程。"
    assert len(split.paragraphs(text)) == 2


def test_latin_words_broken_across_lines_keep_a_space():
    text = "标题\n该项目在全省范围内推广应用先进技术，采用 new energy 和 smart\ngrid 技术，效果很好。"
    assert split.paragraphs(text) == [
        "标题", "该项目在全省范围内推广应用先进技术，采用 new energy 和 smart grid 技术，效果很好。"]


PAGE_TEXT = """\
2024年5月30日 星期四

科技赋能
某省加快发展新质生产力
——记某省创新驱动发展纪实

本报记者 张三 李四

近日，某省召开新闻发布会，介绍加快发展新质生产力的做法和成效，引起广泛关注。

加快打造创新平台

该省今年新建重点实验室12家，科技成果转化率明显提高，创新生态持续改善。

新建重点实验室12家，科技成果转化率明显提高。

下一步，该省将继续深化改革，推动科技创新和产业创新深度融合。（某讯）

另一省份出台促进条例

新华社某地5月29日电（记者 王五）另一省份日前出台促进条例，将于7月1日起施行，为产业发展提供法治保障。

条例共六章四十条，对创新发展、数字赋能、绿色转型等作出规定。
"""


def test_multi_line_headlines_bylines_credits_and_pull_quotes():
    pieces = split.split_page(PAGE_TEXT)
    assert [p.title for p in pieces] == ["科技赋能 某省加快发展新质生产力——记某省创新驱动发展纪实",
                                         "另一省份出台促进条例"]
    first, second = pieces
    assert first.byline == "本报记者 张三 李四"
    assert first.credit == "某讯"
    assert first.subheadings == ["加快打造创新平台"]
    assert first.dropped == ["新建重点实验室12家，科技成果转化率明显提高。"]
    assert "加快打造创新平台" in first.body and "（某讯）" not in first.body
    assert second.byline == "新华社某地5月29日电（记者 王五）"
    assert second.body.startswith("新华社某地5月29日电（记者 王五）另一省份日前出台促进条例")


def test_page_date_from_masthead_and_dateline(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE_TEXT, encoding="utf-8")
    articles, _ = readers.read_file(path, tmp_path)
    assert [a.date for a in articles] == ["2024-05-30", "2024-05-30"]
    assert {a.date_from for a in articles} == {"text"}


def test_article_after_a_credit_without_byline_starts_a_new_article():
    text = ("甲省发布新政策\n\n本报讯 甲省日前发布新政策，支持企业创新发展，效果明显。（甲文）\n\n"
            "乙省工业稳步增长\n\n乙省工业和信息化厅发布数据显示，前4个月全省工业增加值同比增长8%。")
    pieces = split.split_page(text)
    assert [p.title for p in pieces] == ["甲省发布新政策", "乙省工业稳步增长"]
    assert pieces[1].byline is None


def test_near_duplicate_pull_quote_keeps_the_fuller_sentence():
    paras = ["川渝产业协同符合自身发展需求，也符合产业发展的规律，前景十分广阔。",
             "当前，两省市积极承接国家重大生产力布局。川渝产业协同符合自身发展需求，也符合产业发展的规律，方兴未艾，前景十分广阔。"]
    kept, dropped = split.drop_pull_quotes(paras)
    assert kept == paras[1:] and dropped == paras[:1]


def test_distinct_short_paragraphs_are_kept():
    paras = ["第一，加快建设重点项目。", "第二，加快培育新兴产业。", "第三，持续优化营商环境。"]
    assert split.drop_pull_quotes(paras) == (paras, [])


def test_one_article_text_title_from_headline_lines():
    pieces = split.split_page("江西出台\n先进制造业促进条例\n\n近日，《江西省先进制造业促进条例》新闻发布会在南昌举行。\n")
    assert len(pieces) == 1
    assert pieces[0].title == "江西出台先进制造业促进条例"     # one headline broken in two
    assert pieces[0].body == "近日，《江西省先进制造业促进条例》新闻发布会在南昌举行。"


PAGE_WITH_FURNITURE = """\
中国工业报
2024年6月4日 星期二
第2版 要闻

工信部召开新闻发布会
前4个月工业经济稳中向好

□本报记者 张三

6月3日，工业和信息化部召开新闻发布会，介绍前4个月工业经济运行情况。数据显示，
前4个月全国规模以上工业增加值同比增长6.3%，制造业增加值同比增长6.7%。
新闻发言人表示，下一步将加力推动大规模设备更新，巩固工业经济回升向好势头。（本报记者 张三）

外贸“压舱石”作用进一步显现

新华社北京6月3日电 海关总署3日发布数据显示，前5个月我国货物贸易进出口总值同比增长6.3%，
其中出口增长6.1%，进口增长6.4%，外贸继续保持稳定增长。
责任编辑：李四
"""


def test_page_furniture_is_not_a_headline_and_bullets_leave_the_byline():
    pieces = split.split_page(PAGE_WITH_FURNITURE)
    assert [p.title for p in pieces] == ["工信部召开新闻发布会 前4个月工业经济稳中向好", "外贸“压舱石”作用进一步显现"]
    first, second = pieces
    assert first.byline == "本报记者 张三"
    assert first.credit == "本报记者 张三"
    assert "数据显示，前4个月全国规模以上工业增加值" in first.body
    assert second.byline == "新华社北京6月3日电"
    assert "其中出口增长6.1%" in second.body and "海关总署3日发布数据显示" in second.body


def test_a_line_is_joined_to_a_next_line_that_opens_with_punctuation():
    assert split.paragraphs("标题\n在国新办举行的新闻发布会上\n，四川省省长表示，要加快发展。") == [
        "标题", "在国新办举行的新闻发布会上，四川省省长表示，要加快发展。"]


def test_photo_credit_is_not_a_byline():
    assert not split.is_byline("本报记者 张三摄")
    assert split.is_byline("本报记者 张三")


# ---------------------------------------------------------------- pages built from real news

def _scan_lines(paragraph: str, rng) -> list[str]:
    """Break a paragraph where a scanned column might end."""
    lines = []
    while len(paragraph) > 70 and rng.random() < 0.5:
        cut = rng.randint(20, min(len(paragraph) - 5, 120))
        lines.append(paragraph[:cut])
        paragraph = paragraph[cut:]
    return lines + [paragraph]


def _made_up_page(articles: list[dict], rng) -> str:
    """A page in scan layout: headline, byline or 本报讯, broken lines, a pull quote, credits."""
    lines = []
    for a in articles:
        lines.append(a["title"])
        paras = [re.sub(r"^央视网消息[（(]新闻联播[)）]：", "", p.strip())
                 for p in a["text"].split("\n") if p.strip()]
        if rng.random() < 0.5:
            paras[0] = "本报讯 " + paras[0]
        else:
            lines.append("本报记者 " + rng.choice(["张三", "李四 王五"]))
        source = [s for s in re.findall(r"[^。！？]*[。！？]", max(paras, key=len))]
        quote = next((s for s in source if 12 < len(s) < 60), None) if len(source) > 1 else None
        for k, p in enumerate(paras):
            lines += _scan_lines(p, rng)
            if k == 0 and quote and len(paras) > 2:
                lines.append(quote)
        lines[-1] += "（" + rng.choice(["青讯", "宁文", "甘文"]) + "）"
    return rng.choice(["\n\n", "\n"]).join(lines)


def test_pages_made_from_labelled_news_split_back():
    labels = SHARED / "dev" / "labels.jsonl"
    if not labels.exists():
        pytest.skip("needs ../shared/dev/labels.jsonl")
    import random

    rng = random.Random(5)
    rows = [json.loads(x) for x in labels.read_text("utf-8").splitlines() if x.strip()]
    rows = [r for r in rows if 200 < len(r["text"]) < 3000 and "快讯" not in r["title"]]
    failures = []
    pages = [rows[k:k + 4] for k in range(0, len(rows) - 3, 4)]
    for group in pages:
        pieces = split.split_page(_made_up_page(group, rng))
        if [_squash(p.title) for p in pieces] != [_squash(a["title"]) for a in group]:
            failures.append(("titles", [p.title for p in pieces]))
            continue
        for piece, a in zip(pieces, group):
            want = _squash(re.sub(r"^央视网消息[（(]新闻联播[)）]：", "", a["text"]))
            if _squash(piece.body).replace("本报讯", "") != want:
                failures.append(("body", a["title"]))
    assert len(failures) <= len(pages) // 20, failures


@pytest.mark.parametrize("text", [
    "习近平在参加江苏代表团审议时强调：\n因地制宜发展新质生产力\n\n本报北京3月5日电 近日，习近平参加审议。\n",
    "习近平在参加江苏代表团审议时强调：\n因地制宜发展新质生产力\n本报北京3月5日电 近日，习近平参加审议。\n",
])
def test_kicker_ending_in_a_colon_is_part_of_the_title(text):
    piece, = split.split_page(text)
    assert piece.title == "习近平在参加江苏代表团审议时强调：因地制宜发展新质生产力"
    assert piece.body == "本报北京3月5日电 近日，习近平参加审议。"


# ---------------------------------------------------------------- joining headline pieces

@pytest.mark.parametrize("lines,expected", [
    # one headline broken in two: no space
    (["江西出台", "先进制造业促进条例"], "江西出台先进制造业促进条例"),          # verb waiting for its object
    (["宁夏工业增速", "继续位居全国第一"], "宁夏工业增速继续位居全国第一"),      # subject, then predicate
    (["甘肃发布工业互联网标识解析体系", "创新发展实施方案"],
     "甘肃发布工业互联网标识解析体系创新发展实施方案"),                         # a document's name goes on
    (["国务院办公厅关于印发《政府网站集约化", "试点工作方案》的通知"],
     "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"),               # 《 still open
    (["国务院关于支持自由贸易试验区", "深化改革创新若干措施的通知"],
     "国务院关于支持自由贸易试验区深化改革创新若干措施的通知"),
    (["四川出台支持人工智能发展的", "若干政策措施"], "四川出台支持人工智能发展的若干政策措施"),  # ends in 的
    # two headlines, a 引题 and its 主题: a space
    (["聚焦高质量发展", "四川算力产业驶入快车道"], "聚焦高质量发展 四川算力产业驶入快车道"),
    (["聚焦高质量发展", "四川出台制造业实施方案"], "聚焦高质量发展 四川出台制造业实施方案"),
    (["新规出台", "企业减负"], "新规出台 企业减负"),
    (["坚持绿色发展", "加快建设美丽中国"], "坚持绿色发展 加快建设美丽中国"),
    (["工信部召开新闻发布会", "前4个月工业经济稳中向好"], "工信部召开新闻发布会 前4个月工业经济稳中向好"),
    # punctuation or a dash already separates
    (["习近平在四川考察时强调：", "坚持创新驱动"], "习近平在四川考察时强调：坚持创新驱动"),
    (["奋进新征程", "——记全国劳动模范张三"], "奋进新征程——记全国劳动模范张三"),
    (["5G", "基站建设提速"], "5G 基站建设提速"),
    (["同一标题", "同一标题"], "同一标题"),
])
def test_join_title_lines(lines, expected):
    assert split.join_title(lines) == expected


@pytest.mark.parametrize("line,expected", [
    ("江西出台  先进制造业促进条例", "江西出台先进制造业促进条例"),
    ("宁夏工业增速 继续位居全国第一", "宁夏工业增速继续位居全国第一"),
    ("冷空气东移 北方大部降温明显", "冷空气东移 北方大部降温明显"),
    ("3月外贸进出口稳中有升 结构持续优化", "3月外贸进出口稳中有升 结构持续优化"),
    ("国家发展改革委 国家数据局关于建立价格形成机制的通知", "国家发展改革委 国家数据局关于建立价格形成机制的通知"),
])
def test_spaces_of_a_scanned_headline_are_breaks(line, expected):
    assert split.join_title([line], spaced_breaks=True) == expected
    assert split.join_title([line]) == " ".join(line.split())     # metadata titles as written


def test_sample_page_titles_join_as_one_headline():
    page = Path(__file__).resolve().parents[1] / "corpus" / "newspaper" / "000_669bfbe561f8a9dd.txt"
    if not page.exists():
        pytest.skip("needs corpus/newspaper")
    from policysearch import readers

    titles = [a.title for a in readers.read_file(page)[0]]
    assert "江西出台先进制造业促进条例" in titles and "宁夏工业增速继续位居全国第一" in titles


def test_a_chapter_heading_under_the_name_is_text_not_a_subtitle():
    piece, = split.split_page("网络数据安全管理条例\n第一章\n\u3000\n总 则\n第一条\n为了规范网络数据处理活动，制定本条例。\n")
    assert piece.title == "网络数据安全管理条例"
    assert piece.body.startswith("第一章\n总 则\n第一条")

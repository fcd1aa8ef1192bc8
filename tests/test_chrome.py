"""Page chrome: web-page furniture leaves the top and bottom of a body; no sentence is lost.

Each kind of furniture has its own test, written as the sites wrote it (one widget word a
line, labels with the value on the next line); then the guarantees: the middle of a body is
never touched, lifted metadata fills only what an article lacks, and on the bundled
provincial reports every removed line is furniture or a repeat."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from policysearch import readers
from policysearch.article import Article
from policysearch.readers import chrome

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
REPORTS = CORPUS / "gov-reports-2026-csv"

TITLE = "2026年某省政府工作报告"
SPEECH = ["——2026年1月27日在某省第十四届人民代表大会第四次会议上", "省长 王某某", "各位代表："]
PROSE = ["现在，我代表省人民政府，向大会报告工作，请予审议。",
         "一、2025年工作回顾",
         "过去一年，全省经济稳中有进，地区生产总值增长5.2%。"]


def body(*head: str, tail: tuple[str, ...] = ()) -> str:
    return "\n".join([*head, *SPEECH, *PROSE, *tail])


def cleaned(text: str, title: str = TITLE) -> chrome.Cleaned:
    return chrome.clean(text, title)


def expect_clean(result: chrome.Cleaned) -> None:
    assert result.body == "\n".join(SPEECH + PROSE), result.body


# ---------------------------------------------------------------- each kind of furniture

def test_ui_word_run_and_font_size_widget():
    text = body("下载", "打印", "全屏", "收藏", "【字号：", "加大", "还原", "减小", "】", TITLE)
    expect_clean(cleaned(text))


def test_font_widget_on_one_line_and_spread_over_lines():
    expect_clean(cleaned(body("【字体： 大 中 小 】")))
    expect_clean(cleaned(body("【字体：", "大", "中", "小", "】")))
    expect_clean(cleaned(body("【字体：", "小", "中", "大", "】")))


def test_breadcrumb_trail_over_lines_with_the_section_repeated():
    text = body("您的位置:", "首页", ">", "云南要闻", "云南要闻", TITLE)
    expect_clean(cleaned(text))


def test_breadcrumb_trail_on_one_line():
    expect_clean(cleaned(body("当前位置：首页 > 政务信息 > 宁夏要闻", TITLE)))
    expect_clean(cleaned(body("您的位置: 首页 > 云南要闻 >")))


def test_share_print_and_view_counter_lines():
    expect_clean(cleaned(body("分享：", "分享:", "阅读量：", "阅读量：1024", "【打印本页】")))


def test_source_label_is_lifted_with_its_value_on_the_same_or_the_next_line():
    one = cleaned(body("来源：解放日报", "时间：2026-02-09"))
    expect_clean(one)
    assert (one.source, one.date) == ("解放日报", "2026-02-09")
    two = cleaned(body("来源:", "四川日报", "【字体：", "大", "中", "小", "】", "分享："))
    expect_clean(two)
    assert two.source == "四川日报"


def test_publish_time_label_and_bare_timestamps_give_the_page_date():
    result = cleaned(body("发表时间：", "2026-02-09 09:45:30", "来源：", "宁夏日报客户端", "阅读量："))
    expect_clean(result)
    assert (result.source, result.date) == ("宁夏日报客户端", "2026-02-09")
    assert cleaned(body("2026-02-03 09:02:33", "来源：云南日报")).date == "2026-02-03"
    assert cleaned(body("2026年02月10日 07时41分")).date == "2026-02-10"


def test_repeated_title_lines_are_dropped_also_when_printed_over_several_lines():
    expect_clean(cleaned(body(TITLE, "政府工作报告")))
    title = "国务院办公厅关于印发《政府网站集约化试点工作方案》的通知"
    text = "国务院办公厅关于印发《政府网站集约化\n试点工作方案》的通知\n国办函〔2018〕71号\n各省人民政府：\n现将方案印发给你们，请认真贯彻执行。"
    assert chrome.clean(text, title).body.startswith("国办函〔2018〕71号\n")


def test_header_printed_above_and_below_the_breadcrumb_is_kept_once():
    header = "2026年1月27日在某省第十四届人民代表大会第四次会议上 某省省长 王某"
    text = "\n".join(["分享:", TITLE, header, "首页", ">", "政府信息公开", ">", "省政府工作报告",
                     TITLE, header, "时间：", "2026-02-02 09:20", "来源：", "某省人民政府", "分享:",
                     *PROSE])
    result = cleaned(text)
    assert result.body == "\n".join([header, *PROSE])
    assert result.source == "某省人民政府"


def test_bottom_furniture_related_links_and_repeats_of_the_opening():
    tail = ("责任编辑：", "李某某", "扫一扫在手机打开当前页", "相关链接>>",
            "abcd39f1fb7f426d9dfb6bd0fa1f2146:", "某省人民代表大会关于政府工作报告的决议",
            "打印本页", "关闭窗口", TITLE, "现在，我代表省人民政府，向大会报告工作，请予审议。")
    expect_clean(cleaned(body(tail=tail)))
    expect_clean(cleaned(body(tail=("（来源：青海日报）", "编辑：何某某"))))
    expect_clean(cleaned(body(tail=("》》点击图片进入专题《《", "收藏", "|", "分享到:", "分享到微信", "×",
                                    "相关文档："))))
    expect_clean(cleaned(body(tail=("【", "打印本页", "】", "【", "关闭窗口", "】"))))


def test_site_footer_with_a_navigation_list():
    tail = ("按 地 方 查", "北京", "天津", "河北", "按 市（州 ）查", "成都", "自贡", "网站地图",
            "联系我们", "主办单位：某省人民政府办公厅", "网站标识码5100000062", "蜀ICP备 13001288号",
            "川公网安备 51010402000507号", "微信公众号", "政务微博", "头条号")
    expect_clean(cleaned(body(tail=tail)))


def test_a_site_footer_pasted_mid_page_goes_as_a_block():
    text = "\n".join(["第六十四条", "本条例自2025年1月1日起施行。", "登录", "注册", "链接：", "全国人大", "|",
                      "全国政协", "主办单位：国务院办公厅", "版权所有：中国政府网 中文域名：", "中国政府网.政务",
                      "京ICP备05070218号", "网络数据安全管理条例",
                      "《网络数据安全管理条例》已经国务院常务会议通过，现予公布。"])
    result = chrome.clean(text, "网络数据安全管理条例")
    assert result.body == ("第六十四条\n本条例自2025年1月1日起施行。\n"
                           "《网络数据安全管理条例》已经国务院常务会议通过，现予公布。")


# ---------------------------------------------------------------- nothing of the text is lost

def test_furniture_words_inside_sentences_and_the_middle_stay():
    middle = ["用户可在政务服务网下载申请表，打印后提交。", "下载", "分享：", "阅读量：12",
              "来源：国家统计局", "【字号：", "大", "】"]
    text = "\n".join(["下载", "打印", *SPEECH, PROSE[0], *middle, *PROSE[1:]])
    result = cleaned(text)
    assert result.body == "\n".join([*SPEECH, PROSE[0], *middle, *PROSE[1:]])
    assert result.source is None    # only the top and bottom are read for metadata


def test_speech_header_lines_stay():
    result = cleaned(body("下载"))
    for line in SPEECH:
        assert line in result.body.split("\n")


def test_table_of_contents_headings_repeated_in_the_text_stay():
    text = "（2021年8月20日通过）\n目 录\n第一章 总 则\n第二章 附 则\n第一章 总 则\n第一条\n为了保护个人信息，制定本法。"
    assert chrome.clean(text, "中华人民共和国个人信息保护法").body == text


def test_a_body_of_furniture_only_is_kept_rather_than_emptied():
    assert chrome.clean("下载\n打印", "标题").body == "下载\n打印"


def test_a_short_closing_line_found_earlier_is_not_a_repeat():
    text = "国务院各部委要抓好落实。\n国务院\n2018年11月5日"
    assert chrome.clean(text, "国务院关于某事的通知").body == text


# ---------------------------------------------------------------- lifted metadata

def test_apply_fills_only_what_the_article_lacks():
    article = Article(title=TITLE, body=body("来源：某日报", "时间：2026-02-09"))
    chrome.apply(article)
    assert (article.source, article.date, article.date_from) == ("某日报", "2026-02-09", "text")
    article = Article(title=TITLE, body=body("来源：某日报", "时间：2026-02-09"), source="CSV 来源")
    article.set_date("2026-02-01", "metadata")
    chrome.apply(article)
    assert (article.source, article.date, article.date_from) == ("CSV 来源", "2026-02-01", "metadata")


def test_apply_refines_a_year_but_never_replaces_another():
    article = Article(title=TITLE, body=body("时间：2026-02-09"))
    article.set_date("2026", "metadata")
    chrome.apply(article)
    assert article.date == "2026-02-09"
    article = Article(title=TITLE, body=body("时间：2026-02-09"))
    article.set_date("2025", "metadata")
    chrome.apply(article)
    assert article.date == "2025"


def test_csv_reader_cleans_bodies_and_lifts_the_source(tmp_path):
    path = tmp_path / "2026_某省_政府工作报告.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["title", "publish_date", "full_text"])
        writer.writerow([TITLE, "2026-02-09", body("下载", "打印", TITLE, "来源：某日报")])
    article = readers.read_file(path, tmp_path)[0][0]
    assert article.body == "\n".join(SPEECH + PROSE)
    assert (article.source, article.date) == ("某日报", "2026-02-09")


@pytest.mark.skipif(not REPORTS.is_dir(), reason="needs corpus/gov-reports-2026-csv")
def test_provincial_reports_lose_only_furniture_and_repeats():
    csv.field_size_limit(2**31 - 1)
    files = sorted(REPORTS.glob("*.csv"))
    assert len(files) == 31
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            row = next(csv.DictReader(fh))
        article = readers.read_file(path, CORPUS)[0][0]
        first = article.body.split("\n")[0]
        assert not re.match(r"(下载|您的位置|当前位置|分享|2026年.*政府工作报告$)", first), (path.name, first)
        lines = article.body.split("\n")
        assert "【字号：" not in lines and "相关报道：" not in lines, path.name
        kept = chrome.dense(article.body)
        for line in row["full_text"].split("\n"):
            key = chrome.dense(line)
            if re.search(r"[。！？；]", key) and len(key) > 40:
                assert key in kept, (path.name, line)      # every sentence of the text stays
        if "来源：" in row["full_text"][:400] or "来源:" in row["full_text"][:400]:
            assert article.source, path.name

"""Readers: every format into articles with the right metadata; scan, sidecars, fingerprints.

The sample corpus files are read from ../shared (skipped when absent); the rest are small
files written to tmp_path by the tests themselves."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from policysearch import readers
from policysearch.readers import doctype

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = SHARED / "samples"


CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def samples(*parts: str) -> Path:
    """A sample file: the repo's corpus/ copy, else ../shared/samples (skip if neither)."""
    for base in (CORPUS, SAMPLES):
        path = base.joinpath(*parts)
        if path.exists():
            return path
    pytest.skip(f"needs corpus/{'/'.join(parts)} or ../shared/samples/{'/'.join(parts)}")


def read_one(path: Path, root: Path | None = None):
    articles, problems = readers.read_file(path, root)
    assert len(articles) == 1, [a.title for a in articles]
    return articles[0], problems


# ---------------------------------------------------------------- government HTML pages

def _table_value(html: str, label: str) -> str:
    """The value cell after a label cell of the government metadata table."""
    pattern = r"\s*".join(label) + r"\s*[：:]\s*</b>\s*</td>\s*<td[^>]*>(.*?)</td>"
    m = re.search(pattern, html.replace("　", " "), re.S)
    assert m, label
    return re.sub(r"<[^>]+>|\s", "", m.group(1))


def _day(value: str) -> str:
    y, mo, d = re.match(r"(\d{4})年(\d{1,2})月(\d{1,2})日", value).groups()
    return f"{y}-{int(mo):02d}-{int(d):02d}"


def test_every_govcn_page_has_its_metadata_table_fields():
    folder = samples("govcn-html")
    pages = sorted(folder.glob("*.htm"))
    assert len(pages) == 60
    for page in pages:
        html = page.read_text("utf-8")
        article, problems = read_one(page, folder)
        assert problems == [], page.name
        assert re.sub(r"\s", "", article.title) == _table_value(html, "标题"), page.name
        assert article.date == _day(_table_value(html, "发布日期")), page.name
        assert (article.date_precision, article.date_from) == ("day", "metadata")
        assert article.issuer == _table_value(html, "发文机关"), page.name
        assert (article.doc_number or "") == _table_value(html, "发文字号"), page.name
        assert article.topic == _table_value(html, "主题分类") or None
        assert "索引号" not in re.sub(r"\s", "", article.body), "metadata table left in body"
        assert len(article.body) > 100
        assert article.doc_type is not None, article.title


def test_govcn_page_body_is_the_main_text():
    page = samples("govcn-html", "content_5338761.htm")
    article, _ = read_one(page)
    assert article.file == "content_5338761.htm"
    assert article.doc_type == "通知"
    assert "各省、自治区、直辖市人民政府" in article.body
    assert "主 题 词" not in article.body and "主题词" not in article.body


def test_html_meta_tags_and_boilerplate(tmp_path):
    page = tmp_path / "news.shtml"
    page.write_text("""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>青海推进绿色算力_新闻_某某网</title>
<meta name="ArticleTitle" content="青海全力推进绿色算力产业发展">
<meta name="PubDate" content="2024-05-30 09:12">
<meta name="ContentSource" content="青海日报">
<meta property="og:url" content="http://example.cn/a/1.shtml">
</head><body>
<div class="nav"><a href="/">首页</a> &gt; <a>新闻</a></div>
<div class="article"><h1>青海全力推进绿色算力产业发展</h1>
<p>近日，青海省召开新闻发布会，介绍绿色算力产业发展情况。</p>
<p>青海具有丰沛的清洁能源，发展绿色算力优势明显。</p></div>
<div class="footer">版权所有 某某网</div>
<script>var x = "不应出现";</script>
</body></html>""", encoding="utf-8")
    article, _ = read_one(page, tmp_path)
    assert article.title == "青海全力推进绿色算力产业发展"
    assert (article.date, article.date_from) == ("2024-05-30", "metadata")
    assert article.source == "青海日报"
    assert article.url == "http://example.cn/a/1.shtml"
    assert article.doc_type == "新闻"
    assert "青海具有丰沛的清洁能源" in article.body
    for junk in ("首页", "版权所有", "不应出现"):
        assert junk not in article.body


def test_html_labelled_lines_outside_a_table(tmp_path):
    page = tmp_path / "notice.html"
    page.write_text("""<html><body><div class="info"><span>发文机关：某省人民政府办公厅</span>
<span>发文字号：某政办发〔2024〕12号</span><span>发布日期：2024-03-05</span></div>
<div id="zoom"><p>某省人民政府办公厅关于加快发展数字经济的实施意见</p>
<p>各市（州）人民政府，省政府各部门：现提出如下实施意见，请认真贯彻执行。</p></div>
</body></html>""", encoding="utf-8")
    article, _ = read_one(page)
    assert article.issuer == "某省人民政府办公厅"
    assert article.doc_number == "某政办发〔2024〕12号"
    assert article.date == "2024-03-05"
    assert article.title == "某省人民政府办公厅关于加快发展数字经济的实施意见"
    assert article.doc_type == "意见"
    assert "发文机关" not in article.body


# ---------------------------------------------------------------- CSV

def test_every_provincial_report_has_its_csv_date_and_province():
    folder = samples("gov-reports-2026-csv")
    files = sorted(folder.glob("*.csv"))
    assert len(files) == 31
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            row = next(csv.DictReader(fh))
        article, problems = read_one(path, folder)
        assert problems == []
        assert (article.date, article.date_from) == (row["publish_date"], "metadata"), path.name
        assert article.title == row["title"].strip()
        assert article.url == row["source_url"]
        assert article.doc_type == "报告"
        assert len(article.provinces) == 1 and row["province"].startswith(article.provinces[0])
        assert len(article.body) > 5000


def test_csv_chinese_headers_and_short_rows(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("标题,正文,发布日期,省份\n"
                    "四川发布新政,四川省日前发布新政。,2024年5月30日,四川省\n"
                    "只有标题的一行\n"
                    "广西出台方案,广西壮族自治区出台实施方案。,2024-06-01,广西壮族自治区\n",
                    encoding="utf-8")
    articles, problems = readers.read_file(path, tmp_path)
    assert [a.title for a in articles] == ["四川发布新政", "只有标题的一行", "广西出台方案"]
    assert [a.provinces for a in articles] == [["四川"], [], ["广西"]]
    assert articles[0].date == "2024-05-30"
    assert problems == ["row 3: 1 fields, header has 4"]
    assert [a.ordinal for a in articles] == [0, 1, 2]


def test_csv_without_title_or_text_column_is_rejected(tmp_path):
    path = tmp_path / "numbers.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(readers.ReadError, match="no title or text column"):
        readers.read_file(path)


# ---------------------------------------------------------------- JSON and JSONL

def test_jsonl_with_its_own_english_field_names(tmp_path):
    rows = [{"headline": "四川发布算力新政", "content": "四川省日前发布支持算力产业发展的若干政策。\n政策提出加快建设。",
             "pubDate": "2024-05-30T08:00:00+08:00", "media": "四川日报", "link": "http://x/1"},
            {"news_title": "重庆推进制造业", "article_body": "重庆市推进制造业高质量发展。",
             "release_time": "2024/06/02 10:00", "outlet": "重庆日报"},
            {"Title": "时间戳", "Body": "正文。", "timestamp": 1717027200}]
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    articles, problems = readers.read_file(path, tmp_path)
    assert problems == []
    assert [a.title for a in articles] == ["四川发布算力新政", "重庆推进制造业", "时间戳"]
    assert [a.date for a in articles] == ["2024-05-30", "2024-06-02", "2024-05-30"]
    first = articles[0]
    assert (first.source, first.url, first.date_from) == ("四川日报", "http://x/1", "metadata")
    assert first.body == "四川省日前发布支持算力产业发展的若干政策。\n政策提出加快建设。"
    assert articles[1].body == "重庆市推进制造业高质量发展。"
    assert {a.doc_type for a in articles} == {"新闻"}


def test_json_with_chinese_field_names_in_a_container(tmp_path):
    data = {"total": 2, "data": [
        {"标题": "国务院关于某事项的通知", "正文": "各省、自治区、直辖市人民政府：现通知如下。",
         "发布时间": "2024年6月1日", "发文机关": "国务院", "文号": "国发〔2024〕1号", "链接": "http://x/2"},
        {"标题": "青海绿色算力", "内容": "青海省加快绿色算力产业发展。", "日期": "2024-06", "来源": "青海日报",
         "省份": ["青海省"]}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    articles, _ = readers.read_file(path, tmp_path)
    notice, news = articles
    assert (notice.issuer, notice.doc_number, notice.doc_type) == ("国务院", "国发〔2024〕1号", "通知")
    assert (notice.date, notice.url) == ("2024-06-01", "http://x/2")
    assert (news.date, news.date_precision, news.provinces) == ("2024-06", "month", ["青海"])
    assert news.source == "青海日报"


def test_json_object_that_is_one_article(tmp_path):
    path = tmp_path / "one.json"
    path.write_text('{"title": "单篇", "text": "单篇文章的正文。", "date": "2023-01-02"}', encoding="utf-8")
    article, _ = read_one(path)
    assert (article.title, article.date) == ("单篇", "2023-01-02")


def test_record_html_body_is_turned_into_text(tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps({"title": "t", "content": "<p>第一段。</p><p>第二段<script>x()</script></p>"}),
                    encoding="utf-8")
    article, _ = read_one(path)
    assert article.body == "第一段。\n第二段"


# ---------------------------------------------------------------- plain text

BODY = ("本报北京5月29日电（记者 王某）5月29日，国家发展改革委举行新闻发布会，介绍推动新型工业化的有关情况。\n\n"
        "发布会上，有关负责人表示，今年以来工业经济持续回升向好，1—4月份规模以上工业增加值同比增长6.3%。\n\n"
        "下一步，将持续推动制造业高端化、智能化、绿色化发展，加快培育新质生产力。")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_newspaper_archive_file_is_one_article(tmp_path, encoding):
    folder = tmp_path / "2024" / "05"
    folder.mkdir(parents=True)
    path = folder / "20240530-01-03.txt"
    path.write_bytes(("加快推进新型工业化\n——国家发展改革委有关负责人答记者问\n\n" + BODY + "\n").encode(encoding))
    article, problems = read_one(path, tmp_path)
    assert problems == []
    assert article.file == "2024/05/20240530-01-03.txt"
    assert article.title == "加快推进新型工业化——国家发展改革委有关负责人答记者问"
    assert (article.date, article.date_precision, article.date_from) == ("2024-05-30", "day", "filename")
    assert article.byline == "本报北京5月29日电（记者 王某）"
    assert article.doc_type == "新闻"
    assert re.sub(r"\s", "", article.body) == re.sub(r"\s", "", BODY)


def test_archive_file_with_single_line_breaks_keeps_every_paragraph(tmp_path):
    path = tmp_path / "20240601-05-01.txt"
    path.write_text("深化改革开放\n本报记者 张三\n" + BODY.replace("\n\n", "\n"), encoding="utf-8")
    article, _ = read_one(path)
    assert article.title == "深化改革开放"
    assert article.byline == "本报记者 张三"
    assert article.body.count("\n") == 3
    assert article.body.endswith("加快培育新质生产力。")


def test_law_text_with_sidecar_manifest():
    folder = samples("laws-txt")
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    scan = readers.scan(folder)
    assert folder / "manifest.json" not in scan.files + scan.skipped
    assert len(scan.files) == len(manifest) == 7
    for entry in manifest:
        article, _ = read_one(folder / f"{entry['key']}.txt", folder)
        assert article.title == entry["title"]
        assert article.issuer == entry["pub_org"]
        assert article.doc_number == entry["doc_no"]
        assert (article.date, article.date_from) == (entry["pub_date"], "metadata")
        assert article.url == entry["source_url"]


def test_sidecar_entry_changes_the_fingerprint(tmp_path):
    (tmp_path / "a.txt").write_text("某条例\n\n第一条 为了规范管理，制定本条例。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("另一办法\n\n第一条 为了规范管理，制定本办法。", encoding="utf-8")
    before = readers.fingerprint(tmp_path / "a.txt"), readers.fingerprint(tmp_path / "b.txt")
    manifest = [{"key": "a", "title": "某某条例", "pub_date": "2020-01-02"}]
    (tmp_path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    after = readers.fingerprint(tmp_path / "a.txt"), readers.fingerprint(tmp_path / "b.txt")
    assert after[0] != before[0] and after[1] == before[1]
    article, _ = read_one(tmp_path / "a.txt")
    assert (article.title, article.date, article.doc_type) == ("某某条例", "2020-01-02", "条例")


def test_manifest_that_is_not_a_sidecar_is_an_article_file(tmp_path):
    (tmp_path / "manifest.json").write_text('[{"title": "不是附属元数据", "text": "正文。"}]', encoding="utf-8")
    assert readers.scan(tmp_path).files == [tmp_path / "manifest.json"]
    article, _ = read_one(tmp_path / "manifest.json")
    assert article.title == "不是附属元数据"


def test_plain_text_date_from_the_text(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于开展专项检查的通知\n\n2023年7月8日\n\n各有关单位：现将有关事项通知如下，到2025年12月31日前完成。",
                    encoding="utf-8")
    article, _ = read_one(path)
    assert (article.date, article.date_from, article.doc_type) == ("2023-07-08", "text", "通知")


def test_target_year_in_text_is_not_the_date(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text("某省数字经济发展规划\n\n到2026年12月31日，全省数字经济规模显著提升。", encoding="utf-8")
    article, _ = read_one(path)
    assert article.date is None and article.date_from is None


# ---------------------------------------------------------------- doc types

@pytest.mark.parametrize("title,kind", [
    ("国务院办公厅关于印发《政府网站集约化试点工作方案》的通知", "通知"),
    ("关于加快发展数字经济的实施意见", "意见"),
    ("专利代理条例", "条例"),
    ("公共数据资源登记管理暂行办法（试行）", "办法"),
    ("某省数字经济发展三年行动方案（2024—2026年）", "方案"),
    ("“十四五”数字经济发展规划", "规划"),
    ("2026年四川省人民政府工作报告", "报告"),
    ("国务院关于同意设立某某示范区的批复", "批复"),
    ("国务院办公厅关于某事项的复函", "函"),
    ("中华人民共和国数据安全法", "法律"),
    ("关于建立价格形成机制的通知(发改价格〔2025〕65号)", "通知"),
    ("国务院关于修改部分行政法规的决定", "决定"),
    ("关于推广新的工作方法", None),
    ("《网络数据安全管理条例》", "条例"),
    ("国务院办公厅印发《政府网站集约化试点工作方案》", None),
    ("习近平会见外国元首", None),
])
def test_doc_type_from_title(title, kind):
    assert doctype.from_title(title) == kind


# ---------------------------------------------------------------- scan and paths

def test_scan_lists_supported_files_sorted_and_skips_others(tmp_path):
    for name in ["b/2.txt", "a.HTML", "b/1.jsonl", "c.pdf", "d", ".hidden.txt", ".git/x.txt", "e.shtml"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    result = readers.scan(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in result.files] == ["a.HTML", "b/1.jsonl", "b/2.txt", "e.shtml"]
    assert [p.relative_to(tmp_path).as_posix() for p in result.skipped] == ["c.pdf", "d"]
    assert readers.SUPPORTED == {".txt", ".html", ".htm", ".shtml", ".csv", ".json", ".jsonl"}


def test_file_is_relative_to_root_or_the_name(tmp_path):
    path = tmp_path / "sub dir" / "新闻 稿.txt"
    path.parent.mkdir()
    path.write_text("标题\n\n正文内容。", encoding="utf-8")
    assert read_one(path, tmp_path)[0].file == "sub dir/新闻 稿.txt"
    assert read_one(path)[0].file == "新闻 稿.txt"


def test_demo_corpus_reads_without_errors():
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    if not corpus.is_dir():
        pytest.skip("no corpus/ in this clone")
    result = readers.scan(corpus)
    total = 0
    for path in result.files:
        articles, problems = readers.read_file(path, corpus)
        assert problems == [], path
        assert all(a.title and a.body for a in articles)
        total += len(articles)
    assert total >= 100


def test_html_news_page_date_and_source_line(tmp_path):
    page = tmp_path / "content.htm"
    page.write_text("""<html><head><title>国务院常务会议部署推进新型工业化_滚动新闻_中国政府网</title></head><body>
<div class="header"><a href="/">首页</a></div>
<div class="pages-title">国务院常务会议部署推进新型工业化</div>
<div class="pages-date">2024-05-30 19:51 来源： 新华社 【字体：大 中 小】</div>
<div class="pages_content"><p>新华社北京5月30日电 国务院总理主持召开国务院常务会议，部署推进新型工业化。</p>
<p>会议指出，要加快建设以先进制造业为骨干的现代化产业体系。</p></div></body></html>""",
                    encoding="utf-8")
    article, _ = read_one(page)
    assert article.title == "国务院常务会议部署推进新型工业化"
    assert (article.date, article.date_from) == ("2024-05-30", "metadata")
    assert article.source == "新华社"
    assert article.doc_type == "新闻"
    assert article.body.startswith("新华社北京5月30日电")


def test_record_fields_guessed_from_their_values(tmp_path):
    path = tmp_path / "odd.jsonl"
    row = {"hdl": "某省出台数字经济促进条例", "wenben": "某省人大常委会日前表决通过数字经济促进条例，" * 3,
           "riqi": "2024-05-30 08:00:00", "bh": "A01"}
    path.write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")
    article, _ = read_one(path)
    assert article.body == row["wenben"]
    assert article.title == row["hdl"]
    assert (article.date, article.date_from) == ("2024-05-30", "metadata")


def test_json_records_wrapped_two_levels_deep(tmp_path):
    path = tmp_path / "api.json"
    data = {"code": 0, "result": {"total": 2, "docs": [
        {"title": "甲", "content": "甲的正文。"}, {"title": "乙", "content": "乙的正文。"}]}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    articles, _ = readers.read_file(path)
    assert [a.title for a in articles] == ["甲", "乙"]


def test_readers_version_is_part_of_the_fingerprint(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("某条例\n\n第一条 为了规范管理，制定本条例。", encoding="utf-8")
    before = readers.fingerprint(path)
    assert before == readers.fingerprint(path)
    monkeypatch.setattr(readers, "READERS_VERSION", readers.READERS_VERSION + "+1")
    assert readers.fingerprint(path) != before     # a reader change re-reads the file

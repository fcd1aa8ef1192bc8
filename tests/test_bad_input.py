"""Bad input: one bad file never stops a run or loses another file's articles.

Each case is generated in tmp_path. A rejected file raises readers.ReadError with a
one-line reason (never another exception); a partly bad file keeps its good parts and
reports the bad ones."""
from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from policysearch import readers


def read(path: Path, root: Path | None = None):
    return readers.read_file(path, root)


def rejected(path: Path) -> str:
    with pytest.raises(readers.ReadError) as info:
        readers.read_file(path)
    reason = str(info.value)
    assert reason and "\n" not in reason
    return reason


def test_empty_file(tmp_path):
    for name in ("empty.txt", "empty.html", "empty.csv", "empty.json", "empty.jsonl"):
        (tmp_path / name).write_bytes(b"")
        assert "empty" in rejected(tmp_path / name)
    (tmp_path / "blank.txt").write_text(" \n\n \n")
    assert "empty" in rejected(tmp_path / "blank.txt")


@pytest.mark.parametrize("suffix", [".txt", ".html", ".csv", ".json", ".jsonl"])
def test_binary_junk(tmp_path, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(random.Random(7).randbytes(20000))
    rejected(path)


def test_png_renamed_to_txt(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    assert "binary" in rejected(path)


def test_truncated_utf8_keeps_the_text_and_says_so(tmp_path):
    path = tmp_path / "cut.txt"
    data = "四川发布新政\n\n四川省日前发布支持算力产业发展的若干政策，提出加快建设。".encode("utf-8")
    path.write_bytes(data[:-2])
    articles, problems = read(path)
    assert articles[0].title == "四川发布新政"
    assert "提出加快建设" in articles[0].body
    assert problems and "truncated" in problems[0]


def test_multi_megabyte_single_line_text(tmp_path):
    """3.5 million characters on one line: read whole, in parts of at most
    MAX_ARTICLE_CHARS cut after a comma (the line has no other break), and the run is told."""
    from policysearch.readers.parts import MAX_ARTICLE_CHARS, note

    text = "超长单行开始，" + "中文内容，" * 700_000 + "结束。"
    path = tmp_path / "oneline.txt"
    path.write_text(text, encoding="utf-8")
    articles, problems = read(path)
    count = -(-len(text) // MAX_ARTICLE_CHARS)
    assert len(articles) in (count, count + 1) and problems == [note(len(articles))]
    assert all(len(a.body) <= MAX_ARTICLE_CHARS for a in articles)
    assert "".join(a.body for a in articles) == text
    assert all(a.body.endswith(("，", "。")) for a in articles)
    assert articles[1].title == articles[0].title + "（第2部分）"


def test_multi_megabyte_single_line_html_is_not_truncated(tmp_path):
    path = tmp_path / "oneline.html"
    path.write_text("<html><head><title>大页面</title></head><body><p>开始"
                    + "中文内容，" * 700_000 + "结束。</p></body></html>", encoding="utf-8")
    articles, problems = read(path)
    assert [a.title for a in articles] == ["大页面"] + [f"大页面（第{k}部分）" for k in range(2, len(articles) + 1)]
    assert articles[-1].body.endswith("结束。") and sum(len(a.body) for a in articles) > 3_500_000
    assert len(problems) == 1 and f"read as {len(articles)} parts" in problems[0]


def test_jsonl_with_broken_lines_keeps_the_good_ones(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"title": "好的一", "text": "正文一。"}\n'
                    'not json at all\n'
                    '\n'
                    '{"title": "好的二", "text": "正文二。"}\n'
                    '["a list"]\n'
                    '{"title": "截断的\n', encoding="utf-8")
    articles, problems = read(path)
    assert [a.title for a in articles] == ["好的一", "好的二"]
    assert [a.ordinal for a in articles] == [0, 1]
    assert problems == ["line 2: not valid JSON", "line 5: not an object", "line 6: not valid JSON"]


def test_jsonl_with_only_broken_lines_is_rejected(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text("{oops\n{also oops\n", encoding="utf-8")
    assert "line 1" in rejected(path)


def test_invalid_json_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"title": "x", "text": ', encoding="utf-8")
    assert "not valid JSON" in rejected(path)


def test_deeply_nested_json(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    rejected(path)


def test_external_entity_doctype_does_not_read_local_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-VALUE")
    path = tmp_path / "xxe.html"
    path.write_text(f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
                    '<html><head><title>外部实体</title></head><body><p>正文 &xxe; 结束</p></body></html>')
    article = read(path)[0][0]
    assert "TOPSECRET" not in article.body + article.title
    assert "正文" in article.body


def test_entity_bomb_does_not_blow_up(tmp_path):
    entities = "".join(f'<!ENTITY e{i} "{("&e%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    path = tmp_path / "bomb.html"
    path.write_text(f'<!DOCTYPE html [<!ENTITY e0 "lol">{entities}]>'
                    '<html><head><title>实体炸弹</title></head><body><p>正文 &e9; 结束</p></body></html>')
    article = read(path)[0][0]
    assert article.title == "实体炸弹"
    assert len(article.body) < 100 and "lol" not in article.body


def test_entity_bomb_in_xml_flavoured_html(tmp_path):
    path = tmp_path / "bomb.htm"
    path.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                    '<html><body><p>&lol2; 正文内容</p></body></html>')
    article = read(path)[0][0]
    assert "lollol" not in article.body


def test_three_thousand_nested_levels(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><head><title>深层页面</title></head><body>" + "<div>" * 3000
                    + "<p>深层正文内容。</p>" + "</div>" * 3000 + "<p>尾部正文。</p></body></html>")
    articles, problems = read(path)
    assert "深层正文内容。" in articles[0].body and "尾部正文。" in articles[0].body
    assert articles[0].title == "深层页面"
    assert any("nested" in p for p in problems), "truncation risk must be reported, not silent"


@pytest.mark.parametrize("depth", [300, 1500])
def test_moderately_deep_pages_parse_normally(tmp_path, depth):
    path = tmp_path / "deep.html"
    path.write_text("<html><body>" + "<span>" * depth + "深层正文。" + "</span>" * depth
                    + "<p>尾部正文。</p></body></html>")
    articles, problems = read(path)
    assert "深层正文。" in articles[0].body and "尾部正文。" in articles[0].body
    assert problems == []


def test_gb18030_bytes_declared_as_gb2312(tmp_path):
    path = tmp_path / "gb.html"
    html = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            '<title>朱镕基同志讲话</title></head><body><p>朱镕基同志指出，票价为100€。</p></body></html>')
    path.write_bytes(html.encode("gb18030"))
    article = read(path)[0][0]
    assert article.title == "朱镕基同志讲话"
    assert "朱镕基" in article.body and "€" in article.body


def test_utf8_page_declared_as_gbk_is_read_as_utf8(tmp_path):
    path = tmp_path / "liar.html"
    path.write_bytes('<html><head><meta charset="gbk"><title>声明错误</title></head>'
                     '<body><p>这是UTF-8编码的页面。</p></body></html>'.encode("utf-8"))
    assert read(path)[0][0].title == "声明错误"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_page_without_charset_declaration(tmp_path, encoding):
    path = tmp_path / f"nodecl-{encoding}.html"
    path.write_bytes("<html><head><title>没有声明的页面</title></head><body><p>页面正文，没有字符集声明。</p>"
                     "</body></html>".encode(encoding))
    article = read(path)[0][0]
    assert article.title == "没有声明的页面"
    assert article.body == "页面正文，没有字符集声明。"


def test_script_content_is_never_in_the_body(tmp_path):
    path = tmp_path / "script.html"
    path.write_text('<html><head><title>脚本</title><script>var a="头部脚本";</script></head><body>'
                    '<script type="text/javascript">document.write("正文脚本")</script>'
                    '<p>正常正文。</p><noscript>无脚本提示</noscript><style>p{color:red}</style>'
                    '<p onclick="alert(1)">第二段。</p></body></html>')
    article = read(path)[0][0]
    assert article.body == "正常正文。\n第二段。"


def test_file_names_with_spaces_and_chinese(tmp_path):
    folder = tmp_path / "新闻 稿件"
    folder.mkdir()
    path = folder / "2024年5月30日 四川 新闻.txt"
    path.write_text("四川发布新政\n\n四川省日前发布新政。", encoding="utf-8")
    assert readers.scan(tmp_path).files == [path]
    article = read(path, tmp_path)[0][0]
    assert article.file == "新闻 稿件/2024年5月30日 四川 新闻.txt"
    assert (article.date, article.date_from) == ("2024-05-30", "filename")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_loop_in_the_corpus_tree(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "doc.txt").write_text("标题\n\n正文。", encoding="utf-8")
    os.symlink(tmp_path / "a", sub / "loop")            # a/b/loop -> a
    os.symlink(sub / "self", sub / "self")              # a link to itself
    os.symlink(tmp_path / "missing", tmp_path / "dangling.txt")
    result = readers.scan(tmp_path)
    assert result.files.count(sub / "doc.txt") == 1
    assert len([p for p in result.files if p.name == "doc.txt"]) == 1
    for path in result.files:
        try:
            read(path, tmp_path)
        except readers.ReadError as exc:
            assert path.name == "dangling.txt", exc


def test_unknown_types_are_skipped_not_failed(tmp_path):
    for name in ("report.pdf", "data.xlsx", "README", "photo.JPG"):
        (tmp_path / name).write_bytes(b"whatever")
    (tmp_path / "ok.txt").write_text("标题\n\n正文。", encoding="utf-8")
    result = readers.scan(tmp_path)
    assert result.files == [tmp_path / "ok.txt"]
    assert sorted(p.name for p in result.skipped) == ["README", "data.xlsx", "photo.JPG", "report.pdf"]
    with pytest.raises(readers.ReadError, match="unsupported"):
        readers.read_file(tmp_path / "report.pdf")


def test_a_directory_named_like_a_file_and_a_missing_file(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    assert "cannot read" in rejected(tmp_path / "folder.txt")
    assert "cannot read" in rejected(tmp_path / "missing.txt")


def test_one_bad_file_does_not_lose_the_others(tmp_path):
    (tmp_path / "good.txt").write_text("好文件\n\n正文。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02\xff" * 1000)
    (tmp_path / "good.jsonl").write_text(json.dumps({"title": "好记录", "text": "正文。"}), encoding="utf-8")
    titles, failed = [], []
    for path in readers.scan(tmp_path).files:
        try:
            titles += [a.title for a in read(path, tmp_path)[0]]
        except readers.ReadError as exc:
            failed.append((path.name, str(exc)))
    assert sorted(titles) == ["好文件", "好记录"]
    assert [name for name, _ in failed] == ["bad.txt"]


def test_unexpected_reader_errors_become_read_errors(tmp_path, monkeypatch):
    from policysearch.readers import text

    def boom(*_args, **_kwargs):
        raise KeyError("reader bug")

    monkeypatch.setattr(text, "read_text", boom)
    path = tmp_path / "x.txt"
    path.write_text("标题\n\n正文。", encoding="utf-8")
    assert "KeyError" in rejected(path)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_links_out_of_the_corpus_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("外部文件\n\n不属于语料。", encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ok.txt").write_text("标题\n\n正文。", encoding="utf-8")
    os.symlink(outside, corpus / "elsewhere")
    os.symlink(outside / "secret.txt", corpus / "linked.txt")
    result = readers.scan(corpus)
    assert result.files == [corpus / "ok.txt"]
    assert corpus / "linked.txt" in result.skipped


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_a_named_pipe_never_blocks_the_run(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text("标题\n\n正文。", encoding="utf-8")
    result = readers.scan(tmp_path)
    assert result.files == [tmp_path / "ok.txt"]
    assert result.skipped == [tmp_path / "pipe.txt"]
    assert "regular" in rejected(tmp_path / "pipe.txt")
    with pytest.raises(readers.ReadError):
        readers.fingerprint(tmp_path / "pipe.txt")

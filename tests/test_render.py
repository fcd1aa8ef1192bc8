"""Snippets and highlights: escape first, mark whole matches, cut at Chinese punctuation."""
from __future__ import annotations

from policysearch import render


def test_whole_match_is_marked_once():
    assert render.highlight("发展新能源汽车", ["新能源", "能源"]) == "发展<mark>新能源</mark>汽车"


def test_longest_term_wins():
    html = render.highlight("新能源汽车和新能源", ["新能源", "新能源汽车"])
    assert html == "<mark>新能源汽车</mark>和<mark>新能源</mark>"


def test_everything_else_is_escaped():
    html = render.highlight("<script>alert('经济')</script> & <b>", ["经济"])
    assert html == "&lt;script&gt;alert(&#x27;<mark>经济</mark>&#x27;)&lt;/script&gt; &amp; &lt;b&gt;"


def test_terms_with_markup_characters_are_escaped_inside_marks():
    assert render.highlight("a<b>c", ["<b>"]) == "a<mark>&lt;b&gt;</mark>c"


def test_matching_is_on_normalised_text_but_shows_the_original():
    assert render.highlight("國務院關於ＧＤＰ", ["国务院", "gdp"]) == \
        "<mark>國務院</mark>關於<mark>ＧＤＰ</mark>"


def test_expanding_characters_keep_offsets():
    assert render.highlight("㈱经济", ["经济"]) == "㈱<mark>经济</mark>"


def test_no_terms_no_marks():
    assert render.highlight("<i>经济</i>", []) == "&lt;i&gt;经济&lt;/i&gt;"
    assert render.highlight(None, ["x"]) == ""


def test_snippet_cuts_sentences_at_chinese_punctuation():
    text = ("第一句没有关键词。第二句讲新能源！第三句也没有；第四句又讲新能源？"
            "第五句无关。第六句还是新能源。")
    snippet = render.snippet(text, ["新能源"])
    parts = snippet.split("…")
    assert len(parts) == 3
    assert parts[0] == "第二句讲<mark>新能源</mark>！"
    assert parts[1] == "第四句又讲<mark>新能源</mark>？"
    assert "第一句" not in snippet and "第五句" not in snippet


def test_snippet_prefers_sentences_with_more_distinct_terms():
    text = "经济经济经济。文化也好。经济与文化并重。"
    snippet = render.snippet(text, ["经济", "文化"], max_fragments=1)
    assert snippet == "<mark>经济</mark>与<mark>文化</mark>并重。"


def test_long_sentence_is_windowed_around_the_match():
    text = "前" * 300 + "关键词" + "后" * 300 + "。"
    snippet = render.snippet(text, ["关键词"])
    assert "<mark>关键词</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 200


def test_snippet_without_match_shows_the_lead_escaped():
    assert render.snippet("<p>正文开头</p>", ["无关"]) == "&lt;p&gt;正文开头&lt;/p&gt;"


def test_window_never_cuts_a_match():
    text = "甲" * 100 + "新能源" + "乙" * 40 + "新能源汽车" + "丙" * 200
    snippet = render.snippet(text, ["新能源", "新能源汽车"])
    assert snippet.count("<mark>") == snippet.count("</mark>")
    for part in snippet.split("<mark>")[1:]:
        assert part.split("</mark>")[0] in ("新能源", "新能源汽车")


# --- snippets that read as sentences ------------------------------------------------------

LONG = ("近年来，本区坚持创新驱动，大力推动数字经济和实体经济深度融合，推动人工智能、大数据产业、"
        "云计算、物联网等新兴产业集聚发展，持续优化营商环境，积极引进高层次人才和创新团队，加快建设"
        "具有影响力的科技创新中心和先进制造业基地，努力在高质量发展中走在前列作出示范。")


def test_a_long_sentence_is_cut_at_clause_marks_not_inside_words():
    assert len(LONG) > render.FRAGMENT_CHARS
    snippet = render.snippet(LONG, ["物联网"])
    inner = snippet.strip("…").replace("<mark>", "").replace("</mark>", "")
    assert inner in LONG
    start = LONG.index(inner)
    assert start == 0 or LONG[start - 1] in "，、；："
    end = start + len(inner)
    assert end == len(LONG) or LONG[end] in "，、；：。"


def test_never_two_ellipses_in_a_row():
    text = "。".join([LONG[:-1]] * 4) + "。他说……这里没有。" + LONG
    for terms in (["物联网"], ["物联网", "示范"], ["营商环境", "创新团队"]):
        snippet = render.snippet(text, terms)
        assert "……" not in snippet.replace("<mark>", "").replace("</mark>", ""), snippet


def test_a_fragment_never_starts_with_a_closing_quote():
    text = "他说：“要把帮扶项目做实。”随后，工作组前往甲市调研数据中心建设。"
    snippet = render.snippet(text, ["数据中心"])
    assert snippet.startswith("随后")
    assert "”" not in snippet


def test_lead_without_a_match_is_cut_at_a_clause_mark():
    snippet = render.snippet(LONG, ["无关"])
    assert snippet.endswith("…")
    assert LONG[len(snippet) - 1] in "，、；："


# -- hostile sizes: correct, and bounded (the < 5 s bounds only guard against a hang; the
# timings are measured by bench/bench_hostile.py) --------------------------------------------

import time  # noqa: E402


def _timed(fn, *args):
    started = time.perf_counter()
    out = fn(*args)
    assert time.perf_counter() - started < 5, "hang guard"
    return out


def test_snippet_of_a_20_mb_one_line_document():
    text = "各区县加快建设智慧园区，带动先进制造业集群成长。" * 850_000
    assert len(text) > 20_000_000 and "\n" not in text
    snippet = _timed(render.snippet, text, ["先进制造业"])
    assert snippet == "各区县加快建设智慧园区，带动<mark>先进制造业</mark>集群成长。" * 3   # adjacent: no …


def test_snippet_of_200000_short_lines_finds_the_match_at_the_end():
    text = "\n".join(f"第{i}条记录" for i in range(200_000)) + "\n末尾写到低空经济。"
    snippet = _timed(render.snippet, text, ["低空经济"])
    assert snippet == "末尾写到<mark>低空经济</mark>。"


def test_snippet_and_highlight_with_100000_matches():
    text = "数字乡村、" * 100_000 + "。"
    snippet = _timed(render.snippet, text, ["数字乡村"])
    assert snippet.startswith("<mark>数字乡村</mark>、") and snippet.endswith("…")
    html = _timed(render.highlight, text, ["数字乡村"])
    assert html.count("<mark>数字乡村</mark>") == 100_000


def test_a_sentence_of_megabytes_is_windowed_around_its_match():
    text = "甲" * 3_000_000 + "海上风电" + "乙" * 500
    snippet = _timed(render.snippet, text, ["海上风电"])
    assert snippet.startswith("…") and "<mark>海上风电</mark>" in snippet
    assert len(snippet) < 2 * render.FRAGMENT_CHARS


def test_matches_across_chunk_boundaries_are_found_once_and_whole():
    text = "某" * (render.CHUNK - 2) + "新能源汽车" + "某" * 10 + "新能源汽车"
    assert render.matches(text, ["新能源汽车", "新能源"]) == [
        (render.CHUNK - 2, render.CHUNK + 3), (render.CHUNK + 13, render.CHUNK + 18)]


def test_expanding_characters_far_apart_keep_offsets():
    text = "㈱" + "经" * 50 + "㈲经济" + "济" * 10
    spans = render.matches(text, ["经济"])
    assert [text[s:e] for s, e in spans] == ["经济"]

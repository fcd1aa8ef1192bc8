"""Texts too long for one article are read in parts: nothing lost, the run told."""
from __future__ import annotations

import json
import re

import pytest

from policysearch import readers
from policysearch.index import document as _REAL_DOCUMENT
from policysearch.readers import parts


@pytest.fixture
def small_parts(monkeypatch):
    monkeypatch.setattr(parts, "MAX_ARTICLE_CHARS", 5_000)


def _lines(n: int) -> list[str]:
    return [f"第{i}段：各地推进重点项目建设，完成投资计划的第{i}个节点。" for i in range(n)]


def test_a_long_text_file_is_read_in_parts_losing_nothing(tmp_path, small_parts):
    lines = _lines(400)
    (tmp_path / "report.txt").write_text("某市重点项目建设情况汇总\n\n" + "\n".join(lines), encoding="utf-8")
    articles, problems = readers.read_file(tmp_path / "report.txt", tmp_path)
    assert len(articles) >= 3
    assert all(len(a.body) <= 5_000 for a in articles)
    assert articles[0].title == "某市重点项目建设情况汇总"
    assert [a.title for a in articles[1:3]] == ["某市重点项目建设情况汇总（第2部分）",
                                               "某市重点项目建设情况汇总（第3部分）"]
    assert "\n".join(a.body for a in articles).split("\n") == lines
    assert len({a.id for a in articles}) == len(articles)
    assert problems == [f"too long for one article: read as {len(articles)} parts of at most 5,000 characters"]


def test_a_one_line_text_is_cut_at_sentence_ends(tmp_path, small_parts):
    line = "".join(_lines(300))
    (tmp_path / "oneline.txt").write_text(line, encoding="utf-8")
    articles, problems = readers.read_file(tmp_path / "oneline.txt", tmp_path)
    assert len(articles) > 1 and problems
    assert all(a.body.endswith("。") for a in articles)
    assert re.sub(r"\s", "", "".join(a.body for a in articles)) == re.sub(r"\s", "", line)


def test_a_long_record_of_an_export_is_cut_too(tmp_path, small_parts):
    record = {"title": "某省专项规划全文", "content": "\n".join(_lines(300)), "date": "2024-03-01"}
    (tmp_path / "plans.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n"
                                          + json.dumps({"title": "短消息", "content": "正文。"},
                                                       ensure_ascii=False), encoding="utf-8")
    articles, problems = readers.read_file(tmp_path / "plans.jsonl", tmp_path)
    long = [a for a in articles if a.title.startswith("某省专项规划全文")]
    assert len(long) > 1 and all(a.date == "2024-03-01" for a in long)
    assert articles[-1].title == "短消息"
    assert len(problems) == 1 and problems[0].startswith("“某省专项规划全文”: too long")


def test_text_under_the_limit_is_one_article(tmp_path):
    (tmp_path / "a.txt").write_text("标题\n\n" + "\n".join(_lines(50)), encoding="utf-8")
    articles, problems = readers.read_file(tmp_path / "a.txt", tmp_path)
    assert len(articles) == 1 and problems == []


# -- a file too long for one segment ----------------------------------------------------

def _records(n: int, tag: str) -> str:
    return "\n".join(json.dumps({"title": f"{tag}第{i}号公告", "content": f"{tag}编号{i}的项目已完成验收。"},
                                ensure_ascii=False) for i in range(n)) + "\n"


def _titles(settings, q: str) -> list[str]:
    from policysearch import search

    result = search.search(settings.index_dir, search.SearchRequest.from_params(q=q, per_page=100))
    return [h["title"] for h in result["hits"]]


def test_a_file_filling_several_segments_is_committed_whole(tmp_path, settings_factory, monkeypatch):
    from policysearch import index

    monkeypatch.setattr(index._SegmentBuilder, "MAX_POSTINGS", 300)  # a few records a segment
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "big.jsonl").write_text(_records(200, "甲"), encoding="utf-8")
    (corpus / "small.txt").write_text("乙方通知\n\n乙方项目已完成验收。", encoding="utf-8")
    settings = settings_factory(tmp_path / "index")
    summary = index.update(corpus, settings)
    assert summary["articles"]["total"] == 201 and summary["files"]["added"] == 2
    assert _titles(settings, '"甲编号199的"') == ["甲第199号公告"]

    (corpus / "big.jsonl").write_text(_records(120, "丙"), encoding="utf-8")   # incremental
    summary = index.update(corpus, settings)
    assert summary["articles"] == {"added": 0, "updated": 120, "deleted": 0, "total": 121}
    assert _titles(settings, "甲编号") == []
    assert len(_titles(settings, "丙编号")) == 100           # one page of 100; all of them:
    from policysearch import search
    total = search.search(settings.index_dir, search.SearchRequest.from_params(q="丙编号"))["total"]
    assert total == 120


_PIDS: dict = {}


def _document_noting_pid(article):
    """index.document, noting the process it ran in (a module-level function, so that the
    fan-out can send it to its processes)."""
    import os

    _PIDS["dir"].mkdir(exist_ok=True)
    (_PIDS["dir"] / str(os.getpid())).touch()
    return _REAL_DOCUMENT(article)


def _analysed_in() -> set[str]:
    found = {p.name for p in _PIDS["dir"].iterdir()}
    for p in _PIDS["dir"].iterdir():
        p.unlink()
    return found


def test_one_big_export_is_analysed_by_several_processes_with_the_same_result(
        tmp_path, settings_factory, monkeypatch):
    """A corpus of one JSONL file: with workers=2 its articles are analysed by two forked
    processes (fanout), and the index equals the one a single process builds."""
    import dataclasses
    import os

    from policysearch import fanout, index, search

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    records = [{"title": f"第{i}号{'城市更新' if i % 3 else '乡村振兴'}公告",
                "content": f"编号{i}的项目进展顺利。" + ("智能制造产业园扩建。" if i % 5 == 0 else "")}
               for i in range(fanout.MIN_ITEMS * 3)]
    (corpus / "export.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n{broken\n", encoding="utf-8")
    monkeypatch.setattr(index, "document", _document_noting_pid)
    monkeypatch.setitem(_PIDS, "dir", tmp_path / "pids")

    def build(workers: int):
        settings = dataclasses.replace(settings_factory(tmp_path / f"index{workers}"), workers=workers)
        summary = index.update(corpus, settings)
        result = search.search(settings.index_dir, search.SearchRequest.from_params(
            q="智能制造 OR 乡村振兴", sort="date", per_page=100))
        ids = [h["id"] for page in (1, 2) for h in search.search(
            settings.index_dir, search.SearchRequest.from_params(q="", sort="date", per_page=100,
                                                                page=page))["hits"]]
        return summary, result["total"], [(h["id"], h["title"], h["snippet"]) for h in result["hits"]], ids

    one = build(1)
    assert _analysed_in() == {str(os.getpid())}
    two = build(2)
    assert len(_analysed_in()) == 2 and str(os.getpid()) not in _analysed_in()
    assert one[0]["articles"] == two[0]["articles"] and one[0]["problems"] == two[0]["problems"]
    assert one[1:] == two[1:]
    assert one[1] == len([r for r in records if "乡村振兴" in r["title"] or "智能制造" in r["content"]])

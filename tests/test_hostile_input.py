"""Careless and hostile input outside the documents' text: file names, links, CSV quoting,
queries of symbols or with a leading dash, forged Host headers, a busy port. Each gives a
clear answer or one line, never a traceback, and loses nothing else."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from policysearch import index, readers, search
from policysearch.cli import main
from policysearch.web import create_app

from conftest import REPO

GOOD = "某市发布促进低空经济发展若干措施\n\n为加快低空经济发展，市政府日前印发若干措施。"
OTHER = "某县推进农村公路提质改造\n\n今年将改造农村公路二百公里，方便群众出行。"
CLI = Path(sys.executable).with_name("policysearch")


@pytest.fixture(scope="module")
def small_index(index_files):
    return index_files({"a.txt": GOOD, "b.txt": OTHER}, "hostile")[0]


# -- files ------------------------------------------------------------------------------

def test_a_symlink_loop_is_one_failed_file_and_the_run_goes_on(tmp_path, settings_factory):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink("loop-b.txt", corpus / "loop-a.txt")
    os.symlink("loop-a.txt", corpus / "loop-b.txt")
    summary = index.update(corpus, settings_factory(tmp_path / "index"))
    assert summary["files"]["added"] == 1 and summary["articles"]["total"] == 1
    assert {e["file"] for e in summary["errors"]} == {"loop-a.txt", "loop-b.txt"}
    assert all("symbolic link" in e["reason"] for e in summary["errors"])


def test_a_file_name_that_is_not_utf8_is_read_and_printed_as_valid_json(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    try:
        with open(os.fsencode(corpus) + b"/\xd5\xfe\xb2\xdf.txt", "w", encoding="utf-8") as fh:
            fh.write(GOOD)      # 政策 in GBK bytes: a name copied from an old Windows disk
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses file names that are not UTF-8")
    env = dict(os.environ, POLICYSEARCH_CACHE=str(tmp_path / "cache"))
    out = subprocess.run([str(CLI), "index", str(corpus), "--index", str(tmp_path / "ix"), "--json"],
                         capture_output=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")
    summary = json.loads(out.stdout.decode("utf-8"))       # strict: valid UTF-8
    assert summary["files"] == {"added": 1, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0}
    found = subprocess.run([str(CLI), "search", "低空经济", "--index", str(tmp_path / "ix"), "--json"],
                           capture_output=True, env=env, timeout=300)
    hit = json.loads(found.stdout.decode("utf-8"))["hits"][0]
    assert hit["file"] == "\\xd5\\xfe\\xb2\\xdf.txt"


def test_safe_name_keeps_utf8_and_escapes_the_rest():
    assert readers.safe_name("政策/文件.txt") == "政策/文件.txt"
    assert readers.safe_name(os.fsdecode(b"caf\xe9.txt")) == "caf\\xe9.txt"


def test_csv_doubled_quotes_when_the_header_has_no_quotes(tmp_path):
    path = tmp_path / "notices.csv"
    path.write_text('title,content,date\n'
                    '"某市出台""十条""措施","负责人说：""要抓落实""。全文见附件。",2024-05-01\n'
                    '第二条通知,正文二。,2024-05-02\n', encoding="utf-8")
    articles, problems = readers.read_file(path, tmp_path)
    assert problems == []
    assert [(a.title, a.body, a.date) for a in articles] == [
        ('某市出台"十条"措施', '负责人说："要抓落实"。全文见附件。', "2024-05-01"),
        ("第二条通知", "正文二。", "2024-05-02")]


# -- queries ----------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["€", "。", "🙂", "€ 。 🙂", "OR", "AND", "NOT", "OR AND NOT",
                               "-€", "()", "“”"])
def test_a_query_of_symbols_or_operators_matches_nothing_and_says_so(small_index, q):
    result = search.search(small_index.index_dir, search.SearchRequest.from_params(q=q))
    assert result["total"] == 0 and result["hits"] == []
    assert any("没有要找的词" in m for m in result["messages"])


def test_symbols_beside_a_word_do_not_change_its_result(small_index):
    result = search.search(small_index.index_dir, search.SearchRequest.from_params(q="低空经济 €"))
    assert result["total"] == 1 and result["messages"] == []
    blank = search.search(small_index.index_dir, search.SearchRequest.from_params(q=" "))
    assert blank["total"] == 2 and blank["messages"] == []    # no query: every article


def test_the_search_page_says_why_a_symbol_query_found_nothing(small_index):
    client = create_app({"SETTINGS": small_index, "TESTING": True}).test_client()
    page = client.get("/search?q=%F0%9F%99%82").get_data(as_text=True)
    assert "没有要找的词" in page
    assert client.get("/search.json?q=%E2%82%AC").get_json()["total"] == 0


def test_cli_query_with_a_leading_dash_is_the_query(small_index):
    env = {"POLICYSEARCH_CACHE": str(small_index.cache_dir)}
    options = ["--index", str(small_index.index_dir), "--json"]
    for args in (["search", "-低空经济", *options], ["search", *options, "--", "-低空经济"]):
        r = CliRunner().invoke(main, args, env=env, catch_exceptions=False)
        assert r.exit_code == 0, r.output
        result = json.loads(r.output)
        assert result["query"] == "-低空经济"
        assert [h["title"] for h in result["hits"]] == ["某县推进农村公路提质改造"]


# -- the server -------------------------------------------------------------------------

def test_absolute_links_never_come_from_the_host_header(small_index):
    client = create_app({"SETTINGS": small_index, "TESTING": True}).test_client()
    forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    for url in ("/search.atom?q=低空经济", "/opensearch.xml", "/search.csv?q=低空经济",
                "/search.json?q=低空经济"):
        body = client.get(url, headers=forged).get_data(as_text=True)
        assert "evil.example" not in body
        assert "http://127.0.0.1:5000/" in body, url


def test_absolute_links_use_the_configured_base_url(small_index):
    from dataclasses import replace

    settings = replace(small_index, base_url="https://search.example.org/")
    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    body = client.get("/search.atom?q=低空经济", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "https://search.example.org/article/" in body and "evil.example" not in body


@pytest.fixture()
def busy_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_serve_on_a_busy_port_is_one_line(busy_port, tmp_path):
    env = dict(os.environ, POLICYSEARCH_CACHE=str(tmp_path / "cache"))
    out = subprocess.run([str(CLI), "serve", "--index", str(tmp_path / "ix"), "--port", str(busy_port)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert f"127.0.0.1:{busy_port}" in lines[0] and "--port" in lines[0]


def test_tasks_run_on_a_busy_port_is_one_line(busy_port):
    out = subprocess.run([sys.executable, str(REPO / "tasks.py"), "run", "--port", str(busy_port)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr + out.stdout
    assert out.stderr.strip().count("\n") == 0 and "--port" in out.stderr

"""The command line through click's runner, on real files and a real index."""
from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from policysearch.cli import main

from conftest import CORPUS


def run(*args, env=None):
    result = CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)
    return result


def test_index_missing_corpus_dir_is_one_line_error(tmp_path):
    r = run("index", tmp_path / "nope", "--index", tmp_path / "ix")
    assert r.exit_code != 0
    assert "no such corpus directory" in r.output
    assert "Traceback" not in r.output


def test_index_json_summary_then_incremental(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "newspaper", corpus / "newspaper")
    shutil.copytree(CORPUS / "laws-txt", corpus / "laws-txt")
    (corpus / "broken.json").write_text("{not json", encoding="utf-8")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    ix = tmp_path / "ix"
    r = run("index", corpus, "--index", ix, "--json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["files"]["added"] == 8, summary
    assert summary["files"]["failed"] == 1
    assert [e["file"] for e in summary["errors"]] == ["broken.json"]
    assert summary["articles"]["total"] == 5 + 7

    r = run("index", corpus, "--index", ix, "--json")
    again = json.loads(r.output)
    assert again["files"]["unchanged"] == 8 and again["files"]["added"] == 0, again
    assert again["files"]["failed"] == 1, "a broken file is reported on every run"
    assert again["articles"]["total"] == 12

    shutil.rmtree(corpus / "laws-txt")
    r = run("index", corpus, "--index", ix, "--json")
    gone = json.loads(r.output)
    assert gone["files"]["deleted"] == 7, gone
    assert gone["articles"]["total"] == 5


def test_inspect_json_lists_articles_with_body():
    r = run("inspect", CORPUS / "newspaper", "--json")
    assert r.exit_code == 0, r.output
    articles = json.loads(r.output)
    assert len(articles) == 5
    assert all(a["body"] and a["id"] and a["file"] for a in articles)


def test_search_json_and_readable(tmp_path, indexed_corpus):
    _, settings, _ = indexed_corpus
    r = run("search", "新型工业化", "--index", settings.index_dir, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["total"] >= 1
    assert {"query", "total", "page", "per_page", "took_ms", "hits", "facets"} <= set(doc)
    assert any("四川" in h["title"] for h in doc["hits"])
    r = run("search", "新型工业化", "--index", settings.index_dir)
    assert r.exit_code == 0 and "results" in r.output


def test_search_bad_parameter_names_it(indexed_corpus):
    _, settings, _ = indexed_corpus
    r = run("search", "工业", "--index", settings.index_dir, "--from", "2024-13")
    assert r.exit_code != 0
    assert "from" in r.output and "Traceback" not in r.output


def test_search_missing_index_says_so(tmp_path):
    r = run("search", "工业", "--index", tmp_path / "none")
    assert r.exit_code != 0
    assert "index" in r.output.lower() and "Traceback" not in r.output


def test_serve_answers_on_loopback_with_waitress(indexed_corpus):
    """`policysearch serve` as a user runs it: a real process, the production server."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    _, settings, _ = indexed_corpus
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, POLICYSEARCH_CACHE=str(settings.cache_dir))
    proc = subprocess.Popen([sys.executable, "-m", "policysearch", "serve", "--index",
                             str(settings.index_dir), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/search.json?q=%E7%BB%BF%E8%89%B2%E7%AE%97%E5%8A%9B"
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    doc = json.loads(r.read().decode("utf-8"))
                    server = r.headers.get("Server", "")
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.time() < deadline, "server did not answer within 60 s"
                time.sleep(0.3)
        assert doc["total"] >= 1 and "<mark>绿色算力</mark>" in doc["hits"][0]["snippet"]
        assert "waitress" in server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_unwritable_location_is_one_line_error(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS / "newspaper", corpus)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    r = run("index", corpus, "--index", blocker / "ix")
    assert r.exit_code != 0
    assert r.output.startswith("error: ") and "Traceback" not in r.output, r.output


def test_index_readable_summary_names_failed_partly_read_and_skipped_files(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "export.jsonl").write_text(
        '{"title": "甲", "text": "正文甲。"}\n{broken\n{"title": "乙", "text": "正文乙。"}\n',
        encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    r = run("index", corpus, "--index", tmp_path / "ix")
    assert r.exit_code == 0, r.output
    assert "failed  empty.txt: " in r.output
    assert "partly  export.jsonl: line 2" in r.output
    assert "skipped 1 file(s) of unknown type" in r.output
    assert "2 in the index" in r.output

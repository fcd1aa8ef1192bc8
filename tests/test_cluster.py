"""Cluster mode on a real Dask cluster on loopback: a scheduler and two workers started with
Dask's own `dask scheduler` / `dask worker` commands, `policysearch index --cluster` and
`policysearch serve --cluster` as subprocesses, a worker killed while queries run."""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from policysearch import search

pytest.importorskip("distributed", reason="cluster tests need the extra policysearch[cluster]")

BIN = Path(sys.executable).parent
START_TIMEOUT_S = 90
QUERIES = [dict(q="经济"), dict(q="发展", page=2, per_page=20), dict(q='"高质量发展"'),
           dict(q="", sort="date", per_page=30), dict(q="建设", province=["北京"])]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, what: str, timeout: float = START_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Cluster:
    address: str
    workers: dict[str, subprocess.Popen]   # worker address -> its process


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """`dask scheduler` and two `dask worker`s (no nanny, so killing one loses it)."""
    base = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = []

    def start(*args, log: str) -> subprocess.Popen:
        proc = subprocess.Popen([str(BIN / "dask"), *args], stdout=open(base / log, "wb"),
                                stderr=subprocess.STDOUT, cwd=base, start_new_session=True)
        procs.append(proc)
        return proc

    try:
        start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
              log="scheduler.log")
        workers = {}
        for n in range(2):
            wport = _free_port()
            workers[f"tcp://127.0.0.1:{wport}"] = start(
                "worker", address, "--host", "127.0.0.1", "--worker-port", str(wport),
                "--nthreads", "2", "--no-nanny", "--no-dashboard", "--name", f"w{n}",
                "--local-directory", str(base / f"w{n}"), log=f"worker{n}.log")
        from distributed import Client
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield Cluster(address, workers)
    finally:
        for proc in procs:
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster_index(dask_cluster, indexed_corpus, tmp_path_factory):
    """The demo corpus indexed through `policysearch index --cluster` into a directory the
    workers share (loopback: the same disk)."""
    corpus, settings, _ = indexed_corpus
    index_dir = tmp_path_factory.mktemp("cluster") / "index"
    env = dict(os.environ, POLICYSEARCH_CACHE=str(settings.cache_dir))
    out = subprocess.run([str(BIN / "policysearch"), "index", str(corpus), "--index",
                          str(index_dir), "--cluster", dask_cluster.address, "--json"],
                         capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    return index_dir, json.loads(out.stdout)


@pytest.fixture(scope="module")
def cluster_server(dask_cluster, cluster_index, indexed_corpus, tmp_path_factory):
    _, settings, _ = indexed_corpus
    index_dir, _ = cluster_index
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(os.environ, POLICYSEARCH_CACHE=str(settings.cache_dir))
    proc = subprocess.Popen([str(BIN / "policysearch"), "serve", "--index", str(index_dir),
                             "--port", str(port), "--cluster", dask_cluster.address],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: proc.poll() is not None or _status(url + "/search.json?q=x") == 200,
              "policysearch serve --cluster")
        assert proc.poll() is None, log.read_text()
        yield url
    finally:
        _stop(proc)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _query_url(base: str, params: dict) -> str:
    return f"{base}/search.json?" + urllib.parse.urlencode(params, doseq=True)


def _comparable(result: dict) -> dict:
    return {"total": result["total"], "stories": result["stories"], "facets": result["facets"],
            "hits": [(h["id"], h["score"], h["snippet"], [c["id"] for c in h["copies"]])
                     for h in result["hits"]]}


def _expected(indexed_corpus, params: dict) -> dict:
    _, settings, _ = indexed_corpus
    return _comparable(search.search(settings.index_dir, search.SearchRequest.from_params(
        **{("date_from" if k == "from" else k): v for k, v in params.items()})))


def test_index_on_the_cluster_writes_one_shard_per_worker(cluster_index, indexed_corpus):
    index_dir, summary = cluster_index
    _, _, single = indexed_corpus
    assert json.loads((index_dir / "SHARDS").read_text()) == {"count": 2, "by": "file"}
    assert summary["articles"]["total"] == single["articles"]["total"]
    assert summary["files"] == single["files"]


def test_cluster_answers_like_one_machine(cluster_server, indexed_corpus):
    for params in QUERIES:
        status, result = _get(_query_url(cluster_server, params))
        assert status == 200, result
        assert _comparable(result) == _expected(indexed_corpus, params), params
    status, article = _get(f"{cluster_server}/article/{result['hits'][0]['id']}.json")
    assert status == 200 and article["id"] == result["hits"][0]["id"]


def test_cluster_related_and_suggest_like_one_machine(cluster_server, indexed_corpus):
    """Related articles on the article page, and completion, as on one machine."""
    from policysearch import suggest

    _, settings, _ = indexed_corpus
    request = search.SearchRequest.from_params(q="发展", per_page=4)
    for hit in search.search(settings.index_dir, request)["hits"]:
        with urllib.request.urlopen(f"{cluster_server}/article/{hit['id']}", timeout=60) as page:
            html = page.read().decode("utf-8")
        shown = html.split("<h3>相关文章</h3>", 1)[1].split("</section>", 1)[0] \
            if "<h3>相关文章</h3>" in html else ""
        expected = [r["id"] for r in search.related(settings.index_dir, hit["id"])]
        assert re.findall(r'href="/article/([^"?]+)"', shown) == expected, hit["id"]
    assert suggest.completer(settings.index_dir) is not None
    for q in ("国务院", "全国"):
        expected = suggest.suggestions(settings.index_dir, q)
        assert expected[1]
        # the server builds its completer in the background after starting
        _wait(lambda: _get(f"{cluster_server}/suggest?q=" + urllib.parse.quote(q))[1] == expected,
              f"/suggest?q={q} as on one machine", timeout=60)


def test_index_by_year_on_the_cluster_like_one_machine(dask_cluster, indexed_corpus, tmp_path):
    """`--shard-by year` with --cluster: the routing count here, the shards as the workers'
    tasks; the result answers as one index."""
    from policysearch import shards

    corpus, settings, single = indexed_corpus
    index_dir = tmp_path / "index"
    env = dict(os.environ, POLICYSEARCH_CACHE=str(settings.cache_dir))
    out = subprocess.run([str(BIN / "policysearch"), "index", str(corpus), "--index",
                          str(index_dir), "--cluster", dask_cluster.address, "--shard-by",
                          "year", "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["files"] == single["files"]
    assert summary["articles"]["total"] == single["articles"]["total"]
    assert shards.layout(index_dir)["by"] == "year"
    for params in QUERIES:
        request = search.SearchRequest.from_params(
            **{("date_from" if k == "from" else k): v for k, v in params.items()})
        assert _comparable(shards.search(index_dir, request)) == \
            _expected(indexed_corpus, params), params


def test_lost_worker_gives_503_naming_shards_then_whole_answers(cluster_server, dask_cluster,
                                                                indexed_corpus):
    params = dict(q="发展", per_page=30)
    expected = _expected(indexed_corpus, params)
    url = _query_url(cluster_server, params)
    status, result = _get(url)
    assert status == 200 and _comparable(result) == expected

    victim, proc = sorted(dask_cluster.workers.items())[-1]
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    # Every answer is either whole and right, or a 503 naming the shards of the lost
    # worker; never a partial result. Dask then re-places the actors on the worker left.
    refused = []
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        status, result = _get(url)
        if status == 200:
            assert _comparable(result) == expected
            if refused:
                break
        else:
            assert status == 503, result
            assert "shard-" in result["error"] and victim in result["error"], result
            refused.append(result["error"])
        time.sleep(0.2)
    assert refused, "the query right after the worker was lost should have been refused"
    assert status == 200, "the shards were not served again by the remaining worker"
    page = urllib.request.urlopen(f"{cluster_server}/search?q=%E5%8F%91%E5%B1%95", timeout=60)
    assert page.status == 200

#!/usr/bin/env python3
"""Benchmark: how build and search grow with the corpus, and what shards cost and give.

    python bench/bench_scale.py --sizes 74545,300000,1000000 --no-shards   # the curve
    nice python bench/bench_scale.py --sizes 20000 --qps-seconds 5   # a quick run

For each size, a corpus from bench/make_corpus.py (the real bench items, plus new items
recombined from paragraphs of the same month; in $TMPDIR, never in the repo) is indexed into
one index, then searched with the main bench's query set (bench_index_search.QUERIES: first
page of 10 with facets and snippets). Printed per size: build time (and its ratio to the
first size's, against the ratio of sizes), index size, peak memory of the build (parent and
largest worker) and of the serving process, p50/p95 over the query set (warm: each query
after a first run; the first runs are kept in curve.json as "first"), and the machine's mean
load average during the build. Each size's row is printed (stderr) and saved to
WORK/curve.json as soon as it is done, so a run stopped before the largest keeps the others.

At the first size it also measures the shards: the fan-out overhead (the same index searched
directly and as a one-shard sharded index, which runs shards.py's three steps and merge;
queries interleaved, per-query p50 difference), a two-shard build of the same corpus, and
queries per second with 1 and 2 shards (client threads searching for a fixed time); with
--cluster also the two shards served by actors on a Dask scheduler and two workers started
here on loopback (needs the extra policysearch[cluster]).
Each phase runs in its own child process, so peak memory (ru_maxrss) is per phase.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_index_search import QUERIES, _timings, du, peak_mb  # noqa: E402
from make_corpus import make  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def _settings(index_dir: Path, cache: Path):
    from policysearch.settings import Settings
    return Settings.load(environ={}, index_dir=index_dir, cache_dir=cache)


def _requests():
    from policysearch import search
    return [(label, search.SearchRequest.from_params(q=q, **params))
            for label, q, params in QUERIES]


# -- phases (each in its own process) -----------------------------------------------------

def phase_build(corpus: Path, index_dir: Path, cache: Path, shards: str) -> dict:
    from policysearch import index, shards as sharding

    settings = _settings(index_dir, cache)
    loads, done = [], threading.Event()

    def sample_load():   # the machine's 1-minute load average, every 10 s of the build
        while not done.wait(10):
            loads.append(os.getloadavg()[0])

    threading.Thread(target=sample_load, daemon=True).start()
    t = time.perf_counter()
    if int(shards) > 1:
        summary = sharding.build(corpus, settings, count=int(shards), rebuild=True)
    else:
        summary = index.update(corpus, settings, rebuild=True)
    done.set()
    return {"build_s": time.perf_counter() - t, "articles": summary["articles"]["total"],
            "load": statistics.mean(loads) if loads else os.getloadavg()[0],
            "failed_files": summary["files"]["failed"], "size_bytes": du(index_dir),
            "workers": settings.workers, **peak_mb()}


def phase_query(index_dir: Path, cache: Path) -> dict:
    from policysearch import analysis, shards

    analysis.configure(cache)
    t = time.perf_counter()
    shards.warm(index_dir, cache)
    out = {"_open_s": time.perf_counter() - t}
    for label, request in _requests():
        t = time.perf_counter()     # the first run: nothing of this query cached yet
        result = shards.search(index_dir, request)
        first = (time.perf_counter() - t) * 1000
        out[label] = {"total": result["total"], "first": first,
                      **_timings(lambda: shards.search(index_dir, request))}
    out["_peak"] = peak_mb()
    return out


def phase_fanout(index_dir: Path, cache: Path) -> dict:
    """Per-query p50 of the same index searched directly and as a one-shard sharded index."""
    from policysearch import analysis, search, shards

    analysis.configure(cache)
    one = index_dir.parent / f"{index_dir.name}-as-1-shard"
    one.mkdir(exist_ok=True)
    if not (one / "shard-00").exists():
        (one / "shard-00").symlink_to(index_dir.resolve())
    (one / shards.SHARDS).write_text(json.dumps({"count": 1, "by": "file"}))
    out = {}
    for label, request in _requests():
        direct, sharded = [], []
        search.search(index_dir, request), shards.search(one, request)   # warm
        for _ in range(7):
            for run, times in ((lambda: search.search(index_dir, request), direct),
                               (lambda: shards.search(one, request), sharded)):
                t = time.perf_counter()
                run()
                times.append((time.perf_counter() - t) * 1000)
        out[label] = {"direct": statistics.median(direct), "sharded": statistics.median(sharded)}
    return out


def phase_cluster(index_dir: Path, cache: Path, seconds: str, threads: str) -> dict:
    """p50 per query and QPS of the sharded index served by Dask actors on two local
    workers (`dask scheduler` and `dask worker` subprocesses, stopped at the end)."""
    from policysearch import analysis, cluster, shards, search

    analysis.configure(cache)
    port = 18786 + os.getpid() % 1000
    address = f"tcp://127.0.0.1:{port}"
    dask = Path(sys.executable).parent / "dask"
    scratch = tempfile.mkdtemp(prefix="policysearch-dask-")
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=scratch)]
    try:
        time.sleep(3)
        procs += [subprocess.Popen([str(dask), "worker", address, "--nthreads", "1",
                                    "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                                    "--local-directory", scratch],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   cwd=scratch) for _ in range(2)]
        client = cluster.connect(address)
        client.wait_for_workers(2, timeout=120)
        client.close()
        backend = cluster.serve_backend(address, index_dir, _settings(index_dir, cache))
        out = {}
        for label, request in _requests():
            out[label] = _timings(lambda: shards.search(index_dir, request))
        out["_qps"] = phase_qps(index_dir, cache, seconds, threads)
        backend.call.client.close()
        return out
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def phase_qps(index_dir: Path, cache: Path, seconds: str, threads: str) -> dict:
    from policysearch import analysis, shards

    analysis.configure(cache)
    requests = [r for _, r in _requests()]
    for r in requests:
        shards.search(index_dir, r)    # warm every query's caches
    done = [0] * int(threads)
    stop = time.monotonic() + float(seconds)

    def client(n: int) -> None:
        i = n
        while time.monotonic() < stop:
            shards.search(index_dir, requests[i % len(requests)])
            done[n] += 1
            i += 1

    pool = [threading.Thread(target=client, args=(n,)) for n in range(int(threads))]
    t = time.perf_counter()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return {"qps": sum(done) / (time.perf_counter() - t), "queries": sum(done)}


PHASES = {"build": phase_build, "query": phase_query, "fanout": phase_fanout, "qps": phase_qps,
          "cluster": phase_cluster}


def run_phase(name: str, *args) -> dict:
    print(f"  {time.strftime('%H:%M:%S')} running {name} {' '.join(map(str, args))} …",
          file=sys.stderr, flush=True)
    proc = subprocess.run([sys.executable, __file__, "--phase", name, *map(str, args)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- report -------------------------------------------------------------------------------

def _over_set(q: dict) -> tuple[float, float]:
    times = sorted(t for label, *_ in QUERIES for t in q[label]["all"])
    return statistics.median(times), times[int(0.95 * len(times))]


CURVE_HEADER = (f"{'articles':>9}{'build s':>9}{'x size':>8}{'x build':>9}{'index MB':>10}"
                f"{'build RSS parent+max worker MB':>32}{'open s':>8}{'serve RSS MB':>14}"
                f"{'p50 ms':>8}{'p95 ms':>8}{'worst p95':>11}{'load':>6}")


def curve_row(row: tuple[int, dict, dict], base: tuple[int, dict, dict]) -> str:
    mb = 1024 * 1024
    n, b, q = row
    p50, p95 = _over_set(q)
    worst = max(q[label]["p95"] for label, *_ in QUERIES)
    return (f"{b['articles']:9}{b['build_s']:9.0f}{n / base[0]:8.2f}"
            f"{b['build_s'] / base[1]['build_s']:9.2f}"
            f"{b['size_bytes'] / mb:10.0f}{b['self_mb']:>19.0f} + {b['largest_child_mb']:<10.0f}"
            f"{q['_open_s']:8.1f}{q['_peak']['self_mb']:14.0f}{p50:8.1f}{p95:8.1f}{worst:11.1f}"
            f"{b.get('load', 0):6.1f}")


def report_curve(rows: list[tuple[int, dict, dict]]) -> None:
    print(f"\n{CURVE_HEADER}")
    for row in rows:
        print(curve_row(row, rows[0]))
    print("\nper query p50 / p95 ms by size:")
    for label, q, params in QUERIES:
        cells = "  ".join(f"{r[2][label]['p50']:7.1f} /{r[2][label]['p95']:7.1f} ({r[2][label]['total']})"
                          for r in rows)
        print(f"  {label:18}{cells}")


def report_shards(fan: dict, build2: dict, build1: dict, qps: dict, dask: dict | None,
                  query1: dict) -> None:
    diffs = sorted(v["sharded"] - v["direct"] for v in fan.values())
    print("\nfan-out overhead (same index, direct vs as a 1-shard sharded index), p50 per query:")
    for label, v in fan.items():
        print(f"  {label:18}{v['direct']:8.1f} ms direct {v['sharded']:8.1f} ms sharded "
              f"(+{v['sharded'] - v['direct']:.1f})")
    print(f"  median overhead {statistics.median(diffs):.1f} ms, largest {diffs[-1]:.1f} ms")
    print(f"2-shard build: {build2['build_s']:.0f} s ({build2['build_s'] / build1['build_s']:.2f}x "
          f"the 1-index build), {build2['size_bytes'] / 2**20:.0f} MB")
    for name, v in qps.items():
        print(f"queries per second, {name}: {v['qps']:.1f} ({v['queries']} queries)")
    if dask:
        p50, p95 = _over_set(dask)
        one50, one95 = _over_set(query1)
        print(f"2 shards on Dask actors (2 workers on loopback): p50 {p50:.1f} ms, p95 "
              f"{p95:.1f} ms over the set (1 index in-process: {one50:.1f} / {one95:.1f}); "
              f"{dask['_qps']['qps']:.1f} queries per second")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="74545,300000", help="corpus sizes, comma-separated")
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "policysearch-scale")
    ap.add_argument("--qps-seconds", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2, help="client threads for QPS")
    ap.add_argument("--no-shards", action="store_true", help="only the curve")
    ap.add_argument("--cluster", action="store_true", help="also serve 2 shards from Dask")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.phase:
        print(json.dumps(PHASES[opts.phase](*[Path(a) if "/" in a else a for a in opts.args])))
        return
    if REPO in opts.work.resolve().parents:
        raise SystemExit("the work directory must be outside the repo")
    cache = opts.work / "cache"
    rows, shard_figures = [], None
    for n, size in enumerate(int(s) for s in opts.sizes.split(",")):
        corpus = make(size, opts.work / f"corpus-{size}")
        index_dir = opts.work / f"index-{size}"
        build = run_phase("build", corpus, index_dir, cache, 1)
        rows.append((size, build, run_phase("query", index_dir, cache)))
        # each size as it is done (a long run may be stopped before the last)
        print(f"{CURVE_HEADER}\n{curve_row(rows[-1], rows[0])}", file=sys.stderr, flush=True)
        (opts.work / "curve.json").write_text(json.dumps(rows))
        if n == 0 and not opts.no_shards:
            fan = run_phase("fanout", index_dir, cache)
            two = opts.work / f"index-{size}-2-shards"
            build2 = run_phase("build", corpus, two, cache, 2)
            qps = {f"1 index, {opts.threads} client threads":
                   run_phase("qps", index_dir, cache, opts.qps_seconds, opts.threads),
                   f"2 shards (threads in one process), {opts.threads} client threads":
                   run_phase("qps", two, cache, opts.qps_seconds, opts.threads)}
            dask = run_phase("cluster", two, cache, opts.qps_seconds, opts.threads) \
                if opts.cluster else None
            shard_figures = (fan, build2, build, qps, dask, rows[0][2])
    print(f"\nmachine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    report_curve(rows)
    if shard_figures:
        report_shards(*shard_figures)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Benchmark: completion latency (GET /suggest) on the 74.5k news index.

    nice python bench/bench_suggest.py                       # index the bench corpus if needed
    python bench/bench_suggest.py --index DIR                # an index you already built
    python bench/bench_suggest.py --limit 5000               # a quick run on a sample

Builds (or reuses) our index of ../shared/bench/xwlb_2012_2026.jsonl.gz the way
bench_index_search.py does, then times, in one process:
- building the completer once for the generation (cold, from the index) and loading it from
  the cache directory (a restarted server);
- GET /suggest through the Flask app for prefixes typed as people type them: the first 1-4
  characters of titles and title words drawn at random, and two-word prefixes;
- the completion alone (in-process, without the HTTP layer), and the same completions by the
  obvious way (scan every distinct title and word for the prefix, then sort by weight), as
  the same-run baseline.
Prints p50 / p95 / max in ms and the ratio of our completion p95 to the baseline's.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_index_search as bench  # noqa: E402  (shares the corpus preparation)

PREFIXES = 600


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def prefixes(completer, rng) -> list[str]:
    titles = completer.titles.shown
    words = completer.words.shown
    out = []
    for _ in range(PREFIXES):
        source = rng.choice(titles) if rng.random() < 0.5 else rng.choice(words)
        out.append(source[:rng.randint(1, min(4, len(source)))])
    for _ in range(PREFIXES // 6):
        out.append(f"{rng.choice(words)} {rng.choice(words)[:rng.randint(1, 2)]}")
    return out


def naive(completer, q: str, k: int = 8) -> list[str]:
    """The baseline: a scan of every entry for the prefix, then a sort by weight."""
    from policysearch import analysis
    head, _, last = q.rpartition(" ")
    prefix = analysis.normalise(last)
    out = []
    for table in (completer.words, completer.titles):
        found = [(w, s) for key, w, s in zip(table.keys, table.weights, table.shown)
                 if key.startswith(prefix)]
        found.sort(key=lambda x: -x[0])
        out += [s for _, s in found[:k]]
    return out[:k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, help="an existing index (skips building one)")
    parser.add_argument("--limit", type=int, help="index only the first N articles")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policysearch-bench")
    args = parser.parse_args()

    from policysearch import suggest
    from policysearch.settings import Settings
    from policysearch.web import create_app

    cache = args.work / "cache"
    index_dir = args.index
    if index_dir is None:
        if not bench.DATA.exists():
            print(f"needs {bench.DATA}", file=sys.stderr)
            return 2
        corpus = bench.prepare(args.work, args.limit)
        index_dir = args.work / f"index-{args.limit or 'all'}"
        from policysearch import index
        settings = Settings.load(environ={}, index_dir=index_dir, cache_dir=cache)
        t = time.perf_counter()
        summary = index.update(corpus, settings)
        print(f"index: {summary['articles']['total']:,} articles ({time.perf_counter() - t:.1f} s)")
    settings = Settings.load(environ={}, index_dir=index_dir, cache_dir=cache)

    suggest._completers.clear()
    for stale in cache.glob("suggest-*.pickle"):
        stale.unlink()
    t = time.perf_counter()
    completer = suggest.completer(index_dir, cache)
    cold = time.perf_counter() - t
    suggest._completers.clear()
    t = time.perf_counter()
    suggest.completer(index_dir, cache)
    warm = time.perf_counter() - t
    print(f"completer: {len(completer.titles.keys):,} distinct titles, "
          f"{len(completer.words.keys):,} title words; built in {cold:.2f} s, "
          f"loaded from the cache in {warm:.2f} s")

    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    queries = prefixes(completer, random.Random(11))
    http, ours, base, empty = [], [], [], 0
    for q in queries:
        t = time.perf_counter()
        response = client.get("/suggest", query_string={"q": q})
        http.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
        empty += not response.get_json()[1]
        t = time.perf_counter()
        completer.complete(q)
        ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        naive(completer, q)
        base.append((time.perf_counter() - t) * 1000)
    print(f"{len(queries)} prefixes ({empty} with no completion):")
    for name, values in (("GET /suggest", http), ("completion", ours), ("baseline scan", base)):
        print(f"  {name:14s} p50 {percentile(values, 50):7.2f} ms   p95 {percentile(values, 95):7.2f} ms"
              f"   max {max(values):7.2f} ms   mean {statistics.mean(values):6.2f} ms")
    print(f"  completion p95 / baseline scan p95: {percentile(ours, 95) / percentile(base, 95):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

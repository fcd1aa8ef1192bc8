#!/usr/bin/env python3
"""Benchmark: a sharded index against one index over the same corpus, on real text.

    python bench/bench_scale.py --phase build CORPUS /tmp/x/one CACHE 1     # one index
    python bench/bench_scale.py --phase build CORPUS /tmp/x/two CACHE 2     # two shards
    python bench/compare_shards.py /tmp/x/one /tmp/x/two [--related 30] [--repeat 5]

Runs the main bench's query set (bench_index_search.QUERIES, first page of 10 with facets
and snippets), the same queries on pages 2 and 3, and the titles of republished stories
(copies, as one index groups them) as queries, on both, and prints how many answers
differ (ids, order, scores, snippets, total, stories, copies, facet counts), how many stories
collapse copies, then related articles of the first hits and completions of title prefixes,
compared the same way; then p50/p95 of each side over the query set, and the time the
grouping of copies across the shards takes (dedup.group_across, what `index` adds to a
sharded build). Nothing is written to either index.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_index_search import QUERIES  # noqa: E402


def comparable(result: dict) -> dict:
    return {"total": result["total"], "stories": result.get("stories"),
            "facets": result["facets"],
            "hits": [(h["id"], h["score"], h["snippet"], [c["id"] for c in h.get("copies", [])])
                     for h in result["hits"]]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("one", type=Path, help="one index")
    ap.add_argument("sharded", type=Path, help="a sharded index of the same corpus")
    ap.add_argument("--related", type=int, default=30, help="articles whose related to compare")
    ap.add_argument("--stories", type=int, default=30, help="story titles to search for")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query and side")
    opts = ap.parse_args()

    from policysearch import dedup, index, search, shards
    requests = [(f"{label} p{page}", search.SearchRequest.from_params(q=q, page=page, **params))
                for label, q, params in QUERIES for page in (1, 2, 3)]
    # and the title of each republished story (of one index) as a query: copies on the page
    grouped = dedup.read_groups(index.current_generation(opts.one))
    titles = sorted({search.get_article(opts.one, gid)["title"] for gid in set(grouped.values())})
    requests += [(f"story title {n}", search.SearchRequest.from_params(q=t[:40]))
                 for n, t in enumerate(titles[:opts.stories])]
    differ, collapsed, hits = [], 0, []
    for label, request in requests:
        one = search.search(opts.one, request)
        split = shards.search(opts.sharded, request)
        if comparable(one) != comparable(split):
            differ.append(label)
        collapsed += sum(1 for h in one["hits"] if h["copies"])
        hits += [h["id"] for h in one["hits"]]
    print(f"search: {len(requests) - len(differ)} of {len(requests)} answers identical; "
          f"{collapsed} hits of one index list copies")
    for label in differ:
        print(f"  differs: {label}")

    ids = list(dict.fromkeys(hits))[:opts.related]
    same = sum(1 for id in ids if search.related(opts.one, id) == shards.related(opts.sharded, id))
    with_copies = sum(1 for id in ids if (search.get_article(opts.one, id) or {}).get("copies"))
    pages = sum(1 for id in ids if search.get_article(opts.one, id)["copies"]
                == shards.get_article(opts.sharded, id)["copies"])
    print(f"related articles: {same} of {len(ids)} identical; article pages' copies: {pages} of "
          f"{len(ids)} identical ({with_copies} have copies)")

    from policysearch import suggest
    prefixes = sorted({(search.get_article(opts.one, id)["title"] or "")[:n] for id in ids
                       for n in (1, 2)} - {""})
    try:
        complete = [suggest.completer(d) for d in (opts.one, opts.sharded)]
        same = sum(1 for p in prefixes if complete[0].complete(p) == complete[1].complete(p))
        print(f"completion: {same} of {len(prefixes)} prefixes identical")
    except search.SearchError as exc:   # a version without completion on shards
        print(f"completion: not on the sharded index ({exc})")

    times = {"one index": [], "sharded": []}
    for _, request in requests[:3 * len(QUERIES):3]:   # first pages, as the main bench
        for _ in range(opts.repeat):
            for side, run in (("one index", lambda: search.search(opts.one, request)),
                              ("sharded", lambda: shards.search(opts.sharded, request))):
                t = time.perf_counter()
                run()
                times[side].append((time.perf_counter() - t) * 1000)
    for side, values in times.items():
        values.sort()
        print(f"{side}: p50 {statistics.median(values):.1f} ms, "
              f"p95 {values[int(0.95 * len(values))]:.1f} ms over the set")

    shape = shards.layout(opts.sharded)
    if shape and hasattr(dedup, "group_across"):
        gens = [index.current_generation(opts.sharded / n) for n in shards.shard_names(shape["count"])]
        t = time.perf_counter()
        groups = dedup.group_across(gens)
        print(f"grouping copies across {len(gens)} shards: {time.perf_counter() - t:.2f} s, "
              f"{len(groups)} articles in {len(set(groups.values()))} stories")


if __name__ == "__main__":
    main()

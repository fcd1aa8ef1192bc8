#!/usr/bin/env python3
"""Benchmark: searches over documents built to be slow, against a normal search, same run.

    nice python bench/bench_hostile.py            # a 20 MB one-line document (~10 min to index)
    python bench/bench_hostile.py --mb 2          # a quick run

Writes to a work directory outside the repo (default $TMPDIR/policysearch-bench-hostile) a
corpus of invented text: a document of --mb MB on one line (a sentence repeated), one of
200,000 short lines with a match on the last, one with 100,000 matches of a word, and 200
ordinary articles; indexes it; then times, warm, the median of --repeat runs of each case:
`search.search` (server side: parsing, matching, ranking, facets and snippets of the first
page; its took_ms) and the web routes through Flask's test client (the search page, its
JSON / Atom / CSV twins, the article page with every match highlighted). The baseline is
the same routes for a word of the ordinary articles; ratios are against it.
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from policysearch import index, search
from policysearch.settings import Settings
from policysearch.web import create_app

SENTENCE = "该区持续优化营商环境，推动数字经济与实体经济深度融合。"
CASES = [  # (label, query): the baseline first
    ("baseline: ordinary articles", "乡村振兴"),
    ("word of the one-line document", "营商环境"),
    ("last of 200,000 lines", "海绵城市"),
    ("100,000 matches", "农田"),
    ("all three hostile documents", "营商环境 OR 海绵城市 OR 农田"),
]
ROUTES = ["/search?q={q}", "/search.json?q={q}", "/search.atom?q={q}", "/search.csv?q={q}",
          "/article/{id}?q={q}"]


def write_corpus(corpus: Path, megabytes: float) -> None:
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    repeats = int(megabytes * 1_000_000 / len(SENTENCE.encode("utf-8")))
    (corpus / "oneline.txt").write_text(SENTENCE * repeats, encoding="utf-8")
    (corpus / "lines.txt").write_text(
        "某区台账汇总\n\n" + "\n".join(f"台账{i:06d}" for i in range(200_000))
        + "\n台账末尾记有海绵城市改造。\n", encoding="utf-8")
    (corpus / "matches.txt").write_text("高标准农田建设\n\n" + "农田" * 100_000 + "。\n",
                                        encoding="utf-8")
    rng = random.Random(3)
    places = ["某县", "某镇", "某市", "某区"]
    works = ["推进乡村振兴", "建设高标准厂房", "发展特色产业", "完善公共服务", "改善人居环境"]
    normal = corpus / "normal"
    normal.mkdir()
    for i in range(200):
        body = "".join(f"{rng.choice(places)}{rng.choice(works)}，取得新进展。" for _ in range(12))
        (normal / f"{i:03d}.txt").write_text(f"{rng.choice(places)}{rng.choice(works)}纪实\n\n{body}",
                                             encoding="utf-8")


def median_ms(fn, repeat: int) -> float:
    fn()  # warm
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=20, help="size of the one-line document (MB)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policysearch-bench-hostile")
    args = ap.parse_args()
    corpus, index_dir = args.work / "corpus", args.work / "index"
    write_corpus(corpus, args.mb)
    shutil.rmtree(index_dir, ignore_errors=True)
    settings = Settings.load(index_dir=index_dir)
    started = time.perf_counter()
    summary = index.update(corpus, settings)
    print(f"indexed {summary['articles']['total']} articles in {time.perf_counter() - started:.0f} s "
          f"(one-line document: {args.mb:g} MB)")
    for p in summary.get("problems", []):
        print(f"  {p['file']}: {p['problem']}")
    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    header = f"{'case':32} {'total':>6} {'search':>9} " + " ".join(f"{r.split('?')[0]:>13}" for r in ROUTES)
    print(header)
    base = None
    for label, q in CASES:
        request = search.SearchRequest.from_params(q=q)
        result = search.search(index_dir, request)
        took = statistics.median(search.search(index_dir, request)["took_ms"] for _ in range(args.repeat))
        first = result["hits"][0]["id"]
        routes = [median_ms(lambda r=r: client.get(r.format(q=quote(q), id=first)), args.repeat)
                  for r in ROUTES]
        row = [took] + routes
        base = base or row
        cells = " ".join(f"{v:>6.1f}ms x{v / b:>4.1f}" for v, b in zip(row, base))
        print(f"{label:32} {result['total']:>6} {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the tagger against hand-labelled articles (default: both ../shared/dev label files).

For each file, and for all files together, prints precision, recall and F1 per facet
(micro-averaged), per source and kind of article (round-ups: 快讯, titles with 各地, 多地 or
全国; long documents; other news) and per value, the disagreements (article, what the labels
say, what the tagger said) and the tagger's cost per article.

    .venv/bin/python tools/eval_tagger.py [LABELS.jsonl ...] [--quiet] [--no-values]
    .venv/bin/python tools/eval_tagger.py --bench 10000     # cost per article on ../shared/bench

Tune rules on labels.jsonl as a whole and keep labels-2.jsonl for measuring: a rule written
for one article of either will not hold on other sources.
"""
from __future__ import annotations

import argparse
import gzip
import itertools
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from policysearch import tagging
from policysearch.article import Article

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "dev"
DEFAULTS = [DEV / "labels.jsonl", DEV / "labels-2.jsonl"]
BENCH = DEV.parent / "bench" / "xwlb_2012_2026.jsonl.gz"
FACETS = ("provinces", "industries")
_ROUNDUP = re.compile(r"快讯|简讯|各地|多地|全国")
LONG_CHARS = 2000


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def kind(row: dict) -> str:
    if _ROUNDUP.search(row.get("title") or ""):
        return "round-up"
    return "long" if len(_text(row)) >= LONG_CHARS else "news"


def _text(row: dict) -> str:
    return row.get("text") or row.get("body") or ""


class Tally:
    """Counts of one group of articles: per facet, and per facet and value."""

    def __init__(self) -> None:
        self.n = 0
        self.counts = {f: Counter() for f in FACETS}
        self.values: dict[str, dict[str, Counter]] = {f: {} for f in FACETS}

    def add(self, facet: str, gold: set[str], got: set[str]) -> None:
        c = self.counts[facet]
        c["tp"] += len(gold & got)
        c["fp"] += len(got - gold)
        c["fn"] += len(gold - got)
        for value in gold | got:
            v = self.values[facet].setdefault(value, Counter())
            v["tp"] += value in gold and value in got
            v["fp"] += value in got and value not in gold
            v["fn"] += value in gold and value not in got

    def line(self, facet: str) -> str:
        c = self.counts[facet]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        return f"P={p:.3f} R={r:.3f} F1={f:.3f} (tp={c['tp']} fp={c['fp']} fn={c['fn']})"


def evaluate(rows: list[dict]) -> tuple[dict[str, Tally], list[tuple], float, int]:
    """Tag every row; tallies by group ("all", "source: …", "kind: …"), disagreements, seconds, chars."""
    tallies: dict[str, Tally] = {}
    disagreements = []
    elapsed, chars = 0.0, 0
    for row in rows:
        article = Article(title=row.get("title") or "", body=_text(row),
                          source=row.get("source"), byline=row.get("byline"))
        t0 = time.perf_counter()
        tagging.tag(article)
        elapsed += time.perf_counter() - t0
        chars += len(article.body)
        source = (row.get("source") or "?").split()[0]  # "省级政府工作报告 https://…": the name, not the address
        groups = ("all", f"source: {source}", f"kind: {kind(row)}")
        for group in groups:
            tallies.setdefault(group, Tally()).n += 1
        for facet in FACETS:
            gold, got = set(row.get(facet) or []), set(getattr(article, facet))
            for group in groups:
                tallies[group].add(facet, gold, got)
            if gold != got:
                disagreements.append((row.get("id", "?"), (row.get("title") or "")[:40], facet,
                                      sorted(gold - got), sorted(got - gold)))
    return tallies, disagreements, elapsed, chars


def report(name: str, rows: list[dict], quiet: bool, values: bool) -> None:
    tallies, disagreements, elapsed, chars = evaluate(rows)
    print(f"== {name}")
    if not quiet:
        print("disagreements (id, title, facet, missed, extra):")
        for d in disagreements:
            print(f"  {d[0][:24]:24} {d[1]:40} {d[2]:10} missed={d[3]} extra={d[4]}")
    for facet in FACETS:
        print(f"{facet}: micro {tallies['all'].line(facet)}")
        for group, tally in sorted(tallies.items()):
            if group != "all":
                print(f"    {group:24} n={tally.n:<4} {tally.line(facet)}")
        if values:
            items = tallies["all"].values[facet].items()
            for value, v in sorted(items, key=lambda kv: -(kv[1]["tp"] + kv[1]["fn"])):
                vp, vr, vf = prf(v["tp"], v["fp"], v["fn"])
                print(f"      {value:8} P={vp:.2f} R={vr:.2f} F1={vf:.2f}  tp={v['tp']} fp={v['fp']} fn={v['fn']}")
    n = max(1, len(rows))
    print(f"articles: {len(rows)}, mean length {chars / n:.0f} chars, "
          f"tagger cost {1000 * elapsed / n:.2f} ms/article\n")


def bench(count: int) -> int:
    """Tagging cost over an even sample of the bench corpus: CPU time per article, tagging only."""
    if not BENCH.exists():
        print(f"no bench corpus at {BENCH}", file=sys.stderr)
        return 2
    with gzip.open(BENCH, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    step = max(1, len(rows) // count)
    articles = [Article(title=r.get("title") or "", body=r.get("text") or "") for r in itertools.islice(rows, 0, None, step)]
    for article in articles[:200]:  # load the data and meet most characters outside the timing
        tagging.tag(Article(title=article.title, body=article.body))
    t0 = time.process_time()
    for article in articles:
        tagging.tag(article)
    elapsed = time.process_time() - t0
    chars = sum(len(a.body) for a in articles) / len(articles)
    print(f"bench: {len(articles)} articles, mean length {chars:.0f} chars, "
          f"tagger cost {1000 * elapsed / len(articles):.3f} ms/article (CPU time)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="*", type=Path, default=DEFAULTS)
    parser.add_argument("--quiet", action="store_true", help="figures only, no disagreements")
    parser.add_argument("--no-values", action="store_true", help="no figures per facet value")
    parser.add_argument("--bench", type=int, metavar="N", help="time the tagger on N bench articles instead")
    args = parser.parse_args(argv)
    if args.bench:
        return bench(args.bench)
    missing = [str(p) for p in args.labels if not p.exists()]
    if missing:
        print(f"no labels file at {', '.join(missing)}", file=sys.stderr)
        return 2
    tagging.tag(Article(title="预热", body="加载数据。"))  # load the data outside the timing
    everything = []
    for path in args.labels:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        everything += rows
        report(path.name, rows, args.quiet, not args.no_values)
    if len(args.labels) > 1:
        report("all files", everything, True, not args.no_values)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure the tagger against hand-labelled articles (default ../shared/dev/labels.jsonl).

Prints precision, recall and F1 per facet (micro-averaged, then per value), the disagreements
(article, what the labels say, what the tagger said) and the tagger's cost per article.

    .venv/bin/python tools/eval_tagger.py [LABELS.jsonl] [--quiet]

Use it to tune rules on the file as a whole; a rule written for one article of it will not
hold on other sources.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from policysearch import tagging
from policysearch.article import Article

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "dev" / "labels.jsonl"
FACETS = ("provinces", "industries")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--quiet", action="store_true", help="figures only, no disagreements")
    args = parser.parse_args(argv)
    if not args.labels.exists():
        print(f"no labels file at {args.labels}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]

    tagging.tag(Article(title="预热", body="加载数据。"))  # load the data outside the timing
    counts = {f: Counter() for f in FACETS}
    per_value = {f: {} for f in FACETS}
    disagreements = []
    elapsed, chars = 0.0, 0
    for row in rows:
        article = Article(title=row.get("title") or "", body=row.get("text") or row.get("body") or "",
                          source=row.get("source"), byline=row.get("byline"))
        t0 = time.perf_counter()
        tagging.tag(article)
        elapsed += time.perf_counter() - t0
        chars += len(article.body)
        for facet in FACETS:
            gold, got = set(row.get(facet) or []), set(getattr(article, facet))
            c = counts[facet]
            c["tp"] += len(gold & got)
            c["fp"] += len(got - gold)
            c["fn"] += len(gold - got)
            for value in gold | got:
                v = per_value[facet].setdefault(value, Counter())
                v["tp"] += value in gold and value in got
                v["fp"] += value in got and value not in gold
                v["fn"] += value in gold and value not in got
            if gold != got:
                disagreements.append((row.get("id", "?"), row.get("title", "")[:40], facet,
                                      sorted(gold - got), sorted(got - gold)))

    if not args.quiet:
        print("disagreements (id, title, facet, missed, extra):")
        for d in disagreements:
            print(f"  {d[0][:24]:24} {d[1]:40} {d[2]:10} missed={d[3]} extra={d[4]}")
        print()
    for facet in FACETS:
        c = counts[facet]
        p, r, f = prf(c["tp"], c["fp"], c["fn"])
        print(f"{facet}: micro P={p:.3f} R={r:.3f} F1={f:.3f} (tp={c['tp']} fp={c['fp']} fn={c['fn']})")
        for value, v in sorted(per_value[facet].items(), key=lambda kv: -(kv[1]["tp"] + kv[1]["fn"])):
            vp, vr, vf = prf(v["tp"], v["fp"], v["fn"])
            print(f"    {value:8} P={vp:.2f} R={vr:.2f} F1={vf:.2f}  tp={v['tp']} fp={v['fp']} fn={v['fn']}")
    n = len(rows)
    print(f"articles: {n}, mean length {chars / n:.0f} chars, tagger cost {1000 * elapsed / n:.2f} ms/article")
    return 0


if __name__ == "__main__":
    sys.exit(main())

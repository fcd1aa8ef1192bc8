#!/usr/bin/env python3
"""Make a larger realistic corpus from ../shared/bench for scale benchmarks (output in /tmp).

    python bench/make_corpus.py 300000                 # -> $TMPDIR/policysearch-scale/corpus-300000
    python bench/make_corpus.py 1000000 --out /data/c  # anywhere outside the repo

The corpus holds the 74,545 real items and, to reach the size asked for, new distinct items
made from them: each new item takes the paragraphs of 2-4 items of the same month (so its
vocabulary, names and topics are those of that period), in a new order, gets a new id, a
date on another day of that month, and a title made from its own first sentence. Files are
one JSONL file per month and copy, like the main bench's corpus. Deterministic (seeded).
Nothing is written into the repo.
"""
from __future__ import annotations

import argparse
import calendar
import gzip
import json
import random
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "bench" / "xwlb_2012_2026.jsonl.gz"
SENTENCE_END = re.compile(r"[。！？；]")


def load_months() -> dict[str, list[dict]]:
    months: dict[str, list[dict]] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            months.setdefault((item.get("date") or "unknown")[:7], []).append(item)
    return months


def paragraphs(item: dict) -> list[str]:
    return [p.strip() for p in (item.get("text") or "").split("\n") if p.strip()]


def new_item(month: str, items: list[dict], copy: int, n: int, rng: random.Random) -> dict:
    """The n-th new item of `copy` for `month`: paragraphs of 2-4 items of that month."""
    sources = rng.sample(items, min(len(items), rng.randint(2, 4)))
    pool = [p for item in sources for p in paragraphs(item)]
    rng.shuffle(pool)
    # about as long as the first source: the corpus grows in items, not in item length
    target, paras = len(sources[0].get("text") or ""), []
    while pool and (len(paras) < 2 or sum(map(len, paras)) < target):
        paras.append(pool.pop())
    paras = paras or [sources[0].get("title") or month]
    lead = paras[0].split("：", 1)[1] if "：" in paras[0][:20] else paras[0]
    first = SENTENCE_END.split(lead)[0]
    title = first[:30].rstrip("，、：: ") or (sources[0].get("title") or "")
    date = month + "-01"
    if re.fullmatch(r"\d{4}-\d{2}", month):
        year, mon = int(month[:4]), int(month[5:])
        date = f"{month}-{rng.randint(1, calendar.monthrange(year, mon)[1]):02d}"
    return {"id": f"gen{copy}-{month}-{n:05d}", "title": title, "date": date,
            "source": sources[0].get("source"), "text": "\n".join(paras)}


def make(size: int, out: Path, seed: int = 12) -> Path:
    done = out / ".complete"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    months = load_months()
    if size < sum(len(v) for v in months.values()):   # a sample: the first items
        kept, left = {}, size
        for month, items in sorted(months.items()):
            if left > 0:
                kept[month], left = items[:left], left - len(items[:left])
        months = kept
    real = sum(len(v) for v in months.values())
    rng = random.Random(seed)
    written = 0
    for month, items in sorted(months.items()):
        lines = [json.dumps(i, ensure_ascii=False) for i in items]
        (out / f"xwlb-{month}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    written = real
    copy = 0
    while written < size:
        copy += 1
        for month, items in sorted(months.items()):
            want = min(len(items), size - written)
            if want <= 0:
                break
            lines = [json.dumps(new_item(month, items, copy, n, rng), ensure_ascii=False)
                     for n in range(want)]
            (out / f"gen{copy}-{month}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
            written += want
    done.write_text(str(written))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int, help="number of items (fewer than the 74,545 real ones: "
                                           "the first of them)")
    ap.add_argument("--out", type=Path, default=None)
    opts = ap.parse_args()
    if not DATA.exists():
        raise SystemExit(f"needs {DATA} (../shared beside the repo)")
    out = opts.out or Path(tempfile.gettempdir()) / "policysearch-scale" / f"corpus-{opts.size}"
    if REPO in out.resolve().parents:
        raise SystemExit("the corpus must be written outside the repo")
    print(make(opts.size, out), file=sys.stderr)


if __name__ == "__main__":
    main()

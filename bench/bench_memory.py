#!/usr/bin/env python3
"""Peak memory of indexing one huge plain-text file (parent and worker processes summed).

    nice python bench/bench_memory.py --mb 20 --mb 200      # one run per size
    nice python bench/bench_memory.py --mb 200 --one-line   # the file as a single line
    nice python bench/bench_memory.py --mb 200 --invented   # made-up text, no ../shared

Writes a text of the given size to a work directory outside the repo: the news texts of
../shared/bench/xwlb_2012_2026.jsonl.gz one after another (repeated as needed; real
vocabulary, so the index holds as many distinct terms as a real file would), or with
--invented sentences of a few dozen made-up phrases; in paragraphs or all on one line. Runs
`policysearch index` on it in a child process and samples the resident memory of that
process and all its descendants every 20 ms from /proc (Linux; proportional set sizes, so
pages forked processes share count once). Prints, per size, the peak of the sum, the
largest single process (ru_maxrss of the children, shared pages counted in full) and the
run time.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("policysearch")
DATA = REPO.parent / "shared" / "bench" / "xwlb_2012_2026.jsonl.gz"
SUBJECTS = ["全市", "该省", "各区县", "有关部门", "园区企业", "试点地区", "合作社", "科研院所"]
VERBS = ["加快推进", "持续深化", "统筹布局", "积极培育", "稳步扩大", "全面落实", "着力提升"]
OBJECTS = ["先进制造业集群", "数字基础设施", "现代农业产业园", "清洁能源体系", "跨境电商综合试验区",
           "城市更新行动", "养老服务网络", "低空经济应用场景", "职业技能培训", "生态保护修复"]


def invented_paragraphs():
    rng = random.Random(7)
    while True:
        yield "".join(f"{rng.choice(SUBJECTS)}{rng.choice(VERBS)}{rng.choice(OBJECTS)}，"
                      f"第{rng.randint(1, 999)}项任务按期完成。" for _ in range(rng.randint(3, 8)))


def news_paragraphs():
    while True:
        with gzip.open(DATA, "rt", encoding="utf-8") as fh:
            for line in fh:
                record = json.loads(line)
                text = record.get("content") or record.get("text") or record.get("body") or ""
                yield from (p.strip() for p in text.splitlines() if p.strip())


def write_text(path: Path, megabytes: float, one_line: bool, invented: bool) -> None:
    target = int(megabytes * 1_000_000)
    paragraphs = invented_paragraphs() if invented else news_paragraphs()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("某省关于推动产业高质量发展的调研报告\n\n")
        size = 0
        while size < target:
            chunk = next(paragraphs) + ("" if one_line else "\n")
            fh.write(chunk)
            size += len(chunk.encode("utf-8"))


def tree_rss(pid: int) -> int:
    """Memory of pid and its descendants: the sum of their proportional set sizes (PSS:
    a page shared by n processes, as forked workers share their parent's, counts 1/n in
    each), so the sum is the memory the run takes from the machine."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += _pss(p)
        todo += children.get(p, [])
    return total


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def measure(megabytes: float, one_line: bool, invented: bool, work: Path) -> tuple[int, int, float, str]:
    corpus, index = work / f"corpus-{megabytes}", work / f"index-{megabytes}"
    shutil.rmtree(index, ignore_errors=True)
    stamp = corpus / f".made-{'one-line' if one_line else 'lines'}-{'invented' if invented else 'news'}"
    if not stamp.exists():   # the same text as last time is written only once
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        write_text(corpus / "report.txt", megabytes, one_line, invented)
        stamp.touch()
    started = time.perf_counter()
    proc = subprocess.Popen([str(CLI), "index", str(corpus), "--index", str(index)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, shown = 0, time.monotonic()
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.02)
        if time.monotonic() - shown > 60:   # a long run shows how it goes
            shown = time.monotonic()
            print(f"   ... {time.perf_counter() - started:.0f} s, peak so far {peak / 2**20:.0f} MB",
                  flush=True)
    took = time.perf_counter() - started
    out = proc.stdout.read()
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return peak, single, took, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, action="append", help="file size in MB (repeatable)")
    ap.add_argument("--one-line", action="store_true", help="write the text without line breaks")
    ap.add_argument("--invented", action="store_true", help="made-up text instead of the bench news")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policysearch-bench-memory")
    args = ap.parse_args()
    print(f"{'size':>8} {'peak (PSS sum)':>15} {'largest proc':>13} {'time':>8}")
    for mb in args.mb or [20]:
        if not args.invented and not DATA.exists():
            print(f"{DATA} is missing: use --invented")
            return 1
        peak, single, took, out = measure(mb, args.one_line, args.invented, args.work)
        print(f"{mb:>6g}MB {peak / 2**20:>13.0f}MB {single / 2**20:>11.0f}MB {took:>7.1f}s")
        print("   " + "\n   ".join(out.strip().splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Index size under the two garbage scenarios of issue 10, for one `policysearch` program.

    python bench/bench_garbage.py [--policysearch PATH] [--files 40] [--docs 1000] [--crashes 3]

1. Crashed rebuilds: build, then `index --rebuild` killed (SIGKILL, the whole process
   group) while it writes its new generation, `--crashes` times, then one plain run.
2. Appends: one JSONL file of `--docs` articles, indexed, then five one-line appends, each
   followed by a run.
Prints the index size (hard links counted once) after each step. Run it with another
program's path (say an older checkout's .venv/bin/policysearch) for a same-run baseline.
The corpus is generated (invented text), so nothing from ../shared is needed.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from policysearch import integrity

WORDS = "经济 发展 改革 创新 数字 产业 绿色 开放 科技 人才 乡村 振兴 制造 服务 金融 市场".split()


def article(rng: random.Random, n: int) -> str:
    text = "".join(rng.choice(WORDS) for _ in range(400))
    return json.dumps({"title": f"第{n}号", "text": text, "date": "2024-01-01"},
                      ensure_ascii=False)


def run(program: str, corpus: Path, index: Path, *args: str) -> float:
    started = time.monotonic()
    subprocess.run([program, "index", str(corpus), "--index", str(index), *args],
                   check=True, capture_output=True)
    return time.monotonic() - started


def generations(index: Path) -> list[Path]:
    return sorted(index.glob("gen-*"))


def written_since(index: Path, started_ns: int) -> int:
    """Bytes in generations other than the live one changed since `started_ns` (names and
    even inodes are reused once garbage is collected, so go by time)."""
    live = (index / "CURRENT").read_text("utf-8").strip()
    total = 0
    for gen in generations(index):
        try:
            if gen.name != live and gen.stat().st_mtime_ns >= started_ns:
                total += integrity.disk_bytes(gen)
        except OSError:  # removed meanwhile
            pass
    return total


def killed_run(program: str, corpus: Path, index: Path, built: int) -> str:
    """`index --rebuild`, killed (with its workers) once its new generation holds a fifth
    of what the built index does; says whether it was killed or finished first."""
    started_ns = time.time_ns()
    proc = subprocess.Popen([program, "index", str(corpus), "--index", str(index), "--rebuild"],
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None and written_since(index, started_ns) < built / 5:
        time.sleep(0.02)
    outcome = "finished before the kill" if proc.poll() is not None else "killed"
    if outcome == "killed":
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    return outcome


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policysearch", default=str(Path(__file__).resolve().parents[1]
                                                      / ".venv/bin/policysearch"))
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--crashes", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus, index = tmp / "corpus", tmp / "index"
        corpus.mkdir()
        for i in range(args.files):
            (corpus / f"f{i:02d}.jsonl").write_text(
                "\n".join(article(rng, i * 25 + j) for j in range(25)) + "\n", "utf-8")
        took = run(args.policysearch, corpus, index)
        print(f"crashed rebuilds: built {mb(integrity.disk_bytes(index))} in {took:.0f} s")
        built = integrity.disk_bytes(index)
        for n in range(args.crashes):
            outcome = killed_run(args.policysearch, corpus, index, built)
            print(f"  after crash {n + 1} ({outcome}): {mb(integrity.disk_bytes(index))}, "
                  f"{len(generations(index))} generations")
        run(args.policysearch, corpus, index)
        print(f"  after the next run: {mb(integrity.disk_bytes(index))}, "
              f"{len(generations(index))} generations")

        corpus, index = tmp / "corpus2", tmp / "index2"
        corpus.mkdir()
        one = corpus / "one.jsonl"
        one.write_text("\n".join(article(rng, n) for n in range(args.docs)) + "\n", "utf-8")
        run(args.policysearch, corpus, index)
        print(f"appends: {args.docs} articles in one file: {mb(integrity.disk_bytes(index))}")
        for n in range(5):
            with open(one, "a", encoding="utf-8") as f:
                f.write(article(rng, args.docs + n) + "\n")
            run(args.policysearch, corpus, index)
            print(f"  after append {n + 1}: {mb(integrity.disk_bytes(index))}")


if __name__ == "__main__":
    main()

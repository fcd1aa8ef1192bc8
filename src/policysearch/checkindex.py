"""`policysearch check`: verify every file of the index, and repair it from its corpus.

In the spirit of Lucene's CheckIndex: CURRENT must name a generation, every file of that
generation must match the size and checksum written with it (`integrity`), and the index
must open with as many documents as its manifest says. A repair rebuilds the index from
the corpus directory it was last built from (recorded in the index), beside the damaged
generation, so searches keep answering meanwhile.

A sharded index (shards.py) is checked shard by shard, each as an ordinary index, and
reported per shard; a repair rebuilds the damaged shards and brings the others up to date
with the corpus, as `index` does, then groups copies across them again.
"""
from __future__ import annotations

from pathlib import Path

from policysearch import index, integrity, shards
from policysearch.settings import Settings


REPAIR_ADVICE = "run `policysearch check --repair` to rebuild it from its corpus"


class RepairError(Exception):
    """The index cannot be repaired here; the message says what to run instead."""


def check(index_dir: Path) -> dict:
    """The check report: {"index", "generation", "bytes" (the index's size on disk),
    "problems": [{"file", "problem"}], "advice": what to run when there are problems}.
    For a sharded index, "generation" is None and "shards" holds each shard's report
    ("name" added; its problems are also in "problems", their files under the shard's)."""
    index_dir = Path(index_dir)
    shape = shards.layout(index_dir)
    if shape is not None:
        return _check_shards(index_dir, shards.shard_names(shape["count"]))
    return _check_one(index_dir)


def _check_shards(index_dir: Path, names: list[str]) -> dict:
    parts = [{"name": name, **_check_one(index_dir / name)} for name in names]
    problems = [{"file": f"{part['name']}/{p['file']}", "problem": p["problem"]}
                for part in parts for p in part["problems"]]
    for part in parts:
        if part["problems"]:
            part["advice"] = REPAIR_ADVICE   # a shard is repaired, never built by hand
    return {"index": str(index_dir), "generation": None,
            "bytes": sum(part.get("bytes", 0) for part in parts), "problems": problems,
            "advice": REPAIR_ADVICE if problems else None, "shards": parts}


def _check_one(index_dir: Path) -> dict:
    report = {"index": str(index_dir), "generation": None, "problems": [],
              "advice": REPAIR_ADVICE}
    problems = report["problems"]
    gen = index.current_generation(index_dir)
    if gen is None:
        if (index_dir / index.CURRENT).exists():
            problems.append({"file": index.CURRENT, "problem": "does not name a generation"})
        else:
            problems.append({"file": index.CURRENT, "problem": "missing: there is no index here"})
            report["advice"] = "build one with `policysearch index CORPUS`"
        return report
    report["generation"] = gen.name
    report["bytes"] = integrity.disk_bytes(index_dir)
    problems += [{"file": f"{gen.name}/{p['file']}", "problem": p["problem"]}
                 for p in integrity.verify(gen)]
    if not problems:
        problems += _open_problems(gen)
    if not problems:
        report["advice"] = None
    return report


def _open_problems(gen: Path) -> list[dict]:
    """What goes wrong opening the generation and counting its documents."""
    try:
        count = index.open_count(gen)
    except Exception as exc:  # any failure to read is a problem to report, not a crash
        return [{"file": gen.name, "problem": f"cannot be opened: {type(exc).__name__}: {exc}"}]
    expected = index.manifest_articles(gen)
    if count != expected:
        return [{"file": f"{gen.name}/{index.MANIFEST}",
                 "problem": f"lists {expected} articles, the index holds {count}"}]
    return []


def repair(settings: Settings, report: dict) -> dict:
    """Rebuild the index (or the shards `report`, its check, finds damaged) from the corpus
    it was built from; returns the index summary. Raises RepairError when that corpus is
    unknown or gone."""
    shape = shards.layout(settings.index_dir)
    names = shards.shard_names(shape["count"]) if shape else []
    recorded = [index.recorded_corpus(Path(settings.index_dir) / name) for name in names] \
        if shape else [index.recorded_corpus(settings.index_dir)]
    corpus = next((c for c in recorded if c is not None), None)
    if corpus is None:
        raise RepairError(f"the index at {settings.index_dir} does not record its corpus; "
                          "rebuild it with `policysearch index CORPUS --rebuild`")
    if not corpus.is_dir():
        raise RepairError(f"the corpus the index was built from ({corpus}) is gone; rebuild "
                          "it with `policysearch index CORPUS --rebuild`")
    if shape:
        damaged = [i for i, part in enumerate(report["shards"]) if part["problems"]]
        return shards.build(corpus, settings, repair=tuple(damaged))
    return index.update(corpus, settings, rebuild=True)

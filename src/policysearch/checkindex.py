"""`policysearch check`: verify every file of the index, and repair it from its corpus.

In the spirit of Lucene's CheckIndex: CURRENT must name a generation, every file of that
generation must match the size and checksum written with it (`integrity`), and the index
must open with as many documents as its manifest says. A repair rebuilds the index from
the corpus directory it was last built from (recorded in the index), beside the damaged
generation, so searches keep answering meanwhile.
"""
from __future__ import annotations

from pathlib import Path

from policysearch import index, integrity
from policysearch.settings import Settings


REPAIR_ADVICE = "run `policysearch check --repair` to rebuild it from its corpus"


class RepairError(Exception):
    """The index cannot be repaired here; the message says what to run instead."""


def check(index_dir: Path) -> dict:
    """The check report: {"index", "generation", "bytes" (the index's size on disk),
    "problems": [{"file", "problem"}], "advice": what to run when there are problems}."""
    index_dir = Path(index_dir)
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


def repair(settings: Settings) -> dict:
    """Rebuild the index from the corpus it was built from; returns the index summary.
    Raises RepairError when that corpus is unknown or gone."""
    corpus = index.recorded_corpus(settings.index_dir)
    if corpus is None:
        raise RepairError(f"the index at {settings.index_dir} does not record its corpus; "
                          "rebuild it with `policysearch index CORPUS --rebuild`")
    if not corpus.is_dir():
        raise RepairError(f"the corpus the index was built from ({corpus}) is gone; rebuild "
                          "it with `policysearch index CORPUS --rebuild`")
    return index.update(corpus, settings, rebuild=True)

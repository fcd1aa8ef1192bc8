"""Fan-out: a function mapped over many items in forked processes, results in order.

Indexing runs one worker process per file, so a corpus that is one big export (a JSONL or
CSV file of tens of thousands of records) would be analysed by a single process while the
others idle. When the run has that one file, its articles are analysed by `processes`
forked processes instead; the results come back in the items' order, so the index is the
same as a one-process run would build.
"""
from __future__ import annotations

import multiprocessing
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64        # fewer items are not worth starting processes for
CHUNK = 8             # items sent to a process at a time


def ordered_map(fn: Callable[[T], R], items: Sequence[T], processes: int) -> Iterator[R]:
    """fn over items, in order: in `processes` forked processes when there are enough
    items (and fork exists), else here. An exception in fn is raised here, as fn's."""
    if processes <= 1 or len(items) < MIN_ITEMS or \
            "fork" not in multiprocessing.get_all_start_methods():
        yield from (fn(item) for item in items)
        return
    pool = multiprocessing.get_context("fork").Pool(processes)
    try:
        yield from pool.imap(fn, items, chunksize=CHUNK)
    finally:
        pool.terminate()
        pool.join()


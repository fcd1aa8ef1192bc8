"""Fan-out: a function mapped over many items in forked processes, results in order.

Indexing runs one worker process per file, so a corpus that is one big export (a JSONL or
CSV file of tens of thousands of records) would be analysed by a single process while the
others idle. When the run has that one file, its articles are analysed by `processes`
forked processes instead; the results come back in the items' order, so the index is the
same as a one-process run would build.

Memory stays bounded: items go out in chunks of at most CHUNK items and CHUNK_WEIGHT
weight (an article's weight is its length), and only `processes` chunks are out at a time,
so a file of long articles never has more than a few of their analyses held at once.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from itertools import islice
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ITEMS = 64            # fewer items are not worth starting processes for
CHUNK = 16                # items sent to a process at a time
CHUNK_WEIGHT = 200_000    # ... and at most this much weight (one heavier item goes alone)


def ordered_map(fn: Callable[[T], R], items: Sequence[T], processes: int,
                weight: Callable[[T], int] = lambda item: 1,
                initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[R]:
    """fn over items, in order: in `processes` forked processes when there are enough
    items (and fork exists), else here. An exception in fn is raised here, as fn's.
    `initializer(*initargs)` runs first in each process (to make it die with its parent)."""
    if processes <= 1 or len(items) < MIN_ITEMS or \
            "fork" not in multiprocessing.get_all_start_methods():
        yield from (fn(item) for item in items)
        return
    pool = multiprocessing.get_context("fork").Pool(processes, initializer, initargs)
    try:
        chunks = _chunks(items, weight)
        out: deque = deque(pool.apply_async(_map, (fn, chunk))
                           for chunk in islice(chunks, processes))
        while out:
            results = out.popleft().get()
            chunk = next(chunks, None)
            if chunk is not None:
                out.append(pool.apply_async(_map, (fn, chunk)))
            yield from results
    finally:
        pool.terminate()
        pool.join()


def _map(fn, chunk):
    return [fn(item) for item in chunk]


def _chunks(items: Sequence[T], weight: Callable[[T], int]) -> Iterator[list[T]]:
    chunk: list[T] = []
    held = 0
    for item in items:
        w = weight(item)
        if chunk and (len(chunk) >= CHUNK or held + w > CHUNK_WEIGHT):
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += w
    if chunk:
        yield chunk

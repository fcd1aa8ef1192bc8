"""fanout.ordered_map: every item once, in order, in other processes, errors raised here."""
from __future__ import annotations

import os

import pytest

from policysearch import fanout


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def _fails_on_13(x: int) -> int:
    if x == 13:
        raise ValueError("thirteen")
    return x


def test_every_item_once_in_order_in_other_processes():
    items = list(range(fanout.MIN_ITEMS * 5 + 3))
    out = list(fanout.ordered_map(_square_and_pid, items, 2, weight=lambda x: 50_000 * (x % 7)))
    assert [v for v, _ in out] == [x * x for x in items]
    assert os.getpid() not in {pid for _, pid in out}


def test_few_items_or_one_process_stay_here():
    assert {pid for _, pid in fanout.ordered_map(_square_and_pid, [1, 2, 3], 2)} == {os.getpid()}
    items = list(range(fanout.MIN_ITEMS))
    assert {pid for _, pid in fanout.ordered_map(_square_and_pid, items, 1)} == {os.getpid()}


def test_an_error_in_a_process_is_raised_here():
    with pytest.raises(ValueError, match="thirteen"):
        list(fanout.ordered_map(_fails_on_13, list(range(100)), 2))


def test_chunks_are_bounded_by_count_and_weight():
    chunks = list(fanout._chunks(list(range(40)), lambda x: 300_000 if x in (5, 6) else 1))
    assert [x for c in chunks for x in c] == list(range(40))
    assert all(len(c) <= fanout.CHUNK for c in chunks)
    assert [5] in chunks and [6] in chunks

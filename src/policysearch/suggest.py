"""Suggestions: completion while typing (GET /suggest) and "did you mean" for a dead end.

Completion answers from two sorted lists built once per index generation: the title words
that occur in at least two titles (weighted by how many titles have them) and the titles
themselves (weighted by how often a title repeats). A prefix is two binary searches; the
best of a range is a heap selection, cached for the few prefixes (one or two characters)
whose range is large, so every answer is well under a millisecond once built. Building reads
every title (shards.completion_sources: of one index, or of all its shards) and takes seconds on a large index, so a server
starts it in the background (`warm`) and keeps the result in the cache directory, keyed by
the generation; until it is ready, /suggest answers with no completions rather than wait
(more than COMPLETE_WAIT: long enough for a small index to build at the first request).

"Did you mean" runs only when a search found nothing: each unquoted word gets a close
spelling (one character inserted, deleted or replaced, found with a symmetric-delete table
over the title words, the commonest winning), and a query of several words is also tried with
one word less. Only alternatives that find something are offered, with their totals.
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
import os
import pickle
import threading
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from policysearch import analysis, search, shards

MAX_COMPLETIONS = 8
WORDS_FIRST = 5            # completions that are words, before titles fill the list
TITLE_CHARS = 80           # longer titles are not offered as completions
CACHE_RANGE = 256          # ranges larger than this keep their top answer in memory
MAX_DID_YOU_MEAN = 4
RECHECK_SECONDS = 1.0      # how often completion asks whether an index run has committed
COMPLETE_WAIT = 0.5        # a request waits this long for a completer being built, then
SPELLING_WAIT = 2.0        # ... answers without it (as does "did you mean", a little longer)
CACHE_VERSION = 1
_OPERATORS = {"OR", "AND", "NOT", "|", "||", "&", "&&", "+"}


class _Sorted:
    """(normalised key, weight, shown text) entries in key order, for prefix queries."""

    def __init__(self, entries):
        entries = sorted(entries)
        self.keys = [k for k, _, _ in entries]
        self.weights = [w for _, w, _ in entries]
        self.shown = [s for _, _, s in entries]
        self._top: dict[str, list[int]] = {}

    def top(self, prefix: str, k: int) -> list[str]:
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + "\U0010ffff", lo)
        if hi - lo > CACHE_RANGE:
            best = self._top.get(prefix)
            if best is None or len(best) < k:
                best = self._top[prefix] = self._best(lo, hi, MAX_COMPLETIONS)
        else:
            best = self._best(lo, hi, k)
        return [self.shown[i] for i in best[:k]]

    def _best(self, lo: int, hi: int, k: int) -> list[int]:
        weights = self.weights
        return heapq.nsmallest(k, range(lo, hi), key=lambda i: (-weights[i], i))


class Completer:
    def __init__(self, titles: list[str], words: dict[str, int]):
        self.words = _Sorted((w, n, w) for w, n in words.items())
        counts = Counter(" ".join(t.split()) for t in titles if t and len(t) <= TITLE_CHARS)
        self.titles = _Sorted((analysis.normalise(t), n, t) for t, n in counts.items())
        self.word_weight = dict(words)
        self._deletes: dict[str, list[str]] | None = None

    def complete(self, q: str, k: int = MAX_COMPLETIONS) -> list[str]:
        """Completions of the last word of q (the words before it kept as typed)."""
        if not q.strip() or q[-1].isspace():
            return []
        head, _, last = q.rpartition(" ")
        prefix = analysis.normalise(last.strip().lstrip("-+\"“"))
        if not prefix or last.upper() in _OPERATORS or ":" in last or "：" in last:
            return []
        words = [w for w in self.words.top(prefix, k) if w != prefix][:WORDS_FIRST]
        out = [f"{head} {w}" if head else w for w in words]
        if not head:
            seen = {analysis.normalise(w) for w in out} | {prefix}
            for title in self.titles.top(prefix, k):
                if analysis.normalise(title) not in seen:
                    out.append(title)
        return out[:k]

    def close_spelling(self, word: str) -> str | None:
        """The commonest title word one edit away from `word` (None when there is none)."""
        w = analysis.normalise(word)
        if len(w) < 2 or w in self.word_weight:
            return None
        deletes = self._delete_table()
        candidates = set(deletes.get(w, ()))                    # one character more
        for d in _one_deleted(w):
            if d in self.word_weight and len(d) > 1:            # one character less
                candidates.add(d)
            if len(w) > 2:
                candidates.update(deletes.get(d, ()))           # one character replaced
        candidates.discard(w)
        if not candidates:
            return None
        return max(sorted(candidates), key=self.word_weight.__getitem__)

    def _delete_table(self) -> dict[str, list[str]]:
        if self._deletes is None:
            table: dict[str, list[str]] = {}
            for word in self.word_weight:
                for d in _one_deleted(word):
                    table.setdefault(d, []).append(word)
            self._deletes = table
        return self._deletes


def _one_deleted(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


# -- one completer per index generation ---------------------------------------------------

_completers: dict[str, tuple[str, Completer]] = {}
_checked: dict[str, float] = {}     # when the generation was last compared, per index
_building: set[str] = set()
_lock = threading.Lock()


def completer(index_dir, cache_dir=None, wait: bool = True) -> Completer | None:
    """The completer of the live generation; builds it (or loads it from the cache) when
    needed. With wait=False, or while another thread builds it, returns None instead."""
    where = os.path.abspath(index_dir)
    now = time.monotonic()
    with _lock:
        held = _completers.get(where)
        if held and now - _checked.get(where, 0.0) < RECHECK_SECONDS:
            return held[1]
    key = shards.generation_key(index_dir)
    with _lock:
        held = _completers.get(where)
        if held and held[0] == key:
            _checked[where] = now
            return held[1]
        if where in _building or not wait:
            return None
        _building.add(where)
    try:
        built = _load(key, cache_dir)
        if built is None:
            key, titles, words = shards.completion_sources(index_dir)
            built = Completer(titles, words)
            _save(key, built, cache_dir)
        with _lock:
            _completers[where] = (key, built)
            _checked[where] = time.monotonic()
        return built
    finally:
        with _lock:
            _building.discard(where)


def warm(index_dir, cache_dir=None) -> threading.Thread:
    """Build the completer in the background (a server calls this at start). Never raises."""
    def build():
        try:
            completer(index_dir, cache_dir)
        except Exception:
            pass
    thread = threading.Thread(target=build, name="suggest-warm", daemon=True)
    thread.start()
    return thread


def _ready(index_dir, cache_dir, wait_s: float) -> Completer | None:
    """The completer if it is built or can be built within `wait_s` (a small index); else
    None, with the build going on in the background for the next request."""
    found = completer(index_dir, cache_dir, wait=False)
    if found is None:
        warm(index_dir, cache_dir).join(wait_s)
        found = completer(index_dir, cache_dir, wait=False)
    return found


def _cache_file(key: str, cache_dir) -> Path | None:
    if not cache_dir:
        return None
    digest = hashlib.sha1(f"{CACHE_VERSION}:{key}".encode("utf-8")).hexdigest()[:20]
    return Path(cache_dir) / f"suggest-{digest}.pickle"


def _load(key: str, cache_dir) -> Completer | None:
    path = _cache_file(key, cache_dir)
    try:
        with open(path, "rb") as f:
            built = pickle.load(f)
        return built if isinstance(built, Completer) else None
    except Exception:   # no cache yet, or one we cannot read: build afresh
        return None


def _save(key: str, built: Completer, cache_dir) -> None:
    path = _cache_file(key, cache_dir)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(built, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass   # the cache only saves time


def suggestions(index_dir, q: str, cache_dir=None) -> list:
    """The OpenSearch suggestions document: [q, [completion, …]]."""
    found = _ready(index_dir, cache_dir, COMPLETE_WAIT) if q.strip() else None
    return [q, found.complete(q) if found else []]


# -- did you mean -------------------------------------------------------------------------

def did_you_mean(index_dir, request: search.SearchRequest, cache_dir=None) -> list[dict]:
    """For a search that found nothing: [{"q", "total", "kind": spelling|fewer, and for
    fewer the "dropped" word}], best first."""
    words = request.q.split()
    if not words:
        return []
    plain = [i for i, w in enumerate(words) if w.upper() not in _OPERATORS
             and not any(c in w for c in ":：\"“”()（）") and not w.startswith("-")]
    out: list[dict] = []
    found = _ready(index_dir, cache_dir, SPELLING_WAIT)
    if found:
        for i in plain:
            fix = found.close_spelling(words[i])
            if fix:
                _offer(out, index_dir, request, words[:i] + [fix] + words[i + 1:], "spelling")
    if len(words) > 1:
        for i in plain:
            _offer(out, index_dir, request, words[:i] + words[i + 1:], "fewer", dropped=words[i])
    out.sort(key=lambda d: (d["kind"] != "spelling", -d["total"]))
    return out[:MAX_DID_YOU_MEAN]


def _offer(out: list[dict], index_dir, request, words: list[str], kind: str, **extra) -> None:
    q = " ".join(words)
    if not q or any(d["q"] == q for d in out):
        return
    try:
        total = shards.search(index_dir, replace(request, q=q, parsed=None, page=1,
                                                 per_page=1))["total"]
    except search.SearchError:
        return
    if total:
        out.append({"q": q, "total": total, "kind": kind, **extra})

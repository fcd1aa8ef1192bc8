"""Republished copies: near-duplicate articles grouped at indexing time.

The same story is often printed on several pages, days or sites. Two articles are copies
when the character bigrams of their normalised title and body overlap by JACCARD or more
(|A ∩ B| / |A ∪ B|), they give the same figures (bulletins written to one template differ
only in their numbers) and they appeared within a month of each other. Comparing every pair is quadratic, so each article gets a
MinHash signature (HASHES minimum hash values of its bigram set; two signatures agree on a position
with probability equal to the Jaccard similarity) and signatures are bucketed by BANDS
bands of ROWS values (locality-sensitive hashing): only articles sharing a bucket are
compared, exactly, on their bigram sets. Groups are the connected components of the pairs
that pass, keeping only members that are copies of the group's first article.

`group(gen)` runs at the end of every index run and writes GROUPS in the generation
directory: article id -> group id (the smallest id in the group), for grouped articles
only. The same pass over every article writes NUMBERS, document number (canonical form,
ranking.canonical_number) -> article ids, so a typed document number finds its document
even when the number is only in the metadata. Signatures are kept in SIGNATURES keyed by
id and a checksum of the text, so an incremental run computes only those of new or changed
articles.

Search shows one hit per group and lists the others as its copies; totals and facet counts
still count articles.
"""
from __future__ import annotations

import datetime as dt
import json
import pickle
import re
import zlib
from pathlib import Path

import numpy as np

from policysearch import analysis, ranking
from policysearch.ranking import canonical_number

GROUPS = "groups.json"
NUMBERS = "doc_numbers.json"
SIGNATURES = "minhash.pickle"
FILES = (GROUPS, NUMBERS, SIGNATURES)  # what group() adds to a generation
JACCARD = 0.8
HASHES, BANDS, ROWS = 64, 16, 4      # a pair at Jaccard 0.8 shares a bucket with p > 0.99
MIN_BIGRAMS = 8                      # shorter texts are never grouped: too little to compare
MAX_BUCKET = 200                     # a bucket this full is compared against its first only
SAME_NUMBERS = 0.8                   # Jaccard of the figures two copies must reach
DAYS_APART = 31                      # copies appear within a month of each other
_PRIME = (1 << 31) - 1
_DIGITS = re.compile(r"\d+")
_rng = np.random.default_rng(20260802)
_A = _rng.integers(1, _PRIME, HASHES, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, HASHES, dtype=np.uint64)


def bigram_codes(title: str, body: str) -> np.ndarray:
    """The article's distinct character bigrams, each as an int (stable across processes,
    unlike hash()), sorted: the pairs of neighbouring code points inside the runs of the
    normalised text, found by numpy in one pass (a Python loop per character made this the
    slowest part of grouping long articles)."""
    text = analysis.separate_runs(analysis.normalise(f"{title or ''}\n{body or ''}"))
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    first, second = points[:-1], points[1:]
    inside = (first != 0) & (second != 0)  # no character of a run is the separator, NUL
    return np.unique(first[inside] * np.uint64(0x110000) + second[inside])


def shingles(title: str, body: str) -> set[int]:
    """bigram_codes as a set, for exact comparisons."""
    return set(bigram_codes(title, body).tolist())


def signature(grams: set[int] | np.ndarray) -> np.ndarray:
    if not isinstance(grams, np.ndarray):
        grams = np.fromiter(grams, dtype=np.uint64, count=len(grams))
    x = grams % np.uint64(_PRIME)
    return ((np.outer(_A, x) + _B[:, None]) % np.uint64(_PRIME)).min(axis=1).astype(np.uint32)


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def group(gen: Path) -> dict[str, str]:
    """Group the articles of index generation `gen` and write GROUPS (and SIGNATURES)."""
    from whoosh import index as whoosh_index

    old = _read_pickle(gen / SIGNATURES)
    sigs: dict[str, tuple[int, np.ndarray]] = {}
    texts: dict[str, tuple[str, str]] = {}
    numbered: dict[str, list[str]] = {}
    days: dict[str, int | None] = {}
    with whoosh_index.open_dir(str(gen)).searcher() as searcher:
        for fields in searcher.documents():
            article = fields.get("article") or {}
            aid = article.get("id")
            if not aid:
                continue
            title, body = article.get("title") or "", article.get("body") or ""
            check = zlib.crc32(f"{title}\n{body}".encode("utf-8"))
            known = old.get(aid)
            if known is not None and known[0] == check:
                sigs[aid] = known
            else:
                grams = bigram_codes(title, body)
                sigs[aid] = (check, signature(grams) if len(grams) >= MIN_BIGRAMS else None)
            texts[aid] = (title, body)
            days[aid] = _day(article.get("date"))
            number = canonical_number(article.get("doc_number"))
            if number:
                numbered.setdefault(number, []).append(aid)
    cache: dict[str, tuple] = {}

    def features(aid):
        if aid not in cache:
            cache[aid] = (shingles(*texts[aid]), numbers(*texts[aid]), days[aid])
        return cache[aid]

    groups = _tighten(_components(_pairs(sigs, features)), features)
    _write(gen / SIGNATURES, pickle.dumps(sigs, protocol=4))
    _write(gen / GROUPS, _json(groups))
    _write(gen / NUMBERS, _json(numbered))
    return groups


def _pairs(sigs, features):
    buckets: dict[tuple, list[str]] = {}
    for aid, (_, sig) in sigs.items():
        if sig is None:
            continue
        for band in range(BANDS):
            key = (band, sig[band * ROWS:(band + 1) * ROWS].tobytes())
            buckets.setdefault(key, []).append(aid)
    tried = set()
    for members in buckets.values():
        if len(members) < 2:
            continue
        firsts = members[:1] if len(members) > MAX_BUCKET else members
        for i, a in enumerate(firsts):
            for b in members[i + 1:]:
                pair = (a, b) if a < b else (b, a)
                if pair in tried:
                    continue
                tried.add(pair)
                if np.mean(sigs[a][1] == sigs[b][1]) < JACCARD - 0.2:  # far below: skip
                    continue
                if copies_of(features(a), features(b)):
                    yield pair


def copies_of(a: tuple, b: tuple) -> bool:
    """Whether two articles ((bigrams, numbers, day) each) are one story: their text overlaps
    by JACCARD, they give the same figures (daily bulletins written to one template overlap
    as much, but their numbers differ) and they appeared within DAYS_APART of each other
    (an announcement repeated every year is a new story each year)."""
    if jaccard(a[0], b[0]) < JACCARD:
        return False
    if (a[1] or b[1]) and jaccard(a[1], b[1]) < SAME_NUMBERS:
        return False
    return a[2] is None or b[2] is None or abs(a[2] - b[2]) <= DAYS_APART


def _day(date: str | None) -> int | None:
    """A YYYY-MM-DD date as a day number (None when the day is not known)."""
    try:
        return dt.date.fromisoformat(date).toordinal() if date and len(date) == 10 else None
    except ValueError:
        return None


def numbers(title: str, body: str) -> set[str]:
    """The figures an article gives (runs of digits)."""
    return set(_DIGITS.findall(analysis.normalise(f"{title or ''}\n{body or ''}")))


def _tighten(groups: dict[str, str], features) -> dict[str, str]:
    """Groups whose every member is a copy of the group's first article: pairs chain (A like
    B, B like C), and a chain drifts from one story to another."""
    members: dict[str, list[str]] = {}
    for aid, root in groups.items():
        members.setdefault(root, []).append(aid)
    out = {}
    for root, aids in members.items():
        kept = [a for a in aids if a == root or copies_of(features(a), features(root))]
        if len(kept) > 1:
            out.update({a: root for a in kept})
    return out


def _components(pairs) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent) + [p for p in parent.values()]}


def read_groups(gen: Path, name: str = GROUPS) -> dict:
    try:
        return json.loads((Path(gen) / name).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def _json(groups: dict) -> bytes:
    return json.dumps(groups, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _read_pickle(path: Path) -> dict:
    try:
        data = pickle.loads(path.read_bytes())
        return data if isinstance(data, dict) else {}
    except Exception:  # missing or from another version: recompute
        return {}


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


# -- at search time -----------------------------------------------------------------------

class Copies:
    """The groups of one open index generation, by docnum."""

    def __init__(self, handle):
        self.of: dict[int, int] = {}           # docnum -> group number
        self.members: list[list[int]] = []     # group number -> docnums
        by_group: dict[str, list[int]] = {}
        searcher = handle.searcher
        for aid, gid in read_groups(handle.gen).items():
            docnum = searcher.document_number(id=aid)
            if docnum is not None:
                by_group.setdefault(gid, []).append(docnum)
        for docnums in by_group.values():
            if len(docnums) > 1:
                for d in docnums:
                    self.of[d] = len(self.members)
                self.members.append(sorted(docnums))
        self.grouped = np.zeros(handle.nbits, dtype=bool)
        self.number = np.full(handle.nbits, -1, dtype=np.int64)
        for d, g in self.of.items():
            self.grouped[d] = True
            self.number[d] = g
        self.numbered: dict[str, list[int]] = {}
        for number, ids in read_groups(handle.gen, NUMBERS).items():
            docnums = [searcher.document_number(id=aid) for aid in ids]
            self.numbered[number] = [d for d in docnums if d is not None]

    def with_number(self, number: str | None) -> list[int]:
        """Documents whose own document number is `number` (canonical form)."""
        return self.numbered.get(number, []) if number else []

    def others(self, docnum: int) -> list[int]:
        """The other members of `docnum`'s group (its copies), oldest docnum first."""
        g = self.of.get(docnum)
        return [] if g is None else [d for d in self.members[g] if d != docnum]

    def stories(self, selected: np.ndarray) -> int:
        """How many distinct stories the documents of `selected` (bool array) tell."""
        inside = selected & self.grouped
        return int(selected.sum() - inside.sum() + np.unique(self.number[inside]).size)

    def collapse(self, handle, ranked, selected: int):
        """`ranked` (docnum, score) with each group shown once, at its best member's place,
        by its earliest member that matched (then the longest): [(docnum, score, copies)]."""
        out, seen = [], set()
        keys = handle.datekeys
        for d, score in ranked:
            g = self.of.get(d)
            if g is None:
                out.append((d, score, []))
                continue
            if g in seen:
                continue
            seen.add(g)
            matched = [m for m in self.members[g] if selected >> m & 1]
            lengths = ranking.stats(handle).lengths("body_b")
            shown = min(matched, key=lambda m: (keys[m] or 99999999, -lengths[m], m))
            out.append((shown, score, [m for m in matched if m != shown]))
        return out


def copies(handle) -> Copies:
    """The groups of an open index (search._Handle), read once per generation."""
    return ranking.per_handle(handle, Copies)

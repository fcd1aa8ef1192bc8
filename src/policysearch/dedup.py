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
only. An index split into shards (shards.py) groups across all of them once every shard is
built: `group_across` buckets the shards' kept signatures together, compares the candidates
on their text read from the shard holding each, and `write_stories` puts the groups in
STORIES beside the shards, with the generation of each shard they were made from; a
shard's search uses them (instead of its own generation's, which only know its articles)
while that generation is live, so copies in different shards are one story, exactly as in
one index. Pairs are taken in id order, so the groups do not depend on how the articles are
spread over shards or segments. Signatures are kept in SIGNATURES keyed by
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
import threading
import zlib
from pathlib import Path

import numpy as np

from policysearch import analysis, ranking

GROUPS = "groups.json"
SIGNATURES = "minhash.pickle"
FILES = (GROUPS, SIGNATURES)         # what group() adds to a generation
STORIES = "stories.json"             # a sharded index's groups across its shards
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


def signature(grams: set[int] | np.ndarray) -> np.ndarray:
    if not isinstance(grams, np.ndarray):
        grams = np.fromiter(grams, dtype=np.uint64, count=len(grams))
    x = grams % np.uint64(_PRIME)
    return ((np.outer(_A, x) + _B[:, None]) % np.uint64(_PRIME)).min(axis=1).astype(np.uint32)


def jaccard(a: set | np.ndarray, b: set | np.ndarray) -> float:
    """Jaccard of two sets, or of two sorted arrays of distinct codes (bigram_codes: as
    arrays the bigrams of the articles compared take a seventh of the memory of sets)."""
    if isinstance(a, np.ndarray):
        both = np.intersect1d(a, b, assume_unique=True).size
        either = a.size + b.size - both
    else:
        both, either = len(a & b), len(a | b)
    return both / either if either else 0.0


def features(article: dict) -> tuple:
    """What copies_of compares of a stored article: its bigram codes, figures and day."""
    title, body = article.get("title") or "", article.get("body") or ""
    return bigram_codes(title, body), numbers(title, body), _day(article.get("date"))


def group(gen: Path) -> dict[str, str]:
    """Group the articles of index generation `gen` and write GROUPS (and SIGNATURES)."""
    from whoosh import index as whoosh_index

    old = _read_pickle(gen / SIGNATURES)
    sigs: dict[str, tuple[int, np.ndarray]] = {}
    docnums: dict[str, int] = {}     # texts are read again for the few pairs compared:
                                     # holding every article's text took gigabytes
    with whoosh_index.open_dir(str(gen)).searcher() as searcher:
        reader = searcher.reader()
        for docnum, fields in reader.iter_docs():
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
            docnums[aid] = docnum
        cache: dict[str, tuple] = {}

        def compared(aid):
            if aid not in cache:
                cache[aid] = features(reader.stored_fields(docnums[aid])["article"])
            return cache[aid]

        groups = _group(sigs, compared)
    _write(gen / SIGNATURES, pickle.dumps(sigs, protocol=4))
    _write(gen / GROUPS, _json(groups))
    return groups


def _group(sigs: dict, compared) -> dict[str, str]:
    """Article id -> group id of the articles whose signatures are `sigs`; `compared(id)`
    gives what copies_of compares (features)."""
    return _tighten(_components(_pairs(sigs, compared)), compared)


def group_across(gens: list[Path]) -> dict[str, str]:
    """The groups of the articles of several index generations (the shards of one index)
    taken together, from the signatures each generation's `group` kept: the same groups
    as one index holding them all would have."""
    from whoosh import index as whoosh_index

    sigs, where = {}, {}
    for gen in gens:
        for aid, sig in _read_pickle(Path(gen) / SIGNATURES).items():
            sigs[aid], where[aid] = sig, gen
    searchers: dict = {}
    cache: dict[str, tuple] = {}

    def compared(aid):
        if aid not in cache:
            gen = where[aid]
            if gen not in searchers:
                searchers[gen] = whoosh_index.open_dir(str(gen)).searcher()
            found = searchers[gen].document(id=aid) or {}
            cache[aid] = features(found.get("article") or {})
        return cache[aid]

    try:
        return _group(sigs, compared)
    finally:
        for searcher in searchers.values():
            searcher.close()


def write_stories(index_dir: Path, generations: dict[str, str], groups: dict[str, str]) -> None:
    """STORIES of a sharded index: the groups across its shards, and the generation of each
    shard (shard directory name -> generation name) they were made from."""
    _write(Path(index_dir) / STORIES, _json({"generations": generations, "groups": groups}))


def _pairs(sigs, compared):
    buckets: dict[tuple, list[str]] = {}
    for aid, (_, sig) in sorted(sigs.items()):   # id order: the same pairs however stored
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
                if copies_of(compared(a), compared(b)):
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


def _tighten(groups: dict[str, str], compared) -> dict[str, str]:
    """Groups whose every member is a copy of the group's first article: pairs chain (A like
    B, B like C), and a chain drifts from one story to another."""
    members: dict[str, list[str]] = {}
    for aid, root in groups.items():
        members.setdefault(root, []).append(aid)
    out = {}
    for root, aids in members.items():
        kept = [a for a in aids if a == root or copies_of(compared(a), compared(root))]
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
    """The groups of one open index generation, by docnum (on a shard, the groups across
    all shards, of which this shard holds some members)."""

    def __init__(self, handle, groups: dict[str, str]):
        self.h = handle
        self.of: dict[int, int] = {}           # docnum -> group number
        self.members: list[list[int]] = []     # group number -> docnums, shown_key order
        self.ids: list[str] = []               # group number -> group id
        by_group: dict[str, list[int]] = {}
        searcher = handle.searcher
        for aid, gid in groups.items():
            docnum = searcher.document_number(id=aid)
            if docnum is not None:
                by_group.setdefault(gid, []).append(docnum)
        for gid, docnums in sorted(by_group.items()):
            for d in docnums:
                self.of[d] = len(self.members)
            self.members.append(sorted(docnums, key=self.key))
            self.ids.append(gid)
        self.grouped = np.zeros(handle.nbits, dtype=bool)
        self.number = np.full(handle.nbits, -1, dtype=np.int64)
        for d, g in self.of.items():
            self.grouped[d] = True
            self.number[d] = g

    def key(self, docnum: int) -> tuple:
        """Which copy of a story is shown (shown_key), for a docnum of this index."""
        h = self.h
        return shown_key(h.datekeys[docnum], float(ranking.stats(h).lengths("body_b")[docnum]),
                         int(h.idkeys[docnum]))

    def others(self, docnum: int) -> list[int]:
        """The other members of `docnum`'s group held here (its copies), shown first."""
        g = self.of.get(docnum)
        return [] if g is None else [d for d in self.members[g] if d != docnum]

    def group_id(self, docnum: int) -> str | None:
        g = self.of.get(docnum)
        return None if g is None else self.ids[g]

    def members_of(self, gid: str) -> list[int]:
        """The members of group `gid` held here."""
        return next((m for g, m in zip(self.ids, self.members) if g == gid), [])

    def stories(self, selected: np.ndarray) -> int:
        """How many distinct stories the documents of `selected` (bool array) tell."""
        inside = selected & self.grouped
        return int(selected.sum() - inside.sum() + np.unique(self.number[inside]).size)

    def selected(self, selected: np.ndarray) -> tuple[int, dict[str, list[tuple]]]:
        """For merging shards: how many documents of `selected` (bool array) are in no
        group, and {group id: [(shown_key, docnum)]} of those that are."""
        inside = selected & self.grouped
        out: dict[str, list[tuple]] = {}
        for d in np.flatnonzero(inside).tolist():
            out.setdefault(self.ids[self.of[d]], []).append((self.key(d), d))
        return int(selected.sum() - inside.sum()), out

    def collapse(self, handle, ranked, selected: int):
        """`ranked` (docnum, score) with each group shown once, at its best member's place,
        by its first member (shown_key) that matched: [(docnum, score, copies)]."""
        out, seen = [], set()
        for d, score in ranked:
            g = self.of.get(d)
            if g is None:
                out.append((d, score, []))
                continue
            if g in seen:
                continue
            seen.add(g)
            matched = [m for m in self.members[g] if selected >> m & 1]
            out.append((matched[0], score, matched[1:]))
        return out


def shown_key(datekey: int, length: float, idkey: int) -> tuple:
    """The order of a story's copies: the earliest is shown (then the longest, then by id
    key, so one index and its shards choose the same); the others are listed in it."""
    return (datekey or 99999999, -length, idkey)


def copies(handle) -> Copies:
    """The groups of an open index (search._Handle), read once per generation, and again
    when a sharded index's STORIES change."""
    box = ranking.per_handle(handle, _box)
    source = _stories_source(handle.gen)
    with box["lock"]:
        if box.get("source", ...) != source or "copies" not in box:
            groups = _stories_for(handle.gen) if source else None
            box["copies"] = Copies(handle, read_groups(handle.gen) if groups is None else groups)
            box["source"] = source
        return box["copies"]


def _box(handle) -> dict:
    return {"lock": threading.Lock()}


def _stories_source(gen: Path):
    """(mtime, size) of the STORIES of the sharded index that generation `gen` (of a shard)
    belongs to; None when there is none."""
    try:
        st = (Path(gen).parent.parent / STORIES).stat()
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def _stories_for(gen: Path) -> dict[str, str] | None:
    """The groups across shards when they were made from generation `gen` of this shard;
    None otherwise (a shard updated since: its own generation's groups stand meanwhile)."""
    gen = Path(gen)
    data = read_groups(gen.parent.parent, STORIES)
    made_from = data.get("generations") or {}
    if made_from.get(gen.parent.name) != gen.name:
        return None
    return data.get("groups") or {}

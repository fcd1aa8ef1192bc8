"""Shards: an index split into N indexes by file, searched as exactly one.

Layout of a sharded index directory:

    SHARDS         {"count": N, "by": "file"}: the index is sharded, and how
    shard-00/ …    one ordinary index directory per shard (index.py's layout)
    stories.json   republished copies grouped across the shards (dedup.STORIES)

A corpus file goes to shard crc32(its path relative to the corpus) mod N, so all the articles
of one file, and every later update of that file, land in the same shard; each shard is built
and updated by index.update, which keeps only its own files.

A query runs on every shard and merges exactly, in search.py's steps:
1. each shard reports its part of the collection statistics the ranking reads from the whole
   index (documents, matches, field lengths, document frequency of the query's terms,
   candidates for each verbatim check), and they are summed; then each reports its best term
   score with them, and the largest is the collection's (ranking.py);
2. each shard ranks its own result set with the collection statistics, so a document scores
   the same as in one index holding every shard, and returns its total, its facet counts and
   its best page*per_page documents (with those the ranking reads again) in a total order
   (score, date, id key); ranking.merge_entries merges them as one index orders them;
   each also says which of its matched documents are copies of which story;
3. the merged list is collapsed to one hit per story, as one index does (`collapse`), and
   the page's hits are rendered (article, snippet) by the shards holding them, with the
   briefs of their copies from whichever shards hold those.
Republished copies (dedup.py) are grouped across all shards after every build
(`group_stories`, into dedup.STORIES beside the shards), so copies in different shards
collapse into one story, the article page lists them all and `stories` counts them once.
Totals and facet counts add up because shards hold disjoint sets of documents. Related
articles pick their subject words with the whole index's counts and rank them in the same
steps; completion and "did you mean" (suggest.py) read the titles of all shards.

Where the steps run is the backend's business: `LocalShards` calls them in threads of this
process; cluster.py calls them on Dask actors. Either way a shard that does not answer makes
the whole query fail with `ShardsUnavailable` naming it (HTTP 503): never partial results.

This module offers search.py's entry points (search, get_article, related, warm), taking a
sharded or an ordinary index directory, so the web and command-line layers need not care.
"""
from __future__ import annotations

import json
import shutil
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Callable

from policysearch import dedup, index, ranking, search as single
from policysearch.search import (FACETS, FILTER_FACETS, MAX_QUERY_CHARS,  # noqa: F401 (web.py)
                                 IndexUnavailable, ParamError, SearchError, SearchRequest)
from policysearch.settings import Settings

SHARDS = "SHARDS"


class ShardsUnavailable(IndexUnavailable):
    """Some shards did not answer; the query is refused rather than answered in part."""

    def __init__(self, missing: dict[str, str]):
        self.missing = sorted(missing)
        details = "; ".join(f"{name}: {why}" for name, why in sorted(missing.items()))
        super().__init__(f"shards not answering: {details}")


# -- layout and building -------------------------------------------------------------------

def layout(index_dir) -> dict | None:
    """The SHARDS document of a sharded index, None for an ordinary index."""
    data = index.read_json(Path(index_dir) / SHARDS, None)
    return data if isinstance(data, dict) and data.get("count", 0) >= 1 else None


def shard_names(count: int) -> list[str]:
    return [f"shard-{i:02d}" for i in range(count)]


def shard_of(rel: str, count: int) -> int:
    return zlib.crc32(rel.encode("utf-8")) % count


def build_shard(corpus_dir: Path, settings: Settings, number: int, count: int,
                rebuild: bool = False, workers: int | None = None) -> dict:
    """Build or update shard `number` of `count` at settings.index_dir: read, split, tag,
    analyse and index the corpus files that belong to it. A cluster runs this as one task."""
    shard_settings = replace(settings, index_dir=Path(settings.index_dir) / shard_names(count)[number],
                             workers=workers or settings.workers)
    return index.update(Path(corpus_dir), shard_settings, rebuild=rebuild,
                        select=lambda rel: shard_of(rel, count) == number)


def build(corpus_dir: Path, settings: Settings, count: int | None = None, rebuild: bool = False,
          run: Callable[[list[dict]], list[dict]] | None = None) -> dict:
    """Build or update the sharded index at settings.index_dir from corpus_dir; returns the
    contract's index summary (the shards' summaries added up). `count` defaults to the
    existing layout's; a different count re-distributes every file, so it rebuilds.
    `run(tasks)` runs build_shard for every task's keyword arguments (default: one after
    another here, each with settings.workers processes)."""
    started = time.monotonic()
    index_dir = Path(settings.index_dir)
    old = layout(index_dir)
    count = count or (old["count"] if old else 1)
    if old and old["count"] != count:
        rebuild = True
    if not Path(corpus_dir).is_dir():
        raise index.CorpusMissing(f"no such corpus directory: {corpus_dir}")
    index_dir.mkdir(parents=True, exist_ok=True)
    tasks = [dict(corpus_dir=Path(corpus_dir), settings=settings, number=i, count=count,
                  rebuild=rebuild) for i in range(count)]
    parts = run(tasks) if run else [build_shard(**task) for task in tasks]
    group_stories(index_dir, count)
    _write_layout(index_dir, count)
    for name in sorted(p.name for p in index_dir.glob("shard-*")):
        if name not in shard_names(count):   # left over from an earlier shard count
            shutil.rmtree(index_dir / name, ignore_errors=True)
    summary = add_summaries(parts)
    summary["took_s"] = round(time.monotonic() - started, 3)
    return summary


def group_stories(index_dir: Path, count: int) -> None:
    """Group republished copies across the shards (dedup.group_across) into dedup.STORIES,
    unless it was made from the shards' live generations already."""
    gens = {name: index.current_generation(index_dir / name) for name in shard_names(count)}
    made_from = {name: gen.name for name, gen in gens.items() if gen is not None}
    if dedup.read_groups(index_dir, dedup.STORIES).get("generations") == made_from:
        return
    groups = dedup.group_across([gen for gen in gens.values() if gen is not None])
    dedup.write_stories(index_dir, made_from, groups)


def _write_layout(index_dir: Path, count: int) -> None:
    tmp = index_dir / f"{SHARDS}.tmp"
    tmp.write_text(json.dumps({"count": count, "by": "file"}), "utf-8")
    tmp.replace(index_dir / SHARDS)


def add_summaries(parts: list[dict]) -> dict:
    """One index summary from the shards' (each corpus file was counted by one shard only;
    skipped files are seen by every shard)."""
    out = {"files": {}, "articles": {}, "errors": [], "took_s": 0.0}
    problems, skipped = [], set()
    for part in parts:
        for key in ("files", "articles"):
            for name, n in part[key].items():
                out[key][name] = out[key].get(name, 0) + n
        out["errors"] += part["errors"]
        problems += part.get("problems", [])
        skipped.update(part.get("skipped", []))
    out["errors"].sort(key=lambda e: e["file"])
    if problems:
        out["problems"] = sorted(problems, key=lambda p: p["file"])
    if skipped:
        out["skipped"] = sorted(skipped)
    return out


# -- searching -----------------------------------------------------------------------------

Call = Callable[[str, dict[int, tuple]], dict[int, object]]


class ShardedSearch:
    """The search entry points over shards reached through `call(step, {shard: args})`,
    which runs search.<step>(shard, *args) on each listed shard and returns {shard: result},
    or raises ShardsUnavailable."""

    def __init__(self, count: int, call: Call):
        self.count = count
        self.call = call

    def _all(self, step: str, *args) -> list:
        out = self.call(step, {i: args for i in range(self.count)})
        return [out[i] for i in range(self.count)]

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        stats = self._stats(request)
        first = (request.page - 1) * request.per_page
        wanted = request.page * request.per_page
        # as search._stories: enough ranked documents for `wanted` stories, else all
        limit = single.story_limit(wanted)
        while True:
            parts, ranked = self._ranked(request, stats, limit)
            total = sum(p["total"] for p in parts)
            shown = collapse(ranked, parts)
            if len(shown) >= wanted or len(ranked) >= total:
                break
            limit = total
        page = shown[first:wanted] if first < total else []
        hits = self._render(request, parts, page)
        return {"query": request.q, "total": total,
                "stories": sum(p["ungrouped"] for p in parts)
                + len({gid for p in parts for gid in p["groups"]}),
                "page": request.page, "per_page": request.per_page,
                "took_ms": round((time.perf_counter() - started) * 1000, 1),
                "hits": hits,
                "facets": add_facets([p["facets"] for p in parts]),
                "no_date": sum(p["no_date"] for p in parts), "scope": request.scope,
                "synonyms": request.synonyms, "expanded": parts[0]["expanded"],
                "messages": parts[0]["messages"]}

    def _stats(self, request: SearchRequest) -> dict:
        """The collection statistics of the whole index for `request` (ranking.py)."""
        stats = ranking.add_collections(self._all("collection_stats", request))
        stats["best"] = max(self._all("best_score", request, stats))
        return stats

    def _ranked(self, request: SearchRequest, stats: dict, limit: int) -> tuple[list, list]:
        """Every shard's step 2 (search.ranked) for `request`, and the first `limit` of
        their ranked documents merged in one index's order, as (…, docnum, score, shard)."""
        parts = self._all("ranked", request, stats, limit)
        entries = [[(*entry, i) for entry in part["ranked"]] for i, part in enumerate(parts)]
        return parts, ranking.merge_entries(entries, request.page * request.per_page)[:limit]

    def _render(self, request: SearchRequest, parts: list[dict], page: list) -> list[dict]:
        """The hits of `page` (collapse's stories), each rendered by its shard, with the
        briefs of its copies from the shards holding them."""
        asked: dict[int, tuple] = {}

        def ask(i: int) -> tuple:
            return asked.setdefault(i, (request, parts[i]["generation"], [], []))

        for (i, d), score, copies in page:
            ask(i)[2].append((d, score))
            for j, c in copies:
                ask(j)[3].append(c)
        answers = self.call("hits", asked) if asked else {}
        rendered = {i: iter(hits) for i, (hits, _) in answers.items()}
        briefs = {(i, d): brief for i, (_, found) in answers.items()
                  for d, brief in zip(asked[i][3], found)}
        out = []
        for (i, _), _, copies in page:
            hit = next(rendered[i])
            hit["copies"] = [briefs[c] for c in copies]
            out.append(hit)
        return out

    def get_article(self, id: str, q: str | None = None) -> dict | None:
        found = [a for a in self._all("article_story", id, q) if a[0] is not None]
        if not found:
            return None
        article, gid = found[0]
        if gid is not None:   # its copies, in whichever shard they are
            members = sorted(m for part in self._all("story", gid) for m in part)
            article["copies"] = [brief for _, brief, _ in members if brief["id"] != article["id"]]
        return article

    def related(self, id: str, limit: int = 5) -> list[dict]:
        """search.related over every shard: the subject words picked with the whole index's
        counts, then their query ranked, collapsed and checked as one index does."""
        article = self.get_article(id)
        if article is None:
            return []
        counted = self._all("subject_counts", article)
        counts: dict[str, int] = {}
        for _, part in counted:
            for word, n in part.items():
                counts[word] = counts.get(word, 0) + n
        words = ranking.pick_subject_words(counts, sum(live for live, _ in counted))
        if not words:
            return []
        request = single.related_request(
            words, (article["id"], *[c["id"] for c in article["copies"]]), limit)
        parts, ranked = self._ranked(request, self._stats(request),
                                     limit * single.RELATED_RANKED)
        shown = collapse(ranked, parts)
        asked: dict[int, tuple] = {}
        for (i, d), score, _ in shown:
            asked.setdefault(i, (parts[i]["generation"], [], words))[1].append((d, score))
        answers = {i: iter(found) for i, found in self.call("sharing", asked).items()} \
            if asked else {}
        out = []
        for (i, _), _, _ in shown:
            doc = next(answers[i])
            if doc is not None:
                out.append(doc)
                if len(out) == limit:
                    break
        return out


def collapse(ranked: list[tuple], parts: list[dict]) -> list[tuple]:
    """dedup.Copies.collapse over shards: `ranked` merged entries (…, docnum, score, shard)
    with each story once, at its best member's place, shown by its first member (shown_key)
    among all shards' matched members: [((shard, docnum), score, [(shard, docnum) of the
    copies])]."""
    members: dict[str, list[tuple]] = {}
    group_of: dict[tuple[int, int], str] = {}
    for i, part in enumerate(parts):
        for gid, found in part["groups"].items():
            for key, d in found:
                members.setdefault(gid, []).append((tuple(key), i, d))
                group_of[(i, d)] = gid
    out, seen = [], set()
    for entry in ranked:
        where, score = (entry[5], entry[3]), entry[4]
        gid = group_of.get(where)
        if gid is None:
            out.append((where, score, []))
            continue
        if gid in seen:
            continue
        seen.add(gid)
        story = [(i, d) for _, i, d in sorted(members[gid])]
        out.append((story[0], score, story[1:]))
    return out


def add_facets(parts: list[dict]) -> dict:
    """Facet counts of the whole index from the shards' (same value: counts added)."""
    out = {}
    for fname in parts[0] if parts else ():
        counts: dict[str, int] = {}
        for part in parts:
            for bucket in part.get(fname, []):
                counts[bucket["value"]] = counts.get(bucket["value"], 0) + bucket["count"]
        out[fname] = single.facet_list(fname, counts.items())
    return out


class LocalShards:
    """`call` for shards on this machine: each step runs on every shard in a thread (each
    shard has its own open index and lock, so shards answer concurrently)."""

    def __init__(self, index_dir: Path, count: int):
        self.dirs = [Path(index_dir) / name for name in shard_names(count)]
        self.pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="shard")

    def __call__(self, step: str, args: dict[int, tuple]) -> dict[int, object]:
        function = STEPS[step]
        items = list(args.items())
        # all shards but the first in the pool, the first in this thread meanwhile (no
        # thread hand-off at all for one shard)
        futures = {i: self.pool.submit(function, self.dirs[i], *a) for i, a in items[1:]}
        out, missing = {}, {}
        for i, a in items[:1]:
            futures[i] = _Done(function, self.dirs[i], *a)
        for i, future in futures.items():
            try:
                out[i] = future.result()
            except ParamError:
                raise
            except IndexUnavailable as exc:
                missing[self.dirs[i].name] = str(exc)
        if missing:
            raise ShardsUnavailable(missing)
        return out


class _Done:
    """A call made now, with a future's result() (which raises what the call raised)."""

    def __init__(self, function, *args):
        try:
            self.value, self.error = function(*args), None
        except Exception as exc:
            self.value, self.error = None, exc

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


def article_story(index_dir, id: str, q: str | None) -> tuple[dict | None, str | None]:
    """The article `id` if this shard holds it, with the id of its group of copies."""
    article = single.get_article(index_dir, id, q)
    if article is None:
        return None, None
    members = single.story(index_dir, None, id)
    return article, (members[0][2] if members else None)


STEPS = {"collection_stats": single.collection_stats, "best_score": single.best_score,
         "ranked": single.ranked, "hits": single.hits, "article_story": article_story,
         "story": single.story, "subject_counts": single.subject_counts,
         "sharing": single.sharing}


# -- the entry points ----------------------------------------------------------------------

_attached: dict[str, ShardedSearch] = {}
_local: dict[tuple[str, int], ShardedSearch] = {}


def attach(index_dir, backend: ShardedSearch) -> None:
    """Serve `index_dir` through `backend` (cluster.py's actors) from now on."""
    _attached[str(Path(index_dir).resolve())] = backend


def backend(index_dir) -> ShardedSearch | None:
    """How to search `index_dir`: attached, local shards, or None for an ordinary index."""
    key = str(Path(index_dir).resolve())
    if key in _attached:
        return _attached[key]
    shape = layout(index_dir)
    if shape is None:
        return None
    count = shape["count"]
    if (key, count) not in _local:
        _local[(key, count)] = ShardedSearch(count, LocalShards(Path(key), count))
    return _local[(key, count)]


def is_sharded(index_dir) -> bool:
    return backend(index_dir) is not None


def search(index_dir, request: SearchRequest) -> dict:
    sharded = backend(index_dir)
    return sharded.search(request) if sharded else single.search(index_dir, request)


def get_article(index_dir, id: str, q: str | None = None) -> dict | None:
    sharded = backend(index_dir)
    return sharded.get_article(id, q) if sharded else single.get_article(index_dir, id, q)


def related(index_dir, id: str, limit: int = 5) -> list[dict]:
    sharded = backend(index_dir)
    return sharded.related(id, limit) if sharded else single.related(index_dir, id, limit)


def generation_key(index_dir) -> str:
    """search.generation_key of the index, or of every shard."""
    shape = layout(index_dir)
    if shape is None:
        return single.generation_key(index_dir)
    return "|".join(single.generation_key(Path(index_dir) / name)
                    for name in shard_names(shape["count"]))


def completion_sources(index_dir) -> tuple[str, list[str], dict[str, int]]:
    """search.completion_sources of the index, or of all shards together (titles joined,
    word counts added up, then words in fewer than two titles dropped as one index does).
    Read from the shared directory, in this process, in cluster mode too."""
    shape = layout(index_dir)
    if shape is None:
        return single.completion_sources(index_dir)
    keys, titles, words = [], [], {}
    for name in shard_names(shape["count"]):
        key, more, counts = single.completion_sources(Path(index_dir) / name, min_df=1)
        keys.append(key)
        titles += more
        for word, n in counts.items():
            words[word] = words.get(word, 0) + n
    return "|".join(keys), titles, {w: n for w, n in words.items() if n > 1}


def warm(index_dir, cache_dir=None) -> None:
    """search.warm for every shard (or the one index). Never raises."""
    shape = layout(index_dir)
    dirs = [Path(index_dir) / n for n in shard_names(shape["count"])] if shape else [index_dir]
    for d in dirs:
        single.warm(d, cache_dir)

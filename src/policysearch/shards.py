"""Shards: an index split into N indexes by file or by year, searched as exactly one.

Layout of a sharded index directory:

    SHARDS         the index is sharded, and by which rule: {"count": N, "by": "file"} or
                   {"count": N, "by": "year", "years": [Y1, …, YN-1]}
    shard-00/ …    one ordinary index directory per shard (index.py's layout)
    stories.json   republished copies grouped across the shards (dedup.STORIES)
    routes.json    by year only: each corpus file's fingerprint and its articles per year

By file: a corpus file goes to shard crc32(its path relative to the corpus) mod N, so all the
articles of one file, and every later update of that file, land in the same shard.
By year: each article goes to the shard of its year, shards holding contiguous blocks of
years (`shard_of_year`): shard 0 the years before Y1, shard i the years from Yi to Yi+1 - 1,
the last shard the years from YN-1 on and the articles without a date. The boundaries are
chosen when the index is built (or rebuilt) so the shards hold about as many articles each,
and kept afterwards: new items land in the last shard and the older shards stay unchanged.
A file (a CSV or JSONL export) may hold articles of many years, so the routing is per
article: `route` reads every new or changed file once to count its articles per year
(routes.json), each shard then takes the files holding some of its years and keeps only its
years' articles of them.
Either way each shard is built and updated by index.update, which keeps only its own files
(and articles).

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

import bisect
import shutil
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable

from policysearch import analysis, dedup, fanout, index, ranking, readers, search as single
from policysearch.ingest import ingest_file
from policysearch.search import (FACETS, FILTER_FACETS, MAX_QUERY_CHARS,  # noqa: F401 (web.py)
                                 IndexUnavailable, ParamError, SearchError, SearchRequest)
from policysearch.settings import Settings

SHARDS = "SHARDS"
ROUTES = "routes.json"
RULES = ("file", "year")     # how an index may be sharded (SHARDS "by")


class ShardsUnavailable(IndexUnavailable):
    """Some shards did not answer; the query is refused rather than answered in part."""

    def __init__(self, missing: dict[str, str]):
        self.missing = sorted(missing)
        details = "; ".join(f"{name}: {why}" for name, why in sorted(missing.items()))
        super().__init__(f"shards not answering: {details}")


class ShardRuleChanged(index.IndexError_):
    """The index is sharded by another rule than asked; changing it needs a rebuild."""


# -- layout and building -------------------------------------------------------------------

def layout(index_dir) -> dict | None:
    """The SHARDS document of a sharded index ("by" filled in), None for an ordinary index."""
    data = index.read_json(Path(index_dir) / SHARDS, None)
    if not (isinstance(data, dict) and data.get("count", 0) >= 1):
        return None
    return {"by": "file", **data}


def shard_names(count: int) -> list[str]:
    return [f"shard-{i:02d}" for i in range(count)]


def shard_of(rel: str, count: int) -> int:
    return zlib.crc32(rel.encode("utf-8")) % count


def shard_of_year(year: str | None, years: list[int]) -> int:
    """The shard of an article of `year` (YYYY, None when undated) under a by-year layout
    whose shards begin at `years` (after the first): undated articles go to the last."""
    return bisect.bisect_right(years, int(year)) if year and year.isdigit() else len(years)


def balanced_years(counts: dict[str, int], count: int) -> list[int]:
    """The first years of shards 1 … count-1 so that contiguous blocks of years hold about
    as many articles each (`counts`: articles per year, "" for undated, which go to the last
    shard and count there). Shards that get no year of the corpus begin at the years after
    its last, so its next years fill them."""
    total = sum(counts.values())
    dated = sorted((int(year), n) for year, n in counts.items() if year)
    cuts: list[int] = []
    seen = 0
    for year, n in dated:
        # begin the next shard at `year` when the shards so far are closer to their share
        # without it than with it
        if seen and len(cuts) < count - 1 and seen + n / 2 >= (len(cuts) + 1) * total / count:
            cuts.append(year)
        seen += n
    last = max([*cuts, *(year for year, _ in dated[-1:])], default=time.gmtime().tm_year)
    while len(cuts) < count - 1:
        last += 1
        cuts.append(last)
    return cuts


def build_shard(corpus_dir: Path, settings: Settings, number: int, count: int,
                rebuild: bool = False, workers: int | None = None, rule: dict | None = None,
                files: list[str] | None = None) -> dict:
    """Build or update shard `number` of `count` at settings.index_dir: read, split, tag,
    analyse and index the corpus files (and articles) that belong to it under `rule` (the
    SHARDS layout; by file when None); by year, `files` are those holding some of its
    years (`route`). A cluster runs this as one task."""
    shard_settings = replace(settings, index_dir=Path(settings.index_dir) / shard_names(count)[number],
                             workers=workers or settings.workers)
    if rule is not None and rule["by"] == "year":
        mine, years = set(files or ()), rule["years"]
        return index.update(Path(corpus_dir), shard_settings, rebuild=rebuild,
                            select=mine.__contains__,
                            keep=lambda article: shard_of_year(article.year, years) == number)
    return index.update(Path(corpus_dir), shard_settings, rebuild=rebuild,
                        select=lambda rel: shard_of(rel, count) == number)


def build(corpus_dir: Path, settings: Settings, count: int | None = None, rebuild: bool = False,
          run: Callable[[list[dict]], list[dict]] | None = None, by: str | None = None,
          repair: tuple[int, ...] = ()) -> dict:
    """Build or update the sharded index at settings.index_dir from corpus_dir; returns the
    contract's index summary (the shards' summaries added up). `count` and `by` (RULES)
    default to the existing layout's (else 1, "file"); a different count re-distributes
    every article, so it rebuilds; a different rule raises ShardRuleChanged unless
    `rebuild`. Shards numbered in `repair` are rebuilt, the others updated.
    `run(tasks)` runs build_shard for every task's keyword arguments (default: one after
    another here, each with settings.workers processes)."""
    started = time.monotonic()
    index_dir = Path(settings.index_dir)
    if by not in (None, *RULES):
        raise ValueError(f"unknown shard rule {by!r}: one of {', '.join(RULES)}")
    old = layout(index_dir)
    if old and by and old["by"] != by and not rebuild:
        raise ShardRuleChanged(f"the index at {index_dir} is sharded by {old['by']}; to shard "
                               f"it by {by}, run again with --rebuild")
    by = by or (old["by"] if old else "file")
    count = count or (old["count"] if old else 1)
    if old and (old["count"] != count or old["by"] != by):
        rebuild = True
    if not Path(corpus_dir).is_dir():
        raise index.CorpusMissing(f"no such corpus directory: {corpus_dir}")
    index_dir.mkdir(parents=True, exist_ok=True)
    rule, routing = {"count": count, "by": by}, None
    if by == "year":
        routing = route(Path(corpus_dir), settings, index.read_json(index_dir / ROUTES, {})
                        if not rebuild else {})
        rule["years"] = old["years"] if old and not rebuild else \
            balanced_years(routing.years(), count)
    tasks = [dict(corpus_dir=Path(corpus_dir), settings=settings, number=i, count=count,
                  rebuild=rebuild or i in repair, rule=rule,
                  files=routing.files_of(i, rule["years"]) if routing else None)
             for i in range(count)]
    parts = run(tasks) if run else [build_shard(**task) for task in tasks]
    group_stories(index_dir, count)
    if routing:
        index.write_json(index_dir / ROUTES, routing.document())
    else:
        (index_dir / ROUTES).unlink(missing_ok=True)
    index.write_json(index_dir / SHARDS, rule)
    for name in sorted(p.name for p in index_dir.glob("shard-*")):
        if name not in shard_names(count):   # left over from an earlier shard count
            shutil.rmtree(index_dir / name, ignore_errors=True)
    summary = add_summaries(parts)
    if routing:   # a file may lie in several shards: count it once
        summary["files"] = routing.file_counts(summary["errors"])
        summary["errors"] = _one_per_file(routing.errors + summary["errors"])
    summary["took_s"] = round(time.monotonic() - started, 3)
    return summary


class Routes:
    """Where the articles of every corpus file go by year: {file: {"fingerprint", "years":
    {year or "": articles}}}, kept in routes.json so unchanged files are not read again."""

    def __init__(self, files: dict[str, dict], old: dict[str, dict], errors: list[dict],
                 corpus: set[str]):
        self.files, self.old, self.errors, self.corpus = files, old, errors, corpus

    def years(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.files.values():
            for year, n in entry["years"].items():
                out[year] = out.get(year, 0) + n
        return out

    def files_of(self, number: int, years: list[int]) -> list[str]:
        return sorted(rel for rel, entry in self.files.items()
                      if any(shard_of_year(y or None, years) == number for y in entry["years"]))

    def document(self) -> dict:
        return {"stamp": analysis.stamp(), "files": self.files}

    def file_counts(self, errors: list[dict]) -> dict:
        """The summary's file counts: each corpus file once, whatever shards hold it."""
        failed = {e["file"] for e in errors} | {e["file"] for e in self.errors}
        counts = {"added": 0, "updated": 0, "unchanged": 0, "failed": len(failed),
                  "deleted": len([rel for rel in self.old if rel not in self.corpus])}
        for rel, entry in self.files.items():
            if rel in failed:
                continue
            was = self.old.get(rel)
            kind = "added" if was is None else \
                "unchanged" if was["fingerprint"] == entry["fingerprint"] else "updated"
            counts[kind] += 1
        return counts


def route(corpus_dir: Path, settings: Settings, recorded: dict) -> Routes:
    """The Routes of the corpus: files whose fingerprint is the one in `recorded` (an earlier
    routes.json, made with the same analysis) keep their counts, the others are read and
    tagged (in settings.workers processes) to count their articles per year. A file that
    cannot be fingerprinted keeps its old route (its shards keep its articles, as index.update
    does); one that cannot be read goes nowhere (its shards drop its articles)."""
    old = recorded.get("files", {}) if recorded.get("stamp") == analysis.stamp() else {}
    _, found, errors = index.corpus_files(corpus_dir)
    files, jobs = {}, []
    for rel, path in found:
        try:
            fingerprint = readers.fingerprint(path)
        except (OSError, readers.ReadError) as exc:
            errors.append({"file": rel, "reason": f"cannot read: {exc}"})
            if rel in old:
                files[rel] = old[rel]
            continue
        if rel in old and old[rel]["fingerprint"] == fingerprint:
            files[rel] = old[rel]
        else:
            jobs.append((rel, str(path), fingerprint))
    analysis.configure(settings.cache_dir)
    counted = fanout.ordered_map(partial(_count_years, corpus_dir), jobs, settings.workers)
    for (rel, _, fingerprint), years in zip(jobs, counted):
        if isinstance(years, str):
            errors.append({"file": rel, "reason": years})
        else:
            files[rel] = {"fingerprint": fingerprint, "years": years}
    return Routes(files, old, errors, {rel for rel, _ in found})


def _count_years(corpus_dir: Path, job: tuple[str, str, str]) -> dict[str, int] | str:
    """A file's articles per year ("" for undated), as indexing reads and tags them, or the
    reason it cannot be read."""
    try:
        articles, _ = ingest_file(Path(job[1]), corpus_dir)
    except readers.ReadError as exc:
        return str(exc)
    except Exception as exc:  # one bad file must never stop the run (as index.py)
        return f"unexpected error: {type(exc).__name__}: {exc}"
    out: dict[str, int] = {}
    for article in articles:
        out[article.year or ""] = out.get(article.year or "", 0) + 1
    return out


def _one_per_file(errors: list[dict]) -> list[dict]:
    return sorted({e["file"]: e for e in reversed(errors)}.values(), key=lambda e: e["file"])


def group_stories(index_dir: Path, count: int) -> None:
    """Group republished copies across the shards (dedup.group_across) into dedup.STORIES,
    unless it was made from the shards' live generations already."""
    gens = {name: index.current_generation(index_dir / name) for name in shard_names(count)}
    made_from = {name: gen.name for name, gen in gens.items() if gen is not None}
    if dedup.read_groups(index_dir, dedup.STORIES).get("generations") == made_from:
        return
    groups = dedup.group_across([gen for gen in gens.values() if gen is not None])
    dedup.write_stories(index_dir, made_from, groups)


def add_summaries(parts: list[dict]) -> dict:
    """One index summary from the shards' (by file, each corpus file was counted by one
    shard only; by year, build counts the files itself; skipped files are seen by every
    shard)."""
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
    if problems:   # a file in several shards (by year) reports its problems in each
        unique = {(p["file"], p["problem"]): p for p in problems}
        out["problems"] = sorted(unique.values(), key=lambda p: p["file"])
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

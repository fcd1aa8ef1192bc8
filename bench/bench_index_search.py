#!/usr/bin/env python3
"""Benchmark: our index and search against the obvious recipe, on the same articles.

    nice python bench/bench_index_search.py              # all 74,545 articles (~20 min)
    python bench/bench_index_search.py --limit 5000      # a quick run
    python bench/bench_index_search.py --limit 5000 --long 3000   # short and long text
    python bench/bench_index_search.py --long 3000 --no-short     # long text only

Reads ../shared/bench/xwlb_2012_2026.jsonl.gz (never copied into the repo): the articles are
written as one JSONL file per month into a work directory outside the repo (default
$TMPDIR/policysearch-bench) and indexed from there with `index.update`, exactly like a user's
corpus. In the same run it builds the recipe from jieba's README: Whoosh + jieba's
ChineseAnalyzer, one process, title and text stored, the same facet fields (province, industry,
year, doc_type; province/industry/doc_type copied from our index after our build, so the
recipe's build time does not include tagging); its queries use Whoosh's QueryParser,
`groupedby` facets and Whoosh highlights of the first page.

Each phase runs in its own child process so peak memory (ru_maxrss, with the phase's own
worker processes) is measured per phase. Prints build time (and the CPU time of all the
build's processes: on a loaded machine the wall-time ratio swings with the load of the
moment, the CPU-time ratio much less), articles/s, index size, peak
memory, the time to re-run `index` on the unchanged corpus, per-query p50/p95 (warm; first
page of 10 with facets and highlights) and our figures as ratios to the recipe's.

`--long N` also builds both indexes over N long articles (build time only, no queries): each
day's bench items joined in their order, a new article whenever the joined text reaches
LONG_MIN characters (about 1,300 on average, like a newspaper page's article), N of them
taken evenly over the 15 years. The last lines give our build time as a ratio to the recipe's
for short and long text.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "bench" / "xwlb_2012_2026.jsonl.gz"

# (label, query, filters) -- filters as SearchRequest.from_params keywords
QUERIES = [
    ("common word", "经济", {}),
    ("common word 2", "发展", {}),
    ("rare word", "区块链", {}),
    ("two-word AND", "人工智能 制造业", {}),
    ("phrase", '"新能源汽车"', {}),
    ("OR", "光伏 OR 风电", {}),
    ("NOT", "疫情 -武汉", {}),
    ("substring", "管服", {}),
    ("traditional", "經濟發展", {}),
    ("province filter", "经济", {"province": ["四川"]}),
    ("year filter", "发展", {"date_from": "2020", "date_to": "2020"}),
    ("province+year", "改革", {"province": ["广东"], "date_from": "2018", "date_to": "2019"}),
    ("sorted by date", "改革", {"sort": "date"}),
    ("rare, by date", "乡村振兴", {"sort": "date", "date_from": "2021"}),
]
LONG_MIN = 1100     # a long article ends once its joined text has this many characters
REPEAT = 7          # timed runs per query after a warm-up (fewer once they took 10 s)


def peak_mb() -> dict:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mb": round(own, 1), "largest_child_mb": round(kids, 1)}


def cpu_s() -> float:
    """User + system CPU seconds of this process and its finished (joined) children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# -- preparing the corpus -----------------------------------------------------------------

def prepare(work: Path, limit: int | None) -> Path:
    corpus = work / f"corpus-{limit or 'all'}"
    done = corpus / ".complete"
    if done.exists():
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    months: dict[str, list[str]] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit and n >= limit:
                break
            month = (json.loads(line).get("date") or "unknown")[:7]
            months.setdefault(month, []).append(line if line.endswith("\n") else line + "\n")
    for month, lines in months.items():
        (corpus / f"xwlb-{month}.jsonl").write_text("".join(lines), "utf-8")
    done.write_text("")
    return corpus


def prepare_long(work: Path, n: int) -> Path:
    """N long articles, each a run of one day's items joined paragraph by paragraph (see
    the module's docstring), one JSONL file per month like the short corpus."""
    corpus = work / f"corpus-long-{n}"
    done = corpus / ".complete"
    if done.exists():
        return corpus
    days: dict[str, list[dict]] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            days.setdefault(item.get("date") or "unknown", []).append(item)
    joined = []
    for day in sorted(days):
        parts: list[dict] = []
        for item in days[day]:
            parts.append(item)
            if sum(len(p.get("text") or "") for p in parts) >= LONG_MIN:
                joined.append(_join(parts))
                parts = []
        if parts:
            joined.append(_join(parts))
    step = len(joined) / n
    chosen = [joined[int(i * step)] for i in range(min(n, len(joined)))]
    corpus.mkdir(parents=True, exist_ok=True)
    months: dict[str, list[str]] = {}
    for a in chosen:
        months.setdefault(a["date"][:7], []).append(json.dumps(a, ensure_ascii=False) + "\n")
    for month, lines in months.items():
        (corpus / f"long-{month}.jsonl").write_text("".join(lines), "utf-8")
    done.write_text("")
    return corpus


def _join(items: list[dict]) -> dict:
    first = items[0]
    return {"id": f"long-{first['id']}", "title": first.get("title") or "",
            "date": first.get("date") or "", "source": first.get("source") or "",
            "url": (first.get("url") or first["id"]) + "#long",
            "text": "\n".join(i.get("text") or "" for i in items)}


def corpus_chars(corpus: Path) -> tuple[int, float]:
    lengths = [len(a.get("text") or "") for a in articles(corpus)]
    return len(lengths), (sum(lengths) / len(lengths) if lengths else 0.0)


def articles(corpus: Path):
    for path in sorted(corpus.glob("*.jsonl")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                yield json.loads(line)


# -- phases (each in its own process) -----------------------------------------------------

def phase_ours_build(corpus: Path, index_dir: Path, cache: Path, tags: Path) -> dict:
    from policysearch import index
    from policysearch.settings import Settings

    settings = Settings.load(environ={}, index_dir=index_dir, cache_dir=cache)
    t, c = time.perf_counter(), cpu_s()
    summary = index.update(corpus, settings, rebuild=True)
    build, cpu = time.perf_counter() - t, cpu_s() - c
    t = time.perf_counter()
    again = index.update(corpus, settings)
    reindex = time.perf_counter() - t
    gen = index.current_generation(index_dir)
    export_tags(gen, tags)
    return {"build_s": build, "cpu_s": cpu, "articles": summary["articles"]["total"],
            "failed_files": summary["files"]["failed"], "errors": summary["errors"][:3],
            "reindex_s": reindex, "reindex_files": again["files"],
            "size_bytes": du(gen), "workers": settings.workers, **peak_mb()}


def _join_key(a: dict) -> str:
    return a.get("url") or f"{a.get('title')}|{a.get('date')}"


def export_tags(gen: Path, out: Path) -> None:
    """Our tagger's provinces/industries/doc_type per article, so the recipe gets the same
    facet fields without paying for tagging (its build time stays the bare recipe's)."""
    from whoosh import index as wix

    with wix.open_dir(str(gen)).searcher() as s:
        tags = {_join_key(d["article"]): [d["article"]["provinces"], d["article"]["industries"],
                                          d["article"]["doc_type"] or ""]
                for d in s.documents()}
    out.write_text(json.dumps(tags, ensure_ascii=False), "utf-8")


def recipe_schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, KEYWORD, TEXT, Schema

    analyzer = ChineseAnalyzer()
    return Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True, analyzer=analyzer),
                  content=TEXT(stored=True, analyzer=analyzer), date=ID(stored=True, sortable=True),
                  year=ID(stored=True), doc_type=ID(stored=True),
                  province=KEYWORD(stored=True, commas=True),
                  industry=KEYWORD(stored=True, commas=True))


def phase_recipe_build(corpus: Path, index_dir: Path, cache: Path, tags_file: Path) -> dict:
    import logging

    import jieba
    from whoosh import index as wix

    jieba.setLogLevel(logging.WARNING)
    index_dir.mkdir(parents=True, exist_ok=True)
    tags = json.loads(tags_file.read_text("utf-8")) if tags_file.exists() else {}
    t, c = time.perf_counter(), cpu_s()
    ix = wix.create_in(str(index_dir), recipe_schema())
    writer = ix.writer()
    n = 0
    for a in articles(corpus):
        date = a.get("date") or ""
        provinces, industries, doc_type = tags.get(_join_key(a), [[], [], ""])
        writer.add_document(id=a["id"], title=a.get("title") or "", content=a.get("text") or "",
                            date=date, year=date[:4], doc_type=doc_type,
                            province=",".join(provinces), industry=",".join(industries))
        n += 1
    writer.commit()
    build, cpu = time.perf_counter() - t, cpu_s() - c
    return {"build_s": build, "cpu_s": cpu, "articles": n, "size_bytes": du(index_dir), **peak_mb()}


def _timings(run) -> dict:
    run()  # warm
    times = []
    while len(times) < REPEAT and (len(times) < 1 or sum(times) < 10_000):
        t = time.perf_counter()
        run()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {"p50": statistics.median(times), "p95": times[min(len(times) - 1, int(0.95 * len(times)))],
            "all": times}


def phase_ours_query(index_dir: Path, cache: Path) -> dict:
    from policysearch import analysis, search

    analysis.configure(cache)
    out = {}
    for label, q, params in QUERIES:
        request = search.SearchRequest.from_params(q=q, **params)
        result = search.search(index_dir, request)
        out[label] = {"total": result["total"],
                      **_timings(lambda: search.search(index_dir, request))}
    out["_peak"] = peak_mb()
    return out


def phase_recipe_query(index_dir: Path, cache: Path) -> dict:
    import logging

    import jieba
    from whoosh import index as wix, query as Q, sorting
    from whoosh.qparser import QueryParser

    jieba.setLogLevel(logging.WARNING)
    ix = wix.open_dir(str(index_dir))
    searcher = ix.searcher()
    parser = QueryParser("content", ix.schema)
    facets = {"province": sorting.FieldFacet("province", allow_overlap=True),
              "industry": sorting.FieldFacet("industry", allow_overlap=True),
              "year": sorting.FieldFacet("year"), "doc_type": sorting.FieldFacet("doc_type")}
    out = {}
    for label, q, params in QUERIES:
        query = parser.parse(q.replace(" -", " NOT "))
        filters = []
        if params.get("province"):
            filters.append(Q.Or([Q.Term("province", p) for p in params["province"]]))
        if params.get("date_from") or params.get("date_to"):
            filters.append(Q.TermRange("date", params.get("date_from") or "0000",
                                       (params.get("date_to") or "9999") + "-99"))
        filt = Q.And(filters) if filters else None
        sortedby = "date" if params.get("sort") == "date" else None

        def run():
            results = searcher.search(query, limit=10, groupedby=facets, filter=filt,
                                      sortedby=sortedby, reverse=bool(sortedby))
            for name in facets:
                results.groups(name)
            for hit in results:
                hit.highlights("content")
            return results

        total = len(run())
        out[label] = {"total": total, **_timings(run)}
    out["_peak"] = peak_mb()
    return out


PHASES = {"ours-build": phase_ours_build, "recipe-build": phase_recipe_build,
          "ours-query": phase_ours_query, "recipe-query": phase_recipe_query}


def run_phase(name: str, *args: Path) -> dict:
    cmd = [sys.executable, __file__, "--phase", name, *map(str, args)]
    print(f"  running {name} …", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- report -------------------------------------------------------------------------------

def ratio(a, b):
    return f"{a / b:.2f}x" if b else "-"


def report_build(ours: dict, recipe: dict | None) -> None:
    mb = 1024 * 1024
    print(f"\narticles indexed: {ours['articles']} (failed files: {ours['failed_files']})")
    print(f"{'':28}{'ours':>12}{'recipe':>12}{'ours/recipe':>13}")
    rows = [("build time (s)", ours["build_s"], recipe and recipe["build_s"]),
            ("build CPU, all procs (s)", ours["cpu_s"], recipe and recipe["cpu_s"]),
            ("articles/s", ours["articles"] / ours["build_s"],
             recipe and recipe["articles"] / recipe["build_s"]),
            ("index size (MB)", ours["size_bytes"] / mb, recipe and recipe["size_bytes"] / mb),
            ("build peak RSS parent (MB)", ours["self_mb"], recipe and recipe["self_mb"]),
            ("build peak RSS worker (MB)", ours["largest_child_mb"], None)]
    for label, a, b in rows:
        print(f"{label:28}{a:12.1f}{(b or 0):12.1f}{ratio(a, b) if b else '-':>13}")
    total_mem = ours["self_mb"] + ours["workers"] * ours["largest_child_mb"]
    print(f"build peak memory, parent + {ours['workers']} workers (upper bound): {total_mem:.0f} MB")
    print(f"re-index unchanged corpus: {ours['reindex_s']:.2f} s  {ours['reindex_files']}")


def report_queries(oq: dict, rq: dict | None) -> None:
    print(f"serving process peak RSS after the query set: {oq['_peak']['self_mb']:.0f} MB"
          + (f" (recipe: {rq['_peak']['self_mb']:.0f} MB)" if rq else ""))
    print(f"\n{'query (warm, page 1 of 10, facets+highlights)':44}{'total':>7}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'recipe total':>13}{'r p50':>8}{'r p95':>8}{'p50 ratio':>10}")
    all_ours, all_recipe = [], []
    for label, q, params in QUERIES:
        o = oq[label]
        r = rq[label] if rq else None
        all_ours += o["all"]
        if r:
            all_recipe += r["all"]
        desc = f"{label}: {q} {params or ''}"[:43]
        print(f"{desc:44}{o['total']:7}{o['p50']:9.1f}{o['p95']:9.1f}"
              + (f"{r['total']:13}{r['p50']:8.1f}{r['p95']:8.1f}{ratio(o['p50'], r['p50']):>10}"
                 if r else ""))
    all_ours.sort()
    line = (f"over the set: p50 {statistics.median(all_ours):.1f} ms, "
            f"p95 {all_ours[int(0.95 * len(all_ours))]:.1f} ms")
    if all_recipe:
        all_recipe.sort()
        line += (f"; recipe p50 {statistics.median(all_recipe):.1f} ms, "
                 f"p95 {all_recipe[int(0.95 * len(all_recipe))]:.1f} ms")
    print(line)


def _build_both(opts, corpus: Path, tag: str, cache: Path):
    """Build our index and (unless --no-recipe) the recipe's over `corpus`, each in its own
    process: (our index dir, recipe's dir, our build figures, the recipe's or None)."""
    ours_ix, recipe_ix = opts.work / f"ours-{tag}", opts.work / f"recipe-{tag}"
    tags = opts.work / f"tags-{tag}.json"
    ours = run_phase("ours-build", corpus, ours_ix, cache, tags)
    recipe = None if opts.no_recipe else run_phase("recipe-build", corpus, recipe_ix, cache, tags)
    return ours_ix, recipe_ix, ours, recipe


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="index only the first N articles")
    ap.add_argument("--long", type=int, default=None, metavar="N",
                    help="also compare the build on N long articles (each day's items joined)")
    ap.add_argument("--no-short", action="store_true",
                    help="skip the short articles (with --long: long text only)")
    ap.add_argument("--work", type=Path,
                    default=Path(tempfile.gettempdir()) / "policysearch-bench",
                    help="work directory outside the repo")
    ap.add_argument("--no-recipe", action="store_true", help="skip the recipe baseline")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", type=Path, help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.phase:
        print(json.dumps(PHASES[opts.phase](*opts.args)))
        return
    if not DATA.exists():
        raise SystemExit(f"needs {DATA} (../shared beside the repo)")
    if REPO in opts.work.resolve().parents:
        raise SystemExit("the work directory must be outside the repo")
    if opts.long is not None and opts.long < 1:
        raise SystemExit(f"--long: expected a positive number of articles, got {opts.long}")
    if opts.no_short and not opts.long:
        raise SystemExit("--no-short: nothing left to run (add --long N)")
    cache = opts.work / "cache"
    ratios = []
    if not opts.no_short:
        tag = opts.limit or "all"
        print(f"preparing {tag} articles in {opts.work} …", file=sys.stderr)
        corpus = prepare(opts.work, opts.limit)
        ours_ix, recipe_ix, ours, recipe = _build_both(opts, corpus, tag, cache)
        oq = run_phase("ours-query", ours_ix, cache)
        rq = None if opts.no_recipe else run_phase("recipe-query", recipe_ix, cache)
        print(f"\nmachine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        print(f"short text: {_describe(corpus)}")
        report_build(ours, recipe)
        report_queries(oq, rq)
        ratios.append(("short", corpus, ours, recipe))
    if opts.long:
        tag = f"long-{opts.long}"
        print(f"preparing {opts.long} long articles in {opts.work} …", file=sys.stderr)
        corpus = prepare_long(opts.work, opts.long)
        _, _, ours, recipe = _build_both(opts, corpus, tag, cache)
        print(f"\nmachine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        print(f"long text: {_describe(corpus)}")
        report_build(ours, recipe)
        ratios.append(("long", corpus, ours, recipe))
    if not opts.no_recipe:
        print("\nbuild, ours/recipe: wall time (CPU time of all processes)")
        for name, corpus, ours, recipe in ratios:
            print(f"  {name:6}{ours['build_s']:8.1f} s / {recipe['build_s']:6.1f} s = "
                  f"{ratio(ours['build_s'], recipe['build_s'])}  "
                  f"({ours['cpu_s']:.1f} s / {recipe['cpu_s']:.1f} s = "
                  f"{ratio(ours['cpu_s'], recipe['cpu_s'])})  {_describe(corpus)}")


def _describe(corpus: Path) -> str:
    n, mean = corpus_chars(corpus)
    return f"{n} articles, {mean:.0f} characters of text on average"


if __name__ == "__main__":
    main()

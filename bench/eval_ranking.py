#!/usr/bin/env python3
"""Known-item evaluation of ranking: does the article a user half-remembers come first?

    nice python bench/eval_ranking.py                      # all 74,545 bench items
    nice python bench/eval_ranking.py --limit 20000        # the first 20,000 items
    nice python bench/eval_ranking.py --pages              # long text: one article per day

Reads ../shared/bench/xwlb_2012_2026.jsonl.gz (never copied into the repo) and, seeded,
picks known items; for each it types three queries the way a user would:

- headline: 2-3 words of the title (jieba words, in title order);
- pasted:   a 4-8 character string copied from the body, without quotes;
- paragraph: 2 words of the first paragraph that do not occur in the title.

Each query runs on policysearch (its index built with `index.update`, searched with facets
and snippets exactly as the web UI does), on SQLite FTS5 with the trigram tokenizer ranked
by bm25 (title and body columns; words under three characters, which trigrams cannot
match, become LIKE conditions), and on the Whoosh + jieba recipe of bench_index_search.py
(title and content, QueryParser over both) in the same run. Prints MRR@10 and S@1 per query
type and engine, for the whole set and separately for the half kept aside (`holdout`: items
at odd positions of the seeded sample, never looked at while choosing ranking rules), and
per-query latency p50/p95.

`--pages` joins each day's items into one page-length article (headline of the first item as
title, every item's headline and text as the body): long documents, like newspaper text,
where a term occurs in many places and length normalisation matters.

A hit counts when it is the item itself or an item with the same text (the corpus has exact
repeats; policysearch may show any copy of a collapsed group).
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_index_search as bench  # noqa: E402

TYPES = ("headline", "pasted", "paragraph")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]+")
# what no user would copy: the "…消息（新闻联播）：" lead-in and the "(视频编辑：…)" credits
_LEAD_IN = re.compile(r"^[^：:\n]{0,40}消息[^：:\n]{0,20}[：:]")
_CREDITS = re.compile(r"[(（]\s*(视频|文字)编辑.*$", re.S)


# -- corpora ------------------------------------------------------------------------------

def page_corpus(work: Path, items_corpus: Path, tag: str) -> Path:
    """One article per day: the day's items joined, for a long-text check."""
    corpus = work / f"pages-{tag}"
    if (corpus / ".complete").exists():
        return corpus
    corpus.mkdir(parents=True, exist_ok=True)
    days: dict[str, list[dict]] = {}
    for a in bench.articles(items_corpus):
        days.setdefault(a.get("date") or "unknown", []).append(a)
    months: dict[str, list[str]] = {}
    for day, items in sorted(days.items()):
        body = "\n\n".join(f"{a.get('title') or ''}\n{body_text(a)}" for a in items)
        page = {"id": f"page-{day}", "title": items[0].get("title"), "date": day,
                "source": items[0].get("source"), "url": f"page://{day}", "text": body}
        months.setdefault(day[:7], []).append(json.dumps(page, ensure_ascii=False))
    for month, lines in months.items():
        (corpus / f"pages-{month}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (corpus / ".complete").write_text("")
    return corpus


def body_text(a: dict) -> str:
    return a.get("text") or ""


def build_ours(corpus: Path, index_dir: Path, cache: Path) -> None:
    from policysearch import index
    from policysearch.settings import Settings

    settings = Settings.load(environ={}, index_dir=index_dir, cache_dir=cache)
    if index.current_generation(index_dir) is None:
        print("  building policysearch index …", file=sys.stderr, flush=True)
    index.update(corpus, settings)  # brings an existing index up to date (cheap if current)


def build_fts(corpus: Path, db: Path) -> sqlite3.Connection:
    fresh = not db.exists()
    con = sqlite3.connect(str(db))
    if fresh:
        print("  building FTS5 trigram index …", file=sys.stderr, flush=True)
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(url UNINDEXED, title, body, "
                    "tokenize='trigram')")
        con.executemany("INSERT INTO docs(url, title, body) VALUES (?, ?, ?)",
                        ((a.get("url"), a.get("title") or "", body_text(a))
                         for a in bench.articles(corpus)))
        con.commit()
    return con


def build_recipe(corpus: Path, index_dir: Path, cache: Path):
    from whoosh import index as wix

    if not (index_dir / ".complete").exists():
        print("  building the Whoosh + jieba recipe …", file=sys.stderr, flush=True)
        bench.phase_recipe_build(corpus, index_dir, cache)
        (index_dir / ".complete").write_text("")
    return wix.open_dir(str(index_dir))


# -- queries ------------------------------------------------------------------------------

def pick_items(corpus: Path, n: int, seed: int) -> tuple[list[dict], dict[str, list[str]]]:
    """`n` seeded known items, and for each text the urls of every item that has it."""
    by_text: dict[str, list[str]] = {}
    pool = []
    for a in bench.articles(corpus):
        text = body_text(a)
        by_text.setdefault(text, []).append(a.get("url"))
        if len(a.get("title") or "") >= 6 and len(text) >= 40:
            pool.append(a)
    rng = random.Random(seed)
    return rng.sample(pool, min(n, len(pool))), by_text


def queries_for(a: dict, rng: random.Random, words) -> dict[str, str]:
    title = a["title"]
    body = _CREDITS.sub("", _LEAD_IN.sub("", body_text(a), count=1))
    out = {}
    head = list(dict.fromkeys(w for w in words(title) if len(w) >= 2 and _CJK_RUN.fullmatch(w)))
    if len(head) >= 2:
        k = min(len(head), rng.choice((2, 3)))
        out["headline"] = " ".join(head[i] for i in sorted(rng.sample(range(len(head)), k)))
    spans = [m for m in _CJK_RUN.finditer(body) if len(m.group()) >= 4]
    if spans:
        run = rng.choice(spans).group()
        size = rng.randint(4, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        out["pasted"] = run[start:start + size]
    first = next((p for p in body.split("\n") if p.strip() and p.strip() != title), "")
    para = list(dict.fromkeys(w for w in words(first) if len(w) >= 2
                              and _CJK_RUN.fullmatch(w) and w not in title))
    if len(para) >= 2:
        out["paragraph"] = " ".join(para[i] for i in sorted(rng.sample(range(len(para)), 2)))
    return out


# -- engines ------------------------------------------------------------------------------

def ours(index_dir: Path):
    from policysearch import search

    def run(q: str) -> list[str]:
        result = search.search(index_dir, search.SearchRequest.from_params(q=q, per_page=10))
        out = []
        for hit in result["hits"]:
            out.append(hit.get("url"))
            out += [c.get("url") for c in hit.get("copies") or []]
        return out
    return run


def fts(con: sqlite3.Connection):
    def run(q: str) -> list[str]:
        long_words = [w for w in q.split() if len(w) >= 3]
        short = [w for w in q.split() if len(w) < 3]
        where, args = [], []
        if long_words:
            where.append("docs MATCH ?")
            args.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
        for w in short:
            where.append("(title LIKE ? OR body LIKE ?)")
            args += [f"%{w}%", f"%{w}%"]
        order = "bm25(docs)" if long_words else "rowid DESC"
        sql = f"SELECT url FROM docs WHERE {' AND '.join(where)} ORDER BY {order} LIMIT 10"
        return [r[0] for r in con.execute(sql, args)]
    return run


def recipe(ix):
    from whoosh.qparser import MultifieldParser

    searcher = ix.searcher()
    parser = MultifieldParser(["title", "content"], ix.schema)

    def run(q: str) -> list[str]:
        return [hit["id"] for hit in searcher.search(parser.parse(q), limit=10)]
    return run


# -- the evaluation -----------------------------------------------------------------------

def evaluate(engines: dict, cases: list[tuple[int, str, str, set]]) -> dict:
    """engine -> type -> split -> [reciprocal ranks], and engine -> latencies (ms)."""
    scores = {name: {t: {"all": [], "holdout": []} for t in TYPES} for name in engines}
    times: dict[str, list[float]] = {name: [] for name in engines}
    for name, run in engines.items():
        run(cases[0][2])  # warm
        for n, (i, kind, q, relevant) in enumerate(cases):
            t = time.perf_counter()
            found = run(q)
            times[name].append((time.perf_counter() - t) * 1000)
            rr = next((1 / (r + 1) for r, key in enumerate(found[:10]) if key in relevant), 0.0)
            scores[name][kind]["all"].append(rr)
            if i % 2:
                scores[name][kind]["holdout"].append(rr)
            if n % 200 == 199:
                print(f"  {name}: {n + 1}/{len(cases)} queries", file=sys.stderr, flush=True)
    return {"scores": scores, "times": times}


def report(result: dict, engines: list[str], counts: dict) -> None:
    scores, times = result["scores"], result["times"]
    print(f"\n{'query type':12}{'split':9}{'n':>5}" + "".join(f"{e + ' MRR':>13}{'S@1':>7}"
                                                             for e in engines))
    for kind in TYPES:
        for split in ("all", "holdout"):
            row = f"{kind:12}{split:9}{len(scores[engines[0]][kind][split]):5}"
            for e in engines:
                rr = scores[e][kind][split]
                mrr = sum(rr) / len(rr) if rr else 0.0
                s1 = sum(1 for x in rr if x == 1.0) / len(rr) if rr else 0.0
                row += f"{mrr:13.3f}{s1:7.3f}"
            print(row)
    base = engines[1] if len(engines) > 1 else None
    for kind in TYPES:
        if base:
            mine = _mrr(scores[engines[0]][kind]["all"])
            line = ", ".join(f"{e} {mine / _mrr(scores[e][kind]['all']):.2f}x"
                             for e in engines[1:] if _mrr(scores[e][kind]["all"]))
            print(f"{kind}: {engines[0]} MRR@10 as a ratio to {line}")
    print(f"\n{'latency (ms)':14}" + "".join(f"{e:>12}" for e in engines))
    for label, q in (("p50", 0.5), ("p95", 0.95)):
        row = f"{label:14}"
        for e in engines:
            t = sorted(times[e])
            row += f"{t[min(len(t) - 1, int(q * len(t)))]:12.1f}"
        print(row)
    if base:
        p50 = statistics.median(times[engines[0]])
        print("p50 ratio " + ", ".join(f"{engines[0]}/{e} {p50 / statistics.median(times[e]):.2f}x"
                                      for e in engines[1:]))
    print(f"\nqueries per type: {counts}")


def _mrr(rr):
    return sum(rr) / len(rr) if rr else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="use only the first N bench items")
    ap.add_argument("--items", type=int, default=400, help="known items (3 queries each)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--pages", action="store_true", help="one page-length article per day")
    ap.add_argument("--engines", default="policysearch,fts5,recipe")
    ap.add_argument("--index", type=Path, default=None,
                    help="an existing policysearch index of the same corpus")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "policysearch-bench")
    opts = ap.parse_args()
    if not bench.DATA.exists():
        raise SystemExit(f"needs {bench.DATA} (../shared beside the repo)")
    tag = str(opts.limit or "all")
    work, cache = opts.work, opts.work / "cache"
    print(f"preparing {tag} items in {work} …", file=sys.stderr)
    corpus = bench.prepare(work, opts.limit)
    if opts.pages:
        corpus, tag = page_corpus(work, corpus, tag), f"pages-{tag}"

    from policysearch import analysis

    analysis.configure(cache)
    items, by_text = pick_items(corpus, opts.items, opts.seed)
    cases = []
    for i, a in enumerate(items):
        rng = random.Random(f"{opts.seed}-{i}")  # each item's queries independent of others'
        relevant = set(by_text.get(body_text(a), [])) | {a.get("url")}
        for kind, q in queries_for(a, rng, lambda s: analysis.words(s)).items():
            cases.append((i, kind, q, relevant))
    counts = {t: sum(1 for c in cases if c[1] == t) for t in TYPES}

    wanted = opts.engines.split(",")
    engines = {}
    if "policysearch" in wanted:
        index_dir = opts.index or work / f"ours-{tag}"
        if opts.index is None:
            build_ours(corpus, index_dir, cache)
        engines["policysearch"] = ours(index_dir)
    if "fts5" in wanted:
        engines["fts5"] = fts(build_fts(corpus, work / f"fts5-{tag}.db"))
    if "recipe" in wanted:
        ix = build_recipe(corpus, work / f"recipe-{tag}", cache)
        url_of = {a["id"]: a.get("url") for a in bench.articles(corpus)}
        run = recipe(ix)
        engines["recipe"] = lambda q, run=run: [url_of.get(k) for k in run(q)]
    result = evaluate(engines, cases)
    print(f"\ncorpus: {tag} ({len(by_text)} distinct texts); known items: {len(items)}, "
          f"seed {opts.seed}")
    report(result, list(engines), counts)


if __name__ == "__main__":
    main()

"""Ranking: which of the documents a query matched comes first.

The search stage decides *which* documents match (exactly, with bitmasks); this stage only
orders them. It scores every matched document from every part of the query, in two steps:

1. **Every match** gets a term score and literal evidence, computed with numpy over whole
   posting lists (cached per open index), so the cost is bounded by the posting lists'
   length and never by dropping terms:
   - BM25 per field (title weighted above body) over every jieba word of the query, plus
     the character bigrams of words jieba does not know (军运会 → 军运 运会), so a name
     outside the dictionary still counts as one rare term rather than three common
     characters;
   - whether each typed string occurs *verbatim* (its bigrams as a phrase, punctuation
     between runs allowed, so 国办发[2018]121号 matches 国办发〔2018〕121号) in the title and in
     the body, and whether the typed words occur adjacent and in order (乡村 振兴 →
     乡村振兴). The phrase check uses positions and is bounded (VERIFY_LIMIT documents;
     beyond that, having all the bigrams counts until step 2 reads the text).
2. **The best few** (the page asked for plus RERANK_EXTRA) are read and scored on their text:
   the literal evidence again, exactly; the typed strings in the lead paragraph and close
   together; each typed string's own BM25 (its occurrences against the body's length); how
   much of the title they make up (an exact title, a law's name in 《》). A document number
   that is the document's own counts like an exact title. For a broad query (one common
   term in a large share of the documents, see broadness) a length prior and recurrence
   put substantial articles about the term before one-line notices that mention it.

The final score is a weighted sum of these features (WEIGHTS). Literal evidence outweighs
the term score, so a verbatim match ranks above scattered words and the title above the
body; the term score orders documents with the same literal evidence. Documents that tie
go newest first, then by a hash of their id (index.id_key): a total order that does not
depend on docnums, so an index split into shards ranks the same.

On a sharded index (shards.py) the collection statistics that step 1 reads from the whole
index (document count, matched count, field lengths, document frequencies, how many documents
are literal candidates, the best term score) are gathered from every shard first
(`collection_stats`, `add_collections`, `best_term_score`) and passed to `rank_entries`, so
each shard scores its documents as the whole index would; `merge_entries` puts the shards'
lists in the one index's order.
"""
from __future__ import annotations

import math
import re
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import TermNotFound
from whoosh.util.numeric import byte_to_length

from policysearch import analysis

K1, B = 1.2, 0.75            # BM25
FIELD_WEIGHT = {"title": 2.0, "body": 1.0}
VERIFY_LIMIT = 400           # documents phrase-checked per string and field in step 1
RERANK_EXTRA = 40            # documents beyond the requested page that are read and rescored
POSTINGS_CACHE_BYTES = 96 << 20
ARTICLE_CACHE = 512          # stored articles kept during a query (read to rescore, then shown)
LEAD_CHARS = 300             # the lead (first paragraph, at most this long): what a reader
                             # sees first, and where news puts what the story is about
READ_CHARS = 6000            # body text read in step 2 (bounded cost on long documents;
                             # past it, step 1's literal evidence stands)
NARROW_SHARE, BROAD_SHARE = 0.002, 0.05   # share of documents matched: see broadness()
SHORT_CHARS = 100            # a body this short earns none of the length prior …
SUBSTANTIAL_CHARS = 1000     # … and this long or longer all of it
WEIGHTS = {
    "terms": 1.0,            # BM25, scaled to 0..1 by the best matched document
    "title_literal": 2.0,    # share of typed strings found verbatim in the title (squared:
                             # one word of several in a title says little)
    "body_literal": 1.0,     # … in the body
    "title_adjacent": 1.5,   # all typed words adjacent and in order, in the title
    "body_adjacent": 1.0,    # … in the body
    "lead": 0.6,             # share of typed strings in the lead paragraph
    "near": 1.0,             # typed strings close together in the body (proximity)
    "density": 1.0,          # BM25 of each typed string as one term (its occurrences
                             # against the body's length), for specific queries
    "recur": 0.3,            # typed strings recurring in the body (an article about them),
                             # for broad queries
    "title_share": 0.5,      # how much of the title the typed text makes up
    "exact": 6.0,            # exact title, or the document number asked for
    "field": 0.5,            # a field value asked for (province:四川 OR …): no text to weigh
    "substance": 0.6,        # length prior for broad queries: substantial articles over
                             # one-line notices, in proportion to how many documents match
}


# -- the query's parts --------------------------------------------------------------------

@dataclass
class Part:
    """One positive word or phrase of the query, normalised."""
    text: str                        # normalised runs, joined (punctuation dropped)
    runs: list[str]
    grams: list[str]                 # bigram tokens with analysis.GAP between runs
    words: list[str]
    fields: tuple[str, ...]


@dataclass
class Plan:
    parts: list[Part] = field(default_factory=list)
    adjacent: Part | None = None     # the typed words run together, when there are several
    doc_number: str | None = None    # canonical 国办发〔2018〕121号 when one was typed
                                     # (metadata.canonical_number)
    fields: list[tuple[str, str]] = field(default_factory=list)  # province:四川 and the like

    @property
    def empty(self) -> bool:
        return not self.parts and not self.fields


def plan(leaves, text_fields: dict, keyword_fields, max_terms: int,
         doc_number: str | None = None) -> Plan:
    """The ranking plan for the positive text leaves of a parsed query; `doc_number` is a
    document number typed in the query (metadata.canonical_number of the query string,
    which still has the brackets the parser takes for grouping)."""
    out = Plan(doc_number=doc_number)
    for leaf in leaves:
        if len(leaf) == 4:
            continue
        if leaf[2] in keyword_fields:
            out.fields.append((leaf[2], leaf[1].strip()))
            continue
        norm = analysis.normalise(leaf[1].replace("*", " ").replace("?", " "))
        runs = analysis.runs(norm)
        if not runs:
            continue
        out.parts.append(Part("".join(runs), runs, analysis.bigrams(norm)[:max_terms * 2],
                              analysis.words(norm)[:max_terms], text_fields[leaf[2]]))
    if len(out.parts) > 1 and all(len(p.fields) == 2 for p in out.parts):
        joined = "".join(p.text for p in out.parts)
        out.adjacent = Part(joined, [joined], analysis.bigrams(joined)[:max_terms * 2], [],
                            ("title", "body"))
    return out


# -- per-index statistics -----------------------------------------------------------------

class Stats:
    """Field lengths and cached posting arrays of one open index generation."""

    def __init__(self, handle):
        self.h = handle
        self.n = handle.nbits
        self.lock = threading.Lock()
        self._lengths: dict[str, np.ndarray] = {}
        self._avg: dict[str, float] = {}
        self._postings: OrderedDict = OrderedDict()
        self._held = 0
        self._articles: OrderedDict = OrderedDict()

    def forget_articles(self) -> None:
        """Start a new query: stored articles are read afresh by every query (so damage done
        to the index files since it was opened shows, rather than a cached answer)."""
        with self.lock:
            self._articles.clear()

    def article(self, docnum: int) -> dict:
        """The stored article of `docnum` (kept for the rest of the query: a page's hits are
        read to rescore them and again to show them)."""
        with self.lock:
            found = self._articles.get(docnum)
            if found is not None:
                self._articles.move_to_end(docnum)
                return found
        found = self.h.searcher.stored_fields(docnum)["article"]
        with self.lock:
            self._articles[docnum] = found
            if len(self._articles) > ARTICLE_CACHE:
                self._articles.popitem(last=False)
        return found

    def datekeys(self) -> np.ndarray:
        if "_datekeys" not in self._lengths:
            self._lengths["_datekeys"] = np.asarray(self.h.datekeys, dtype=np.int64)
        return self._lengths["_datekeys"]

    def idkeys(self) -> np.ndarray:
        """index.id_key of every docnum: the last tie-break."""
        if "_idkeys" not in self._lengths:
            self._lengths["_idkeys"] = np.asarray(self.h.idkeys, dtype=np.uint64)
        return self._lengths["_idkeys"]

    def lengths(self, fname: str) -> np.ndarray:
        arr = self._lengths.get(fname)
        if arr is None:
            table = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)
            arr = np.zeros(self.n, dtype=np.float32)
            for sub, offset in self.h.subsearchers:
                reader = sub.reader()
                size = reader.doc_count_all()
                column = _length_column(reader, fname)
                if column is not None:
                    arr[offset:offset + size] = table[np.frombuffer(
                        bytes(column[i] for i in range(size)), dtype=np.uint8)]
                else:
                    arr[offset:offset + size] = [reader.doc_field_length(d, fname) or 0
                                                 for d in range(size)]
            self._lengths[fname] = arr
            live = arr[arr > 0]
            self._avg[fname] = (float(live.sum(dtype=np.float64)), int(live.size))
        return arr

    def avg(self, fname: str) -> float:
        total, count = self.length_total(fname)
        return total / count if count else 1.0

    def length_total(self, fname: str) -> tuple[float, int]:
        """(sum, count) of the field's non-zero lengths (exact: lengths are whole numbers,
        summed in float64, so shards' sums add up to the whole index's)."""
        self.lengths(fname)
        return self._avg[fname]

    def postings(self, fname: str, token: str) -> tuple[np.ndarray, np.ndarray]:
        """(docnums, frequencies) of a term, from every segment."""
        key = (fname, token)
        with self.lock:
            hit = self._postings.get(key)
            if hit is not None:
                self._postings.move_to_end(key)
                return hit
        ids, freqs = [], []
        for sub, offset in self.h.subsearchers:
            i, f = _read_postings(sub.reader(), fname, token)
            if len(i):
                ids.append(i + offset)
                freqs.append(f)
        out = (np.concatenate(ids) if ids else np.zeros(0, np.int64),
               np.concatenate(freqs) if freqs else np.zeros(0, np.float32))
        with self.lock:
            self._postings[key] = out
            self._held += out[0].nbytes + out[1].nbytes
            while self._held > POSTINGS_CACHE_BYTES and len(self._postings) > 1:
                _, (a, b) = self._postings.popitem(last=False)
                self._held -= a.nbytes + b.nbytes
        return out


def _length_column(reader, fname):
    perdoc = getattr(reader, "_perdoc", None)
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        return perdoc._cached_reader(_lenfield(fname), LENGTHS_COLUMN)
    except Exception:  # another codec: the slow, public way
        return None


def _read_postings(reader, fname: str, token: str) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of a term as arrays, a block at a time (Whoosh's matcher API
    costs a Python call per posting). Weights are frequency x field boost."""
    try:
        m = reader.postings(fname, token)
    except TermNotFound:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    while isinstance(m, FilterMatcher):  # deleted documents: never in the matched set
        m = m.child
    boost = reader.schema[fname].format.field_boost or 1.0
    ids: list = []
    weights: list = []
    if isinstance(m, W3LeafMatcher):
        while m.is_active():
            m._read_ids()
            m._read_weights()
            ids.extend(m._ids)
            weights.extend(m._weights)
            if m._lastblock:
                break
            m._next_block()
    elif isinstance(m, ListMatcher):
        ids = list(m._ids)
        w = m._weights
        weights = [1.0] * len(ids) if w is None else (
            [w] * len(ids) if isinstance(w, (int, float)) else list(w))
        if m._all_weights is not None:
            weights = [m._all_weights] * len(ids)
    else:
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            m.next()
    return (np.asarray(ids, dtype=np.int64),
            np.asarray(weights, dtype=np.float32) / np.float32(boost))


_per_handle: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_per_handle_lock = threading.Lock()


def per_handle(handle, make):
    """One `make(handle)` per open index generation (search._Handle), made on first use and
    dropped with the handle."""
    with _per_handle_lock:
        made = _per_handle.setdefault(handle, {})
        if make not in made:
            made[make] = make(handle)
        return made[make]


def stats(handle) -> Stats:
    return per_handle(handle, Stats)


# -- step 1: every matched document -------------------------------------------------------

def bool_array(mask: int, n: int) -> np.ndarray:
    raw = np.frombuffer(mask.to_bytes((n + 7) // 8 or 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def score_terms(p: Plan) -> list[tuple[str, str]]:
    """(field, token) of every term the term score sums: every word of every part, and the
    bigrams of words jieba does not know."""
    out: dict = {}
    for part in p.parts:
        terms = [(f"{fld}_w", w) for fld in part.fields for w in part.words]
        if any(len(w) == 1 for w in part.words):  # jieba split something it does not know
            terms += [(f"{fld}_b", g) for fld in part.fields for g in part.grams
                      if len(g) == 2]
        out.update(dict.fromkeys(terms))
    return list(out)


def _postings(st: Stats, fname: str, token: str):
    ids, tf = st.postings(fname, token)
    ids = ids[ids < st.n]
    return ids, tf[:len(ids)]


def term_scores(st: Stats, p: Plan, selected: np.ndarray, coll: dict | None = None) -> np.ndarray:
    """BM25 per field over every word of every part (and the bigrams of unknown words),
    summed with FIELD_WEIGHT; zero outside `selected`. `coll` holds the statistics of the
    whole collection when this index is one shard of it."""
    n = st.n
    docs = coll["docs"] if coll else n
    total = np.zeros(n, dtype=np.float32)
    for fname, token in score_terms(p):
        ids, tf = _postings(st, fname, token)
        if not len(ids):
            continue
        df = coll["df"].get((fname, token), len(ids)) if coll else len(ids)
        idf = math.log(1 + (docs - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * st.lengths(fname)[ids] / _avg(st, coll, fname))
        total[ids] += (FIELD_WEIGHT[fname.split("_")[0]] * idf
                       * tf * (K1 + 1) / (tf + norm))
    total[~selected] = 0
    return total


def _avg(st: Stats, coll: dict | None, fname: str) -> float:
    if not coll:
        return st.avg(fname)
    total, count = coll["lengths"].get(fname, (0.0, 0))
    return total / count if count else 1.0


def literal_candidates(planner, part: Part, fld: str, within: int) -> int:
    """Documents of `within` having every bigram of the part in field `fld`."""
    candidates = within
    for run in part.runs:
        candidates &= planner._literal_candidates(fld, run)
        if not candidates:
            return 0
    return candidates


def literal_mask(planner, part: Part, fld: str, within: int, count: int | None = None) -> int:
    """Documents of `within` whose field `fld` contains the part verbatim; `count` is how
    many documents of the whole collection are candidates (this index's when None)."""
    runs = part.runs
    candidates = literal_candidates(planner, part, fld, within)
    if not candidates:
        return 0
    tokens = part.grams
    if len(runs) == 1 and len(runs[0]) <= 2:
        return candidates  # one bigram (or character): having it is the phrase
    if (candidates.bit_count() if count is None else count) > VERIFY_LIMIT:
        return candidates  # so many have every bigram that checking costs more than it tells
    from policysearch.search import _ids, _mask
    ids = _ids(candidates)
    return _mask(phrase_docs(planner.h, f"{fld}_b", tokens, ids), planner.h.nbits)


def phrase_docs(handle, fname: str, tokens: list[str], ids: list[int]):
    """Docnums among `ids` where `tokens` (bigrams, GAP for one skipped position) occur
    at consecutive positions."""
    offsets = [(i, t) for i, t in enumerate(tokens) if t]
    for sub, base in handle.subsearchers:
        size = sub.doc_count_all()
        local = [d - base for d in ids if base <= d < base + size]
        if not local:
            continue
        try:
            matchers = [(i, sub.postings(fname, t)) for i, t in offsets]
        except TermNotFound:
            continue
        for d in local:
            starts = None
            for i, m in matchers:
                if m.is_active() and m.id() < d:
                    m.skip_to(d)
                if not m.is_active() or m.id() != d:
                    starts = set()
                    break
                shifted = {p - i for p in _positions(m.value())}
                starts = shifted if starts is None else starts & shifted
                if not starts:
                    break
            if starts:
                yield d + base


def _positions(value: bytes):
    from array import array
    return array(chr(value[0]), value[1:])


# -- the whole ranking --------------------------------------------------------------------

def rank(handle, planner, p: Plan, selected: int, wanted: int,
         limit: int) -> list[tuple[int, float]]:
    """The first `limit` documents of `selected` in ranking order with their scores: the
    first `wanted` + RERANK_EXTRA read and rescored, the rest by the step-1 score."""
    return [(e[3], e[4]) for e in rank_entries(handle, planner, p, selected, wanted, limit)]


def rank_entries(handle, planner, p: Plan, selected: int, wanted: int, limit: int,
                 coll: dict | None = None) -> list[tuple]:
    """`rank` as entries (step-1 score, datekey, idkey, docnum, score), with the collection
    statistics `coll` (add_collections; None: this index is the collection)."""
    st = stats(handle)
    st.forget_articles()
    n = handle.nbits
    sel = bool_array(selected, n)
    ids = np.flatnonzero(sel)
    if not len(ids):
        return []
    score = np.zeros(n, dtype=np.float32)     # step-1 score without literal evidence
    literal = np.zeros(n, dtype=np.float32)   # literal evidence (rechecked on text in step 2)
    if p.parts:
        terms = term_scores(st, p, sel, coll)
        best = coll["best"] if coll else float(terms[ids].max())
        if best > 0:
            score += WEIGHTS["terms"] * terms / best
        for kind, parts in (("literal", p.parts), ("adjacent", [p.adjacent] if p.adjacent else [])):
            for fld in ("title", "body"):
                share = np.zeros(n, dtype=np.float32)
                for i, part in enumerate(parts):
                    if fld in part.fields:
                        count = coll["candidates"].get((kind, i, fld), 0) if coll else None
                        found = literal_mask(planner, part, fld, selected, count)
                        if found:
                            share += bool_array(found, n)
                share /= max(1, len(parts))
                literal += WEIGHTS[f"{fld}_{kind}"] * (share * share if fld == "title" else share)
    for fname, value in p.fields:  # the documents the field query itself matched
        score += WEIGHTS["field"] * bool_array(planner.docset(("word", value, fname)) or 0, n)
    if p.doc_number:   # the documents whose own number it is (their doc_number field)
        score += WEIGHTS["exact"] * bool_array(handle.number_mask(p.doc_number), n)
    broad = broadness(p, coll["matched"] if coll else len(ids),
                      coll["live"] if coll else handle.live.bit_count())
    total = score + literal
    keys, idkeys = st.datekeys(), st.idkeys()
    want = max(limit, wanted + RERANK_EXTRA)
    if len(ids) > 2 * want:  # only the best `want` (and their ties) need sorting
        values = total[ids]
        kth = np.partition(values, len(values) - want)[len(values) - want]
        ids = ids[values >= kth]
    order = ids[np.lexsort((idkeys[ids], -keys[ids], -total[ids]))]  # ties: newest first
    head = order[:wanted + RERANK_EXTRA]
    avg = _avg(st, coll, "body_b")
    rescored = _rescore(handle, p, head, score, literal, broad, avg) if p.parts else \
        [(int(d), float(total[d])) for d in head]
    rest = [(int(d), float(total[d])) for d in order[len(head):max(limit, len(head))]]
    return [(float(total[d]), int(keys[d]), int(idkeys[d]), d, s) for d, s in rescored + rest]


def _literal_keys(p: Plan):
    """((kind, part number, field), part, field) of every literal check of step 1 (as
    rank_entries makes them)."""
    for kind, parts in (("literal", p.parts), ("adjacent", [p.adjacent] if p.adjacent else [])):
        for fld in ("title", "body"):
            for i, part in enumerate(parts):
                if fld in part.fields:
                    yield (kind, i, fld), part, fld


def merge_entries(lists: list[list[tuple]], wanted: int) -> list[tuple]:
    """Shards' `rank_entries` merged into the order one index gives: the first `wanted` +
    RERANK_EXTRA by step-1 score (the documents one index would rescore, each rescored
    by its shard) in order of their final score, then the rest by step-1 score."""
    merged = sorted((e for entries in lists for e in entries),
                    key=lambda e: (-e[0], -e[1], e[2]))
    head = wanted + RERANK_EXTRA
    return sorted(merged[:head], key=final_key) + merged[head:]


def final_key(entry) -> tuple:
    """Order of ranked entries by their final score (None when sorting by date), then
    newest, then id key."""
    return (-(entry[4] or 0.0), -entry[1], entry[2])


# -- the collection's statistics, for an index in shards -------------------------------------

def collection_stats(handle, planner, p: Plan | None, selected: int) -> dict:
    """This index's part of the statistics `rank_entries` reads from the whole collection."""
    st = stats(handle)
    out = {"docs": st.n, "live": handle.live.bit_count(), "matched": selected.bit_count(),
           "lengths": {}, "df": {}, "candidates": {}}
    if p is None:
        return out
    for fname in ("title_w", "body_w", "title_b", "body_b"):
        out["lengths"][fname] = st.length_total(fname)
    out["df"] = {t: len(_postings(st, *t)[0]) for t in score_terms(p)}
    for key, part, fld in _literal_keys(p):
        out["candidates"][key] = literal_candidates(planner, part, fld, selected).bit_count()
    return out


def add_collections(parts: list[dict]) -> dict:
    """The statistics of the whole collection from those of its shards."""
    out = {"docs": 0, "live": 0, "matched": 0, "lengths": {}, "df": {}, "candidates": {}}
    for part in parts:
        for key in ("docs", "live", "matched"):
            out[key] += part[key]
        for key in ("df", "candidates"):
            for name, n in part[key].items():
                out[key][name] = out[key].get(name, 0) + n
        for name, (total, count) in part["lengths"].items():
            was = out["lengths"].get(name, (0.0, 0))
            out["lengths"][name] = (was[0] + total, was[1] + count)
    return out


def best_term_score(handle, p: Plan | None, selected: int, coll: dict) -> float:
    """The best term score among this index's matched documents, with the collection's
    statistics (the whole collection's is the shards' largest)."""
    if p is None or not p.parts:
        return 0.0
    sel = bool_array(selected, handle.nbits)
    if not sel.any():
        return 0.0
    return float(term_scores(stats(handle), p, sel, coll)[sel].max())


def broadness(p: Plan, matches: int, documents: int) -> float:
    """0..1: how underspecified the query is. One short term (a word or two) found in a
    large share of the documents (BROAD_SHARE and more: fully) says little about which of
    them is wanted; a pasted string, several words, or a term in a few is specific."""
    if len(p.parts) != 1 or len(p.parts[0].words) > 2 or not documents:
        return 0.0
    share = matches / documents
    if share <= NARROW_SHARE:
        return 0.0
    return min(1.0, math.log(share / NARROW_SHARE) / math.log(BROAD_SHARE / NARROW_SHARE))


def _rescore(handle, p: Plan, head: np.ndarray, score: np.ndarray, literal: np.ndarray,
             broad: float, avg: float):
    """Step 2 on the documents of `head`; `avg` is the collection's average body length."""
    st = stats(handle)
    keys, idkeys, lengths = st.datekeys(), st.idkeys(), st.lengths("body_b")
    out = []
    for d in head.tolist():
        s = text_score(p, st.article(d), float(lengths[d]), avg, broad, float(literal[d]))
        out.append((d, float(score[d]) + s, int(keys[d]), int(idkeys[d])))
    out.sort(key=lambda x: (-x[1], -x[2], x[3]))
    return [(d, s) for d, s, _, _ in out]


def text_score(p: Plan, article: dict, length: float, avg_length: float,
               broad: float, literal: float = 0.0) -> float:
    """Step 2: the literal evidence, exactly, and what else the stored text says. `length` is
    the body's length in bigrams; `broad` (0..1) is how unselective the query is, which is
    how much the length prior counts; `literal` is step 1's literal evidence, which stands
    if the body is longer than what is read."""
    title = "".join(analysis.runs(analysis.normalise(article.get("title") or "")))
    body = article.get("body") or ""
    text = analysis.normalise(body[:READ_CHARS])
    flat = "".join(analysis.runs(text))
    lead = "".join(analysis.runs(_lead(text)))
    parts = p.parts
    s = literal_score(p, title, flat)
    if len(body) > READ_CHARS:
        s = max(s, literal)
    in_lead = recur = density = 0.0
    norm = K1 * (1 - B + B * length / avg_length)
    for part in parts:
        if part.text in lead:
            in_lead += 1
        if "body" in part.fields:
            tf = flat.count(part.text)
            recur += min(tf, 4) / 4
            density += tf / (tf + norm)
    s += (1 - broad) * WEIGHTS["density"] * density / len(parts)
    s += WEIGHTS["lead"] * in_lead / len(parts)
    if len(parts) > 1:
        s += WEIGHTS["near"] * nearness([part.text for part in parts], flat)
    s += broad * WEIGHTS["recur"] * recur / len(parts)
    typed = p.adjacent.text if p.adjacent else "".join(part.text for part in parts)
    if title and all(part.text in title for part in parts):
        s += WEIGHTS["title_share"] * min(1.0, len(typed) / len(title))
        if typed == title or typed == _bare_title(title):
            s += WEIGHTS["exact"]
    s += broad * WEIGHTS["substance"] * min(1.0, max(0.0, math.log(max(length, 1) / SHORT_CHARS)
                                                     / math.log(SUBSTANTIAL_CHARS / SHORT_CHARS)))
    return s


def literal_score(p: Plan, title: str, body: str) -> float:
    """Step 1's literal evidence, from the text (title and body as runs joined; the body
    read up to READ_CHARS): typed strings verbatim in the title and the body, and the typed
    words adjacent."""
    s = 0.0
    for kind, parts in (("literal", p.parts), ("adjacent", [p.adjacent] if p.adjacent else [])):
        for fld, text in (("title", title), ("body", body)):
            share = sum(1 for part in parts if fld in part.fields and part.text in text)
            share /= max(1, len(parts))
            s += WEIGHTS[f"{fld}_{kind}"] * (share * share if fld == "title" else share)
    return s


def nearness(strings: list[str], text: str, most: int = 16) -> float:
    """1 when the strings stand side by side in `text`, falling towards 0 as the shortest
    stretch holding all of them grows (0 when one is missing)."""
    hits = []
    for k, s in enumerate(strings):
        start = text.find(s) if s else -1
        if start < 0:
            return 0.0
        found = 0
        while start >= 0 and found < most:
            hits.append((start, start + len(s), k))
            start = text.find(s, start + 1)
            found += 1
    hits.sort()
    need = len(strings)
    have: dict[int, int] = {}
    best = None
    lo = 0
    for hi, (start, end, k) in enumerate(hits):
        have[k] = have.get(k, 0) + 1
        while len(have) == need:
            span = max(e for _, e, _ in hits[lo:hi + 1]) - hits[lo][0]
            best = span if best is None else min(best, span)
            kk = hits[lo][2]
            have[kk] -= 1
            if not have[kk]:
                del have[kk]
            lo += 1
    gap = max(0, best - sum(len(s) for s in strings))
    return 1.0 / (1.0 + gap / 10)


def _lead(text: str) -> str:
    """The first paragraph (at least a line's worth, at most LEAD_CHARS)."""
    end = text.find("\n", 60)
    return text[:LEAD_CHARS if end < 0 else min(end, LEAD_CHARS)]


def _bare_title(title: str) -> str:
    """A title without what usually follows a law's name (2019年修订, 试行, 草案)."""
    return re.sub(r"(\d{4}年(修订|修正|修改)?|试行|草案|暂行|征求意见稿)+$", "", title)


# -- related articles ---------------------------------------------------------------------

SUBJECT_WORDS = 6            # distinctive title words that make a related-articles query
SUBJECT_MAX_SHARE = 0.1      # a word in more of the documents than this says too little


def subject_words(planner, article: dict) -> list[str]:
    """The title's distinctive words, rarest first: words of two or more characters (and the
    words inside long ones) found in at most SUBJECT_MAX_SHARE of the documents (关于, 意见,
    加快, 发展 never name a subject), else the rarest one; a word only this article has is
    no link to others."""
    counts = {w: (planner.docset(("word", w, None)) or 0).bit_count()
              for w in title_words(article)}
    return pick_subject_words(counts, planner.h.live.bit_count())


def title_words(article: dict) -> set[str]:
    """The candidates for subject words: the title's words of two or more characters."""
    title = analysis.normalise(article.get("title") or "")
    return {w for w in analysis.search_words(title) if len(w) > 1 and _RUN_WORD.fullmatch(w)}


def pick_subject_words(counts: dict[str, int], documents: int) -> list[str]:
    """subject_words from {candidate: documents having it} of a collection of `documents`
    (on a sharded index, the shards' counts added up)."""
    limit = max(2, SUBJECT_MAX_SHARE * documents)
    rated = sorted((df, w) for w, df in counts.items() if df > 1)
    return [w for df, w in rated if df <= limit][:SUBJECT_WORDS] or [w for _, w in rated[:1]]


def shares_subject(article: dict, words: list[str]) -> bool:
    """A subject word in the title, or most of them in the text."""
    title = analysis.normalise(article.get("title") or "")
    if any(w in title for w in words):
        return True
    body = analysis.normalise((article.get("body") or "")[:READ_CHARS])
    return sum(w in body for w in words) * 2 > len(words)


_RUN_WORD = re.compile(r"[^\W_]+")

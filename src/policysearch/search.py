"""Search: the query language, filters, facets, sorting, pagination, highlighted hits.

Request parameters become a `SearchRequest` at the edge (a bad one raises `ParamError`
naming it). The query string is parsed by a small recursive-descent parser of our own
(words ANDed, OR, NOT / -word, "phrases", parentheses, whitelisted field: prefixes) that
never fails on odd input: unbalanced quotes and parentheses are closed, stray operators are
dropped, control characters are spaces. Limits keep every query under a second: at most
MAX_QUERY_CHARS characters and MAX_TERMS words, wildcards only as a literal prefix.

Each word becomes

    (all its jieba words in the word fields)  OR  (its bigram phrase in the bigram fields)

so a document that contains the text literally is always found, however jieba segments
either side; a "quoted phrase" is the bigram phrase alone (only literal text). The planner
decides only which documents match; ranking.py orders them, and dedup.py shows each
republished story once. Results are in a total order: score, then date (newest first), then
a hash of the article id (index.id_key), so pages are the same whatever the docnums, on one
index or merged from shards; ranking takes the collection statistics (document count, field
lengths, document frequencies, the best term score) as a parameter, so that a shard ranks as
the whole index would (shards.py).

Before planning, words that are one form of a synonym group get the other forms ORed in
(synonyms.py; `synonyms=False` turns it off, the result lists them either way), and
`scope="title"` puts every unfielded word in the title. `issuer:`, `topic:` and
`doc_number:` find the values that contain their text (metadata.py); a field that no article
has, or a query of operators alone, matches nothing and says so in the result's `messages`.

Filters: several values of one facet (province, industry, doc_type, issuer, topic,
written_year) are ORed, different facets ANDed, and the date range keeps articles whose
date (at its own precision) lies in it.

Facets (Datasette-style): each facet is counted over the query's result set with every
*other* active filter applied, but not its own (for the year facet, its own filter is the date
range), so the counts say what ticking another value would give, and each count equals the
total of the search with that value as the filter. Counting uses per-generation Python int bitmasks (one per facet value, bit =
docnum): the result set's bitmask is built once from the matcher's ids and each count is
`(result & value).bit_count()`; the total comes from the same bitmask.
"""
from __future__ import annotations

import bisect
import datetime as dt
import heapq
import os
import re
import threading
import time
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import TermNotFound

from policysearch import (analysis, dedup, integrity, metadata, ranking, render,
                          synonyms, toc)
from policysearch.index import (CURRENT, STAMP, read_json, current_generation,
                                date_key)

MAX_QUERY_CHARS = 300
MAX_TERMS = 24
MAX_PER_PAGE = 100
MAX_PAGE = 1000
TERM_MASK_CACHE = 1024       # per-term bitmasks kept per open index (~9 KB each at 75k docs)
TERM_MASK_CACHE_MB = 64      # ... but no more than this: a bitmask grows with the index
                             # (125 KB at 1M docs), so a fixed count would not bound memory
PREFIX_EXPANSION = 48        # bigrams tried for one-character words, per query
MAX_WORDS_SHORTCUT = 12      # a longer text is matched literally only (bounded work)
MAX_CANDIDATE_BIGRAMS = 24   # bigrams used to find candidates before the phrase check
VERIFY_LIMIT = 20000         # see _Planner._verify
RELATED_RESCORED = 2         # related articles: rescored and ranked per article wanted
RELATED_RANKED = 8
PLAN_CACHE = 32              # query plans kept per open index (a sharded query asks in each step)
FACETS = ("province", "industry", "year", "doc_type", "issuer", "topic", "written_year")
FILTER_FACETS = ("province", "industry", "doc_type", "issuer", "topic", "written_year")  # repeatable
TEXT_FIELDS = {"title": ("title",), "body": ("body",), None: ("title", "body")}
KEYWORD_FIELDS = {"province", "industry", "year", "doc_type", "source", "issuer", "topic",
                  "doc_number", "written_year"}
CONTAINS_FIELDS = metadata.CONTAINS_FIELDS   # field:text finds values containing the text
FIELD_ALIASES = {"标题": "title", "正文": "body", "省份": "province", "行业": "industry",
                 "年份": "year", "来源": "source", "type": "doc_type", "文种": "doc_type",
                 "发文机关": "issuer", "机关": "issuer", "主题分类": "topic", "主题": "topic",
                 "发文字号": "doc_number", "文号": "doc_number", "成文年份": "written_year"}
SCOPES = ("all", "title")    # the UI's 全文 / 仅标题 switch
INDEX_COMMAND = "policysearch index CORPUS"
REBUILD_COMMAND = "policysearch index CORPUS --rebuild"
REPAIR_COMMAND = "policysearch check --repair"
REBUILD_HINT = f"rebuild it with `{REBUILD_COMMAND}`"


class SearchError(Exception):
    """Anything that goes wrong with a search, said in one line."""


class ParamError(SearchError):
    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
        self.param = param
        self.message = message


class IndexUnavailable(SearchError):
    """No usable index; `command` is what the user should run to get one."""

    def __init__(self, message: str, command: str = REBUILD_COMMAND):
        super().__init__(message)
        self.command = command


# -- the request --------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _parse_date(param: str, value, upper: bool) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    m = _DATE.match(str(value).strip())
    if not m:
        raise ParamError(param, f"“{value}”不是日期，请写作 YYYY、YYYY-MM 或 YYYY-MM-DD")
    year, month, day = (int(x) if x else None for x in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ParamError(param, f"“{value}”不是有效的日期") from None
    if month is None:
        return year * 10000 + (9999 if upper else 0)
    if day is None:
        return year * 10000 + month * 100 + (99 if upper else 0)
    return year * 10000 + month * 100 + day


def _int(param: str, value, default: int, lo: int, hi: int | None = None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ParamError(param, f"须为整数，收到的是“{value}”") from None
    if number < lo:
        raise ParamError(param, f"不能小于 {lo}")
    if hi is not None and number > hi:
        raise ParamError(param, f"不能大于 {hi}")
    return number


def _values(param: str, values) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    out = []
    for v in values:
        v = str(v).strip()
        if len(v) > 50:
            raise ParamError(param, f"“{v[:20]}…”太长（最多 50 个字符）")
        if v and v not in out:
            out.append(v)
    return tuple(out)


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    province: tuple[str, ...] = ()
    industry: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    issuer: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    written_year: tuple[str, ...] = ()
    scope: str = "all"
    synonyms: bool = True
    date_from: int | None = None
    date_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    exclude: tuple[str, ...] = ()    # article ids left out (related articles: the article)
    parsed: object = field(default=None, compare=False, repr=False)

    @classmethod
    def from_params(cls, q=None, province=(), industry=(), date_from=None, date_to=None,
                    sort="relevance", page=1, per_page=10, doc_type=(), issuer=(), topic=(),
                    written_year=(), scope="all", synonyms=True) -> "SearchRequest":
        q = "" if q is None else str(q)
        if len(q) > MAX_QUERY_CHARS:
            raise ParamError("q", f"查询有 {len(q)} 个字符，最多 {MAX_QUERY_CHARS} 个，"
                                  "请缩短")
        sort = sort or "relevance"
        if sort not in ("relevance", "date"):
            raise ParamError("sort", f"“{sort}”不是排序方式，请用 relevance（相关度）或 date（日期）")
        scope = scope or "all"
        if scope not in SCOPES:
            raise ParamError("scope", f"“{scope}”不是检索范围，请用 all（全文）或 title（仅标题）")
        lo, hi = _parse_date("from", date_from, False), _parse_date("to", date_to, True)
        if lo is not None and hi is not None and lo > hi:
            raise ParamError("from", f"起始日期 {date_from} 晚于截止日期 {date_to}")
        return cls(q=q, province=_values("province", province),
                   industry=_values("industry", industry),
                   doc_type=_values("doc_type", doc_type), issuer=_values("issuer", issuer),
                   topic=_values("topic", topic), written_year=_values("written_year", written_year),
                   scope=scope, synonyms=bool(synonyms),
                   date_from=lo, date_to=hi,
                   sort=sort, page=_int("page", page, 1, 1, MAX_PAGE),
                   per_page=_int("per_page", per_page, 10, 1, MAX_PER_PAGE),
                   parsed=parse(q))


# -- the query language -------------------------------------------------------------------

_QUOTES = str.maketrans({c: '"' for c in "“”„‟＂「」『』"} | {"（": "(", "）": ")"})
_WILDCARDS = re.compile(r"[*?＊？]")


def _clean(q: str) -> str:
    """Quotes and parentheses unified, control and format characters made spaces."""
    q = q.translate(_QUOTES)
    return "".join(" " if (c < " " or "\x7f" <= c <= "\x9f" or c in "\u200b\u200c\u200d\u2028\u2029\ufeff")
                   else c for c in q)


def _lex(q: str) -> list[tuple]:
    """Tokens: ('(',) (')',) ('OR',) ('NOT',) ('word'|'phrase', text, field)."""
    tokens, i, n = [], 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append((c,))
            i += 1
        elif c == '"':
            end = q.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("phrase", q[i + 1:end], None))
            i = end + 1
        elif c == "-" and i + 1 < n and not q[i + 1].isspace() and q[i + 1] != "-" \
                and not q[i + 1].isdigit():  # -5% is text, not NOT 5%
            tokens.append(("NOT",))
            i += 1
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            word = q[i:j]
            i = j
            tokens.append(_word_token(word))
            if tokens[-1] is None:
                tokens.pop()
                # `field:"phrase"`: the lexer's next token is the phrase; give it the field
                fname = _field_name(word[:-1])
                if i < n and q[i] == '"':
                    end = q.find('"', i + 1)
                    end = n if end < 0 else end
                    tokens.append(("phrase", q[i + 1:end], fname))
                    i = end + 1
    return tokens


def _field_name(prefix: str) -> str | None:
    prefix = FIELD_ALIASES.get(prefix, prefix).lower()
    return prefix if prefix in TEXT_FIELDS or prefix in KEYWORD_FIELDS else None


def _word_token(word: str) -> tuple | None:
    """An operator, a (possibly fielded) word, or None for a lone known `field:` prefix."""
    if word in ("OR", "|", "||"):
        return ("OR",)
    if word == "NOT":
        return ("NOT",)
    if word in ("AND", "&", "&&", "+"):
        return ("AND",)
    for sep in (":", "："):
        if sep in word:
            prefix, rest = word.split(sep, 1)
            fname = _field_name(prefix)
            if fname:
                if rest:
                    return ("word", rest, fname)
                return None  # a field prefix alone: see the caller
    return ("word", word.lstrip("+"), None)


class _Parser:
    """query := or ; or := and (OR and)* ; and := unary+ ; unary := (NOT|-) unary | primary ;
    primary := '(' or ')' | word | "phrase"."""

    MAX_DEPTH = 20

    def __init__(self, tokens):
        self.tokens = [t for t in tokens if t[0] != "AND"]
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self):
        node = self.parse_or()
        while self.i < len(self.tokens):  # a stray ')' ends the group early: go on after it
            self.i += 1
            more = self.parse_or()
            node = _join("and", [node, more])
        return node

    def parse_or(self):
        items = [self.parse_and()]
        while self.peek() == "OR":
            self.i += 1
            items.append(self.parse_and())
        return _join("or", items)

    def parse_and(self):
        items = []
        while self.peek() not in (None, ")", "OR"):
            items.append(self.parse_unary())
        return _join("and", items)

    def parse_unary(self):
        if self.peek() == "NOT":
            self.i += 1
            if self.peek() in (None, ")", "OR"):
                return None
            inner = self.parse_unary()
            return ("not", inner) if inner is not None else None
        return self.parse_primary()

    def parse_primary(self):
        token = self.tokens[self.i]
        self.i += 1
        if token[0] == "(":
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                raise ParamError("q", "括号嵌套过深")
            node = self.parse_or()
            if self.peek() == ")":
                self.i += 1
            self.depth -= 1
            return node
        if token[0] in ("word", "phrase"):
            return token
        return None  # a stray operator is ignored


def _join(kind: str, items):
    items = [x for x in items if x is not None]
    if not items:
        return None
    return items[0] if len(items) == 1 else (kind, items)


def parse(q: str):
    """The query's syntax tree (None for an empty query); raises ParamError for queries that
    cannot be run (too many words, a bare *)."""
    tree = _Parser(_lex(_clean(q))).parse()
    leaves = list(_leaves(tree))
    if len(leaves) > MAX_TERMS:
        raise ParamError("q", f"查询有 {len(leaves)} 个词，最多 {MAX_TERMS} 个")
    for leaf in leaves:
        if leaf[1].strip() and not _WILDCARDS.sub("", leaf[1]).strip():
            raise ParamError("q", f"“{leaf[1]}”会匹配全部文章，请在 * 前写上文字")
    return tree


def _leaves(node, negated=False):
    if node is None:
        return
    if node[0] in ("word", "phrase"):
        yield node if not negated else (node[0], node[1], node[2], "neg")
    elif node[0] == "not":
        yield from _leaves(node[1], not negated)
    else:
        for child in node[1]:
            yield from _leaves(child, negated)


def highlight_terms(tree) -> list[str]:
    """Literal strings to mark: each positive word's text runs and its jieba words."""
    terms: list[str] = []
    for leaf in _leaves(tree):
        if len(leaf) == 4 or leaf[2] in KEYWORD_FIELDS:
            continue
        norm = analysis.normalise(_WILDCARDS.sub(" ", leaf[1]))
        terms += analysis.runs(norm)
        if leaf[0] == "word":
            terms += [w for w in analysis.words(norm) if len(w) > 1]
    return terms


# -- from syntax tree to result set and ranking query --------------------------------------

class _Planner:
    """Evaluates the syntax tree to the exact result set, as a bitmask over docnums, with set
    algebra on cached per-term bitmasks (AND is &, OR is |, NOT is live & ~x).

    For a word, the documents having all its jieba words are taken as they are; the literal
    route (its bigram phrase) only has to be checked, with positions, on the documents that
    have all its bigrams but not all its words. That keeps the costly phrase check to a small
    candidate set instead of every document containing a common bigram."""

    def __init__(self, handle: "_Handle"):
        self.h = handle
        self.searcher = handle.searcher
        self.reader = handle.searcher.reader()
        self.expansions_left = PREFIX_EXPANSION
        self.notes: list[str] = []     # said to the user (a field no article has)

    def docset(self, node, negated: bool = False) -> int | None:
        """The bitmask of `node`, or None when it puts no constraint (e.g. only punctuation)."""
        if node is None:
            return None
        kind = node[0]
        if kind in ("word", "phrase"):
            return self.leaf(*node, negated=negated)
        if kind == "not":
            inner = self.docset(node[1], not negated)
            return None if inner is None else self.h.live & ~inner
        masks = [m for m in (self.docset(c, negated) for c in node[1]) if m is not None]
        if not masks:
            return None
        out = masks[0]
        for m in masks[1:]:
            out = (out | m) if kind == "or" else (out & m)
        return out

    def leaf(self, kind, text, fname, negated=False) -> int | None:
        if fname in KEYWORD_FIELDS:
            return self._keyword(fname, text.strip())
        norm = analysis.normalise(_WILDCARDS.sub(" ", text))
        runs = analysis.runs(norm)
        if not runs:
            return None
        parts = TEXT_FIELDS[fname]
        words = analysis.words(norm)
        by_words = 0
        if len(words) > MAX_WORDS_SHORTCUT:
            pass  # a pasted sentence: the literal route alone, with bounded work
        elif kind == "word" and words:
            for p in parts:
                by_words |= self._all(f"{p}_w", words)
        elif len(runs) == 1 and words == runs:  # the phrase is one jieba word: exact
            for p in parts:
                by_words |= self.h.term_mask(f"{p}_w", runs[0])
        candidates = self.h.live & ~by_words
        for run in runs:
            either = 0
            for p in parts:
                either |= self._literal_candidates(p, run)
            candidates &= either
        long_runs = [run for run in runs if len(run) > 2]
        if candidates and long_runs:
            candidates = self._verify(candidates, parts, long_runs)
        return by_words | candidates

    def _keyword(self, fname: str, text: str) -> int:
        if fname in CONTAINS_FIELDS:
            if not self.h.keyed_values(fname):
                self.notes.append(metadata.no_values_note(fname))
                return 0
            return self.h.contains_mask(fname, text)
        return self.h.term_mask(fname, text)

    def _all(self, field: str, terms) -> int:
        out = self.h.live
        for term in terms:
            out &= self.h.term_mask(field, term)
            if not out:
                break
        return out

    def _literal_candidates(self, part: str, run: str) -> int:
        """Documents whose `part` has every bigram of `run` (exact for runs of 1-2 chars)."""
        field_b = f"{part}_b"
        if len(run) == 1:
            out = self.h.term_mask(field_b, run) | self.h.term_mask(f"{part}_w", run)
            for term in self._expand(field_b, run):
                out |= self.h.term_mask(field_b, term)
            return out
        return self._all(field_b, _spread(analysis.run_bigrams(run), MAX_CANDIDATE_BIGRAMS))

    def _verify(self, candidates: int, parts, runs) -> int:
        """Candidates that contain every run literally (phrase check on positions).

        A run of five or more characters found by more than VERIFY_LIMIT candidates is taken
        as found: a document with all four-plus bigrams of so common a string but not the
        string itself is vanishingly rare, and checking tens of thousands of documents would
        break the one-second promise. Shorter runs are always checked."""
        ids = _ids(candidates)
        for run in sorted(runs, key=len):
            if len(run) >= 5 and len(ids) > VERIFY_LIMIT:
                continue
            grams = analysis.run_bigrams(run)
            found = 0
            for p in parts:
                found |= _mask(self._phrase_docs(f"{p}_b", grams, ids), self.h.nbits)
            candidates &= found
            if not candidates:
                break
            ids = _ids(candidates)
        return candidates

    def _phrase_docs(self, field: str, grams, ids):
        """The docnums among `ids` where `grams` occur at consecutive positions. Our own loop
        over the raw postings: about three times faster than Whoosh's span matchers."""
        for sub, offset in self.h.subsearchers:
            size = sub.doc_count_all()
            local = [d - offset for d in ids if offset <= d < offset + size]
            if not local:
                continue
            try:
                matchers = [sub.postings(field, g) for g in grams]
            except TermNotFound:
                continue
            for d in local:
                values = []
                for m in matchers:
                    if m.is_active() and m.id() < d:
                        m.skip_to(d)
                    if not m.is_active() or m.id() != d:
                        break
                    values.append(m.value())
                else:
                    if _consecutive(values):
                        yield d + offset

    def _expand(self, field_b: str, char: str):
        out = []
        try:
            for term in self.reader.expand_prefix(field_b, char):
                if self.expansions_left <= 0:
                    break
                self.expansions_left -= 1
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                if term != char:
                    out.append(term)
        except Exception:  # a field missing from an empty index
            return []
        return out


def _consecutive(values) -> bool:
    """Whether positions (index.CompactPositions values, one per gram) line up as p, p+1, …"""
    first = values[0]
    starts = set(array(chr(first[0]), first[1:]))
    for i in range(1, len(values)):
        v = values[i]
        starts &= {p - i for p in array(chr(v[0]), v[1:])}
        if not starts:
            return False
    return True


def _spread(items: list, limit: int) -> list:
    """At most `limit` items, evenly spread over the list, first and last included (the
    candidates they find are a superset, which the phrase check then narrows exactly)."""
    items = list(dict.fromkeys(items))
    if len(items) <= limit:
        return items
    step = (len(items) - 1) / (limit - 1)
    return [items[round(i * step)] for i in range(limit)]


# -- the open index -----------------------------------------------------------------------

_BIT = [1 << i for i in range(8)]
_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


def _mask(ids, nbits: int) -> int:
    bits = bytearray((nbits + 7) // 8)
    for d in ids:
        bits[d >> 3] |= _BIT[d & 7]
    return int.from_bytes(bits, "little")


def _ids(mask: int) -> list[int]:
    out = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for i, byte in enumerate(data):
        if byte:
            base = i * 8
            out.extend(base + b for b in _BYTE_BITS[byte])
    return out


class _Handle:
    """One open generation of the index with its searcher and per-generation caches."""

    def __init__(self, index_dir: Path):
        gen = current_generation(index_dir)
        if gen is None and (index_dir / CURRENT).exists():
            raise IndexUnavailable(f"the index at {index_dir} is damaged ({CURRENT} does not "
                                   f"name a generation); run `{REPAIR_COMMAND}`",
                                   REPAIR_COMMAND)
        if gen is None:
            raise IndexUnavailable(f"no index at {index_dir}; build one with "
                                   f"`{INDEX_COMMAND}`", INDEX_COMMAND)
        stamp = read_json(gen / STAMP, None)
        if stamp != analysis.stamp():
            raise IndexUnavailable(f"the index at {index_dir} was built with a different "
                                   f"analysis ({_stamp_text(stamp)}, this program has "
                                   f"{_stamp_text(analysis.stamp())}); {REBUILD_HINT}")
        try:  # damage must give this error, never a wrong answer
            integrity.require_whole(gen)
        except integrity.IndexDamaged as exc:
            raise IndexUnavailable(f"the index at {index_dir} is damaged ({exc}); run "
                                   f"`{REPAIR_COMMAND}`", REPAIR_COMMAND) from None
        try:
            self.ix = whoosh_index.open_dir(str(gen))
            self.searcher = self.ix.searcher()
        except Exception as exc:
            raise IndexUnavailable(f"cannot open the index at {index_dir}: {exc}; "
                                   f"{REBUILD_HINT}") from exc
        self.gen = gen
        self.toc = self.ix.latest_generation()
        self.lock = threading.Lock()
        reader = self.searcher.reader()
        self.nbits = reader.doc_count_all()
        self.live = _mask(reader.all_doc_ids(), self.nbits)
        self.facet_masks = {f: self._value_masks(f) for f in FACETS}
        self.datekeys = list(reader.column_reader("datekey")) if reader.has_column("datekey") \
            else [0] * self.nbits
        # ties in score and date go by this key of the article id (docnum for old indexes)
        self.idkeys = array("Q", reader.column_reader("idkey")) if reader.has_column("idkey") \
            else array("Q", range(self.nbits))
        self.plans: OrderedDict = OrderedDict()
        self.cache_size = max(64, min(TERM_MASK_CACHE,
                                      TERM_MASK_CACHE_MB * 8 * 2**20 // max(self.nbits, 1)))
        self.subsearchers = self.searcher.subsearchers or [(self.searcher, 0)]
        self._term_masks: OrderedDict = OrderedDict()
        self._keyed: dict[str, list[tuple]] = {}
        self._numbers: OrderedDict = OrderedDict()
        self._by_date: list[int] | None = None

    def term_mask(self, field: str, text: str) -> int:
        """Docnums having `text` in `field`, as a bitmask (the most recent ones cached)."""
        key = (field, text)
        mask = self._term_masks.get(key)
        if mask is None:
            try:
                mask = _mask(self.searcher.reader().postings(field, text).all_ids(), self.nbits)
            except TermNotFound:
                mask = 0
            self._term_masks[key] = mask
            if len(self._term_masks) > self.cache_size:
                self._term_masks.popitem(last=False)
        else:
            self._term_masks.move_to_end(key)
        return mask

    def date_mask(self, lo: int, hi: int) -> int:
        """Docnums whose date key lies in [lo, hi] (from the docnums sorted by date)."""
        key = ("date", lo, hi)
        mask = self._term_masks.get(key)
        if mask is None:
            if self._by_date is None:
                self._by_date = sorted(range(self.nbits), key=self.datekeys.__getitem__)
                self._sorted_keys = [self.datekeys[d] for d in self._by_date]
            start = bisect.bisect_left(self._sorted_keys, lo)
            end = bisect.bisect_right(self._sorted_keys, hi)
            mask = _mask(self._by_date[start:end], self.nbits) & self.live
            self._term_masks[key] = mask
        return mask

    def _value_masks(self, fname: str) -> dict[str, int]:
        reader = self.searcher.reader()
        masks = {}
        if fname not in reader.schema:   # an index made before the field existed
            return masks
        for term in reader.field_terms(fname):
            ids = reader.postings(fname, term).all_ids()
            masks[term] = _mask(ids, self.nbits)
        return masks

    def keyed_values(self, fname: str) -> list[tuple]:
        """Every value of a metadata field with its match key (read once per generation)."""
        if fname not in self._keyed:
            reader = self.searcher.reader()
            values = reader.field_terms(fname) if fname in reader.schema else []
            self._keyed[fname] = metadata.keyed(values)
        return self._keyed[fname]

    def contains_mask(self, fname: str, text: str) -> int:
        """Docnums whose `fname` value contains `text` (see metadata.containing)."""
        out = 0
        for value in metadata.containing(self.keyed_values(fname), text):
            out |= self.term_mask(fname, value)
        return out

    def number_mask(self, number: str) -> int:
        """Docnums whose own document number (doc_number field) is or contains `number`
        (metadata.containing: in any bracket style, with or without 第 and leading zeros)."""
        key = ("doc_number", number)
        mask = self._numbers.get(key)
        if mask is None:
            mask = self._numbers[key] = self.contains_mask("doc_number", number)
            if len(self._numbers) > PLAN_CACHE:
                self._numbers.popitem(last=False)
        return mask

    def fresh(self, index_dir: Path) -> bool:
        return current_generation(index_dir) == self.gen and \
            self.ix.latest_generation() == self.toc


def _stamp_text(stamp) -> str:
    if not isinstance(stamp, dict):
        return "unknown analysis"
    return ", ".join(f"{k} {v}" for k, v in sorted(stamp.items()))


_handles: dict[str, _Handle] = {}
_handles_lock = threading.Lock()


def _handle(index_dir) -> _Handle:
    key = os.path.abspath(index_dir)
    with _handles_lock:
        handle = _handles.get(key)
        try:
            if handle is None or not handle.fresh(Path(key)):
                handle = _handles[key] = _Handle(Path(key))
        except IndexUnavailable:
            _handles.pop(key, None)
            raise
        except Exception as exc:
            _handles.pop(key, None)
            raise IndexUnavailable(f"cannot open the index at {index_dir}: {exc}") from exc
        return handle


# -- running a search ---------------------------------------------------------------------

def _filter_masks(handle: _Handle, request: SearchRequest) -> dict[str, int]:
    """One bitmask per active filter (values of one facet ORed)."""
    out = {}
    for fname in FILTER_FACETS:
        values = getattr(request, fname)
        if values:
            masks = handle.facet_masks[fname]
            combined = 0
            for v in values:
                combined |= masks.get(v, 0)
            out[fname] = combined
    if request.date_from is not None or request.date_to is not None:
        out["date"] = handle.date_mask(request.date_from or 1, request.date_to or 99999999)
    return out


def facet_list(fname: str, counts) -> list[dict]:
    """(value, count) pairs in the facet's display order: years newest first, others by
    count, then value."""
    counts = [(v, c) for v, c in counts if c]
    by_value = fname in ("year", "written_year")   # years read newest first
    counts.sort(key=(lambda vc: vc[0]) if by_value else (lambda vc: (-vc[1], vc[0])),
                reverse=by_value)
    return [{"value": v, "count": c} for v, c in counts]


def _facets(handle: _Handle, matched: int, filters: dict[str, int]) -> tuple[dict, int]:
    """The facet counts, and how many of the year facet's base set have no date."""
    out, undated = {}, 0
    for fname in FACETS:
        base = matched
        for other, mask in filters.items():
            # the date range is the year facet's own filter: counting years ignores it, so
            # each year's count is what choosing that year instead would give
            if other != fname and not (fname == "year" and other == "date"):
                base &= mask
        counts = [(value, (base & mask).bit_count())
                  for value, mask in handle.facet_masks[fname].items()]
        if fname == "year":  # the "no date" bucket: matched articles without a year
            dated = 0
            for mask in handle.facet_masks[fname].values():
                dated |= mask
            undated = (base & handle.live & ~dated).bit_count()
        out[fname] = facet_list(fname, counts)
    return out, undated


def _hit(handle: _Handle, docnum: int, score: float | None, terms, copies=()) -> dict:
    article = dict(ranking.stats(handle).article(docnum))
    body = article.pop("body", "")
    article["score"] = round(score, 4) if score is not None else None
    article["copies"] = [_brief(handle, d) for d in copies]
    article["snippet"] = render.snippet(body, terms)
    article["title_html"] = render.highlight(article.get("title"), terms)
    return article


def _brief(handle: _Handle, docnum: int) -> dict:
    """Where else a story appeared: id, title, date, source, url."""
    article = ranking.stats(handle).article(docnum)
    return {k: article.get(k) for k in ("id", "title", "date", "source", "url")}


def search(index_dir, request: SearchRequest) -> dict:
    """The contract's search result document for `request` on the index at `index_dir`."""
    started = time.perf_counter()
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        return _search(handle, request, started)


# The same search in steps, for an index split into shards (shards.py): collection
# statistics from every shard, summed (ranking.add_collections), then every shard's best term
# score with them; each shard's result set, facet counts, grouped copies and best documents
# ranked with them; the hits of the merged page (copies collapsed across shards by the
# groups made over all of them, dedup.group_across).

def collection_stats(index_dir, request: SearchRequest) -> dict:
    """Step 1: this index's part of the statistics ranking needs for `request`."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        plan, selected = _ranking_plan(handle, request)
        return ranking.collection_stats(handle, _plan(handle, request)[1], plan, selected)


def best_score(index_dir, request: SearchRequest, stats: dict) -> float:
    """Step 1b: this index's best term score with the collection statistics `stats`."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        plan, selected = _ranking_plan(handle, request)
        return ranking.best_term_score(handle, plan, selected, stats)


def ranked(index_dir, request: SearchRequest, stats: dict, limit: int | None = None) -> dict:
    """Step 2: total, facet counts and the first `limit` (default `page * per_page`)
    documents of this index (and those it would rescore), ranked with the collection
    statistics `stats`; each ranked entry is ranking.rank_entries'. `ungrouped` and `groups`
    are dedup.Copies.selected's, and `generation` names the open index for step 3."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        tree, planner, matched, number, expanded, notes = _plan(handle, request)
        filters, selected = _selection(handle, request, matched)
        wanted = request.page * request.per_page
        limit = limit or wanted
        if request.sort == "relevance":
            plan = _rank_plan(tree, number)
            top = ranking.rank_entries(handle, planner, plan, selected, wanted, limit, stats)
        else:
            top = [(0.0, date, idkey, d, None)
                   for d, date, idkey in _newest(handle, selected, limit)]
        facets, undated = _facets(handle, matched, filters)
        ungrouped, groups = dedup.copies(handle).selected(
            ranking.bool_array(selected, handle.nbits))
        return {"total": selected.bit_count(), "ranked": top, "facets": facets,
                "no_date": undated, "expanded": expanded, "messages": notes,
                "ungrouped": ungrouped, "groups": groups,
                "generation": (handle.gen.name, handle.toc)}


def hits(index_dir, request: SearchRequest, generation, page: list[tuple[int, float]],
         briefs: list[int] = ()) -> tuple[list, list]:
    """Step 3: the hits (article, snippet) of `page`, (docnum, score) pairs from step 2
    (their copies left for the caller to fill in), and the _brief of each docnum of
    `briefs` (copies shown with a hit of any shard)."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        if (handle.gen.name, handle.toc) != tuple(generation):
            raise IndexUnavailable(f"the index at {index_dir} changed during the query; "
                                   "please search again")
        terms = highlight_terms(_plan(handle, request)[0]) if page else []
        return ([_hit(handle, d, score, terms) for d, score in page],
                [_brief(handle, d) for d in briefs])


def story(index_dir, gid: str | None, id: str | None = None) -> list[tuple]:
    """The members this index holds of group `gid`, or of the group of article `id`:
    [(dedup.shown_key, brief, group id)]."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        groups = dedup.copies(handle)
        if id is not None:
            docnum = handle.searcher.document_number(id=str(id))
            gid = groups.group_id(docnum) if docnum is not None else None
        if gid is None:
            return []
        return [(groups.key(d), _brief(handle, d), gid) for d in groups.members_of(gid)]


def subject_counts(index_dir, article: dict) -> tuple[int, dict[str, int]]:
    """This index's part of what ranking.pick_subject_words reads: (live documents,
    {candidate subject word of `article`'s title: documents having it})."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        planner = _Planner(handle)
        return handle.live.bit_count(), {
            w: (planner.docset(("word", w, None)) or 0).bit_count()
            for w in ranking.title_words(article)}


def sharing(index_dir, generation, page: list[tuple[int, float]], words: list[str]) -> list:
    """Of `page` ((docnum, score) pairs of step 2), the articles (without bodies, with their
    score) that share the subject `words` (ranking.shares_subject), None for the others."""
    handle = _handle(index_dir)
    with handle.lock, _errors(handle, index_dir):
        if (handle.gen.name, handle.toc) != tuple(generation):
            raise IndexUnavailable(f"the index at {index_dir} changed during the query; "
                                   "please search again")
        return [_sharing(handle, d, score, words) for d, score in page]


def _sharing(handle: "_Handle", docnum: int, score: float, words: list[str]) -> dict | None:
    doc = dict(handle.searcher.stored_fields(docnum)["article"])
    if not ranking.shares_subject(doc, words):
        return None
    doc.pop("body", None)
    doc["score"] = round(score, 4)
    return doc


class _errors:
    """Any failure of a search as a SearchError (never a stack trace for a query), or as
    IndexUnavailable when the index turns out to be damaged."""

    def __init__(self, handle: "_Handle", index_dir):
        self.handle, self.index_dir = handle, index_dir

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, SearchError):
            return False
        _raise_if_damaged(self.handle, self.index_dir)
        raise SearchError(f"the search failed: {type(exc).__name__}: {exc}") from exc


def _raise_if_damaged(handle: _Handle, index_dir) -> None:
    """A search failing on an open index may be damage done since it was opened: then say
    so (and open it afresh next time) rather than report a failed search."""
    problems = integrity.verify(handle.gen)
    if problems:
        with _handles_lock:
            _handles.pop(os.path.abspath(index_dir), None)
        raise IndexUnavailable(f"the index at {index_dir} is damaged "
                               f"({integrity.IndexDamaged(handle.gen, problems)}); run "
                               f"`{REPAIR_COMMAND}`", REPAIR_COMMAND)


def _plan(handle: _Handle, request: SearchRequest) -> tuple:
    """(syntax tree, planner, matched bitmask, typed document number, synonyms offered,
    notes) of the query, cached per open index (a sharded query asks in every step)."""
    key = (request.q, request.synonyms, request.scope)
    plan = handle.plans.get(key)
    if plan is None:
        tree = request.parsed if request.parsed is not None else parse(request.q)
        with_synonyms, expanded = synonyms.expand(tree)   # said even when off: the page offers them
        if request.synonyms:
            tree = with_synonyms
        if request.scope == "title":
            tree = _in_title(tree)
        planner = _Planner(handle)
        matched = planner.docset(tree)
        if matched is None and request.q.strip():
            matched = 0   # only operators or symbols: nothing to look for
            planner.notes.append("查询中只有运算符或符号（如 OR、AND、NOT、标点），"
                                 "没有要找的词，因此不匹配任何文章")
        number = metadata.canonical_number(request.q)
        matched = handle.live if matched is None else matched | _numbered(handle, request.q, number)
        plan = (tree, planner, matched, number, expanded, list(dict.fromkeys(planner.notes)))
        handle.plans[key] = plan
        if len(handle.plans) > PLAN_CACHE:
            handle.plans.popitem(last=False)
    return plan


def _selection(handle: _Handle, request: SearchRequest, matched: int) -> tuple[dict, int]:
    """The filters' bitmasks, and the matched documents that pass them all."""
    filters = _filter_masks(handle, request)
    selected = matched
    for mask in filters.values():
        selected &= mask
    for aid in request.exclude:
        docnum = handle.searcher.document_number(id=aid)
        if docnum is not None:
            selected &= ~(1 << docnum)
    return filters, selected


def _rank_plan(tree, number):
    return ranking.plan(_leaves(tree), TEXT_FIELDS, KEYWORD_FIELDS, MAX_TERMS, number)


def _ranking_plan(handle: _Handle, request: SearchRequest):
    """(ranking plan or None when sorting by date, selected bitmask) of the query."""
    tree, _, matched, number, _, _ = _plan(handle, request)
    selected = _selection(handle, request, matched)[1]
    return (_rank_plan(tree, number) if request.sort == "relevance" else None), selected


def _search(handle: _Handle, request: SearchRequest, started: float) -> dict:
    tree, planner, matched, number, expanded, notes = _plan(handle, request)
    filters, selected = _selection(handle, request, matched)
    total = selected.bit_count()
    first = (request.page - 1) * request.per_page
    wanted = first + request.per_page
    page = _stories(handle, planner, tree, number, selected, total, request.sort,
                    wanted)[first:wanted] if first < total else []
    terms = highlight_terms(tree)
    hits = [_hit(handle, d, score, terms, copies) for d, score, copies in page]
    facets, undated = _facets(handle, matched, filters)
    return {"query": request.q, "total": total,
            "stories": dedup.copies(handle).stories(ranking.bool_array(selected, handle.nbits)),
            "page": request.page, "per_page": request.per_page,
            "took_ms": round((time.perf_counter() - started) * 1000, 1),
            "hits": hits, "facets": facets, "no_date": undated,
            "scope": request.scope, "synonyms": request.synonyms, "expanded": expanded,
            "messages": notes}


def _in_title(node):
    """The tree with every unfielded word and phrase searched in titles only."""
    if node is None:
        return None
    if node[0] in ("word", "phrase"):
        return node if node[2] else (node[0], node[1], "title")
    if node[0] == "not":
        return ("not", _in_title(node[1]))
    return (node[0], [_in_title(c) for c in node[1]])


def _numbered(handle: _Handle, q: str, number: str | None) -> int:
    """A query that is only a document number (unquoted) also finds the document bearing it
    in its metadata only."""
    if not number or not metadata.is_number(q):
        return 0
    return handle.number_mask(q) & handle.live


def _stories(handle, planner, tree, number, selected: int, total: int, sort: str,
             wanted: int):
    """The first `wanted` hits, one per story: republished copies (dedup.py) collapse into
    the hit of their earliest member, which lists the others."""
    groups = dedup.copies(handle)
    limit = story_limit(wanted)
    while True:
        ranked = _top(handle, planner, tree, number, selected, sort, wanted, limit)
        shown = groups.collapse(handle, ranked, selected)
        if len(shown) >= wanted or len(ranked) >= total:
            return shown
        limit = total


def story_limit(wanted: int) -> int:
    """How many ranked documents are first collapsed into stories for `wanted` of them (all
    of them are taken when that gives too few)."""
    return 3 * wanted + 30


def _top(handle: _Handle, planner: _Planner, tree, number: str | None, selected: int,
         sort: str, wanted: int, limit: int) -> list[tuple[int, float | None]]:
    """The first `limit` documents of `selected`: by relevance (ranking.py; the first
    `wanted` are scored on their text too; `number` is a typed document number), or newest
    first."""
    if sort == "relevance":
        return ranking.rank(handle, planner, _rank_plan(tree, number), selected, wanted, limit)
    return [(d, None) for d, _, _ in _newest(handle, selected, limit)]


def _newest(handle: _Handle, selected: int, limit: int) -> list[tuple[int, int, int]]:
    """(docnum, datekey, idkey) of the `limit` newest documents of `selected` (ties by id
    key, the order shards merge in)."""
    dates, idkeys = handle.datekeys, handle.idkeys
    return [(d, dates[d], idkeys[d]) for d in heapq.nsmallest(
        limit, _ids(selected), key=lambda d: (-dates[d], idkeys[d]))]


def completion_sources(index_dir, min_df: int = 2) -> tuple[str, list[str], dict[str, int]]:
    """What completion is built from, read with a reader of its own (so searches are not held
    up): (a key naming the live generation, every title, {title word: document frequency}
    for words of two or more characters in at least `min_df` titles)."""
    gen = current_generation(Path(index_dir))
    if gen is None:
        raise IndexUnavailable(f"no index at {index_dir}", INDEX_COMMAND)
    ix = whoosh_index.open_dir(str(gen))
    with ix.reader() as reader:
        key = _generation_key(os.path.abspath(gen), ix.latest_generation())
        titles = [reader.stored_fields(d)["article"].get("title") or ""
                  for d in reader.all_doc_ids()]
        words = {}
        if "title_w" in reader.schema:
            for term in reader.lexicon("title_w"):
                term = term.decode("utf-8") if isinstance(term, bytes) else term
                if len(term) > 1:
                    df = reader.doc_frequency("title_w", term)
                    if df >= min_df:
                        words[term] = df
    return key, titles, words


def generation_key(index_dir) -> str:
    """Names what is searched now: it changes whenever an index run commits. Read from the
    disk, without opening the index for searching (a server in cluster mode asks about
    shards its workers hold open)."""
    gen = current_generation(Path(index_dir))
    if gen is None:
        raise IndexUnavailable(f"no index at {index_dir}", INDEX_COMMAND)
    return _generation_key(os.path.abspath(gen),
                           whoosh_index.open_dir(str(gen)).latest_generation())


def _generation_key(gen: str, toc: int) -> str:
    return f"{gen}@{toc}"


def warm(index_dir, cache_dir=None) -> None:
    """Pay the one-off costs (jieba's dictionary, opening the index and its facet bitmasks)
    before the first request; a server calls this at start, with settings.cache_dir for
    jieba's cache. Never raises."""
    if cache_dir:
        analysis.configure(cache_dir)
    try:
        analysis.words("预热")
        _handle(index_dir)
    except Exception:
        pass


def get_article(index_dir, id: str, q: str | None = None) -> dict | None:
    """The full article (with body); `title_html` and `body_html` highlight q's terms."""
    handle = _handle(index_dir)
    with handle.lock:
        docnum = handle.searcher.document_number(id=str(id))
        if docnum is None:
            return None
        article = dict(handle.searcher.stored_fields(docnum)["article"])
        article["copies"] = [_brief(handle, d) for d in dedup.copies(handle).others(docnum)]
    terms = []
    if q:
        try:
            terms = highlight_terms(synonyms.expand(parse(q[:MAX_QUERY_CHARS]))[0])
        except SearchError:
            terms = []
    article["title_html"] = render.highlight(article.get("title"), terms)
    article["body_html"] = render.highlight(article.get("body"), terms)
    article["toc"] = toc.outline(article.get("body"))
    if article["toc"]:   # the page shows the body section by section
        article["sections_html"] = toc.sections(article.get("body"), article["toc"], terms)
    return article


def related(index_dir, id: str, limit: int = 5) -> list[dict]:
    """Articles on the subject of article `id` (without bodies): its title's distinctive
    words (ranking.subject_words) as an OR query, ranked like a search, one per story, each
    sharing a subject word in its title or most of them in its text."""
    handle = _handle(index_dir)
    with handle.lock:
        docnum = handle.searcher.document_number(id=str(id))
        if docnum is None:
            return []
        article = handle.searcher.stored_fields(docnum)["article"]
    return related_article(index_dir, article, limit)


def related_article(index_dir, article: dict, limit: int) -> list[dict]:
    """Articles of this index on the subject of `article` (see `related`); `article` may
    come from another index (a shard), whose copies are then not known here."""
    handle = _handle(index_dir)
    with handle.lock:
        searcher = handle.searcher
        docnum = searcher.document_number(id=str(article.get("id")))
        planner = _Planner(handle)
        words = ranking.subject_words(planner, article)
        if not words:
            return []
        tree = related_tree(words)
        selected = planner.docset(tree) or 0
        groups = dedup.copies(handle)
        for d in [docnum, *groups.others(docnum)] if docnum is not None else []:
            selected &= ~(1 << d)
        plan = ranking.plan(_leaves(tree), TEXT_FIELDS, KEYWORD_FIELDS, MAX_TERMS)
        ranked = ranking.rank(handle, planner, plan, selected, limit * RELATED_RESCORED,
                              limit * RELATED_RANKED)
        out = []
        for d, score, _ in groups.collapse(handle, ranked, selected):
            doc = _sharing(handle, d, score, words)
            if doc is not None:
                out.append(doc)
                if len(out) == limit:
                    break
        return out


def related_tree(words: list[str]):
    """The query of the articles related by subject `words`: any of them."""
    return ("or", [("word", w, None) for w in words])


def related_request(words: list[str], exclude: tuple[str, ...], limit: int) -> SearchRequest:
    """`related_article`'s query as a request (a sharded index runs it in search's steps):
    any of the words, no synonyms, without the article and its copies, the first
    limit * RELATED_RESCORED documents rescored (see `ranked`'s limit)."""
    tree = related_tree(words)
    return SearchRequest(q=" OR ".join(words), synonyms=False, exclude=tuple(exclude),
                         per_page=limit * RELATED_RESCORED, parsed=tree)

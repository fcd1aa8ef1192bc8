"""Snippets and highlights: escaped original text with <mark> around whole matches.

Matching happens on the normalised text (the same normalisation as the index, so a
traditional-script or full-width query highlights simplified, half-width text) and is mapped
back to offsets in the original, which is what gets shown. Escape first, highlight second:
every character of the document goes through html.escape; only our own <mark> tags are
added. Longer terms win over shorter ones at the same place, so 新能源 is marked whole and
never as 新<mark>能源</mark>.

Snippets are whole sentences, cut at 。！？； (and their ASCII cousins and line breaks),
because Chinese text has no spaces for a word-window fragmenter to find. The best two or
three sentences (most distinct terms, then most matches) are shown in document order.

Work is linear and, for snippets, bounded whatever the document holds (a one-line file of
megabytes, a hundred thousand matches): text is normalised and scanned a chunk at a time,
a snippet looks at no more than its first SNIPPET_SPANS matches within SNIPPET_SCAN
characters (and, if those hold none, jumps to the first literal occurrence further on), and
sentences are paired with matches in one pass over both.
"""
from __future__ import annotations

import bisect
import html
import re
from typing import Callable, Iterator

from policysearch import analysis

MAX_FRAGMENTS = 3
FRAGMENT_CHARS = 120      # a longer sentence is cut to a window around its first match
LEAD_CHARS = 120          # shown when the body has no match (the title matched)
SNIPPET_SPANS = 200       # matches a snippet chooses its sentences from
SNIPPET_SCAN = 100_000    # characters normalised and scanned for them, from the start
CHUNK = 20_000            # characters normalised at a time
SENTENCE_LOOKBACK = 1_000  # how far back a snippet looks for the start of a sentence
# a closing quote or bracket after the stop belongs to the sentence it closes
_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)》】\"']*|\n+")
_CLAUSE_MARK = re.compile(r"[，、；：,;:]")
_CLOSERS = "”’」』）)》】，、；：。！？,;:.!?"
CUT_REACH = 60            # how far a cut moves to reach a clause boundary


def _pattern(terms) -> re.Pattern | None:
    unique = sorted({analysis.normalise(t) for t in terms if t and t.strip()},
                    key=lambda t: (-len(t), t))
    if not unique:
        return None
    return re.compile("|".join(re.escape(t) for t in unique))


def _offset_map(text: str, norm: str) -> Callable[[int], int]:
    """Normalised offset -> original offset, where NFKC made a character several
    (㈱ -> (株)): only those characters are located, never a per-character table."""
    wide = {c for c in set(text) if len(analysis.normalise(c)) != 1}
    starts, origins, shifts, shift = [], [], [], 0
    for m in re.finditer("|".join(re.escape(c) for c in wide), text):
        width = len(analysis.normalise(m.group()))
        starts.append(m.start() + shift)
        origins.append(m.start())
        shift += width - 1
        shifts.append(shift)

    def to_original(i: int) -> int:
        k = bisect.bisect_right(starts, i) - 1
        if k < 0:
            return i
        if i - starts[k] <= shifts[k] - (shifts[k - 1] if k else 0):
            return origins[k]
        return i - shifts[k]
    return to_original


def _scan(text: str, pattern: re.Pattern, start: int = 0, stop: int | None = None,
          limit: int | None = None) -> list[tuple[int, int]]:
    """Matches in text[start:stop] as original offsets, normalising a chunk at a time;
    at most `limit` of them."""
    stop = len(text) if stop is None else min(stop, len(text))
    overlap = len(pattern.pattern)   # more than the longest term: a match across chunks
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < stop and (limit is None or len(spans) < limit):
        end = min(stop, pos + CHUNK)
        piece = text[pos:min(len(text), end + overlap)]
        norm = analysis.normalise(piece)
        if len(norm) == len(piece):     # the usual case: offsets are the same
            found = [(a + pos, b + pos) for a, b in map(re.Match.span, pattern.finditer(norm))]
        else:
            to_original = _offset_map(piece, norm)
            found = [(to_original(m.start()) + pos, to_original(m.end() - 1) + 1 + pos)
                     for m in pattern.finditer(norm)]
        found = [span for span in found if span[0] < end]   # the rest: the next chunk's
        if limit is not None:
            found = found[:limit - len(spans)]
        spans += found
        pos = max(end, found[-1][1]) if found else end
    return spans


def matches(text: str, terms, limit: int | None = None) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets in `text` where a term matches, leftmost-longest,
    compared after normalisation; the first `limit` of them if given."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return []
    return _scan(text, pattern, limit=limit)


def _snippet_matches(text: str, terms) -> list[tuple[int, int]]:
    """The matches a snippet is made from: the first SNIPPET_SPANS within SNIPPET_SCAN
    characters, else those around the first literal occurrence further on (a document
    matched for a word deep in a huge text)."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return []
    spans = _scan(text, pattern, stop=SNIPPET_SCAN, limit=SNIPPET_SPANS)
    if spans or len(text) <= SNIPPET_SCAN:
        return spans
    literal = re.compile(pattern.pattern, re.IGNORECASE).search(text, SNIPPET_SCAN - CHUNK)
    if literal is None:
        return []
    begin = max(0, literal.start() - SENTENCE_LOOKBACK)
    return _scan(text, pattern, start=begin, stop=begin + CHUNK, limit=SNIPPET_SPANS)


_OPEN, _CLOSE = "\ufdd0", "\ufdd1"    # noncharacters: never in text worth showing


def _mark(text: str, spans, start: int = 0, end: int | None = None) -> str:
    """text[start:end] escaped, with <mark> around the parts of `spans` inside it. The
    marks go in as two noncharacters and the whole is escaped once (one pass, not one
    escape per match); a text holding those noncharacters is escaped piece by piece."""
    end = len(text) if end is None else end
    first = max(0, bisect.bisect_right(spans, (start, len(text) + 1)) - 1)
    inside = [span for span in spans[first:bisect.bisect_left(spans, (end,))] if span[1] > start]
    if inside:   # only the first and the last may cross the edges
        inside[0] = (max(inside[0][0], start), inside[0][1])
        inside[-1] = (inside[-1][0], min(inside[-1][1], end))
    segment = text[start:end]
    out, pos = [], start
    for s, e in inside:
        out += [text[pos:s], _OPEN, text[s:e], _CLOSE]
        pos = e
    out.append(text[pos:end])
    if _OPEN not in segment and _CLOSE not in segment:
        return html.escape("".join(out)).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")
    return "".join(f"<mark>{html.escape(x)}</mark>" if k % 4 == 2 else
                   "" if k % 4 in (1, 3) else html.escape(x) for k, x in enumerate(out))


def highlight(text: str | None, terms) -> str:
    """The whole text escaped, every match wrapped in <mark>."""
    text = text or ""
    return _mark(text, matches(text, terms))


def _sentences(text: str, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, int]]:
    """Sentence spans from `start`, the last one holding `stop` (all of them by default)."""
    stop = len(text) if stop is None else stop
    for m in _SENTENCE_END.finditer(text, start):
        if m.end() > start and text[start:m.end()].strip():
            yield start, m.end()
        start = m.end()
        if start >= stop:
            return
    if start < len(text) and text[start:].strip():
        yield start, len(text)


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding `pos` begins, looking back SENTENCE_LOOKBACK at most."""
    floor = max(0, pos - SENTENCE_LOOKBACK)
    last = None
    for last in _SENTENCE_END.finditer(text, floor, pos):
        pass
    return last.end() if last else floor


def _window(text: str, s: int, e: int, spans) -> tuple[int, int]:
    """Cut a long sentence to FRAGMENT_CHARS around its first match."""
    if e - s <= FRAGMENT_CHARS:
        return s, e
    first = next((a for a, b in spans if a >= s and b <= e), s)
    start = _cut_start(text, s, first)
    end = _cut_end(text, start, e, _first_end(spans, first))
    for a, b in spans:  # never cut a match in two
        if a < end < b:
            end = b
        if a < start < b:
            start = a
    return start, end


def snippet(text: str | None, terms, max_fragments: int = MAX_FRAGMENTS) -> str:
    """The best sentences of `text` for `terms`, escaped and marked, joined with …"""
    text = (text or "").strip()
    spans = _snippet_matches(text, terms)
    if not spans:
        if len(text) <= LEAD_CHARS:
            return html.escape(text)
        cut = _cut_end(text, 0, len(text), 0)
        return _join(text, [(0, cut, 0, len(text), html.escape(text[:cut]))])
    normalised = {x: analysis.normalise(x) for x in {text[a:b] for a, b in spans}}
    scored, k = [], 0
    for order, (s, e) in enumerate(_sentences(text, _sentence_start(text, spans[0][0]),
                                              spans[-1][0])):
        while k < len(spans) and spans[k][0] < s:
            k += 1
        j = k
        while j < len(spans) and spans[j][1] <= e:
            j += 1
        if j > k:
            inside = spans[k:j]
            distinct = len({normalised[text[a:b]] for a, b in inside})
            scored.append((distinct, len(inside), -order, s, e, inside))
        k = j
    best = sorted(scored, key=lambda x: x[:5], reverse=True)[:max_fragments]
    parts = []
    for *_, s, e, inside in sorted(best, key=lambda b: b[3]):
        ws, we = _window(text, s, e, inside)
        parts.append((ws, we, s, e, _mark(text, inside, ws, we).strip()))
    return _join(text, parts)


# -- where to cut -------------------------------------------------------------------------
# A long sentence is cut at a clause mark (，、；：) near the wanted place, else between two
# words; a fragment never starts with a closing quote or mark; ellipses are added only
# where text was left out, and never next to another one. Each cut looks at CUT_REACH
# characters at most, so a snippet's work stays bounded.

def _first_end(spans, first: int) -> int:
    return next((b for a, b in spans if a == first), first)


def _cut_start(text: str, s: int, first: int) -> int:
    """Where a window before the match at `first` starts: the sentence start if near, else
    after a clause mark, else at a word start, about FRAGMENT_CHARS // 3 before the match."""
    want = first - FRAGMENT_CHARS // 3
    if want <= s:
        return s
    lo = max(s, first - CUT_REACH)
    marks = [m.end() for m in _CLAUSE_MARK.finditer(text, lo, first)]
    start = min(marks, key=lambda p: abs(p - want)) if marks else _word_cut(text, want, lo, first)
    while start < first and text[start] in _CLOSERS:
        start += 1
    return start


def _cut_end(text: str, start: int, e: int, must: int) -> int:
    """Where a window from `start` ends: by FRAGMENT_CHARS, before a clause mark if one is
    within reach, else between two words; never before `must`."""
    limit = start + FRAGMENT_CHARS
    if limit >= e:
        return e
    lo = max(must, limit - CUT_REACH, start + 1)
    marks = [m.start() for m in _CLAUSE_MARK.finditer(text, lo, limit + 1)]
    return marks[-1] if marks else max(must, _word_cut(text, limit, lo, limit + 1))


def _word_cut(text: str, want: int, lo: int, hi: int) -> int:
    """The word boundary nearest `want` in [lo, hi) (jieba on a few characters around it)."""
    a, b = max(lo, want - 12), min(hi, want + 12)
    cuts = [a + off for off in analysis.word_starts(text[a:b]) if off > 0] or [want]
    return min(cuts, key=lambda p: (abs(p - want), p))


def _join(text: str, parts) -> str:
    """Fragments (window start, end, sentence start, end, html) in text order as one line:
    an ellipsis where text was left out between or around them, never two in a row."""
    out = ""
    last_end = 0
    for ws, we, s, e, frag in parts:
        if not frag:
            continue
        gap = text[last_end:ws].strip() if out else text[:ws].strip() if ws > s else ""
        if gap and not out.endswith("…") and not frag.startswith("…"):
            out += "…"
        out += frag
        last_end = we
    if parts and text[last_end:].strip() and parts[-1][1] < parts[-1][3] \
            and not out.endswith("…"):
        out += "…"
    return out

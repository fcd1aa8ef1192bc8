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
"""
from __future__ import annotations

import html
import re

from policysearch import analysis

MAX_FRAGMENTS = 3
FRAGMENT_CHARS = 120      # a longer sentence is cut to a window around its first match
LEAD_CHARS = 120          # shown when the body has no match (the title matched)
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


def matches(text: str, terms) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) offsets in `text` where a term matches, leftmost-longest,
    compared after normalisation."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return []
    norm, origin = analysis.normalise_with_offsets(text)
    return [(origin[m.start()], origin[m.end() - 1] + 1)
            for m in pattern.finditer(norm) if m.end() > m.start()]


def _mark(text: str, spans, start: int = 0, end: int | None = None) -> str:
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    return "".join(out)


def highlight(text: str | None, terms) -> str:
    """The whole text escaped, every match wrapped in <mark>."""
    text = text or ""
    return _mark(text, matches(text, terms))


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start:
            spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


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
    spans = matches(text, terms)
    if not spans:
        if len(text) <= LEAD_CHARS:
            return html.escape(text)
        return _join(text, [(0, _cut_end(text, 0, len(text), 0), 0, len(text),
                             html.escape(text[:_cut_end(text, 0, len(text), 0)]))])
    norm_terms = lambda a, b: {analysis.normalise(text[x:y]) for x, y in spans if x >= a and y <= b}
    scored = []
    for order, (s, e) in enumerate(_sentences(text)):
        inside = [sp for sp in spans if sp[0] >= s and sp[1] <= e]
        if inside:
            scored.append((len(norm_terms(s, e)), len(inside), -order, s, e))
    best = sorted(scored, reverse=True)[:max_fragments]
    parts = []
    for *_, s, e in sorted(best, key=lambda b: b[3]):
        ws, we = _window(text, s, e, spans)
        parts.append((ws, we, s, e, _mark(text, spans, ws, we).strip()))
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

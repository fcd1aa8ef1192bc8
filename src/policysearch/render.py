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
_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")


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


def _window(s: int, e: int, spans) -> tuple[int, int]:
    """Cut a long sentence to FRAGMENT_CHARS around its first match."""
    if e - s <= FRAGMENT_CHARS:
        return s, e
    first = next((a for a, b in spans if a >= s and b <= e), s)
    start = max(s, first - FRAGMENT_CHARS // 3)
    end = min(e, start + FRAGMENT_CHARS)
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
        return html.escape(text[:LEAD_CHARS]) + ("…" if len(text) > LEAD_CHARS else "")
    norm_terms = lambda a, b: {analysis.normalise(text[x:y]) for x, y in spans if x >= a and y <= b}
    scored = []
    for order, (s, e) in enumerate(_sentences(text)):
        inside = [sp for sp in spans if sp[0] >= s and sp[1] <= e]
        if inside:
            scored.append((len(norm_terms(s, e)), len(inside), -order, s, e))
    best = sorted(scored, reverse=True)[:max_fragments]
    parts = []
    for *_, s, e in sorted(best, key=lambda b: b[3]):
        ws, we = _window(s, e, spans)
        frag = _mark(text, spans, ws, we).strip()
        parts.append(("…" if ws > s else "") + frag + ("…" if we < e else ""))
    return "…".join(parts)

"""Tables of contents for long documents (render stage): a government work report, a plan or
a regulation is read by its headings, not top to bottom.

Headings are lines numbered the way Chinese official documents number them:
一、… (level 1), （一）… (level 2); a heading that runs on into its paragraph
(（一）坚持稳中求进。全年…) is named by its first sentence. A document gets an outline only
when it is long (LONG_CHARS) and its first-level headings start at 一 (so a news item that
happens to list 一、二、 does not get one). The body is then cut at the headings into
sections, each highlighted on its own (a match never spans a heading line), so the article
page can anchor each section, show how many matches each holds and jump between them.
"""
from __future__ import annotations

import re

from policysearch import render

LONG_CHARS = 3000          # shorter documents are read without an outline
MIN_HEADINGS = 3           # at least this many headings, first-level or second
TITLE_CHARS = 40           # a heading's shown name is cut here
_NUMERALS = "一二三四五六七八九十百零〇"
_HEADING = re.compile(rf"^[ \t\u3000]*(?:(?P<l1>[{_NUMERALS}]{{1,4}})、|[（(](?P<l2>[{_NUMERALS}]{{1,4}})[）)])")
_FIRST_SENTENCE = re.compile(r"[。；;！？!?]")


def outline(text: str | None) -> list[dict]:
    """[{"id", "level", "title", "start"}] for the headings of a long document, else []."""
    text = text or ""
    if len(text) < LONG_CHARS:
        return []
    out, pos = [], 0
    for line in text.split("\n"):
        m = _HEADING.match(line)
        if m:
            level = 1 if m.group("l1") else 2
            out.append({"id": f"sec-{len(out) + 1}", "level": level,
                        "title": _name(line.strip()), "start": pos})
        pos += len(line) + 1
    first = [h for h in out if h["level"] == 1]
    if len(out) < MIN_HEADINGS or (first and not _is_first(first[0]["title"])):
        return []
    if not first and not _is_first(out[0]["title"].lstrip("（(")):
        return []
    return out


def _is_first(title: str) -> bool:
    return title.lstrip("（(").startswith("一")


def _name(line: str) -> str:
    m = _FIRST_SENTENCE.search(line)
    name = line[:m.start()] if m else line
    return name if len(name) <= TITLE_CHARS else name[:TITLE_CHARS] + "…"


def sections(text: str | None, headings: list[dict], terms) -> list[dict]:
    """The body cut at `headings` into [{"id", "level", "html", "matches"}] (the part before
    the first heading has id None, level 0); each heading also gets its "matches" count."""
    text = text or ""
    starts = [0] + [h["start"] for h in headings] + [len(text)]
    ids = [None] + [h["id"] for h in headings]
    levels = [0] + [h["level"] for h in headings]
    out = []
    for n, ident in enumerate(ids):
        part = text[starts[n]:starts[n + 1]].rstrip("\n")
        if not part and ident is None:
            continue
        html = render.highlight(part, terms)
        out.append({"id": ident, "level": levels[n], "html": html, "matches": html.count("<mark>")})
    counts = {s["id"]: s["matches"] for s in out}
    for h in headings:
        h["matches"] = counts.get(h["id"], 0)
    return out

"""Ingestion: one corpus file in, tagged articles out (read -> split -> tag).

Both `index` and `inspect` go through here, so what `inspect` shows is exactly what gets
indexed.
"""
from __future__ import annotations

from pathlib import Path

from policysearch import readers, tagging
from policysearch.article import Article


def ingest_file(path: Path, root: Path | None = None) -> tuple[list[Article], list[str]]:
    """Read one file and tag its articles. Raises readers.ReadError when nothing can be read;
    returns (articles, problems) where problems are one-line notes on parts that were skipped."""
    articles, problems = readers.read_file(path, root)
    for article in articles:
        tagging.tag(article)
    return articles, problems

"""Tagging: subject provinces, industries and completed dates (issue 4; placeholder)."""
from __future__ import annotations

from policysearch.article import Article


def tag(article: Article) -> None:
    """Placeholder until the tagger lands: leaves the article as the readers made it."""

"""Shared fixtures: real state in temp dirs (a copy of corpus/, a real index on disk)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when this clone has no ../shared beside it."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} (not present beside this clone)")
    return path


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory):
    from policysearch.settings import Settings

    cache = tmp_path_factory.mktemp("cache")

    def make(index_dir: Path) -> Settings:
        return Settings.load(environ={}, index_dir=index_dir, cache_dir=cache, workers=2)

    return make


@pytest.fixture(scope="session")
def indexed_corpus(tmp_path_factory, settings_factory):
    """The repo's demo corpus copied to a temp dir and indexed once per test session.

    Yields (corpus_dir, settings, summary)."""
    from policysearch import index

    base = tmp_path_factory.mktemp("demo")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = settings_factory(base / "index")
    summary = index.update(corpus, settings)
    return corpus, settings, summary


@pytest.fixture(scope="session")
def index_files(tmp_path_factory, settings_factory):
    """Index invented files: make({name: text}) writes them into a fresh corpus, indexes it
    and returns (settings, summary) (settings.index_dir is the index)."""
    from policysearch import index

    def make(files: dict[str, str], name: str = "files"):
        base = tmp_path_factory.mktemp(name)
        corpus = base / "corpus"
        corpus.mkdir()
        for filename, text in files.items():
            (corpus / filename).write_text(text, "utf-8")
        settings = settings_factory(base / "index")
        return settings, index.update(corpus, settings)

    return make


@pytest.fixture(scope="session")
def index_rows(index_files):
    """Index invented articles: make(rows) writes them as one JSON file into a fresh corpus,
    indexes it and returns the Settings (settings.index_dir is the index)."""
    import json

    def make(rows: list[dict], name: str = "rows"):
        return index_files({"articles.json": json.dumps(rows, ensure_ascii=False)}, name)[0]

    return make

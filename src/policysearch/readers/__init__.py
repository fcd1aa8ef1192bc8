"""Readers: corpus files in, clean dated articles out.

`scan(root)` lists the corpus: every file below root with a supported extension (sorted,
recursive, following directory symlinks but never into a loop), and the others as skipped.
`read_file(path, root)` dispatches on the extension to one reader:

    .txt                 readers.text    (one article, or a newspaper page: policysearch.split)
    .html .htm .shtml    readers.html    (lxml; metadata table, meta tags, main content)
    .csv .json .jsonl    readers.tabular (one article per row / object; field names mapped)

then applies a sidecar manifest (below), gives records of an export without a date the
file's date, and strips web-page furniture from every body (readers.chrome: 下载 / 打印,
font widgets, breadcrumbs, 来源 and time lines, site footers, the title repeated), and
returns (articles, problems): `problems` are one-line notes on parts that were skipped
(a broken JSONL line). A text or article longer than readers.parts.MAX_ARTICLE_CHARS comes
out as consecutive parts, with a note saying so. A file that yields nothing usable raises `ReadError` with a one-line
reason; no other exception escapes.

Sidecar metadata
----------------
A file named ``manifest.json`` whose content is a JSON list of objects, each with a string
``key``, is not an article file: it is metadata for the files beside it. The entry whose
``key`` equals a file's stem (its name without the extension; the full name also matches)
gives that file's title, date, issuer, document number, URL and so on, under the same
field names as JSON exports (title, pub_date, pub_org, doc_no, source_url, …). Sidecar
values win over what is read from the file itself, and the article's `date_from` is
"metadata". `scan` does not list a sidecar, and `fingerprint` of a file includes its
sidecar entry, so editing the entry re-indexes the file.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from policysearch import dates
from policysearch.article import Article
from policysearch.readers import html as html_reader
from policysearch.readers import chrome, parts, records, tabular, text as text_reader
from policysearch.readers.decode import DecodeError, decode

SUPPORTED = {".txt", ".html", ".htm", ".shtml", ".csv", ".json", ".jsonl"}
# Part of every fingerprint: raise it when a change to the readers changes what a file
# yields (2: page chrome stripped, headline joining, dates against a base; 3: archive
# files one article, titles from unindented lines, long texts in parts), so an index
# built before re-reads each file once instead of keeping its old articles.
READERS_VERSION = "3"
SIDECAR_NAME = "manifest.json"
MAX_BYTES = 200 * 1024 * 1024   # a corpus file larger than this is refused, not read


class ReadError(Exception):
    """A file that yields no usable article; the message is a one-line reason."""


@dataclass
class Scan:
    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def scan(root: Path) -> Scan:
    """Every supported file under root (sorted); files of other types are `skipped`.

    Directory symlinks are followed once: a directory already visited (a symlink loop, or
    two links to one place) is not entered again, and links that lead out of the corpus
    are not followed (they are listed as skipped). Hidden files and directories (".git")
    and sidecar manifests are left out."""
    root = Path(root)
    result = Scan()
    if root.is_file():
        (result.files if _supported(root) else result.skipped).append(root)
        return result
    seen: set[tuple[int, int]] = set()
    root_real = os.path.realpath(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=lambda e: None):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen or not _inside(os.path.realpath(dirpath), root_real):
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if not _inside(os.path.realpath(path), root_real) or _special(path):
                result.skipped.append(path)     # a link out of the corpus, a pipe, a device
            elif _supported(path):
                if not is_sidecar(path):
                    result.files.append(path)
            else:
                result.skipped.append(path)
    result.files.sort()
    result.skipped.sort()
    return result


def _special(path: Path) -> bool:
    """A pipe, socket or device: reading it could block forever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False    # a dangling link: listed, and reported when read
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED


def read_file(path: Path, root: Path | None = None) -> tuple[list[Article], list[str]]:
    """The articles of one corpus file and one-line problems; ReadError if none."""
    path = Path(path)
    rel = _relative(path, root)
    try:
        articles, problems = _read(path, rel)
    except ReadError:
        raise
    except (DecodeError, ValueError) as exc:
        raise ReadError(_one_line(str(exc))) from None
    except OSError as exc:
        raise ReadError(_one_line(f"cannot read: {exc.strerror or exc}")) from None
    except RecursionError:
        raise ReadError("nested too deeply to read") from None
    except MemoryError:
        raise ReadError("too large to read in memory") from None
    except Exception as exc:  # a reader bug must not stop the run: report it as this file's
        raise ReadError(_one_line(f"unexpected {type(exc).__name__}: {exc}")) from None
    if not articles:
        reason = problems[0] if problems else "no article found"
        raise ReadError(_one_line(f"no article: {reason}"))
    for ordinal, article in enumerate(articles):
        article.file = rel
        article.ordinal = ordinal
    return articles, problems


def _read(path: Path, rel: str) -> tuple[list[Article], list[str]]:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ReadError(f"unsupported file type {suffix or '(none)'}")
    if is_sidecar(path):
        raise ReadError("sidecar metadata (manifest.json), not an article file")
    if _special(path):
        raise ReadError("not a regular file")
    if path.stat().st_size > MAX_BYTES:
        raise ReadError(f"larger than {MAX_BYTES // 2**20} MB")
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty file")
    if suffix in (".html", ".htm", ".shtml"):
        articles, problems = html_reader.read_html(data, rel)
    else:
        text, _encoding, problems = decode(data)
        del data    # a big file's bytes need not stay beside its text
        if suffix == ".txt":
            articles, more = parts.read_long_text(text, rel, text_reader.read_text)
            problems += more
        elif suffix == ".csv":
            articles, more = tabular.read_csv(text)
            problems += more
        elif suffix == ".jsonl":
            articles, more = tabular.read_jsonl(text)
            problems += more
        else:
            articles, more = tabular.read_json(text)
            problems += more
        del text    # the articles hold it now: a big file is not kept twice
    entry = sidecar_entry(path)
    if entry:
        for article in articles:
            apply_sidecar(article, entry)
    if suffix in (".csv", ".json", ".jsonl"):
        _file_dates(articles, rel)
    for article in articles:
        chrome.apply(article)   # after the sidecar: its title and date are the article's
    articles, more = parts.split_long(articles)
    return articles, problems + more


def _file_dates(articles: list[Article], rel: str) -> None:
    """Records without a date of their own take the file's (export_20240530.jsonl); with
    it as the base, a dateline or 今天（5月26日） in the text may give the day."""
    file_date = dates.from_path(rel)
    if not file_date:
        return
    for article in articles:
        if article.date:
            continue
        article.set_date(file_date, "filename")
        if len(file_date) < 10:
            found = dates.from_text(article.body, head_chars=300, base=file_date)
            if found and found.startswith(file_date):
                article.set_date(found, "text")


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return safe_name(Path(os.path.relpath(path, root)).as_posix())
        except ValueError:
            pass
    return safe_name(path.name)


def display_name(path: Path, root: Path) -> str:
    """The path of a corpus file relative to root, as safe text (see safe_name)."""
    return _relative(Path(path), Path(root))


def safe_name(name: str) -> str:
    """A file name as valid text: bytes that are not UTF-8 (which Python keeps as lone
    surrogates) are written as \\xNN, so the name can be stored, shown and printed as
    UTF-8, and two such names stay apart."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", "backslashreplace")


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300] or "unreadable"


# ---------------------------------------------------------------- sidecar metadata

def is_sidecar(path: Path) -> bool:
    """A manifest.json that is a list of objects with `key` fields (see module docstring)."""
    return path.name.lower() == SIDECAR_NAME and _load_sidecar(str(path), _mtime(path)) is not None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


@lru_cache(maxsize=64)
def _load_sidecar(path: str, _mtime: float) -> dict[str, dict[str, Any]] | None:
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, list) or not data:
        return None
    if not all(isinstance(e, dict) and isinstance(e.get("key"), str) for e in data):
        return None
    return {e["key"]: e for e in data}


def sidecar_entry(path: Path) -> dict[str, Any] | None:
    """The sidecar manifest entry describing this file, if any."""
    manifest = path.parent / SIDECAR_NAME
    if path.name.lower() == SIDECAR_NAME or not manifest.is_file():
        return None
    entries = _load_sidecar(str(manifest), _mtime(manifest))
    if not entries:
        return None
    return entries.get(path.stem) or entries.get(path.name)


def apply_sidecar(article: Article, entry: dict[str, Any]) -> None:
    fields = records.pick({k: v for k, v in entry.items() if k != "key"})
    records.apply_metadata(article, fields)
    from policysearch.readers import doctype

    kind = doctype.from_title(article.title)
    if kind and article.doc_type in (None, doctype.NEWS) and "doc_type" not in fields:
        article.doc_type = kind


def fingerprint(path: Path) -> str:
    """Content hash of the file, of the sidecar entry that changes how it is read, and of
    the readers' version."""
    if _special(Path(path)):
        raise ReadError("not a regular file")
    digest = hashlib.sha256(f"readers {READERS_VERSION}\0".encode("ascii"))
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    entry = sidecar_entry(Path(path))
    if entry is not None:
        digest.update(b"\0sidecar\0")
        digest.update(json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()

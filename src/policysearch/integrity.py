"""Integrity of the index on disk: checksums, garbage, and worker processes that must not
outlive the run.

A generation's files are written once and never changed (an index run works in a new
generation and switches CURRENT to it only when it is complete), so each generation carries
`checksums.json`: the size and CRC-32 of every file it is made of, written when the
generation is complete. `verify` compares the files with it, so a damaged, truncated or
missing file is reported by name instead of giving a traceback or, worse, a silently wrong
answer. CRC-32 (zlib, most of a gigabyte a second) is plenty to detect damage; hashes are cached
in this process by (inode, size, mtime), so a searcher re-opening a generation, or a run
whose new generation shares most files with the live one (hard links), reads each file once.

Garbage is what a killed or failed run leaves: generations that never became live and temp
files. `collect_garbage` removes it at the start of the next run, keeping the live generation
and the one before it (a long-running searcher may still have that open).

Indexing workers are forked; `die_with_parent` makes the kernel kill them with their parent
(Linux), so a writer killed alone leaves no orphans running on (and the writer lock, which
they do not inherit, is free at once).

No Whoosh here: `index` says which files a generation is made of.
"""
from __future__ import annotations

import ctypes
import json
import os
import re
import shutil
import signal
import sys
import zlib
from pathlib import Path

CHECKSUMS = "checksums.json"
_GEN_NAME = re.compile(r"^gen-(\d+)$")
_CHUNK = 1 << 20


class IndexDamaged(Exception):
    """Files of a generation differ from what was written; `problems` holds one line each."""

    def __init__(self, gen: Path, problems: list[dict]):
        self.gen, self.problems = gen, problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(f"{first['file']}: {first['problem']}{more}")


# -- checksums ------------------------------------------------------------------------------

_digests: dict[tuple, str] = {}


def digest(path: Path) -> tuple[int, str]:
    """(size, CRC-32 as hex) of a file, cached by its inode and modification time (hard
    links of one file in two generations are read once)."""
    st = os.stat(path)
    key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
    crc = _digests.get(key)
    if crc is None:
        value = 0
        with open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                value = zlib.crc32(chunk, value)
        crc = _digests[key] = f"{value:08x}"
    return st.st_size, crc


def record(gen: Path, files: list[str]) -> None:
    """Write the checksums of `files` (names inside `gen`), the generation's complete list."""
    entries = {}
    for name in sorted(files):
        size, crc = digest(gen / name)
        entries[name] = [size, crc]
    tmp = gen / f"{CHECKSUMS}.tmp"
    tmp.write_text(json.dumps({"files": entries}, ensure_ascii=False), "utf-8")
    os.replace(tmp, gen / CHECKSUMS)


def recorded_files(gen: Path) -> list[str]:
    """The files `record` listed for `gen` (empty when checksums.json is unreadable)."""
    try:
        return sorted(json.loads((gen / CHECKSUMS).read_text("utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def remove_unrecorded(gen: Path) -> None:
    """Delete what a complete generation holds beyond its recorded files (writers' temp
    files and lock files)."""
    keep = set(recorded_files(gen)) | {CHECKSUMS}
    for path in gen.iterdir():
        if path.name not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def verify(gen: Path) -> list[dict]:
    """Problems found in generation `gen`, one {"file", "problem"} each (empty: whole)."""
    try:
        entries = json.loads((gen / CHECKSUMS).read_text("utf-8"))["files"]
        items = [(str(n), int(s), str(c)) for n, (s, c) in entries.items()]
    except FileNotFoundError:
        return [{"file": CHECKSUMS, "problem": "missing (the generation is incomplete or was "
                                              "made by an older version)"}]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return [{"file": CHECKSUMS, "problem": f"unreadable ({type(exc).__name__})"}]
    problems = []
    for name, size, crc in items:
        path = gen / name
        try:
            actual_size = os.stat(path).st_size
            if actual_size != size:
                problem = f"size is {actual_size} bytes, {size} were written"
            elif digest(path)[1] != crc:
                problem = "contents changed since written (checksum mismatch)"
            else:
                continue
        except FileNotFoundError:
            problem = "missing"
        except OSError as exc:
            problem = f"unreadable: {exc.strerror or exc}"
        problems.append({"file": name, "problem": problem})
    return problems


def require_whole(gen: Path) -> None:
    """Raise IndexDamaged when `verify` finds anything."""
    problems = verify(gen)
    if problems:
        raise IndexDamaged(gen, problems)


def link_or_copy(src: Path, dst: Path) -> None:
    """dst as a hard link to src (files are never changed in place), else as a copy."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def disk_bytes(root: Path) -> int:
    """Bytes of the files under `root`, hard links counted once (an update's generation
    shares its unchanged files with the one before)."""
    seen, size = set(), 0
    for path in Path(root).rglob("*"):
        st = path.lstat()
        if path.is_file() and (st.st_dev, st.st_ino) not in seen:
            seen.add((st.st_dev, st.st_ino))
            size += st.st_size
    return size


# -- garbage --------------------------------------------------------------------------------

def generation_number(path: Path) -> int | None:
    m = _GEN_NAME.match(path.name)
    return int(m.group(1)) if m else None


def collect_garbage(index_dir: Path, live: Path | None) -> list[str]:
    """Remove generations other than the live one and the newest one before it, and temp
    files beside them; returns what was removed. Call with the writer lock held."""
    gens = sorted((g for g in index_dir.iterdir() if g.is_dir() and generation_number(g)
                   is not None), key=generation_number)
    keep = set()
    if live is not None:
        keep.add(live.name)
        older = [g for g in gens if generation_number(g) < generation_number(live)]
        if older:
            keep.add(older[-1].name)
    removed = []
    for gen in gens:
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)
            removed.append(gen.name)
    for tmp in index_dir.glob("*.tmp"):
        tmp.unlink(missing_ok=True)
        removed.append(tmp.name)
    return removed


# -- worker processes -----------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Make this (forked) process die when `parent_pid` does: on Linux the kernel sends
    SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere `parent_alive` is checked between jobs."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if not parent_alive(parent_pid):  # it died before prctl took effect
        os._exit(1)


def parent_alive(parent_pid: int) -> bool:
    return os.getppid() == parent_pid

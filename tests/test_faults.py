"""Fault injection: kill -9 of the indexer (alone, and with its workers), disk full on a
small tmpfs, and damage to every kind of index file. Each case ends with search giving the
exact counts or a clear error naming the command that fixes it, never a wrong answer; each
subprocess runs under a timeout."""
from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from policysearch import checkindex, index, integrity, search
from policysearch.cli import main

RUN_TIMEOUT = 180          # seconds for one indexing subprocess on a busy machine
WORDS = "经济 发展 改革 创新 数字 产业 绿色 开放 科技 人才 乡村 振兴 制造 服务 金融 市场".split()


# -- a corpus whose counts are known ------------------------------------------------------

def write_corpus(root: Path, files: int, per_file: int, seed: int = 0, words: int = 300,
                 first: int = 0) -> None:
    """`files` JSONL files of `per_file` articles; each article holds 标志词, one year from
    2016-2023 (by article number) and a number of its own."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(first, first + files):
        lines = []
        for j in range(per_file):
            n = i * per_file + j
            text = "".join(rng.choice(WORDS) for _ in range(words))
            lines.append(json.dumps({"title": f"标志词第{n}号", "text": f"{text}。编号{n}号。",
                                     "date": f"{2016 + n % 8}-0{1 + n % 9}-1{n % 9}"},
                                    ensure_ascii=False))
        (root / f"f{i:03d}.jsonl").write_text("\n".join(lines) + "\n", "utf-8")


def expected(files: int, per_file: int, first: int = 0, also: dict | None = None) -> dict:
    """The counts `counts` gives for the corpus `write_corpus` makes (plus `also`)."""
    numbers = range(first * per_file, (first + files) * per_file)
    out = {"total": len(numbers), "2019": sum(1 for n in numbers if 2016 + n % 8 == 2019)}
    return {k: v + (also or {}).get(k, 0) for k, v in out.items()}


def counts(index_dir: Path) -> dict:
    """Total and one year's count, checking that date order is right on the way."""
    everything = search.SearchRequest.from_params(q="标志词", sort="date", per_page=100)
    result = search.search(index_dir, everything)
    dates = [hit["date"] for hit in result["hits"]]
    assert dates == sorted(dates, reverse=True), "date sort is wrong"
    year = search.SearchRequest.from_params(q="标志词", date_from="2019", date_to="2019")
    return {"total": result["total"], "2019": search.search(index_dir, year)["total"]}


def run_index(corpus: Path, index_dir: Path, cache: Path, *args, workers: int = 2):
    env = dict(os.environ, POLICYSEARCH_CACHE=str(cache), POLICYSEARCH_WORKERS=str(workers))
    return subprocess.run([sys.executable, "-m", "policysearch", "index", str(corpus),
                           "--index", str(index_dir), *args], env=env, capture_output=True,
                          text=True, timeout=RUN_TIMEOUT)


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


# -- kill -9 ------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_gone(pids, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("seed,group", [(1, False), (2, False), (3, True), (4, True)])
def test_kill_at_a_random_point_then_rerun_gives_exact_counts(tmp_path, settings_factory,
                                                              seed, group):
    """An update killed at a seeded random moment (the indexer alone, or with its workers):
    searches answer from the old or the new state, workers do not outlive their parent,
    and the next run takes the lock and ends with the exact counts."""
    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    cache, index_dir, corpus = settings.cache_dir, settings.index_dir, tmp_path / "corpus"
    write_corpus(corpus, 4, 8, seed=seed)
    index.update(corpus, settings)
    old = expected(4, 8)
    write_corpus(corpus, 12, 8, seed=seed + 100, first=4)       # added files
    (corpus / "f000.jsonl").unlink()                             # a deleted one
    new = expected(15, 8, first=1)

    env = dict(os.environ, POLICYSEARCH_CACHE=str(cache), POLICYSEARCH_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "policysearch", "index", str(corpus),
                             "--index", str(index_dir)], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(random.Random(seed).uniform(1.0, 5.0))
    workers = _children(proc.pid)
    if group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        proc.kill()
    proc.wait(timeout=10)
    assert _wait_gone(workers, 10) == [], "indexing workers outlived their parent"

    assert counts(index_dir) in (old, new)
    rerun = run_index(corpus, index_dir, cache)
    assert rerun.returncode == 0, rerun.stderr
    assert counts(index_dir) == new
    assert checkindex.check(index_dir)["problems"] == []
    assert len(generations(index_dir)) <= 2          # the abandoned one was collected


def test_workers_die_with_their_parent_and_release_the_lock(tmp_path, settings_factory):
    cache = settings_factory(tmp_path).cache_dir
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    write_corpus(corpus, 40, 10, words=600)
    env = dict(os.environ, POLICYSEARCH_CACHE=str(cache), POLICYSEARCH_WORKERS="2")
    proc = subprocess.Popen([sys.executable, "-m", "policysearch", "index", str(corpus),
                             "--index", str(index_dir)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(workers) == 2, "the indexer did not start its workers"
    proc.kill()
    proc.wait(timeout=10)
    assert _wait_gone(workers, 3) == [], "orphaned workers still run (and hold the lock)"
    for path in sorted(corpus.iterdir())[2:]:                    # a quick re-run will do
        path.unlink()
    rerun = run_index(corpus, index_dir, cache)
    assert rerun.returncode == 0 and "locked" not in rerun.stderr, rerun.stderr
    assert counts(index_dir) == expected(2, 10)


KILL_AT_FILE = """
import os, signal, sys
from pathlib import Path
from policysearch import index
from policysearch.settings import Settings

index._SegmentBuilder.MAX_POSTINGS = 1          # a segment, so a commit, per file
def progress(done, total, name):
    if done == int(sys.argv[3]):                # files before this one are committed
        os.kill(os.getpid(), signal.SIGKILL)
settings = Settings.load(index_dir=Path(sys.argv[2]), workers=1)
index.update(Path(sys.argv[1]), settings, progress=progress)
"""


def test_the_next_run_resumes_from_what_a_killed_update_committed(tmp_path, settings_factory):
    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2, 5)
    index.update(corpus, settings)
    write_corpus(corpus, 6, 5, first=2)
    env = dict(os.environ, POLICYSEARCH_CACHE=str(settings.cache_dir))
    killed = subprocess.run([sys.executable, "-c", KILL_AT_FILE, str(corpus),
                             str(settings.index_dir), "4"], env=env, timeout=RUN_TIMEOUT)
    assert killed.returncode == -signal.SIGKILL
    assert counts(settings.index_dir) == expected(2, 5)       # untouched until the next run
    summary = index.update(corpus, settings)
    assert "resumed" in summary["notes"][0] and "(25 articles)" in summary["notes"][0]
    assert summary["files"]["added"] == 3 and summary["files"]["unchanged"] == 5
    assert counts(settings.index_dir) == expected(8, 5)
    assert checkindex.check(settings.index_dir)["problems"] == []


# -- disk full ----------------------------------------------------------------------------

@pytest.fixture
def small_tmpfs(tmp_path):
    """A 512 KB tmpfs (needs root and a kernel that lets us mount; CI runs as root)."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    mnt = tmp_path / "tmpfs"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mnt)],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], capture_output=True, timeout=30)


def _tree(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")} - {"LOCK"}


def test_disk_full_leaves_the_index_as_it_was_and_the_next_run_works(tmp_path, small_tmpfs,
                                                                     settings_factory):
    cache = settings_factory(tmp_path).cache_dir
    corpus, index_dir = tmp_path / "corpus", small_tmpfs / "index"
    write_corpus(corpus, 4, 5)
    assert run_index(corpus, index_dir, cache).returncode == 0
    before = _tree(index_dir)
    write_corpus(corpus, 2, 40, words=1000, first=4)  # two files, each too big for what is left

    for args in ((), ("--rebuild",)):
        failed = run_index(corpus, index_dir, cache, *args)
        assert failed.returncode != 0
        assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
        assert "No space left on device" in failed.stderr, failed.stderr
        assert _tree(index_dir) == before                        # nothing left behind
        assert counts(index_dir) == expected(4, 5)

    grown = subprocess.run(["mount", "-o", "remount,size=64m", str(small_tmpfs)],
                           capture_output=True, text=True, timeout=30)
    assert grown.returncode == 0, grown.stderr
    again = run_index(corpus, index_dir, cache)
    assert again.returncode == 0, again.stderr
    assert counts(index_dir) == expected(2, 40, first=4, also=expected(4, 5))


# -- damage -------------------------------------------------------------------------------

FILE_KINDS = {                      # a name pattern inside the generation (CURRENT: top)
    "toc": "_MAIN_*.toc", "terms": "*.trm", "postings": "*.pst", "stored": "*._stored.col",
    "datekey": "*.datekey.col", "lengths": "*._body_b_len.col", "manifest": "manifest.json",
    "stamp": "analysis.json", "checksums": "checksums.json", "current": "CURRENT",
}
DAMAGE = ("truncate", "flip", "delete")


@pytest.fixture(scope="module")
def built(tmp_path_factory, settings_factory):
    base = tmp_path_factory.mktemp("damage")
    corpus = base / "corpus"
    write_corpus(corpus, 6, 10)
    settings = dataclasses.replace(settings_factory(base / "index"), workers=1)
    index.update(corpus, settings)
    return corpus, settings


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        path.write_bytes(data[:len(data) // 2])
    else:  # flip a few bytes in the middle
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(b ^ 0xFF for b in data[mid:mid + 4]) + data[mid + 4:])


def _damaged_copy(built, tmp_path, kind: str, how: str):
    corpus, settings = built
    index_dir = tmp_path / "index"
    shutil.copytree(settings.index_dir, index_dir)
    gen = index.current_generation(index_dir)
    pattern = FILE_KINDS[kind]
    targets = [index_dir / pattern] if kind == "current" else sorted(gen.glob(pattern))
    assert targets, f"no {pattern} in the index"
    for path in targets:
        _damage(path, how)
    return dataclasses.replace(settings, index_dir=index_dir)


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_damage_gives_a_clear_error_never_a_wrong_answer(built, tmp_path, kind, how):
    settings = _damaged_copy(built, tmp_path, kind, how)
    right = expected(6, 10)
    try:
        assert counts(settings.index_dir) == right
    except search.IndexUnavailable as exc:
        assert "policysearch" in str(exc) and exc.command.startswith("policysearch")
    problems = checkindex.check(settings.index_dir)["problems"]
    assert problems, f"check found nothing wrong after {how} of {kind}"


@pytest.mark.parametrize("kind", sorted(FILE_KINDS))
def test_check_repair_and_index_mend_damage(built, tmp_path, kind):
    settings = _damaged_copy(built, tmp_path, kind, "flip")
    runner = CliRunner()
    env = {"POLICYSEARCH_CACHE": str(settings.cache_dir), "POLICYSEARCH_WORKERS": "1"}
    checked = runner.invoke(main, ["check", "--index", str(settings.index_dir)], env=env)
    assert checked.exit_code == 1 and "check --repair" in checked.output, checked.output
    if kind in ("toc", "datekey", "current"):    # `index` itself notices and rebuilds
        corpus = built[0]
        done = runner.invoke(main, ["index", str(corpus), "--index", str(settings.index_dir)],
                             env=env)
    else:
        done = runner.invoke(main, ["check", "--repair", "--index", str(settings.index_dir)],
                             env=env)
    assert done.exit_code == 0, done.output
    assert counts(settings.index_dir) == expected(6, 10)
    whole = runner.invoke(main, ["check", "--json", "--index", str(settings.index_dir)], env=env)
    assert whole.exit_code == 0 and json.loads(whole.output)["problems"] == []


def test_damage_after_an_update_is_found_by_the_next_run(built, tmp_path):
    settings = _damaged_copy(built, tmp_path, "datekey", "truncate")
    summary = index.update(built[0], settings)
    assert "damaged" in summary["notes"][0] and summary["articles"]["total"] == 60
    assert counts(settings.index_dir) == expected(6, 10)


def test_search_on_a_damaged_index_says_to_repair_it(built, tmp_path):
    settings = _damaged_copy(built, tmp_path, "datekey", "truncate")
    env = {"POLICYSEARCH_CACHE": str(settings.cache_dir)}
    result = CliRunner().invoke(main, ["search", "标志词", "--index", str(settings.index_dir)],
                                env=env)
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "datekey.col" in result.output and "policysearch check --repair" in result.output


def test_the_503_page_names_the_repair_command(built, tmp_path):
    from policysearch.web import create_app

    settings = _damaged_copy(built, tmp_path, "stored", "flip")
    client = create_app({"SETTINGS": settings, "TESTING": True}).test_client()
    page = client.get("/search?q=标志词")
    assert page.status_code == 503
    assert "policysearch check --repair" in page.get_data(as_text=True)


# -- garbage ------------------------------------------------------------------------------

def test_appends_to_one_file_do_not_grow_the_index(tmp_path, settings_factory):
    """One file of 150 articles re-indexed after each one-line append: its old segment is
    dropped, not kept fully deleted, and only the previous generation is kept."""
    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1, 150)
    index.update(corpus, settings)
    first = integrity.disk_bytes(settings.index_dir)
    for n in range(5):
        with open(corpus / "f000.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps({"title": f"标志词追加{n}", "text": "追加的一行。"},
                               ensure_ascii=False) + "\n")
        index.update(corpus, settings)
    assert counts(settings.index_dir)["total"] == 155
    assert integrity.disk_bytes(settings.index_dir) < 2.5 * first    # live + previous generation
    assert len(generations(settings.index_dir)) == 2


def test_a_crashed_rebuild_leaves_nothing_after_the_next_run(built, tmp_path):
    settings = _damaged_copy(built, tmp_path, "toc", "flip")
    index_dir = settings.index_dir
    index.update(built[0], settings)                          # repairs: gen-0002
    abandoned = index_dir / "gen-0007"                        # what a killed rebuild leaves
    abandoned.mkdir()
    (abandoned / "MAIN_x.trm").write_bytes(b"\0" * 4096)
    (index_dir / "CURRENT.tmp").write_text("gen-0007")
    index.update(built[0], settings)
    assert generations(index_dir) == ["gen-0001", "gen-0002"]  # live and previous only
    assert not (index_dir / "CURRENT.tmp").exists()
    assert counts(index_dir) == expected(6, 10)


def test_a_rerun_on_an_unchanged_corpus_writes_nothing(built, tmp_path):
    corpus, settings = built
    before = {p: p.stat().st_mtime_ns for p in settings.index_dir.rglob("*") if p.name != "LOCK"}
    summary = index.update(corpus, settings)
    assert summary["files"]["unchanged"] == 6 and summary["articles"]["total"] == 60
    after = {p: p.stat().st_mtime_ns for p in settings.index_dir.rglob("*") if p.name != "LOCK"}
    assert after == before


def _segment_sizes(settings) -> list[tuple[str, int]]:
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index.current_generation(settings.index_dir)))
    return sorted((s.segment_id(), s.doc_count_all()) for s in ix._segments())


def test_full_segments_are_never_merged(tmp_path, settings_factory, monkeypatch):
    """Segments all of one size (full ones, as a large build makes them): past
    MERGE_ABOVE_SEGMENTS commits none is re-written (Whoosh's MERGE_SMALL merged the five
    smallest, and at a million articles twenty full segments at a time)."""
    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    monkeypatch.setattr(index._SegmentBuilder, "MAX_POSTINGS", 1)  # a segment per article
    corpus = tmp_path / "corpus"
    files = index.MERGE_ABOVE_SEGMENTS + 4
    write_corpus(corpus, files, 1, words=20)
    index.update(corpus, settings)
    assert [n for _, n in _segment_sizes(settings)] == [1] * files
    assert counts(settings.index_dir) == expected(files, 1)


def test_small_segments_are_merged_and_full_ones_kept(tmp_path, settings_factory, monkeypatch):
    """Many one-article updates after a large first build: the small segments are merged
    into one once there are more than MERGE_ABOVE_SEGMENTS, the large one is left as it is."""
    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1, 40, words=20)
    index.update(corpus, settings)
    (large,) = _segment_sizes(settings)
    monkeypatch.setattr(index._SegmentBuilder, "MAX_POSTINGS", 1)  # a segment per file
    small = index.MERGE_ABOVE_SEGMENTS + 2
    write_corpus(corpus, small, 1, words=20, first=40)
    index.update(corpus, settings)
    sizes = _segment_sizes(settings)
    assert large in sizes                        # the same segment, not re-written
    assert len(sizes) <= index.MERGE_ABOVE_SEGMENTS
    assert sum(n for _, n in sizes) == 40 + small
    assert counts(settings.index_dir) == {"total": 40 + small,
                                          "2019": expected(1, 40)["2019"]
                                          + expected(small, 1, first=40)["2019"]}


def test_mostly_deleted_segments_are_rewritten(tmp_path, settings_factory):
    from whoosh import index as whoosh_index

    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 4, 5)
    index.update(corpus, settings)                         # one segment of 20 articles
    for name in ("f001.jsonl", "f002.jsonl", "f003.jsonl"):
        (corpus / name).unlink()
    index.update(corpus, settings)
    segments = whoosh_index.open_dir(str(index.current_generation(settings.index_dir))) \
        .reader().leaf_readers()
    assert [(r.doc_count(), r.doc_count_all()) for r, _ in segments] == [(5, 5)]
    assert counts(settings.index_dir) == expected(1, 5)
    phrase = search.SearchRequest.from_params(q='"编号3号"')        # positions survived
    hits = search.search(settings.index_dir, phrase)["hits"]
    assert [hit["title"] for hit in hits] == ["标志词第3号"] and "<mark>" in hits[0]["snippet"]


def test_damage_done_while_the_index_is_open_is_reported_as_damage(built, tmp_path):
    settings = _damaged_copy(built, tmp_path, "toc", "delete")       # (repaired just below)
    index.update(built[0], settings)
    assert counts(settings.index_dir) == expected(6, 10)              # opened and cached
    gen = index.current_generation(settings.index_dir)
    for path in gen.glob("*._stored.col"):
        _damage(path, "truncate")
    with pytest.raises(search.IndexUnavailable, match="check --repair"):
        counts(settings.index_dir)

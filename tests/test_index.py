"""The index: incremental updates, per-file errors, the writer lock, rebuilds, the stamp."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from policysearch import index, search


def write_jsonl(path, *records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")


def rec(title, text, date="2024-05-30", **extra):
    return {"title": title, "text": text, "date": date, **extra}


def total(settings, q):
    return search.search(settings.index_dir, search.SearchRequest.from_params(q=q))["total"]


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    write_jsonl(root / "a.jsonl", rec("深化放管服改革", "持续深化放管服改革，优化营商环境。"),
                rec("专精特新", "培育专精特新中小企业。"))
    write_jsonl(root / "sub" / "b.jsonl", rec("新能源汽车", "新能源汽车产销两旺。"))
    write_jsonl(root / "c.jsonl", rec("数字经济", "发展数字经济，建设数字中国。"))
    return root


def test_first_run_adds_everything(corpus, tmp_path, settings_factory):
    settings = settings_factory(tmp_path / "index")
    summary = index.update(corpus, settings)
    assert summary["files"] == {"added": 3, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0}
    assert summary["articles"] == {"added": 4, "updated": 0, "deleted": 0, "total": 4}
    assert summary["errors"] == [] and summary["took_s"] >= 0
    assert total(settings, "管服") == 1


def test_incremental_add_change_delete(corpus, tmp_path, settings_factory):
    settings = settings_factory(tmp_path / "index")
    index.update(corpus, settings)
    write_jsonl(corpus / "a.jsonl", rec("政务服务", "一网通办全面推开。"))            # changed
    (corpus / "c.jsonl").unlink()                                                    # deleted
    write_jsonl(corpus / "d.jsonl", rec("东数西算", "东数西算工程全面启动。"))        # added
    calls = []
    summary = index.update(corpus, settings, progress=lambda *a: calls.append(a))
    assert summary["files"] == {"added": 1, "updated": 1, "deleted": 1, "unchanged": 1, "failed": 0}
    assert summary["articles"] == {"added": 1, "updated": 1, "deleted": 1, "total": 3}
    assert sorted(c[2] for c in calls) == ["a.jsonl", "d.jsonl"] and calls[-1][:2] == (2, 2)
    assert total(settings, "管服") == 0 and total(settings, "一网通办") == 1
    assert total(settings, "数字经济") == 0 and total(settings, "东数西算") == 1
    assert total(settings, "专精特新") == 0            # the old second article of a.jsonl is gone
    again = index.update(corpus, settings)
    assert again["files"]["unchanged"] == 3 and again["articles"]["total"] == 3


def test_bad_file_is_reported_and_the_run_goes_on(corpus, tmp_path, settings_factory, monkeypatch):
    (corpus / "broken.json").write_text("{not json", "utf-8")
    real = index.ingest_file

    def flaky(path, root=None):
        if path.name == "c.jsonl":
            raise RuntimeError("boom")
        return real(path, root)

    monkeypatch.setattr(index, "ingest_file", flaky)
    settings = settings_factory(tmp_path / "index")
    summary = index.update(corpus, settings)
    failed = {e["file"]: e["reason"] for e in summary["errors"]}
    assert set(failed) == {"broken.json", "c.jsonl"}, summary
    assert "RuntimeError: boom" in failed["c.jsonl"]
    assert summary["files"]["failed"] == 2 and summary["articles"]["total"] == 3


def test_missing_corpus_is_a_run_error(tmp_path, settings_factory):
    with pytest.raises(index.IndexError_, match="no such corpus directory"):
        index.update(tmp_path / "nope", settings_factory(tmp_path / "index"))


def test_second_writer_gets_the_pid(corpus, tmp_path, settings_factory):
    settings = settings_factory(tmp_path / "index")
    settings.index_dir.mkdir(parents=True)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(settings.index_dir / index.LOCK)!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, str(os.getpid()).encode())
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(index.IndexLocked) as err:
            index.update(corpus, settings)
        assert str(err.value) == f"index is locked by pid {holder.pid}"
    finally:
        holder.kill()
        holder.wait()
    assert index.update(corpus, settings)["articles"]["total"] == 4  # released when it died


def test_rebuild_keeps_the_old_index_usable_meanwhile(corpus, tmp_path, settings_factory):
    settings = settings_factory(tmp_path / "index")
    index.update(corpus, settings)
    old_gen = index.current_generation(settings.index_dir)
    seen = []

    def progress(done, total_, name):
        seen.append(total(settings, "新能源汽车"))  # searching while the rebuild runs

    summary = index.update(corpus, settings, rebuild=True, progress=progress)
    assert seen and all(n == 1 for n in seen)
    assert summary["files"]["added"] == 3 and summary["articles"]["total"] == 4
    assert index.current_generation(settings.index_dir) != old_gen
    assert total(settings, "新能源汽车") == 1


def test_index_from_another_analysis_is_refused_then_rebuilt(corpus, tmp_path, settings_factory):
    settings = settings_factory(tmp_path / "index")
    index.update(corpus, settings)
    stamp_file = index.current_generation(settings.index_dir) / index.STAMP
    stamp = json.loads(stamp_file.read_text())
    stamp["jieba"] = "0.0.1"
    stamp_file.write_text(json.dumps(stamp))
    with pytest.raises(search.IndexUnavailable, match="--rebuild"):
        total(settings, "管服")
    summary = index.update(corpus, settings)  # an update rebuilds it with today's analysis
    assert summary["files"]["added"] == 3
    assert total(settings, "管服") == 1


def test_no_index_is_a_clear_error(tmp_path):
    with pytest.raises(search.IndexUnavailable, match="no index"):
        search.search(tmp_path / "none", search.SearchRequest.from_params(q="经济"))


def test_demo_corpus_indexes_without_failures(indexed_corpus):
    corpus, settings, summary = indexed_corpus
    assert summary["articles"]["total"] > 0
    assert summary["files"]["failed"] == 0, summary["errors"]


def test_commits_in_batches_so_an_interrupted_run_keeps_its_work(corpus, tmp_path,
                                                                  settings_factory, monkeypatch):
    import dataclasses

    settings = dataclasses.replace(settings_factory(tmp_path / "index"), workers=1)
    for name in ("a.jsonl", "sub/b.jsonl"):
        (corpus / name).rename(tmp_path / name.replace("/", "_"))
    index.update(corpus, settings)                                  # c.jsonl only
    for name in ("a.jsonl", "sub/b.jsonl"):
        (tmp_path / name.replace("/", "_")).rename(corpus / name)
    write_jsonl(corpus / "z.jsonl", rec("最后", "最后一个文件。"))
    monkeypatch.setattr(index._SegmentBuilder, "MAX_POSTINGS", 1)  # a segment per file
    real = index.ingest_file

    def interrupted(path, root=None):
        if path.name == "z.jsonl":
            raise KeyboardInterrupt
        return real(path, root)

    monkeypatch.setattr(index, "ingest_file", interrupted)
    with pytest.raises(KeyboardInterrupt):
        index.update(corpus, settings)
    assert total(settings, "放管服") == 1 and total(settings, "新能源汽车") == 1
    monkeypatch.setattr(index, "ingest_file", real)
    summary = index.update(corpus, settings)
    assert summary["files"]["added"] == 1 and summary["files"]["unchanged"] == 3, summary
    assert summary["articles"]["total"] == 5

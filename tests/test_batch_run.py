"""Batch mechanics: manifest, resume, retries, per-file isolation, odd file names."""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from batch_helpers import SEEDS, seed_copies
from nianbao.batch import Options, run_batch
from nianbao.cli import main

FAKE = "batch_helpers:fake_extract"

pytestmark = pytest.mark.skipif(not SEEDS, reason="needs ../shared/seeds")


def opts(**kw) -> Options:
    base = dict(workers=2, extractor=FAKE, progress=False, timeout_s=20, max_memory_mb=None)
    base.update(kw)
    return Options(**base)


def manifest_rows(out: Path) -> list[dict]:
    db = sqlite3.connect(out / "manifest.sqlite")
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM files ORDER BY path")]


def report_files(out: Path) -> list[Path]:
    return sorted((out / "reports").glob("*.json"))


def test_batch_writes_one_output_per_input_and_rerun_skips(tmp_path):
    inputs = seed_copies(tmp_path / "in", 5, marker="FLAG")
    out = tmp_path / "out"
    s = run_batch(tmp_path / "in", out, opts())
    assert (s["done"], s["failed"]) == (5, 0)
    assert s["flags_by_identity"] == {"requests.column_sum": 5}
    rows = manifest_rows(out)
    assert {r["status"] for r in rows} == {"done"} and len(rows) == 5
    outs = report_files(out)
    assert len(outs) == 5
    for p in outs:
        data = json.loads(p.read_text(encoding="utf-8"))
        assert data["format"] == "2021" and len(data["fields"]) == 200
        assert data["source"]["path"] in {str(i) for i in inputs}
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["done"] == 5
    mtimes = {p: p.stat().st_mtime_ns for p in outs}
    again = run_batch(tmp_path / "in", out, opts())
    assert again["this_run"]["processed"] == 0 and again["this_run"]["skipped"] == {"done": 5}
    assert {p: p.stat().st_mtime_ns for p in report_files(out)} == mtimes


def test_same_content_twice_is_one_entry(tmp_path):
    seed_copies(tmp_path / "in", 2)
    first = next((tmp_path / "in").iterdir())
    (tmp_path / "in" / "copy of first.txt").write_bytes(first.read_bytes())
    s = run_batch(tmp_path / "in", tmp_path / "out", opts())
    assert s["files_total"] == 2 and s["this_run"]["skipped"] == {"duplicate": 1}
    assert len(report_files(tmp_path / "out")) == 2


def test_failed_files_are_recorded_and_retried_only_on_request(tmp_path):
    seed_copies(tmp_path / "in", 2)
    (tmp_path / "in" / "empty.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    s = run_batch(tmp_path / "in", out, opts())
    assert s["failed_by_reason"] == {"empty": 1} and s["done"] == 2
    err = json.loads((out / "reports" / [r for r in manifest_rows(out) if r["status"] == "failed"][0]["output"])
                     .read_text(encoding="utf-8"))
    assert err["errors"][0]["stage"] == "ingest" and "fields" not in err
    assert run_batch(tmp_path / "in", out, opts())["this_run"]["skipped"] == {"done": 2, "failed": 1}
    s3 = run_batch(tmp_path / "in", out, opts(retry_failed=True))
    assert s3["this_run"]["processed"] == 1
    assert [r["attempts"] for r in manifest_rows(out) if r["status"] == "failed"] == [2]


def test_missing_output_is_redone(tmp_path):
    seed_copies(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_batch(tmp_path / "in", out, opts())
    victim = report_files(out)[1]
    victim.unlink()
    s = run_batch(tmp_path / "in", out, opts())
    assert s["this_run"]["processed"] == 1 and victim.is_file()


def test_hung_oversized_and_crashing_files_are_killed_and_the_batch_goes_on(tmp_path):
    seed_copies(tmp_path / "in", 3)
    (tmp_path / "in" / "hang.txt").write_text("HANG", encoding="utf-8")
    (tmp_path / "in" / "bloat.txt").write_text("BLOAT", encoding="utf-8")
    (tmp_path / "in" / "crash.txt").write_text("CRASH", encoding="utf-8")
    out = tmp_path / "out"
    s = run_batch(tmp_path / "in", out, opts(timeout_s=2, max_memory_mb=300))
    assert s["done"] == 3
    assert s["failed_by_reason"] == {"timeout": 1, "memory": 1, "crashed": 1}
    by_reason = {r["reason"]: r for r in manifest_rows(out) if r["status"] == "failed"}
    assert "2 s" in by_reason["timeout"]["error"]
    for r in by_reason.values():
        data = json.loads((out / "reports" / r["output"]).read_text(encoding="utf-8"))
        assert data["errors"] and data["source"]["sha256"] == r["sha256"]


def test_memory_limit_counts_what_the_child_allocates_not_what_it_inherits(tmp_path):
    """A parent holding 400 MiB (as one that has imported torch) forks children that share it;
    a 300 MiB limit must still let ordinary files through and stop the one that bloats."""
    ballast = bytearray(b"x" * (400 << 20))  # touched pages, resident in the parent
    seed_copies(tmp_path / "in", 2)
    (tmp_path / "in" / "bloat.txt").write_text("BLOAT", encoding="utf-8")
    s = run_batch(tmp_path / "in", tmp_path / "out", opts(max_memory_mb=300))
    assert s["done"] == 2 and s["failed_by_reason"] == {"memory": 1}
    del ballast


def test_gbk_and_spaced_file_names(tmp_path):
    folder = tmp_path / "in"
    seed_copies(folder, 1)
    gbk = "年报 2023".encode("gb18030") + b".txt"
    with open(os.path.join(os.fsencode(folder), gbk), "wb") as f:
        f.write(SEEDS[0].read_bytes() + b"\ngbk\n")
    (folder / "with  spaces 报告.txt").write_bytes(SEEDS[0].read_bytes() + b"\nspaces\n")
    out = tmp_path / "out"
    s = run_batch(folder, out, opts())
    assert (s["done"], s["failed"]) == (3, 0)
    paths = {json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in report_files(out)}
    assert str(folder / "年报 2023.txt") in paths
    assert str(folder / "with  spaces 报告.txt") in paths
    assert any(p.name.startswith("年报_2023.") for p in report_files(out))


def test_list_file_input_and_cli(tmp_path, capsys):
    files = seed_copies(tmp_path / "in", 2)
    lst = tmp_path / "list.txt"
    lst.write_text(f"# inputs\n{files[0]}\n\nin/{files[1].name}\nin/missing.pdf\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["batch", str(lst), "-o", str(out), "--extractor", FAKE, "-q"])
    err = capsys.readouterr().err
    assert code == 1  # the missing file is reported
    assert "2 done, 0 failed" in err and "missing.pdf" in err
    assert len(report_files(out)) == 2


def test_files_of_other_types_are_named_and_give_status_4(tmp_path, capsys):
    seed_copies(tmp_path / "in", 2)
    (tmp_path / "in" / "统计表.xlsx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    code = main(["batch", str(tmp_path / "in"), "-o", str(out), "--extractor", FAKE, "-q"])
    err = capsys.readouterr().err
    assert code == 4  # every report done; the spreadsheet is passed over by name, not silently
    assert "2 done, 0 failed" in err and "统计表.xlsx" in err and "unsupported_type" in err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["passed_over"] == 1 and summary["not_read"] == 0


def test_cli_usage_errors(tmp_path, capsys):
    assert main(["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert main(["batch", str(tmp_path)]) == 2
    assert main(["batch", "export", str(tmp_path)]) == 2  # no manifest there
    assert "no manifest" in capsys.readouterr().err


def test_second_batch_on_the_same_folder_is_refused(tmp_path):
    import fcntl
    from nianbao.batch.runner import BatchBusy
    seed_copies(tmp_path / "in", 1)
    (tmp_path / "out").mkdir()
    with open(tmp_path / "out" / ".batch.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BatchBusy):
            run_batch(tmp_path / "in", tmp_path / "out", opts())
    assert run_batch(tmp_path / "in", tmp_path / "out", opts())["done"] == 1


def _reader_pids(out: Path) -> list[int]:
    pids = []
    for r in manifest_rows(out):
        data = json.loads((out / "reports" / r["output"]).read_text(encoding="utf-8"))
        pids += [int(w.rsplit(" ", 1)[1]) for w in data.get("warnings", []) if w.startswith("read by process")]
    return pids


def test_a_worker_reads_several_files_then_is_retired(tmp_path, monkeypatch):
    """Engines load once per worker child, not per file; a worker is replaced after MAX_JOBS."""
    from nianbao.batch import guard

    monkeypatch.setattr(guard, "MAX_JOBS", 2)
    seed_copies(tmp_path / "in", 5, marker="PID")
    s = run_batch(tmp_path / "in", tmp_path / "out", opts(workers=1))
    assert (s["done"], s["failed"]) == (5, 0)
    pids = _reader_pids(tmp_path / "out")
    assert len(pids) == 5 and os.getpid() not in pids
    assert sorted(pids.count(p) for p in set(pids)) == [1, 2, 2]


def test_a_file_whose_extraction_raises_gets_a_fresh_worker_after_it(tmp_path):
    seed_copies(tmp_path / "in", 4, marker="PID")
    (tmp_path / "in" / "001b_raise.txt").write_text("RAISE", encoding="utf-8")
    s = run_batch(tmp_path / "in", tmp_path / "out", opts(workers=1))
    assert s["done"] == 4 and s["failed_by_reason"] == {"internal": 1}
    assert len(set(_reader_pids(tmp_path / "out"))) == 2  # one worker before the bug, one after

"""kill -9 in the middle of a batch, then rerun: no duplicates, nothing lost, nothing corrupt."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_helpers import SEEDS, seed_copies

pytestmark = pytest.mark.skipif(not SEEDS, reason="needs ../shared/seeds")
TESTS = Path(__file__).resolve().parent


def done_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM files WHERE status='done'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:
        return 0


def batch_cmd(inp: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "batch", str(inp), "-o", str(out), "--workers", "2",
            "--extractor", "batch_helpers:fake_extract", "-q"]


def test_kill_9_then_resume(tmp_path):
    n = 24
    inputs = seed_copies(tmp_path / "in", n, marker="SLOW")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(batch_cmd(tmp_path / "in", out), env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while done_count(out / "manifest.sqlite") < 4 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    before = done_count(out / "manifest.sqlite")
    assert 4 <= before < n
    time.sleep(0.5)  # the children die with their parent (PDEATHSIG); give them a moment
    assert not orphans(tmp_path / "in")
    con = sqlite3.connect(out / "manifest.sqlite")
    committed = {r[0] for r in con.execute("SELECT output FROM files WHERE status='done'")}
    con.close()
    first = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert committed <= set(first)

    rerun = subprocess.run(batch_cmd(tmp_path / "in", out), env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["done"] == n and summary["failed"] == 0
    assert summary["this_run"]["processed"] <= n - before

    outputs = sorted((out / "reports").glob("*.json"))
    assert len(outputs) == n
    assert not list((out / "reports").glob(".*"))  # no temp files left from the killed writes
    shas = set()
    for p in outputs:
        data = json.loads(p.read_text(encoding="utf-8"))  # every output parses: none half-written
        assert len(data["fields"]) == 200
        shas.add(data["source"]["sha256"])
    con = sqlite3.connect(out / "manifest.sqlite")
    rows = con.execute("SELECT sha256, status, output FROM files").fetchall()
    assert len(rows) == n and {r[1] for r in rows} == {"done"}
    assert shas == {r[0] for r in rows} and {r[2] for r in rows} == {p.name for p in outputs}
    assert len({p.name for p in inputs}) == n
    # outputs the killed run had committed were kept, not redone
    for name in committed:
        assert (out / "reports" / name).stat().st_mtime_ns == first[name]


def orphans(marker: Path) -> list[int]:
    """Processes still running with `marker` on their command line (forked workers keep it)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                cmd = (d / "cmdline").read_bytes()
                state = (d / "stat").read_text().split(") ")[1][0]
            except OSError:
                continue
            if os.fsencode(str(marker)) in cmd and state != "Z":
                found.append(int(d.name))
    return found


def test_ctrl_c_stops_cleanly_and_resumes(tmp_path):
    # 0.15 s each on 2 workers: ~6 s left to interrupt once two are done (with 40, ~3 s, one
    # fresh-clone run saw the batch finish as the signal arrived and exit 0)
    n = 80
    seed_copies(tmp_path / "in", n, marker="SLOW")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]))
    # a shell starts background jobs with SIGINT ignored, and a child inherits that (Python then
    # installs no KeyboardInterrupt handler): give the batch the disposition a terminal gives it
    proc = subprocess.Popen(batch_cmd(tmp_path / "in", out), env=env, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while done_count(out / "manifest.sqlite") < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the batch finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    err = proc.communicate(timeout=30)[1]
    assert proc.returncode == 130 and "resume" in err
    assert not orphans(tmp_path / "in")
    rerun = subprocess.run(batch_cmd(tmp_path / "in", out), env=env, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0 and f"{n} done, 0 failed" in rerun.stderr
    assert len(list((out / "reports").glob("*.json"))) == n

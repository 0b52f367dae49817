"""A full disk stops a run with a message and exit status 3 (not a traceback and status 1,
which a script cannot tell from "a file failed"); what was written stays whole and a rerun
resumes once there is space. A real tmpfs where the tests may mount one (root), and the same
failure injected everywhere."""
from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.batch import Options, run_batch
from nianbao.cli import main
from nianbao.errors import CannotWrite
from nianbao.exit_codes import CANNOT_WRITE
from reportgen import make_values, report_text

FAKE = "batch_helpers:fake_extract"


def inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"r{i:02d}.txt"
        p.write_text(report_text("2021", make_values("2021", seed=i)), encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture
def small_disk(tmp_path):
    """A 300 KiB tmpfs: room for a few outputs only."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the injected failure below covers the logic")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def cli(*args) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).parent))
    return subprocess.run([sys.executable, "-m", "nianbao.cli", *args], capture_output=True, text=True,
                          timeout=600, env=env)


def whole_json_files(folder: Path) -> list[Path]:
    files = sorted(folder.rglob("*.json"))
    for p in files:
        json.loads(p.read_text(encoding="utf-8"))  # none is half written
    return files


def test_batch_on_a_full_disk_exits_3_and_resumes(small_disk, tmp_path):
    src = inputs(tmp_path / "in", 12)
    out = small_disk / "out"
    r = cli("batch", str(tmp_path / "in"), "-o", str(out), "-q", "--extractor", FAKE)
    assert r.returncode == CANNOT_WRITE, r.stderr
    assert "Traceback" not in r.stderr and "no space left" in r.stderr
    written = whole_json_files(out / "reports")
    assert 0 < len(written) < len(src)
    assert not list((out / "reports").glob(".*.tmp"))
    again = cli("batch", str(tmp_path / "in"), "-o", str(out), "-q", "--extractor", FAKE)
    assert again.returncode == CANNOT_WRITE and "Traceback" not in again.stderr, again.stderr
    subprocess.run(["mount", "-o", "remount,size=8m", str(small_disk)], check=True)
    done = cli("batch", str(tmp_path / "in"), "-o", str(out), "-q", "--extractor", FAKE)
    assert done.returncode == 0, done.stderr
    assert len(whole_json_files(out / "reports")) == len(src)


def test_extract_on_a_full_disk_exits_3(small_disk, tmp_path):
    inputs(tmp_path / "in", 12)
    r = cli("extract", str(tmp_path / "in"), "-o", str(small_disk / "x"), "-q")
    assert r.returncode == CANNOT_WRITE, r.stderr
    assert "Traceback" not in r.stderr and "no space left" in r.stderr
    assert 0 < len(whole_json_files(small_disk / "x")) < 12
    assert not [p for p in (small_disk / "x").iterdir() if p.name.endswith(".tmp")]


def test_injected_no_space_stops_the_batch_cleanly(tmp_path, monkeypatch, capsys):
    from nianbao.batch import runner
    inputs(tmp_path / "in", 6)
    real, calls = runner.write_atomic, []

    def full_after_two(path, text):
        calls.append(path)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(runner, "write_atomic", full_after_two)
    opts = Options(workers=1, extractor=FAKE, progress=False)
    with pytest.raises(CannotWrite, match="no space left"):
        run_batch(tmp_path / "in", tmp_path / "out", opts)
    assert len(whole_json_files(tmp_path / "out" / "reports")) == 2
    calls.clear()
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--extractor", FAKE]) == CANNOT_WRITE
    assert "no space left" in capsys.readouterr().err
    monkeypatch.setattr(runner, "write_atomic", real)
    s = run_batch(tmp_path / "in", tmp_path / "out", opts)
    assert s["done"] == 6 and s["this_run"]["processed"] == 2  # 2 + 2 were written before the disk filled


def test_injected_no_space_in_extract(tmp_path, monkeypatch, capsys):
    from nianbao import extract_cli
    inputs(tmp_path / "in", 3)

    def full(path, text):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(extract_cli, "write_atomic", full)
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "x"), "-q"]) == CANNOT_WRITE
    assert "no space left" in capsys.readouterr().err

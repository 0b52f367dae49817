"""Inputs an ordinary user cannot read, links, and loops: each gets a record and counts in the
exit status; nothing is skipped silently and nothing crashes.

Permission bits do not bind root, and the tests run as root here: the commands run as the
unprivileged user `nobody` (setpriv), or as the current user when that is not root.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from nianbao.batch import Options, run_batch
from nianbao.cli import main
from reportgen import make_values, report_text

NIANBAO = [sys.executable, "-m", "nianbao.cli"]
SETPRIV = shutil.which("setpriv")


def good(path: Path, seed=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def as_user(args: list[str]) -> subprocess.CompletedProcess:
    cmd = NIANBAO + args
    if os.geteuid() == 0:
        cmd = [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *cmd]
    env = dict(os.environ, HOME="/tmp", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env,
                          cwd=str(Path(__file__).resolve().parents[1]))


@pytest.fixture
def open_dir():
    """A folder the unprivileged user may write in (pytest's tmp_path is root's alone)."""
    if os.geteuid() == 0 and not SETPRIV:
        pytest.skip("running as root without setpriv: permission bits cannot be tested")
    d = Path(tempfile.mkdtemp(prefix="nianbao-perm-"))
    os.chmod(d, 0o777)
    yield d
    for root, dirs, _ in os.walk(d):
        for x in dirs:
            os.chmod(os.path.join(root, x), 0o755)
    shutil.rmtree(d, ignore_errors=True)


def test_extract_with_a_file_in_an_unreadable_folder(open_dir):
    ok = good(open_dir / "ok.txt", 1)
    b = good(open_dir / "noread" / "b.txt", 2)
    os.chmod(open_dir / "noread", 0)
    out = open_dir / "out"
    r = as_user(["extract", "--no-model", "-o", str(out), str(ok), str(b)])
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "Permission denied" in r.stderr
    assert json.loads((out / "ok.json").read_text(encoding="utf-8"))["format"] == "2021"
    rec = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert "fields" not in rec and "Permission denied" in rec["errors"][0]["message"]
    assert rec["errors"][0]["stage"] == "ingest" and "cannot read" in rec["errors"][0]["message"]


def test_extract_of_a_folder_reports_its_unreadable_subfolder(open_dir):
    good(open_dir / "in" / "a.txt", 1)
    good(open_dir / "in" / "locked" / "b.txt", 2)
    os.chmod(open_dir / "in" / "locked", 0)
    r = as_user(["extract", "--no-model", "-o", str(open_dir / "out"), str(open_dir / "in")])
    assert r.returncode == 1 and "locked" in r.stderr and "Permission denied" in r.stderr, r.stderr
    assert (open_dir / "out" / "a.json").is_file()


def test_batch_reports_unreadable_folder_and_file(open_dir):
    good(open_dir / "in" / "a.txt", 1)
    good(open_dir / "in" / "locked" / "b.txt", 2)
    c = good(open_dir / "in" / "c.txt", 3)
    os.chmod(open_dir / "in" / "locked", 0)
    os.chmod(c, 0)
    out = open_dir / "out"
    r = as_user(["batch", str(open_dir / "in"), "-o", str(out), "-q", "--no-model"])
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr and "internal" not in r.stderr
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["done"] == 1
    not_read = {Path(n["path"]).name: n for n in s["this_run"]["not_read"]}
    assert not_read["locked"]["reason"] == "unreadable" and "Permission denied" in not_read["locked"]["message"]
    assert not_read["c.txt"]["reason"] == "unreadable"
    assert "locked" in r.stderr and "c.txt" in r.stderr


def test_symlinked_folders_are_searched_and_loops_reported(tmp_path, capsys):
    good(tmp_path / "elsewhere" / "linked.txt", 1)
    good(tmp_path / "in" / "a.txt", 2)
    good(tmp_path / "in" / "years" / "y.txt", 3)
    os.symlink(tmp_path / "elsewhere", tmp_path / "in" / "link")   # out of the folder named: not followed
    os.symlink(tmp_path / "in" / "years", tmp_path / "in" / "2023")  # inside it: followed, listed once
    os.symlink(tmp_path / "in", tmp_path / "in" / "loop")          # back to the top
    os.symlink(tmp_path / "nowhere", tmp_path / "in" / "dangling.txt")
    out = tmp_path / "out"
    s = run_batch(tmp_path / "in", out, Options(workers=1, progress=False, model=None))
    assert s["done"] == 2
    reasons = {Path(n["path"]).name: n["reason"] for n in s["this_run"]["not_read"]}
    assert reasons == {"loop": "link_loop", "dangling.txt": "broken_link", "link": "link_outside"}
    # a link to a folder that is itself named is followed (it lies inside a root of the run)
    assert main(["extract", "--no-model", "-q", "-o", str(tmp_path / "x"), str(tmp_path / "in"),
                 str(tmp_path / "elsewhere")]) == 1
    assert sorted(p.relative_to(tmp_path / "x").as_posix() for p in (tmp_path / "x").rglob("*.json")) == \
        ["2023/y.json", "a.json", "link/linked.json"]
    err = capsys.readouterr().err
    assert "loop" in err and "dangling.txt" in err

"""Batch hazards a tester met: a lock planted as a link, the same report under two names."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nianbao.batch import Options, run_batch
from nianbao.batch.runner import UnsafeOutput
from nianbao.cli import main
from reportgen import make_values, report_text


def good(path: Path, seed=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def opts(**kw):
    return Options(**dict(dict(workers=1, progress=False, model=None), **kw))


def test_a_lock_planted_as_a_link_is_not_followed(tmp_path, capsys):
    good(tmp_path / "in" / "a.txt")
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(victim, out / ".batch.lock")
    with pytest.raises(UnsafeOutput, match="symbolic link"):
        run_batch(tmp_path / "in", out, opts())
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert main(["batch", str(tmp_path / "in"), "-o", str(out), "-q"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_an_existing_lock_file_is_not_truncated(tmp_path):
    good(tmp_path / "in" / "a.txt")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".batch.lock").write_text("held before", encoding="utf-8")
    assert run_batch(tmp_path / "in", out, opts())["done"] == 1
    assert (out / ".batch.lock").read_text(encoding="utf-8") == "held before"


def test_reports_folder_planted_as_a_link_is_refused(tmp_path):
    good(tmp_path / "in" / "a.txt")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "out" / "reports")
    with pytest.raises(UnsafeOutput):
        run_batch(tmp_path / "in", tmp_path / "out", opts())
    assert list((tmp_path / "elsewhere").iterdir()) == []


@pytest.mark.parametrize("names", [("a.pdf", "b.txt"), ("b.pdf", "a.txt")])
def test_same_text_as_pdf_and_txt_is_read_from_the_txt(tmp_path, names):
    text = good(tmp_path / "src.txt", 5).read_bytes()
    (tmp_path / "in").mkdir()
    for n in names:
        (tmp_path / "in" / n).write_bytes(text)
    out = tmp_path / "out"
    s = run_batch(tmp_path / "in", out, opts())
    assert (s["done"], s["failed"]) == (1, 0), s
    txt = next(n for n in names if n.endswith(".txt"))
    pdf = next(n for n in names if n.endswith(".pdf"))
    (report,) = (out / "reports").glob("*.json")
    assert Path(json.loads(report.read_text(encoding="utf-8"))["source"]["path"]).name == txt
    assert [Path(d["path"]).name for d in s["this_run"]["duplicates"]] == [pdf]
    assert Path(s["this_run"]["duplicates"][0]["same_as"]).name == txt

"""Faults without tracebacks (issue 26, items 4, 5, 7, 9): each user-facing failure is a message
and a documented exit status; a killed write leaves nothing a rerun keeps; the batch summary
counts reports read; odd encodings of text and names; a damaged output is not shown as done."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.batch import Options, run_batch
from nianbao.cli import main
from reportgen import make_values, report_text

HERE = Path(__file__).resolve().parent
FAKE = ["--extractor", "batch_helpers:fake_extract"]


def good(path: Path, seed=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def no_traceback(err: str) -> None:
    assert "Traceback" not in err, err


def test_a_link_to_itself_is_an_error_record(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.symlink("selfloop", "selfloop")
    assert main(["extract", "selfloop", "-o", "o"]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "selfloop" in err


@pytest.mark.parametrize("cmd", ["extract", "batch"])
def test_an_output_that_is_a_file_is_a_usage_error(tmp_path, capsys, cmd):
    good(tmp_path / "in" / "r.txt")
    (tmp_path / "o").write_text("mine\n")
    assert main([cmd, str(tmp_path / "in"), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "not a folder" in err and (tmp_path / "o").read_text() == "mine\n"


def test_a_junk_manifest_is_named_not_a_traceback(tmp_path, capsys):
    good(tmp_path / "in" / "r.txt")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "manifest.sqlite").write_bytes(b"this is not a database, it is a note\n" * 100)
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), *FAKE]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "manifest.sqlite is not a batch manifest" in err


def test_a_file_where_the_exports_folder_goes(tmp_path, capsys):
    good(tmp_path / "in" / "r.txt")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "exports").write_text("mine\n")
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "-q", "--format", "csv", *FAKE]) == 2
    err = capsys.readouterr().err
    no_traceback(err)
    assert "exports" in err and (tmp_path / "o" / "exports").read_text() == "mine\n"


def test_a_bug_prints_its_traceback_and_asks_for_a_report(tmp_path, capsys, monkeypatch):
    from nianbao import extract_cli

    def broken(*_a, **_k):
        raise ZeroDivisionError("a bug")
    monkeypatch.setattr(extract_cli, "expand", broken)
    assert main(["extract", str(tmp_path), "-o", str(tmp_path / "o")]) == 70
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError" in err and "please report it" in err


def _interrupt(cmd: list[str], wait_for: str, cwd: Path) -> tuple[int, str]:
    """Run `nianbao CMD` in a child, send it SIGINT once `wait_for` shows on its stderr, and
    return its status and stderr."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # Ctrl-C as a terminal delivers it: SIGINT at its default in the child. A test run started in
    # the background by a shell without job control inherits SIGINT ignored (POSIX), and Python
    # then installs no KeyboardInterrupt handler: the child ran all 40 files and exited 0
    p = subprocess.Popen([sys.executable, "-m", "nianbao.cli", *cmd], cwd=cwd, env=env,
                         stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    seen = ""
    while wait_for not in seen:
        line = p.stderr.readline()
        assert line, seen
        seen += line
    p.send_signal(signal.SIGINT)
    rest = p.communicate(timeout=120)[1]
    return p.returncode, seen + rest


def test_ctrl_c_on_extract_ends_with_a_summary_and_130(tmp_path):
    for i in range(40):
        good(tmp_path / "in" / f"r{i:02d}.txt", seed=i)
    rc, err = _interrupt(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o")], "r00.txt ->", tmp_path)
    assert rc == 130, err
    no_traceback(err)
    assert "interrupted" in err and "output(s) written are complete" in err
    for p in (tmp_path / "o").iterdir():  # what was written is whole
        assert p.name.endswith(".json") and json.loads(p.read_text(encoding="utf-8"))["format"] == "2021"


def test_ctrl_c_during_the_start_up_of_batch(tmp_path, monkeypatch, capsys):
    import importlib

    def interrupted(name, *a):  # Ctrl-C lands while the command's modules are being imported
        raise KeyboardInterrupt
    good(tmp_path / "in" / "r.txt")
    monkeypatch.setattr(importlib, "import_module", interrupted)
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o")]) == 130
    err = capsys.readouterr().err
    no_traceback(err)
    assert "interrupted" in err


def test_a_rerun_removes_what_a_killed_extract_left_half_written(tmp_path):
    good(tmp_path / "in" / "sub" / "r.txt")
    out = tmp_path / "o"
    (out / "sub").mkdir(parents=True)
    dead = subprocess.Popen(["true"])
    dead.wait()  # a process id that is gone, as a kill -9'd writer's is
    # what write_atomic of a killed run leaves: a hidden temp file named by its writer
    stale = out / "sub" / f".r.json.{dead.pid}.ab12cd34.tmp"
    stale.write_text('{"half')
    live = out / "sub" / f".r.json.{os.getpid()}.zz12cd34.tmp"  # a writer still running: kept
    live.write_text('{"half')
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q"]) == 0
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in (out / "sub").iterdir()) == [live.name, "r.json"]


def test_the_batch_summary_counts_only_reports_read(tmp_path, capsys):
    good(tmp_path / "in" / "a.txt", 1)
    good(tmp_path / "in" / "b.txt", 2)
    for i in range(3):  # failed files are not reports
        (tmp_path / "in" / f"empty{i}.txt").write_text(" " * i + "\n")
    s = run_batch(tmp_path / "in", tmp_path / "o", Options(progress=False, extractor="batch_helpers:fake_extract"))
    assert (s["done"], s["failed"], s["reports"]) == (2, 3, 2)
    assert json.loads((tmp_path / "o" / "summary.json").read_text(encoding="utf-8"))["reports"] == 2


def test_utf16_without_a_bom_is_read(tmp_path):
    text = report_text("2021", make_values("2021", seed=5))
    for enc in ("utf-16-le", "utf-16-be"):
        p = tmp_path / f"r-{enc}.txt"
        p.write_bytes(text.encode(enc))
        assert main(["extract", str(p), "-o", str(tmp_path / "o"), "-q"]) == 0
        data = json.loads((tmp_path / "o" / f"r-{enc}.json").read_text(encoding="utf-8"))
        assert data["format"] == "2021" and not data["errors"]


def test_gbk_and_newline_names_print_as_one_readable_line(tmp_path, capsys):
    folder = os.fsencode(tmp_path / "in")
    os.makedirs(folder)
    gbk = os.path.join(folder, "年报".encode("gbk") + b".txt")
    nl = os.path.join(folder, b"two\nlines.txt")
    for p in (gbk, nl):
        with open(p, "w", encoding="utf-8") as f:
            f.write("not a report at all\n")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    no_traceback(err)
    assert "\\udc" not in err and "年报.txt" in err
    assert "two\\nlines.txt" in err and "two\nlines" not in err


def test_a_damaged_report_is_not_done_on_the_index_and_a_rerun_redoes_it(tmp_path):
    from nianbao.review.index import review_batch
    good(tmp_path / "in" / "a.txt", 1)
    opts = Options(progress=False, extractor="batch_helpers:fake_extract")
    run_batch(tmp_path / "in", tmp_path / "o", opts)
    (out,) = (tmp_path / "o" / "reports").iterdir()
    whole = out.read_text(encoding="utf-8")
    out.write_text(whole[: len(whole) // 2], encoding="utf-8")  # cut by hand
    index = review_batch(tmp_path / "o", images=False).read_text(encoding="utf-8")
    assert ">done<" not in index and "damaged" in index
    s = run_batch(tmp_path / "in", tmp_path / "o", opts)
    assert s["this_run"]["processed"] == 1 and json.loads(out.read_text(encoding="utf-8"))["fields"]


def test_every_failure_reason_is_documented():
    from nianbao.errors import REASONS
    doc = (HERE.parent / "docs" / "batch.md").read_text(encoding="utf-8")
    reasons = set(REASONS)
    assert {r for r in reasons if f"`{r}`" not in doc} == set()

"""Outputs only where they belong (issue 26, items 1, 2, 3, 8 and `-o ''`): an output path always
lies inside `-o`, no two reports of one run share an output, the walk never leaves its roots
and never reads the output folder."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nianbao.batch import Options, run_batch
from nianbao.cli import main
from reportgen import make_values, report_text

HERE = Path(__file__).resolve().parent
SYNTH = HERE / "eval_samples" / "synth" / "docs"


def good(path: Path, seed=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_dotdot_after_a_wildcard_writes_inside_out_and_touches_nothing_else(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in" / "a").mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "000.json").write_text('{"precious":true}\n')
    good(victim / "000.txt")
    before = files(victim)
    rc = main(["extract", "in/*/../../victim/*.txt", "-o", "out", "-q"])
    assert rc == 0
    assert files(victim) == before  # the precious file is untouched, nothing added beside it
    (out,) = (tmp_path / "out").rglob("*.json")
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "2021"


def _joined_pdf(target: Path) -> Path:
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument.new()
    for d in ("synth1-00000", "synth1-00003"):
        out.import_pages(pdfium.PdfDocument(str(SYNTH / d / "report.pdf")))
    out.save(str(target))
    return target


def test_a_report_named_by_its_pages_never_overwrites_another(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    _joined_pdf(src / "r.pdf")
    first = json.loads(json.dumps(None))
    for call in ([str(src / "r.pdf"), str(src)], [str(src)]):  # files named, then folder mode
        out = tmp_path / f"out{len(call)}"
        good(src / "r.p1-3.txt", seed=7)
        rc = main(["extract", *call, "-o", str(out), "--no-model"])
        err = capsys.readouterr().err
        outs = sorted(out.rglob("*.json"))
        sources = sorted(json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in outs)
        pages = sorted(str(json.loads(p.read_text(encoding="utf-8"))["source"].get("page_range")) for p in outs)
        assert rc == 0, err
        assert len(outs) == 3, (call, [p.name for p in outs])  # two reports of r.pdf and the text one
        assert sources.count(str(src / "r.p1-3.txt")) == 1 and pages.count("[1, 3]") == 1
        # the plain name stays with the file that has it; the split report is the one renamed, and said so
        assert json.loads((out / "r.p1-3.json").read_text(encoding="utf-8"))["source"]["path"].endswith(".txt")
        assert "same output name" in err and "1 renamed" in err
        first = first or outs
    assert first


def test_the_walk_does_not_follow_a_link_to_an_ancestor(tmp_path):
    root = tmp_path / "deep" / "in"
    good(root / "a" / "r.txt")
    good(tmp_path / "deep" / "outside.txt", seed=3)
    good(tmp_path / "elsewhere" / "x.txt", seed=4)
    os.symlink("../..", root / "a" / "up")
    os.symlink(tmp_path / "elsewhere", root / "away")
    os.symlink("../a", root / "a" / "loop")  # inside the root but its own folder: a loop, as before
    os.symlink("a", root / "b")  # inside the root: followed, its files listed once
    s = run_batch(root, tmp_path / "out", Options(progress=False, extractor="batch_helpers:fake_extract"))
    reasons = {Path(n["path"]).name: n["reason"] for n in s["this_run"]["not_read"]}
    assert reasons == {"up": "link_outside", "away": "link_outside", "loop": "link_loop"}
    assert s["files_total"] == 1  # only in/a/r.txt: nothing above or beside the root was read


def test_an_output_folder_inside_the_input_folder_is_not_walked(tmp_path):
    inp = tmp_path / "in"
    good(inp / "r.txt")
    opts = Options(progress=False, extractor="batch_helpers:fake_extract")
    for _ in range(2):  # the second run finds the first run's manifest and reports in in/out
        s = run_batch(inp, inp / "out", opts)
        assert (s["files_total"], s["not_read"], s["passed_over"]) == (1, 0, 0)
    assert main(["batch", str(inp), "-o", str(inp / "out"), "-q", "--extractor", "batch_helpers:fake_extract"]) == 0
    # extract too: its outputs in in2/x are not inputs of the next run
    good(tmp_path / "in2" / "r.txt")
    for _ in range(2):
        assert main(["extract", str(tmp_path / "in2"), "-o", str(tmp_path / "in2" / "x"), "-q"]) == 0
    assert sorted(files(tmp_path / "in2" / "x")) == ["r.json"]


@pytest.mark.parametrize("cmd", ["extract", "batch"])
def test_an_empty_output_name_is_a_usage_error(tmp_path, monkeypatch, capsys, cmd):
    monkeypatch.chdir(tmp_path)
    good(tmp_path / "in" / "r.txt")
    before = sorted(os.listdir(tmp_path))
    assert main([cmd, "in", "-o", ""]) == 2
    assert "-o" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == before


def test_a_link_in_the_output_folder_is_not_written_through(tmp_path, capsys):
    good(tmp_path / "in" / "sub" / "r.txt")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "out" / "sub")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_recursive_glob_does_not_follow_a_link_to_an_ancestor(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    good(tmp_path / "in" / "a" / "r.txt")
    os.symlink("../..", tmp_path / "in" / "a" / "up")  # glob.glob('in/**') would recurse through it
    rc = main(["extract", "in/**/*.txt", "-o", "out", "-q"])
    err = capsys.readouterr().err
    assert rc == 1 and "link_outside" not in err and "up" in err  # recorded, not followed
    assert files(tmp_path / "out").keys() == {"a/r.json"}

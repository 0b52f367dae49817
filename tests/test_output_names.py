"""Output names: long input names fit any file system, names do not depend on input order,
and a glob that matches nothing is an error, not a file named after the pattern."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from batch_helpers import SEEDS
from nianbao.batch import Options, run_batch
from nianbao.cli import main
from reportgen import make_values, report_text

LONG = "某某省某某市某某县人民政府办公室关于印发二〇二三年度政府信息公开工作年度报告的通知及其附件目录说明文件" * 1


def good(path: Path, seed=0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def names(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_long_chinese_name_fits(tmp_path):
    stem = (LONG * 3)[:80]
    assert len((stem + ".txt").encode()) < 255 < len((stem + ".0123456789ab.json").encode())
    src = good(tmp_path / "in" / f"{stem}.txt")
    out = tmp_path / "out"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 0
    (written,) = list(out.iterdir())
    assert len(written.name.encode()) <= 255 and json.loads(written.read_text(encoding="utf-8"))["format"] == "2021"


@pytest.mark.skipif(not SEEDS, reason="needs ../shared/seeds")
def test_long_chinese_name_does_not_kill_a_batch(tmp_path):
    stem = (LONG * 3)[:80]
    good(tmp_path / "in" / "a.txt", 1)
    good(tmp_path / "in" / f"{stem}.txt", 2)
    good(tmp_path / "in" / "z.txt", 3)
    s = run_batch(tmp_path / "in", tmp_path / "out", Options(workers=1, progress=False))
    assert (s["done"], s["failed"]) == (3, 0)
    outs = list((tmp_path / "out" / "reports").iterdir())
    assert len(outs) == 3 and all(len(p.name.encode()) <= 255 for p in outs)
    # two long names that differ only at the end stay apart
    good(tmp_path / "in" / f"{stem}乙.txt", 4)
    assert run_batch(tmp_path / "in", tmp_path / "out", Options(workers=1, progress=False))["done"] == 4


def _mapping(out: Path) -> dict[str, str]:
    return {json.loads(p.read_text(encoding="utf-8"))["source"]["path"]: p.relative_to(out).as_posix()
            for p in out.rglob("*.json")}


def test_same_stem_from_two_folders_gets_the_same_name_whatever_the_order(tmp_path):
    a, b = good(tmp_path / "x" / "a" / "report.txt", 1), good(tmp_path / "x" / "b" / "report.txt", 2)
    assert main(["extract", str(a), str(b), "-o", str(tmp_path / "o1"), "-q"]) == 0
    assert main(["extract", str(b), str(a), "-o", str(tmp_path / "o2"), "-q"]) == 0
    first, second = _mapping(tmp_path / "o1"), _mapping(tmp_path / "o2")
    assert first == second and len(set(first.values())) == 2


def test_folder_input_mirrors_relative_paths(tmp_path):
    good(tmp_path / "in" / "sub" / "r.txt", 1)
    good(tmp_path / "in" / "r.txt", 2)
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q"]) == 0
    assert names(out) == ["r.json", os.path.join("sub", "r.json")]


def test_glob_without_match_is_an_error(tmp_path, capsys):
    ok = good(tmp_path / "ok.txt")
    out = tmp_path / "out"
    rc = main(["extract", str(ok), str(tmp_path / "nothing*.txt"), "-o", str(out), "-q"])
    assert rc == 1
    assert names(out) == ["ok.json"]
    assert "nothing*.txt" in capsys.readouterr().err

"""`nianbao extract`: outputs, error records and exit codes."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from nianbao import schema
from nianbao.cli import main
from reportgen import make_values, report_text


def good_report(path: Path, seed=0) -> Path:
    path.write_text(report_text("2021", make_values("2021", seed=seed)), encoding="utf-8")
    return path


def read(p: Path) -> dict:
    return json.loads(p.read_text(encoding="utf-8"))


def test_extract_writes_one_json_per_input(tmp_path):
    a, b = good_report(tmp_path / "a.txt", 1), good_report(tmp_path / "b.txt", 2)
    out = tmp_path / "out"
    assert main(["extract", str(a), str(b), "-o", str(out), "-q"]) == 0
    for name in ("a", "b"):
        d = read(out / f"{name}.json")
        assert d["format"] == "2021" and d["errors"] == []
        assert set(d["fields"]) == set(schema.field_keys("2021"))
        assert d["source"]["kind"] == "text" and len(d["source"]["sha256"]) == 64
        assert set(d["metrics"]) == set(schema.metric_ids())
    assert sorted(os.listdir(out)) == ["a.json", "b.json"]  # no temp files left behind


def test_bad_inputs_get_error_records_and_others_complete(tmp_path, capsys):
    good = good_report(tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "garbage.txt").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "novel.txt").write_text("从前有座山，山里有座庙。" * 50, encoding="utf-8")
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf \n%%EOF")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out"
    inputs = [good, tmp_path / "empty.txt", tmp_path / "garbage.txt", tmp_path / "novel.txt",
              tmp_path / "fake.pdf", missing]
    rc = main(["extract", *map(str, inputs), "-o", str(out)])
    assert rc == 1
    assert read(out / "good.json")["errors"] == []
    expect = {"empty": "empty", "garbage": "not a text file", "novel": "not a 政府信息公开年度报告",
              "fake": "PDF", "missing": "no such file"}
    for stem, words in expect.items():
        d = read(out / f"{stem}.json")
        assert "fields" not in d
        assert d["errors"] and words in d["errors"][0]["message"], (stem, d["errors"])
        assert d["source"]["path"].endswith(stem + (".pdf" if stem == "fake" else ".txt"))
    err = capsys.readouterr().err
    assert "5 failed" in err and "1 extracted" in err


def test_directories_and_globs(tmp_path, capsys):
    d = tmp_path / "in" / "sub"
    d.mkdir(parents=True)
    good_report(d / "x.txt")
    good_report(tmp_path / "in" / "y.txt")
    (tmp_path / "in" / "notes.md").write_text("ignored", encoding="utf-8")
    out = tmp_path / "out"
    # every report read; a file of another type in the folder is named and gives status 4
    assert main(["extract", str(tmp_path / "in"), "-o", str(out), "-q"]) == 4
    assert "notes.md: not a report file type: .md" in capsys.readouterr().err
    assert sorted(os.listdir(out)) == ["sub", "y.json"] and os.listdir(out / "sub") == ["x.json"]
    out2 = tmp_path / "out2"
    assert main(["extract", str(tmp_path / "in" / "**" / "*.txt"), "-o", str(out2), "-q"]) == 0
    assert sorted(os.listdir(out2)) == ["sub", "y.json"] and os.listdir(out2 / "sub") == ["x.json"]


def test_same_stem_does_not_overwrite(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    good_report(tmp_path / "a" / "r.txt", 1)
    good_report(tmp_path / "b" / "r.txt", 2)
    out = tmp_path / "out"
    main(["extract", str(tmp_path / "a" / "r.txt"), str(tmp_path / "b" / "r.txt"), "-o", str(out), "-q"])
    names = sorted(os.listdir(out))
    assert len(names) == 2 and all(n.startswith("r.") and n.endswith(".json") for n in names)
    (tmp_path / "b" / "r.pdf").write_bytes((tmp_path / "b" / "r.txt").read_bytes())
    out2 = tmp_path / "out2"
    main(["extract", str(tmp_path / "b" / "r.txt"), str(tmp_path / "b" / "r.pdf"), "-o", str(out2), "-q"])
    assert sorted(os.listdir(out2)) == ["r.pdf.json", "r.txt.json"]


def test_stdout_prints_one_report(tmp_path, capsys):
    good = good_report(tmp_path / "g.txt")
    assert main(["extract", str(good), "--stdout"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["format"] == "2021"
    assert main(["extract", str(good), str(good_report(tmp_path / "h.txt")), "--stdout"]) == 2


def test_stdout_bad_input_exits_nonzero(tmp_path, capsys):
    (tmp_path / "e.txt").write_bytes(b"   \n")
    assert main(["extract", str(tmp_path / "e.txt"), "--stdout"]) == 1
    assert json.loads(capsys.readouterr().out)["errors"]


def test_gb18030_text_input(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes(report_text("2021", make_values("2021", seed=3)).encode("gb18030"))
    assert main(["extract", str(p), "-o", str(tmp_path / "out"), "-q"]) == 0


def test_console_script_and_usage(tmp_path):
    exe = shutil.which("nianbao", path=str(Path(sys.executable).parent))
    assert exe, "console script not installed"
    good = good_report(tmp_path / "g.txt")
    r = subprocess.run([exe, "extract", str(good), "-o", str(tmp_path / "o")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([exe, "frobnicate"], capture_output=True, text=True)
    assert r.returncode == 2 and "unknown command" in r.stderr
    r = subprocess.run([exe, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "extract" in r.stdout


def test_gbk_file_name_and_readable_outputs(tmp_path):
    name = "海原县2023年报.txt".encode("gbk")
    src = os.path.join(os.fsencode(tmp_path), name)
    with open(src, "wb") as f:
        f.write(report_text("2021", make_values("2021", seed=4)).encode("utf-8"))
    out = tmp_path / "out"
    assert main(["extract", os.fsdecode(src), "-o", str(out), "-q"]) == 0
    (written,) = list(out.iterdir())
    d = read(written)
    assert d["source"]["path"].endswith("海原县2023年报.txt")
    assert written.stat().st_mode & 0o044  # group/others may read what we write

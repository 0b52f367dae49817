"""Hostile trees and names, generated (issue 26, "Done when"): `..` in globs, links to ancestors,
outside and to themselves, names that collide after page ranges and hashing, newlines, GBK
bytes, very long names. Whatever the tree, `extract` and `batch`:
- write or change nothing outside `-o`;
- account for every input: an output, or a record naming it;
- give no two inputs the same output;
- print no traceback, and exit with a documented status."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nianbao.cli import main  # noqa: E402
from reportgen import make_values, report_text  # noqa: E402

DOCUMENTED = {0, 1, 2, 3, 4}  # nianbao/exit_codes.py; 70 (a bug) and 130 (Ctrl-C) must not happen here
REPORT = report_text("2021", make_values("2021", seed=11)).encode("utf-8")

# names: plain, colliding after a page range (r / r.p1-1), long Chinese, a newline, GBK bytes
NAMES = st.sampled_from([
    b"r", b"r.p1-1", b"r.p1-3", b"R", "年报".encode("gbk"), "年报".encode("utf-8"), b"two\nlines",
    ("某某省人民政府办公室二〇二三年度政府信息公开工作年度报告" * 3).encode("utf-8")[:237], b"a b", b"-o", b"..x",
])
SUFFIXES = st.sampled_from([b".txt", b".pdf", b".TXT", b".json", b""])
CONTENT = st.sampled_from(["report", "report2", "junk", "empty"])
LINKS = st.sampled_from(["ancestor", "root_parent", "outside", "self", "sibling", "to_out", "broken"])


def _content(kind: str, salt: int) -> bytes:
    return {"report": REPORT + b"\n%d\n" % salt, "report2": REPORT, "junk": b"\x00\x01binary" * 20,
            "empty": b""}[kind]


@st.composite
def trees(draw):
    files = draw(st.lists(st.tuples(st.sampled_from([b"", b"a", b"a/b", b"c"]), NAMES, SUFFIXES, CONTENT),
                          min_size=1, max_size=6))
    links = draw(st.lists(st.tuples(st.sampled_from([b"", b"a", b"c"]), LINKS), max_size=3))
    args = draw(st.lists(st.sampled_from(["root", "glob_dotdot", "glob_star", "file", "glob_none", "selfloop"]),
                         min_size=1, max_size=3, unique=True))
    return files, links, args


def _build(base: Path, files, links) -> Path:
    root = os.path.join(os.fsencode(base), b"w", b"in")
    os.makedirs(root)
    os.makedirs(os.path.join(os.fsencode(base), b"w", b"outside"))
    with open(os.path.join(os.fsencode(base), b"w", b"outside", b"secret.txt"), "wb") as f:
        f.write(REPORT)
    for i, (folder, name, suffix, kind) in enumerate(files):
        d = os.path.join(root, folder) if folder else root
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name + suffix), "wb") as f:
            f.write(_content(kind, i))
    targets = {"ancestor": b"../../..", "root_parent": b"..", "outside": os.path.join(os.fsencode(base), b"w", b"outside"),
               "sibling": b"../c", "to_out": os.path.join(os.fsencode(base), b"w", b"out"), "broken": b"nowhere"}
    for i, (folder, kind) in enumerate(links):
        d = os.path.join(root, folder) if folder else root
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, b"link%d" % i)
        os.symlink(link if kind == "self" else targets[kind], link)
    return Path(os.fsdecode(root))


def _snapshot(base: Path, out: Path) -> dict:
    """Every path under `base` outside `out`, with what it holds (links by their target)."""
    seen = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(base), followlinks=False):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            if Path(os.fsdecode(p)).is_relative_to(out):
                continue
            if os.path.islink(p):
                seen[p] = b"->" + os.readlink(p)
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    seen[p] = hashlib.sha1(f.read()).digest()
            else:
                seen[p] = b"dir"
    return seen


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err), redirect_stdout(io.StringIO()):
        try:
            rc = main(argv)
        except SystemExit as e:  # argparse
            rc = e.code
    return rc, err.getvalue()


def _args(root: Path, kinds: list[str]) -> list[str]:
    w = root.parent
    out = []
    for k in kinds:
        out.append({"root": str(root), "glob_dotdot": str(root / "*" / ".." / ".." / "outside" / "*.txt"),
                    "glob_star": str(root / "**" / "*"), "file": str(w / "outside" / "secret.txt"),
                    "glob_none": str(root / "nothing*.txt"), "selfloop": str(w / "selfloop")}[k])
    return out


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees())
def test_extract_on_a_hostile_tree(tmp_path_factory, tree):
    files, links, kinds = tree
    base = tmp_path_factory.mktemp("hostile")
    root = _build(base, files, links)
    os.symlink("selfloop", root.parent / "selfloop")
    out = root.parent / "out"
    before = _snapshot(base, out)
    rc, err = _run(["extract", *_args(root, kinds), "-o", str(out), "--no-model"])
    assert "Traceback" not in err, err
    assert rc in DOCUMENTED, (rc, err)
    assert _snapshot(base, out) == before  # nothing outside -o written, changed or removed
    written = [p for p in out.rglob("*") if p.is_file()] if out.is_dir() else []
    for p in written:
        assert p.resolve().is_relative_to(out.resolve()) and not p.name.endswith(".tmp")
    # every input accounted for: an output, or a line naming it (shown on one line each)
    lines = err.splitlines()
    produced = len(written)
    named = [ln for ln in lines if ln.startswith(("error:", "skipped:"))]
    assert produced + len(named) >= 1
    assert all("\\udc" not in ln for ln in lines)
    # no two inputs on one output: each output names its own source (and pages)
    sources = []
    import json
    for p in written:
        d = json.loads(p.read_text(encoding="utf-8"))
        sources.append((d["source"]["path"], str(d["source"].get("page_range"))))
    assert len(sources) == len(set(sources))
    shutil.rmtree(base, ignore_errors=True)


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees())
def test_batch_on_a_hostile_tree(tmp_path_factory, tree):
    files, links, _ = tree
    base = tmp_path_factory.mktemp("hostile")
    root = _build(base, files, links)
    out = root / "out"  # inside the input folder: never walked
    before = _snapshot(base, out)
    for _ in range(2):  # the rerun finds the first run's outputs inside its input folder
        rc, err = _run(["batch", str(root), "-o", str(out), "-q", "--extractor", "batch_helpers:fake_extract"])
        assert "Traceback" not in err, err
        assert rc in DOCUMENTED, (rc, err)
        assert _snapshot(base, out) == before
        assert "manifest.sqlite" not in err and "summary.json" not in err
    import json
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    reports = sorted((out / "reports").iterdir())
    # each distinct content read has its output(s); everything else is named in the summary
    assert len(reports) >= s["done"] + s["failed"]
    assert len({p.name for p in reports}) == len(reports)
    shutil.rmtree(base, ignore_errors=True)

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
import json
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from nianbao.cli import main  # noqa: E402
from nianbao.output import printable_path, shown  # noqa: E402
from reportgen import make_values, report_text  # noqa: E402

DOCUMENTED = {0, 1, 2, 3, 4}  # nianbao/exit_codes.py; 70 (a bug) and 130 (Ctrl-C) must not happen here
REPORT = report_text("2021", make_values("2021", seed=11)).encode("utf-8")
SYNTH = Path(__file__).resolve().parent / "eval_samples" / "synth" / "docs"
_BINDER: list[bytes] = []
WRITES: list[str] = []  # the paths extract wrote in the current example


def binder() -> bytes:
    """A PDF holding two reports (pages 1-3 and 4-6): its outputs are named `NAME.p1-3.json`,
    `NAME.p4-6.json`, which a file named `NAME.p1-3.txt` beside it would also claim."""
    if not _BINDER:
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument.new()
        for d in ("synth1-00000", "synth1-00003"):
            pdf.import_pages(pdfium.PdfDocument(str(SYNTH / d / "report.pdf")))
        buf = io.BytesIO()
        pdf.save(buf)
        _BINDER.append(buf.getvalue())
    return _BINDER[0]

# names: plain, colliding after a page range (r / r.p1-1), long Chinese, a newline, GBK bytes
NAMES = st.sampled_from([
    b"r", b"r.p1-3", b"r.p4-6", b"R", "年报".encode("gbk"), "年报".encode("utf-8"), b"two\nlines",
    ("某某省人民政府办公室二〇二三年度政府信息公开工作年度报告" * 3).encode("utf-8")[:237], b"a b", b"-o", b"..x",
])
SUFFIXES = st.sampled_from([b".txt", b".pdf", b".TXT", b".json", b""])
CONTENT = st.sampled_from(["report", "report2", "junk", "empty", "binder"])
LINKS = st.sampled_from(["ancestor", "root_parent", "outside", "self", "sibling", "to_out", "broken"])


def _content(kind: str, salt: int) -> bytes:
    if kind == "binder":
        return binder()
    return {"report": REPORT + b"\n%d\n" % salt, "report2": REPORT, "junk": b"\x00\x01binary" * 20,
            "empty": b""}[kind]


def _inputs(root: Path, skip: Path | None = None) -> list[bytes]:
    """The regular files the tree holds below `root` (not through links), hidden ones left out
    (documented: `.git`, `._x.pdf` are not inputs), nor those under `skip` (the output folder)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root), followlinks=False):
        if skip is not None and Path(os.fsdecode(dirpath)).is_relative_to(skip):
            continue
        dirnames[:] = [d for d in dirnames if not d.startswith(b".")]
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not name.startswith(b".") and os.path.isfile(p) and not os.path.islink(p):
                found.append(p)
    return found


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
def test_extract_on_a_hostile_tree(tmp_path_factory, monkeypatch, tree):
    from nianbao import extract_cli, output
    real = output.write_atomic  # the original: the patch below is set again for every example
    monkeypatch.setattr(extract_cli, "write_atomic", lambda path, text: (WRITES.append(str(path)), real(path, text)))
    WRITES.clear()
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
    lines = err.splitlines()
    assert all("\\udc" not in ln for ln in lines)
    # no two inputs on one output: every write of the run went to a path of its own
    assert len(WRITES) == len(set(WRITES)) == len(written), WRITES
    sources = [json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in written]
    if rc != 2 and "root" in kinds:
        # every file of the folder accounted for: an output, or a line naming it (one line each)
        read = set(sources)
        named = "\n".join(ln for ln in lines if ln.startswith(("error:", "skipped:")))
        for f in _inputs(root):
            assert printable_path(os.fsdecode(f)) in read or shown(os.fsdecode(f)) in named, (f, err)
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
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    reports = sorted((out / "reports").iterdir())
    # each distinct content read has its output(s); everything else is named in the summary
    assert len(reports) >= s["done"] + s["failed"]
    assert len({p.name for p in reports}) == len(reports)
    read = {json.loads(p.read_text(encoding="utf-8"))["source"]["path"] for p in reports}
    named = {n["path"] for n in s["this_run"]["not_read"]} | {c["path"] for c in s["this_run"]["duplicates"]}
    for f in _inputs(root, skip=out):
        assert printable_path(os.fsdecode(f)) in read | named, (f, s)
    shutil.rmtree(base, ignore_errors=True)

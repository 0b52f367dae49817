"""Memory (issue 26, item 6): the page rasters of a long scan are not all held in memory, and
`extract` stops an input that needs more than `--max-memory-mb`, as `batch` does, instead of
taking the machine down. The 500-page figure is a benchmark (eval/bench_page_memory.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nianbao.eval.bench_page_memory import blank_pdf  # a scanned-looking PDF: no text layer

pytest.importorskip("cv2")

PROBE = r"""
import sys
from pathlib import Path
from nianbao.document import Source
from nianbao.ocr.pdf import load_pdf

class Blank:  # an OCR engine that reads nothing: only the page handling is measured
    name = "blank"
    def recognize(self, grey):
        return []

def peak_kb():
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))

path = Path(sys.argv[1])
base = peak_kb()
doc = load_pdf(path, Source(path=str(path)), engine=Blank())
assert len(doc.pages) == int(sys.argv[2]) and all(p.image is not None for p in doc.pages)
assert doc.pages[0].image.grey.max() == 255 and doc.pages[-1].image.grey.shape == doc.pages[0].image.grey.shape
print((peak_kb() - base) // 1024)
"""


def growth_mb(path: Path, pages: int, budget_mb: int) -> int:
    env = {"NIANBAO_PAGE_MEMORY_MB": str(budget_mb), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", PROBE, str(path), str(pages)], capture_output=True, text=True,
                       timeout=600, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    return int(r.stdout.split()[-1])


def test_page_rasters_past_the_budget_are_not_held_in_memory(tmp_path):
    few = growth_mb(blank_pdf(tmp_path / "few.pdf", 6), 6, 16)
    many = growth_mb(blank_pdf(tmp_path / "many.pdf", 46), 46, 16)
    # 40 more pages of 3.9 MB each (A4 at 200 dpi): 155 MB more if all were held at once
    assert many - few < 50, (few, many)


def test_a_spilled_page_reads_back_exactly(monkeypatch):
    from nianbao.ocr import images
    monkeypatch.setattr(images, "PAGE_MEMORY_MB", 0)
    rng = np.random.default_rng(1)
    grey = (rng.random((900, 700)) * 255).astype(np.uint8)
    a, b = images.PageImage(grey.copy(), 2.0), images.PageImage(grey[::-1].copy(), 2.0)
    path = a._file
    assert path and Path(path).is_file() and a._raw is None
    assert np.array_equal(a.grey, grey) and np.array_equal(b.grey, grey[::-1]) and np.array_equal(a.grey, grey)
    del a
    import gc
    gc.collect()
    assert not Path(path).exists()  # a dropped page's file goes with it


def test_a_kept_page_copied_or_pickled_reads_its_own_pixels(monkeypatch):
    """The decoded-page cache is keyed by a page's serial, counted per process. A pickled page
    (eval.readers --cache keeps loaded Documents) came back with the serial of the process that
    made it, and met another report's page under the same serial: its grid was read from that
    page's pixels (a stamped scan of seed 2575: a 1 read as 22). A spilled page travels as its
    pixels, not as a path to a file its process removes."""
    import pickle

    from nianbao.ocr import images
    rng = np.random.default_rng(2)
    big = (images.KEEP_RAW_PIXELS // 700) + 10  # past KEEP_RAW_PIXELS: held PNG-compressed, decoded on demand
    mine = (rng.random((big, 700)) * 255).astype(np.uint8)
    theirs = (rng.random((big, 700)) * 255).astype(np.uint8)
    other = images.PageImage(theirs, 2.0)
    made_elsewhere = images.PageImage(mine, 2.0)
    made_elsewhere._serial = other._serial  # another process counted its pages from 0 too
    kept = pickle.dumps(made_elsewhere)
    _ = other.grey  # this process decoded its own page last
    assert np.array_equal(pickle.loads(kept).grey, mine)
    monkeypatch.setattr(images, "PAGE_MEMORY_MB", 0)
    spilled = images.PageImage(mine[:900].copy(), 2.0)
    assert spilled._file is not None
    copy = pickle.loads(pickle.dumps(spilled))
    path = spilled._file
    del spilled
    import gc
    gc.collect()
    assert not Path(path).exists() and np.array_equal(copy.grey, mine[:900])


GUARDED = r"""
import sys
from pathlib import Path
from nianbao import extract_cli
from nianbao.cli import main

def hog(path, **_options):  # an input that needs far more memory than it is given (a bomb)
    hold = []
    for _ in range(200):
        hold.append(bytearray(b"x" * (50 << 20)))
    return []

real = extract_cli.extract_all
extract_cli.extract_all = lambda p, **k: hog(p) if Path(p).name == "bomb.txt" else real(p, **k)
sys.exit(main(["extract", sys.argv[1], "-o", sys.argv[2], "--max-memory-mb", "300", "-q"]))
"""


def test_extract_stops_an_input_over_the_memory_limit(tmp_path):
    # in a process of its own, as `nianbao extract` runs: one thread, so the reading is forked
    from reportgen import make_values, report_text
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bomb.txt").write_text("x\n")
    (tmp_path / "in" / "ok.txt").write_text(report_text("2021", make_values("2021", seed=1)), encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", GUARDED, str(tmp_path / "in"), str(tmp_path / "o")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr[-2000:]
    bomb = json.loads((tmp_path / "o" / "bomb.json").read_text(encoding="utf-8"))
    assert bomb["errors"][0]["stage"] == "memory"
    assert json.loads((tmp_path / "o" / "ok.json").read_text(encoding="utf-8"))["format"] == "2021"

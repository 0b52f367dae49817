"""report.html opens in headless Chromium with every plot rendered."""
import base64
import io
import re
import shutil
import subprocess
import tempfile

import pytest

from eval_fixtures import gold, pred_from, write
from nianbao.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                "(Debian package 'chromium', listed in scripts/apt-packages.txt)")


def chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("html")
    for i, d in enumerate(("a", "b")):
        g = gold(d, seed=i)
        write(root / "gold" / f"{d}.gold.json", g)
        write(root / "preds" / f"{d}__rules.json", pred_from(g, f"{d}.txt", wrong=10 * i))
        write(root / "preds" / f"{d}__other.json", pred_from(g, f"{d}/layout.txt", wrong=30))
    assert main(["eval", "--gold", str(root / "gold"), "--preds", str(root / "preds"), "-o", str(root / "r"),
                 "-q"]) == 0
    return root / "r" / "report.html"


def test_plots_load_in_chromium(report):
    r = chromium("--dump-dom", report.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-plots-total="5"' in body and 'data-plots-loaded="5"' in body, body
    srcs = re.findall(r'<img class="plot"[^>]*src="data:image/png;base64,([^"]+)"', dom)
    assert len(srcs) == 5
    from PIL import Image
    for s in srcs:
        png = base64.b64decode(s)
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        im = Image.open(io.BytesIO(png))
        assert im.width > 200 and im.height > 150
    assert "Cell accuracy by input kind" in dom and "a__text" in dom


def test_screenshot_is_not_blank(report, tmp_path):
    shot = tmp_path / "shot.png"
    r = chromium(f"--screenshot={shot}", "--window-size=1200,2000", report.as_uri())
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    from PIL import Image
    im = Image.open(shot).convert("RGB")
    assert im.size == (1200, 2000)
    import numpy as np
    px = np.asarray(im.resize((300, 500)), dtype=np.int32).reshape(-1, 3)
    assert (px.sum(axis=1) < 700).mean() > 0.03
    assert len(np.unique(px, axis=0)) > 50  # bars in several colours, text and axes, not one flat fill


def test_headline_first_host_in_words_no_empty_tables(report):
    page = report.read_text(encoding="utf-8")
    assert 0 < page.index('id="headline"') < page.index('id="plots"') < page.index("<h2>")
    head = page[page.index('id="headline"'):page.index('id="plots"')]
    assert "cells right" in head and "variant <code>rules</code>" in head and "variant <code>other</code>" in head
    assert "non-zero cells right" in head  # beside all cells: most cells of a real report are 0
    assert "{'cpus'" not in page and "CPUs, load average" in page
    assert "<tbody></tbody>" not in page


def test_accuracy_axes_tell_99_from_100():
    from nianbao.eval.html_report import percent_axis
    lo, hi = percent_axis([0.99, 1.0, 0.995])
    assert 98 <= lo < 99 and 100 < hi < 100.5  # a 1-point gap spans most of the axis
    assert percent_axis([0.40, 1.0])[0] == 0.0  # wide ranges keep the zero
    assert percent_axis([None]) == (0.0, 105.0)

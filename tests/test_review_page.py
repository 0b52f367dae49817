"""The review page in headless Chromium: it loads without console errors and shows the
flagged cell; page images are capped in size; text inputs show their evidence lines."""
from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

import pdf_fixtures as F
from nianbao.cli import main
from nianbao.output import dumps, to_dict
from nianbao.pipeline import extract
from nianbao.review import render
from nianbao.review.page import review_report
from pdfgen import render_report
from reportgen import make_values

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(Debian package 'chromium', listed in scripts/apt-packages.txt)")
BROKEN_KEY = "requests.result.total.natural_person"


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ":CONSOLE" in ln]


@pytest.fixture(scope="module")
def flagged_report(tmp_path_factory) -> Path:
    """A generated PDF report whose 总计·自然人 cell is printed 5 too high, extracted for real."""
    tmp = tmp_path_factory.mktemp("review")
    values = make_values("2021", seed=3)
    values[BROKEN_KEY] += 5
    pdf = render_report(tmp / "report.pdf", "2021", values)
    doc = extract(pdf)
    assert doc.errors == [] and doc.flags
    out = tmp / "report.json"
    out.write_text(dumps(to_dict(doc)), encoding="utf-8")
    return out


def test_page_structure(flagged_report, tmp_path):
    page = review_report(flagged_report, tmp_path / "p.html")
    html = page.read_text(encoding="utf-8")
    data = json.loads(flagged_report.read_text(encoding="utf-8"))
    assert "http://" not in html and "https://" not in html  # self-contained
    assert html.count('<img alt="page') == data["source"]["pages"]
    assert re.search(r'<td class="[^"]*flagged[^"]*" data-key="%s"' % re.escape(BROKEN_KEY), html)
    for f in data["flags"]:
        assert f["message"] in html
    # every value read from the page has a box on the page image, and the broken cell's box is flagged
    assert re.search(r'<div class="[^"]*box[^"]*flagged[^"]*" data-key="%s"' % re.escape(BROKEN_KEY), html)
    boxes = re.findall(r'class="([^"]*\bbox\b[^"]*)" data-key="([^"]+)"', html)
    assert len(boxes) >= 150
    # boxes from the output's own bbox ("exact") or found on the text layer ("token") are tight
    tight = [k for cls, k in boxes if "token" in cls.split() or "exact" in cls.split()]
    assert len(tight) >= 0.9 * len([1 for cls, k in boxes if not k.startswith("metrics.")])


@needs_chromium
def test_page_loads_in_chromium_and_shows_the_flagged_cell(flagged_report, tmp_path):
    page = review_report(flagged_report, tmp_path / "p.html")
    r = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    assert console_messages(r.stderr) == []
    dom = r.stdout
    assert 'data-ready="1"' in dom  # the page's script ran to its end
    assert int(re.search(r'data-flagged-cells="(\d+)"', dom).group(1)) >= 1
    # the script selected the first flagged cell and filled the evidence panel with it
    ev = re.search(r'<div id="evidence" data-key="([^"]+)">(.*?)</div>\s*<h2>', dom, re.S)
    assert ev, "evidence panel not filled"
    key, panel = ev.groups()
    td = re.search(r'<td class="([^"]*)" data-key="%s"' % re.escape(key), dom).group(1).split()
    assert "flagged" in td and "sel" in td
    # the flags name the cell printed wrong, so it is the one selected; the panel shows the flag
    # message and the line of text the cell was read from
    assert key == BROKEN_KEY
    assert "⚑" in panel and re.search(r'<pre class="ctx">\S', panel)


@needs_chromium
def test_console_error_detection_works(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    r = chromium(tmp_path, "--dump-dom", bad.as_uri())
    assert any("undefinedFunction" in m for m in console_messages(r.stderr))


@needs_chromium
def test_screenshot(flagged_report, tmp_path):
    page = review_report(flagged_report, tmp_path / "p.html")
    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    assert r.returncode == 0 and shot.stat().st_size > 20_000


def png_size(b64: str) -> tuple[int, int]:
    raw = base64.b64decode(b64)
    return struct.unpack(">II", raw[16:24])


def test_page_images_are_capped(tmp_path):
    giant = render.render_pages(str(F.giant_page_pdf(tmp_path / "giant.pdf")))
    w, h = png_size(giant[0]["png"])
    assert w * h <= render.MAX_RENDER_PIXELS
    bomb = render.render_pages(str(F.bomb_pdf(tmp_path / "bomb.pdf", side=9000)))
    assert bomb[0]["png"] is None and "81,000,000 pixels" in bomb[0]["note"]


def test_broken_pdf_source_still_gives_a_page(flagged_report, tmp_path):
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n garbage")
    page = review_report(flagged_report, tmp_path / "p.html", source=str(junk))
    html = page.read_text(encoding="utf-8")
    assert "PdfiumError" in html and 'data-key="%s"' % BROKEN_KEY in html


def test_text_report_shows_evidence_lines(tmp_path):
    seeds = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("needs ../shared/seeds")
    src = tmp_path / "seed.txt"
    shutil.copyfile(seeds[0], src)
    doc = extract(src)
    report = tmp_path / "seed.json"
    report.write_text(dumps(to_dict(doc)), encoding="utf-8")
    assert main(["review", str(report)]) == 0
    html = report.with_suffix(".html").read_text(encoding="utf-8")
    payload = json.loads(re.search(r'<script type="application/json" id="review-data">(.*?)</script>', html,
                                   re.S).group(1).replace("<\\/", "</"))
    lines = src.read_text(encoding="utf-8").split("\n")
    with_line = [it for it in payload["items"].values() if it.get("line") and it.get("value") is not None]
    assert with_line
    for it in with_line:
        assert it["evidence_line"] == lines[it["line"] - 1]
        assert [it["line"], lines[it["line"] - 1]] in it["context"]


def test_batch_index(tmp_path):
    from nianbao.batch import Options, run_batch
    folder = tmp_path / "in"
    folder.mkdir()
    values = make_values("2021", seed=8)
    values[BROKEN_KEY] += 1
    render_report(folder / "a.pdf", "2021", values)
    (folder / "b.pdf").write_bytes(b"<html>not found</html>")
    run_batch(folder, tmp_path / "out", Options(workers=1, progress=False))
    assert main(["review", str(tmp_path / "out")]) == 0
    index = (tmp_path / "out" / "review" / "index.html").read_text(encoding="utf-8")
    assert "not_pdf" in index and "1 done, 1 failed" in index
    link = re.search(r'<a href="([^"]+\.html)">a\.pdf</a>', index).group(1)
    assert 'flagged' in (tmp_path / "out" / "review" / link).read_text(encoding="utf-8")

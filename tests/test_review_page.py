"""The review page in headless Chromium: it loads without console errors and shows the
flagged cell; page images are capped in size; text inputs show their evidence lines."""
from __future__ import annotations

import base64
import json
from html import unescape as html_unescape
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
    # the cell the flags suggest repairing is marked, not the whole columns its identities cover
    suggested = re.findall(r'<td class="suggested cell[^"]*" data-key="([^"]+)"', html)
    assert suggested == [BROKEN_KEY]
    broken = re.findall(r'<td class="broken cell[^"]*" data-key="([^"]+)"', html)
    assert len(broken) >= 5 and BROKEN_KEY not in broken
    assert re.findall(r'<td class="verified cell', html) and re.findall(r'<td class="unchecked cell', html)
    # messages and names in Chinese: no dotted key left in what a person reads
    for msg in re.findall(r'<div class="msg">(.*?)</div>', html):
        assert not re.search(r"(requests|active|appeals)\.[a-z_]+\.", msg), msg
    assert "办理结果各项之和等于总计" in html and "全年主动公开政府信息总数" in html
    assert '<th class="rowh" title="metrics.proactive_total">' in html
    # every value read from the page has a box on the page image, and the suggested cell's box is marked
    assert re.search(r'<div class="[^"]*box[^"]*suggested[^"]*" data-key="%s"' % re.escape(BROKEN_KEY), html)
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
    counts = {s: int(re.search(r'data-%s-cells="(\d+)"' % s, dom).group(1))
              for s in ("suggested", "broken", "verified", "unchecked")}
    assert counts["suggested"] == 1 and counts["broken"] >= 5 and counts["verified"] > 50 and counts["unchecked"] >= 1
    colours = json.loads(html_unescape(re.search(r'data-state-colours="([^"]+)"', dom).group(1)))
    assert len(set(colours.values())) == 4, colours  # four states, four colours
    assert colours["broken"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")  # digits stay readable
    # the script selected the suggested cell and filled the evidence panel with it
    ev = re.search(r'<div id="evidence" data-key="([^"]+)">(.*?)</div>\s*<h2>', dom, re.S)
    assert ev, "evidence panel not filled"
    key, panel = ev.groups()
    td = re.search(r'<td class="([^"]*)" data-key="%s"' % re.escape(key), dom).group(1).split()
    assert key == BROKEN_KEY and "suggested" in td and "sel" in td
    assert "⚑" in panel and "requests." not in panel.replace(key, "")
    assert "page 2" in panel and "建议值 suggested: 43" in panel


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
    # the source text is shown beside the tables, every line addressable
    shown = re.findall(r'<div id="L(\d+)"><span class="n">\d+</span>', html)
    assert len(shown) == len(lines) and '<div id="source">' in html


@needs_chromium
def test_text_report_highlights_the_line_of_the_selected_cell(tmp_path):
    seeds = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("needs ../shared/seeds")
    src = tmp_path / "seed.txt"
    shutil.copyfile(seeds[0], src)  # 红寺堡 2023: one duplicate-request cell suggested
    report = tmp_path / "seed.json"
    report.write_text(dumps(to_dict(extract(src))), encoding="utf-8")
    page = review_report(report)
    r = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert console_messages(r.stderr) == []
    key = re.search(r'<div id="evidence" data-key="([^"]+)"', r.stdout).group(1)
    line = json.loads(report.read_text(encoding="utf-8"))["fields"][key]["line"]
    assert re.search(r'<div id="L%d" class="hl">' % line, r.stdout)


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
    assert 'class="suggested cell' in (tmp_path / "out" / "review" / link).read_text(encoding="utf-8")
    assert "<td>测试市人民政府办公室</td><td>2023</td>" in index


def test_batch_index_tells_same_named_inputs_apart_and_review_reports_progress(tmp_path, capsys):
    from batch_helpers import seed_copies
    from nianbao.batch import Options, run_batch
    if not seed_copies.__globals__["SEEDS"]:
        pytest.skip("needs ../shared/seeds")
    for i, sub in enumerate("abcd"):
        (src,) = seed_copies(tmp_path / "tmp" / sub, 1, marker=sub)
        (tmp_path / "in" / sub).mkdir(parents=True)
        src.rename(tmp_path / "in" / sub / "scan.pdf")
    run_batch(tmp_path / "in", tmp_path / "out", Options(workers=1, progress=False,
                                                         extractor="batch_helpers:fake_extract"))
    capsys.readouterr()
    assert main(["review", str(tmp_path / "out"), "--no-images"]) == 0
    err = capsys.readouterr().err
    assert "[1/4]" in err and "[4/4]" in err and "wrote " in err and "index.html" in err
    index = (tmp_path / "out" / "review" / "index.html").read_text(encoding="utf-8")
    for sub in "abcd":
        assert f">{sub}/scan.pdf</a>" in index
    assert index.count("<td>测试县人民政府办公室</td><td>2023</td>") == 4

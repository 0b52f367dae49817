"""`make demo` shows the main job: the bundled scan (made by scripts/make_demo_scan.py) and the
bundled text report, each extracted to JSON and shown on a review page, with the paths printed."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCAN = REPO / "examples" / "demo-scan-2022.pdf"


def test_the_bundled_scan_is_an_image_only_pdf_the_script_makes(tmp_path):
    import pypdfium2 as pdfium
    assert SCAN.stat().st_size < 600_000
    pdf = pdfium.PdfDocument(str(SCAN))
    assert len(pdf) >= 3 and all(not pdf[i].get_textpage().get_text_range().strip() for i in range(len(pdf)))
    again = tmp_path / "again.pdf"
    r = subprocess.run([sys.executable, str(REPO / "scripts" / "make_demo_scan.py"), str(again)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert again.read_bytes() == SCAN.read_bytes()  # the committed file is what the script makes


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
def test_demo_extracts_both_examples_and_writes_review_pages(tmp_path):
    out = tmp_path / "demo"
    r = subprocess.run(["make", "-s", "demo-run", f"DEMO_OUT={out}"], cwd=REPO, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    for name in ("yunxi-2023", "demo-scan-2022"):
        assert f"{out}/{name}.json" in r.stdout and f"{out}/{name}.html" in r.stdout
        assert (out / f"{name}.html").is_file()
    scan = json.loads((out / "demo-scan-2022.json").read_text(encoding="utf-8"))
    assert scan["source"]["kind"] == "scanned_pdf" and scan["errors"] == [] and scan["format"] == "2021"
    assert scan["agency"] == "云溪县人民政府办公室" and scan["flags"]
    page = (out / "demo-scan-2022.html").read_text(encoding="utf-8")
    assert page.count('<img alt="page') == scan["source"]["pages"]
    assert re.search(r'class="(suggested|broken) cell', page)

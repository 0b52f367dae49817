"""Positions before identities (issue 24 item 7): a web page printed to PDF by a browser whose
appeals row falls on the next page, below no header. The PDF gives every cell's position; the
row's blank cells were nevertheless placed by the row identities (two 行政诉讼 cells swapped)."""
import re
import shutil
import subprocess

import pytest

from nianbao.pipeline import extract
from readers_fixtures import content, html_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/apt-packages.txt)")
def test_an_appeals_row_on_the_next_page_is_read_by_position(tmp_path):
    c = content("t19", "2019", seed=3)
    gold = c.gold()["fields"]
    appeals = {k: v for k, v in gold.items() if k.startswith("appeals.")}
    assert 0 < sum(1 for v in appeals.values() if v == 0) < 15  # blank zero cells among numbers
    page = html_page(c, "portal").decode("utf-8")
    # the table's last row (the 15 appeals cells) printed on a page of its own
    i = page.rfind("<tr>", 0, page.rfind("</table>"))
    page = page[:i] + '<tr style="break-before:page">' + page[i + 4:]
    html = tmp_path / "page.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}", html.as_uri()],
                   capture_output=True, timeout=120, check=True)
    doc = extract(pdf)
    assert doc.source.kind == "digital_pdf"
    got = {k: doc.fields[k].value for k in appeals}
    assert got == appeals
    assert not any("identit" in (doc.fields[k].reason or "") for k in appeals)
    assert re.search(r"\d", "".join(doc.fields[k].text for k in appeals))

"""`python -m nianbao.eval.real_forms` (issue 24, done-when bullet 1): every form of a real gold
report — its page, the page printed to PDF, that PDF's text dump — made and read right."""
import json
import shutil

import pytest

from conftest import SHARED
from nianbao.eval import real_forms

REAL = SHARED / "real"


def _smallest_page():
    pages = [p for p in REAL.glob("*.html") if p.with_name(p.stem + ".gold.json").is_file()] if REAL.is_dir() else []
    return min(pages, key=lambda p: p.stat().st_size) if pages else None


@pytest.mark.skipif(real_forms.chromium() is None or shutil.which("pdftotext") is None,
                    reason="chromium or pdftotext is not installed (scripts/apt-packages.txt)")
def test_the_smallest_real_page_reads_right_as_page_printed_pdf_and_layout_dump(tmp_path):
    page = _smallest_page()
    if page is None:
        pytest.skip(f"no real page with gold at {REAL}")
    gold = page.with_name(page.stem + ".gold.json")
    out, res = tmp_path / "forms", tmp_path / "res"
    assert real_forms.main([str(gold), "-o", str(out), "--forms", "page,printed_pdf,layout",
                            "--res", str(res), "--json", str(tmp_path / "rows.json")]) == 0
    for form, ext in (("page", ".html"), ("printed_pdf", ".pdf"), ("layout", ".txt")):
        assert (out / form / (page.stem + ext)).is_file()
        # the layout of shared/tools/score.py: <doc>__<variant>.json
        assert (res / "scored" / f"{page.stem}__{form}.json").is_file()
    assert (out / "gold" / gold.name).is_file()
    rows = {r["form"]: r for r in json.loads((tmp_path / "rows.json").read_text(encoding="utf-8"))}
    assert rows["page"]["kind"] == "html" and rows["printed_pdf"]["kind"] == "digital_pdf"
    for form in ("page", "printed_pdf"):
        right, total = rows[form]["cells"]
        assert total > 100 and right == total, rows[form]["wrong"]
    # a text dump may leave cells unread, never confidently wrong
    assert all(r["silent"] == 0 for r in rows.values()), rows


def test_a_render_is_a_scan_with_no_text_layer(tmp_path):
    """The render forms stand for a clean scan: the page's pixels only, at the page's size."""
    import pypdfium2 as pdfium

    from pdf_fixtures import text_pdf

    src = text_pdf(tmp_path / "src.pdf", ["收到申请数 12 件"])
    scan = real_forms.render_scan(src, tmp_path / "scan.pdf", 150)
    a, b = pdfium.PdfDocument(str(src)), pdfium.PdfDocument(str(scan))
    try:
        assert len(b) == len(a) == 1
        assert b[0].get_textpage().get_text_range().strip() == ""
        assert a[0].get_textpage().get_text_range().strip() != ""
        assert all(abs(x - y) < 1 for x, y in zip(a[0].get_size(), b[0].get_size()))
    finally:
        a.close()
        b.close()


def test_forms_of_a_pdf_source_are_its_original_dumps_and_renders(tmp_path):
    """A gold whose source is a PDF gives `original` and the forms made of a PDF, no page forms."""
    from pdf_fixtures import text_pdf

    text_pdf(tmp_path / "r.pdf", ["收到申请数 12 件"])
    (tmp_path / "r.gold.json").write_text(json.dumps({"doc": "r", "fields": {}}), encoding="utf-8")
    made = real_forms.make_forms(tmp_path / "r.gold.json", tmp_path / "out", ("page", "original", "pdfium_text", "render150"))
    assert set(made) == {"original", "pdfium_text", "render150"}
    assert "12" in made["pdfium_text"].read_text(encoding="utf-8")


def test_the_scraped_forms_run_a_rows_cells_together():
    """`scraped` joins a row's cells with nothing (a blank cell leaves nothing); `scraped_nbsp`,
    as the 平潭 portal's scraper, keeps a blank cell's &nbsp; as a space."""
    page = ("<html><body><p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>13</td><td></td><td>524</td></tr>"
            "<tr><td>规范性文件</td><td>6</td><td>&nbsp;</td><td>60</td></tr></table></body></html>")
    assert "规章13524\n规范性文件660" in real_forms.scraped(page)
    assert "规章13524规范性文件6 60" in real_forms.scraped_nbsp(page, "p")


SEEDS = SHARED / "seeds"


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs ../shared/seeds")
def test_a_seed_kept_as_text_gets_a_page_that_prints_its_gold(tmp_path):
    """A seed has no published page: one is made of its prose and its gold's tables (eval/seed_page.py),
    and the web-page forms of it are made; the page reads every cell of the gold."""
    from nianbao.cli import main

    gold = next(g for g in sorted(SEEDS.glob("*.gold.json"))
                if json.loads(g.read_text(encoding="utf-8"))["format"] == "2019")
    stem = gold.name.split(".")[0]
    made = real_forms.make_forms(gold, tmp_path / "out", ("page", "scraped", "scraped_nbsp"))
    assert set(made) == {"page", "scraped", "scraped_nbsp"}
    html = made["page"].read_text(encoding="utf-8")
    assert "<table" in html and "总体情况" in html  # the tables, and the seed's own prose
    assert "+1196" in html  # a rise printed with its plus, as the seed's text prints it
    assert main(["extract", str(made["page"]), "-o", str(tmp_path / "res"), "-q"]) == 0
    got = json.loads((tmp_path / "res" / f"{stem}.json").read_text(encoding="utf-8"))["fields"]
    want = json.loads(gold.read_text(encoding="utf-8"))["fields"]
    assert {k: got[k]["value"] for k in want} == want


@pytest.mark.skipif(real_forms.chromium() is None or shutil.which("pdftotext") is None or not SEEDS.is_dir(),
                    reason="needs chromium, pdftotext and ../shared/seeds")
def test_a_requests_table_printed_off_the_paper_is_not_read_as_blank_zeros(tmp_path):
    """A web page whose requests table is wider than the paper prints its row labels and loses
    its columns (header and numbers). Before, every requests cell was 'blank cell read as 0' at
    0.9: 7 of them wrong with no flag (seed 003, 8 requests received). Now they are null."""
    from nianbao.cli import main
    from nianbao.eval import seed_page
    from nianbao.eval.score import score_cells

    gold_path = next(g for g in sorted(SEEDS.glob("*.gold.json"))
                     if json.loads(g.read_text(encoding="utf-8"))["format"] == "2019")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    html = seed_page.page(gold_path.with_name(gold_path.name.split(".")[0] + ".txt").read_text(encoding="utf-8"), gold)
    tables = html.split("<table")
    tables[2] = tables[2].replace("width:100%", "width:640%", 1)  # the requests table, six pages wide
    page = tmp_path / "wide.html"
    page.write_text("<table".join(tables), encoding="utf-8")
    pdf = real_forms.print_pdf(page, tmp_path / "wide.pdf")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wide.txt").write_text(real_forms.text_dump(pdf, "layout"), encoding="utf-8")
    assert main(["extract", str(tmp_path / "in"), str(pdf), "-o", str(tmp_path / "out"), "-q"]) == 0
    for out in (tmp_path / "out").glob("*.json"):
        got = json.loads(out.read_text(encoding="utf-8"))
        assert score_cells(gold, got)["silent_errors"] == 0, out.name
        assert got["fields"]["requests.new_received.natural_person"]["value"] is None, out.name
        assert any("not on the page" in w for w in got["warnings"]), out.name

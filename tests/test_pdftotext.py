"""pdftotext -layout / -raw output of a PDF we generate, and the PDF's own text layer."""
import shutil
import subprocess

import pytest

from nianbao.pipeline import extract, extract_text
from pdfgen import render_report
from reportgen import make_values

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (Debian poppler-utils) is not installed; run `make setup`")


def pdftotext(pdf, mode):
    return subprocess.run(["pdftotext", mode, "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def wrong(doc, values):
    return {k: (v, doc.value(k)) for k, v in values.items() if doc.value(k) != v}


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("mode", ["-layout", "-raw"])
def test_pdftotext_output_of_generated_pdf(tmp_path, fmt, mode):
    values = make_values(fmt, seed=21, big=True)
    pdf = render_report(tmp_path / "r.pdf", fmt, values, year=2023 if fmt == "2021" else 2020)
    text = pdftotext(pdf, mode)
    assert "\f" in text  # the tables ran over a page break
    doc = extract_text(text)
    assert doc.format == fmt
    assert wrong(doc, values) == {}
    assert doc.metrics["website_items"].value == 679
    assert doc.flags == []


def test_pdftotext_layout_with_blank_cells(tmp_path):
    values = make_values("2021", seed=22)
    pdf = render_report(tmp_path / "r.pdf", "2021", values, blank_zero=True)
    doc = extract_text(pdftotext(pdf, "-layout"))
    assert wrong(doc, {k: v for k, v in values.items() if k.startswith("requests.")}) == {}


def test_digital_pdf_text_layer(tmp_path):
    values = make_values("2021", seed=23)
    pdf = render_report(tmp_path / "r.pdf", "2021", values)
    doc = extract(pdf)
    assert doc.errors == []
    assert doc.source.kind == "digital_pdf" and doc.source.pages >= 2
    assert wrong(doc, values) == {}
    assert all(doc.fields[k].page for k in values)


def test_digital_pdf_blank_cells_placed_under_their_column_labels(tmp_path):
    # zeros printed as blank cells and no row printing all seven columns: the character boxes of
    # the column labels (自然人 … 总计) say which column each number sits in
    fails = 0
    for seed in range(4):
        values = make_values("2021", seed=200 + seed)
        pdf = render_report(tmp_path / f"r{seed}.pdf", "2021", values, blank_zero=True, aligned_header=True)
        doc = extract(pdf)
        fails += len(wrong(doc, {k: v for k, v in values.items() if k.startswith("requests.")}))
    assert fails == 0

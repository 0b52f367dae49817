"""Digital PDFs: characters with boxes from the text layer, grouped into layout lines."""
from pathlib import Path

import pytest

pytest.importorskip("reportlab")

from ocr_fixtures import report_2021  # noqa: F401  (fixture)

from nianbao.document import Source
from nianbao.ingest import InputError, load
from nianbao.ocr.layout import build_lines
from nianbao.document import Token
from nianbao.ocr.pdf import load_pdf


@pytest.fixture(scope="module")
def digital(tmp_path_factory, report_2021):
    data, gold = report_2021
    path = tmp_path_factory.mktemp("pdf") / "r.pdf"
    path.write_bytes(data)
    return load_pdf(path, Source(path=str(path))), gold


def test_digital_pdf_uses_text_layer_with_char_boxes(digital):
    doc, _ = digital
    assert doc.source.kind == "digital_pdf"
    assert all(p.source == "text_layer" for p in doc.pages)
    lines = doc.lines()
    assert lines[0].text == "某某市人民政府办公室政府信息公开工作年度报告"
    for ln in lines:
        assert len(ln.tokens) == len(ln.text)
        for t in ln.tokens:
            x0, y0, x1, y1 = t.bbox
            assert 0 <= x0 < x1 <= doc.pages[0].width and 0 <= y0 < y1 <= doc.pages[0].height
    # origin top-left: the title sits near the top of page 1, in points
    assert lines[0].bbox[1] < 120
    numbers = [ln.number for ln in lines]
    assert numbers == list(range(1, len(lines) + 1))


def test_table_row_is_one_layout_line(digital):
    doc, gold = digital
    texts = [ln.text for ln in doc.lines()]
    row = next(t for t in texts if t.startswith("规章"))
    assert row.split() == ["规章"] + [str(gold[f"active.rules.{c}"]) for c in ("issued", "repealed", "in_force")]
    new = next(t for t in texts if t.startswith("一、本年新收"))
    cols = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")
    assert new.split()[1:] == [str(gold[f"requests.new_received.{c}"]) for c in cols]


def test_reading_order_and_char_boxes_follow_the_page(digital):
    doc, _ = digital
    page = doc.pages[0]
    tops = [ln.bbox[1] for ln in page.lines]
    assert tops == sorted(tops)
    for ln in page.lines:
        xs = [t.bbox[0] for t in ln.tokens]
        assert xs == sorted(xs)


def test_line_builder_spaces_from_gaps():
    # three cells on one row, a second row below; tokens given out of order
    def tok(ch, x, y, w=10.0, h=10.0):
        return Token(ch, (x, y, x + w, y + h))
    toks = [tok("5", 200, 101), tok("甲", 10, 100), tok("乙", 20, 100), tok("1", 120, 100), tok("2", 126, 100, w=6),
            tok("丙", 10, 130)]
    lines = build_lines(toks, page=1)
    assert [ln.text for ln in lines] == ["甲乙  12  5", "丙"]
    assert all(len(ln.tokens) == len(ln.text) for ln in lines)
    assert lines[0].tokens[2].text == " " and lines[0].tokens[2].bbox[0] == 30


def test_ingest_routes_pdf_here(tmp_path, report_2021):
    path = tmp_path / "x.pdf"
    path.write_bytes(report_2021[0])
    doc = load(path)
    assert doc.source.kind == "digital_pdf" and doc.source.pages == len(doc.pages) >= 2


def test_broken_pdf_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(InputError, match="unreadable PDF"):
        load_pdf(path, Source(path=str(path)))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_page_boxes_sit_on_the_displayed_glyphs(tmp_path, rotation):
    """With /Rotate, pdfium's char boxes are in the unrotated space; ours must match the rendered page."""
    import io

    import numpy as np
    import pypdfium2 as pdfium

    from nianbao.eval.ocr_pages import report_pdf

    data, _ = report_pdf(seed=13, prose=False, tables=("active",))
    pdf = pdfium.PdfDocument(data)
    pdf[0].set_rotation(rotation)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    path = tmp_path / "rot.pdf"
    path.write_bytes(buf.getvalue())
    doc = load_pdf(path, Source(path=str(path)))
    page = doc.pages[0]
    grey, s = page.image.grey, page.image.scale
    assert abs(grey.shape[1] / s - page.width) < 2 and abs(grey.shape[0] / s - page.height) < 2
    toks = [t for ln in page.lines for t in ln.tokens if not t.text.isspace()]
    inked = 0
    for t in toks:
        x0, y0, x1, y1 = (int(t.bbox[0] * s), int(t.bbox[1] * s), int(t.bbox[2] * s) + 1, int(t.bbox[3] * s) + 1)
        inked += bool((grey[y0:y1, x0:x1] < 128).any())
    assert inked >= 0.98 * len(toks)


def test_ocr_command_prints_lines_with_their_boxes(capsys):
    import re
    from pathlib import Path

    from nianbao.cli import main
    pdf = Path(__file__).resolve().parent / "eval_samples" / "synth" / "docs" / "synth1-00000" / "report.pdf"
    assert main(["ocr", str(pdf)]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = [ln for ln in out if not ln.startswith(("#", "==="))]
    assert lines and out[0].startswith("# per line: x0 y0 x1 y1")
    for ln in lines:
        m = re.match(r"^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s\s(.*)$", ln)
        assert m, ln
        x0, y0, x1, y1 = map(float, m.groups()[:4])
        assert x0 < x1 and y0 < y1 and x1 <= 600 and y1 <= 850
    assert any("政府信息公开工作年度报告" in ln for ln in lines)

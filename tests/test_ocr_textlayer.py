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

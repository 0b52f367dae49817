"""Crop re-reads must not invent numbers (issue 24 item 6): on a stamped, photographed page
printed 0s became 161010, 10101016 and 10 — seal strokes and table rules read as digits. A
"lost digit" needs ink where the digit would be: marks as tall as the page's digits, on the
printed number's line; and a re-read does not beat a page reading the identities accept."""
import cv2
import numpy as np

from nianbao import schema
from nianbao.document import Cell, Document, Line, Page, Source, Token
from nianbao.ocr.apply import page_readings_accepted
from nianbao.ocr.assemble_grid import _take_reread
from nianbao.ocr.digits import digit_slots
from nianbao.ocr.images import PageImage
from reportgen import make_values

SCALE = 2.0  # pixels per point
CELL = (10.0, 10.0, 90.0, 40.0)  # a table cell, points


def _cell_image(printed: str, seal: bool = False, rule: bool = False) -> PageImage:
    """A cell with `printed` in a 10-point font, optionally under seal strokes (a ring much taller
    than a digit, and thin arcs) and with a table rule's remnant inside its edge."""
    img = np.full((120, 220), 255, np.uint8)
    cv2.putText(img, printed, (60, 66), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 0, 2)
    if seal:
        cv2.circle(img, (152, 50), 34, 90, 2)  # beside the digits, not through them
        cv2.ellipse(img, (140, 60), (9, 3), 0, 0, 180, 90, 1)
    if rule:
        cv2.line(img, (172, 24), (172, 78), 0, 2)
    return PageImage(img, SCALE)


def _digit_box(img: PageImage) -> tuple[float, float]:
    """Top and bottom (points) of the printed digits, as the page OCR's token gives them."""
    ys = np.where((img.grey[:, 55:100] < 128).any(axis=1))[0]
    return ys.min() / SCALE, (ys.max() + 1) / SCALE


def test_seal_strokes_and_rules_are_no_room_for_digits():
    for printed in ("0", "10", "305"):
        plain = _cell_image(printed)
        band = _digit_box(plain)
        h = band[1] - band[0]
        assert digit_slots(plain, CELL, h, band) == len(printed)
        stamped = _cell_image(printed, seal=True, rule=True)
        assert digit_slots(stamped, CELL, h, band) == len(printed), printed


def test_a_reread_with_more_digits_than_ink_is_not_taken():
    cell = Cell(value=0, text="0", confidence=0.99, page=1, bbox=CELL)
    _take_reread("active.rules.made", cell, "161010", 0.93, "2019", glyphs=4, slots=1)
    assert cell.value == 0 and cell.confidence <= 0.85 and "161010" in cell.reason
    blank = Cell(value=0, text="", confidence=0.9, page=1, bbox=CELL, blank=True)
    _take_reread("active.rules.made", blank, "10", 0.95, "2019", slots=1)
    assert blank.value == 0 and blank.confidence <= 0.85
    lost = Cell(value=5, text="5", confidence=0.99, page=1, bbox=CELL)  # 50 printed, the 0 lost
    _take_reread("active.rules.made", lost, "50", 0.95, "2019", glyphs=2, slots=2)
    assert lost.value == 50


def test_a_reread_does_not_beat_a_page_reading_the_identities_accept():
    v = make_values("2021", seed=41)
    doc = Document(source=Source(path="s.pdf", kind="scanned_pdf"), format="2021", pages=[Page(number=1, source="ocr")])
    doc.fields = {k: Cell(value=x, text=str(x), confidence=0.99, page=1) for k, x in v.items()}
    key = next(k for k in schema.field_keys("2021") if k.startswith("requests.result.") and v[k] == 0
               and v[k.rsplit(".", 1)[0] + ".total"])
    doc.fields[key] = Cell(value=1011, text="1011", confidence=0.85, page=1,
                           reason="re-read on a tight crop: 1011 (page OCR read '0': a digit lost)", alternatives=[0])
    page = {key: (0, "0", False)}  # the page OCR read a 0 there
    assert page_readings_accepted(doc, page) == [key]
    assert doc.fields[key].value == 0 and 1011 in doc.fields[key].alternatives
    assert "identities hold" in doc.fields[key].reason and doc.fields[key].confidence <= 0.85
    # a blank the page OCR saw is no reading to restore: it may be a digit it lost
    doc.fields[key] = Cell(value=1, text="1", confidence=0.9, page=1, reason="read from a tight crop")
    assert page_readings_accepted(doc, {key: (0, "", True)}) == []
    # a re-read the identities need stays
    other = next(k for k in schema.field_keys("2021") if k.startswith("requests.result.") and v[k] > 0)
    doc.fields[other] = Cell(value=v[other], text=str(v[other]), confidence=0.85, page=1)
    assert page_readings_accepted(doc, {other: (v[other] + 7, str(v[other] + 7), False)}) == []
    assert doc.fields[other].value == v[other]


def test_a_slash_is_not_a_1():
    """Zeros printed as / (a zero mark) read as 1 by the page OCR and again by a crop re-read."""
    from nianbao.ocr.digits import leans_like_slash
    img = np.full((120, 220), 255, np.uint8)
    cv2.line(img, (100, 70), (112, 40), 0, 2)  # /
    assert leans_like_slash(PageImage(img, SCALE), CELL)
    one = np.full((120, 220), 255, np.uint8)
    cv2.putText(one, "1", (95, 68), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    assert not leans_like_slash(PageImage(one, SCALE), CELL)


class _SevenReader:
    """A crop reader that sees one tall stroke as 7, as rapidocr does for a slash."""
    def read_crops(self, crops):
        return [("7", 0.95, []) for _ in crops]


def test_a_slash_the_page_read_as_a_slash_is_not_re_read_into_a_digit():
    """A worn scan's zero marks (seed 2474): the page OCR read '/', the crop re-read, seeing one
    tall mark, called it 7 — 'a digit lost' at 0.85. Read as / and leaning like one, it stays 0."""
    from nianbao.ocr.assemble_grid import _reread_doubtful
    img = np.full((120, 220), 255, np.uint8)
    cv2.line(img, (100, 70), (112, 40), 0, 2)  # /
    page = Page(number=1, source="ocr")
    page.image = PageImage(img, SCALE)
    doc = Document(source=Source(path="s.pdf", kind="scanned_pdf"), format="2021", pages=[page])
    key = "requests.result.unable.not_held.research"
    cells = {key: Cell(value=0, text="/", confidence=0.9, page=1, bbox=CELL, blank=True, reason="dash read as 0")}
    _reread_doubtful(doc, cells, "2021", _SevenReader())
    assert cells[key].value == 0 and cells[key].blank


def _signed_cell(minus: bool, speck: bool = False, long: bool = False) -> PageImage:
    img = np.full((120, 220), 255, np.uint8)
    cv2.putText(img, "69", (90, 66), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 0, 2)
    if minus:  # thin and grey, as a worn copy prints it; a font's long minus is wider than a digit is tall
        cv2.line(img, (64 if long else 74, 56), (84, 56), 120, 2)
    if speck:  # paper noise left of the digits: no bar
        cv2.circle(img, (80, 50), 1, 90, -1)
    return PageImage(img, SCALE)


def test_a_thin_minus_the_page_ocr_dropped_makes_a_change_negative():
    """本年增/减 printed -69 on a worn copy, read 69 (seed 2474): the bar left of the digits decides."""
    from nianbao.ocr.assemble_grid import _thin_minus
    key = "active.penalty.change"
    for minus, speck, long in ((True, False, False), (False, False, False), (False, True, False), (True, False, True)):
        page = Page(number=1, source="ocr")
        page.image = _signed_cell(minus, speck, long)
        cells = {key: Cell(value=69, text="69", confidence=0.95, page=1, bbox=CELL),
                 "active.penalty.prev_items": Cell(value=69, text="69", confidence=0.95, page=1, bbox=CELL)}
        _thin_minus(cells, {1: page}, "2019")
        assert cells[key].value == (-69 if minus else 69)
        assert cells["active.penalty.prev_items"].value == 69  # not a signed column
        if minus:
            assert cells[key].confidence <= 0.85 and cells[key].alternatives[0] == 69


def test_a_lone_1_in_a_report_of_zero_marks_is_not_sure():
    """seed 2474: a / under 行政诉讼 总计 read as 1 at 0.999, its lean missed; the report prints its
    other zeros as /. Among zero marks a lone 1 claims at most 0.85; elsewhere it stands."""
    from nianbao.ocr.assemble_grid import _ones_among_zero_marks
    page = Page(number=1, source="ocr")
    for marks in (True, False):
        one = Cell(value=1, text="1", confidence=0.999, page=1, bbox=CELL)
        ten = Cell(value=10, text="10", confidence=0.999, page=1, bbox=CELL)
        mark = Cell(value=0, text="/" if marks else "0", confidence=0.9, page=1, bbox=CELL, blank=marks)
        _ones_among_zero_marks({"appeals.suit_direct.total": one, "appeals.review.total": ten,
                                "appeals.review.upheld": mark}, {1: page})
        assert one.confidence == (0.85 if marks else 0.999) and ten.confidence == 0.999
        if marks:
            assert 0 in one.alternatives and "zeros as /" in one.reason


def test_a_slash_read_as_7_among_zero_marks_is_a_zero_mark_and_a_7_stays():
    """seed 2474: the OCR read /s as 7 (5 cells of 14 worn scans). In a report that prints zero
    marks a lone 7 that leans like / and has no bar across its top is one; a printed 7 stays."""
    from nianbao.ocr.assemble_grid import _ones_among_zero_marks
    for printed, want in (("/", 0), ("7", 7)):
        img = np.full((120, 220), 255, np.uint8)
        if printed == "/":
            cv2.line(img, (100, 70), (112, 40), 0, 2)
        else:
            cv2.putText(img, "7", (95, 68), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
        page = Page(number=1, source="ocr")
        page.image = PageImage(img, SCALE)
        seven = Cell(value=7, text="7", confidence=0.8, page=1, bbox=CELL)
        mark = Cell(value=0, text="/", confidence=0.9, page=1, bbox=(100.0, 10.0, 140.0, 40.0), blank=True)
        _ones_among_zero_marks({"appeals.review.other": seven, "appeals.review.upheld": mark}, {1: page})
        assert seven.value == want
        if want == 0:
            assert seven.alternatives[0] == 7 and seven.confidence <= 0.85

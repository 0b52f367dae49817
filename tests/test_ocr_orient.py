"""Orientation of scanned pages: text direction from ink alone (no OCR), on generated pages."""
import numpy as np
import pytest

pytest.importorskip("reportlab")
pytest.importorskip("cv2")

from nianbao.eval.ocr_pages import report_pdf, scan
from nianbao.ocr.engine import OcrLine
from nianbao.ocr.orient import is_sideways, reading_confidence


@pytest.fixture(scope="module")
def pages():
    data, _ = report_pdf(seed=31, tables=("active", "appeals"))
    return [np.asarray(scan(data, 0, dpi=150)), np.asarray(scan(data, 0, dpi=200, degrade=True, seed=3))]


@pytest.mark.parametrize("which", [0, 1])
def test_upright_and_upside_down_pages_are_not_sideways(pages, which):
    page = pages[which]
    assert not is_sideways(page)
    assert not is_sideways(np.ascontiguousarray(page[::-1, ::-1]))


@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("k", [1, 3])
def test_pages_turned_a_quarter_are_sideways(pages, which, k):
    assert is_sideways(np.ascontiguousarray(np.rot90(pages[which], k)))


def test_blank_page_is_left_alone():
    assert not is_sideways(np.full((1200, 900), 250, dtype=np.uint8))


def test_reading_confidence_weights_by_characters_and_skips_lone_marks():
    lines = [OcrLine("一二三四", 1.0, (0, 0, 80, 20), []), OcrLine("ab", 0.5, (0, 0, 40, 20), []),
             OcrLine("7", 0.1, (0, 0, 20, 20), []), OcrLine("竖排文字", 0.99, (0, 0, 20, 80), [])]
    conf, n = reading_confidence(lines)  # the vertical line (rapidocr reads it turned) does not count
    assert n == 6 and conf == pytest.approx((4 * 1.0 + 2 * 0.5) / 6)
    assert reading_confidence([]) == (0.0, 0)


class _MarkedEngine:
    """Reads a page by a mark in its top-left corner: upright (the mark there) it gives `up`, turned
    it gives `down` — the readings of a sparse table page either way up."""

    def __init__(self, up, down):
        self.up, self.down, self.calls = up, down, 0

    def recognize(self, grey):
        self.calls += 1
        return self.up if grey[0, 0] == 0 else self.down


def _sparse_page():
    page = np.full((400, 300), 255, dtype=np.uint8)
    page[0, 0] = 0
    return page


def _lines(texts, conf):
    return [OcrLine(t, conf, (0, 40 * i, 20 * len(t), 40 * i + 20), []) for i, t in enumerate(texts)]


def test_a_sparse_page_upside_down_is_turned_although_its_digits_read_fairly_well():
    """A continued table with a few rows, photographed upside down (a phone capture of seed 2475):
    upside-down digits still read as digits, 0.84 on 16 characters — above the 0.8 that made
    a page doubtful — and its rows went in reversed. Turned, it read 77 characters at 0.99."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    up = _lines(["61", "26", "吴期见类", "0161", "2613"], 0.84)  # 16 characters
    down = _lines(["四、结转下年度继续办理", "19", "2", "1", "26", "（七）总计", "160", "12", "179"], 0.99)
    page = _sparse_page()
    eng = _MarkedEngine(up, down)
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation == 180 and eng.calls == 2


def test_a_sparse_page_of_symmetric_digits_is_not_turned_on_confidence_alone():
    """0, 1 and 8 read the same either way up: a turned reading of as many characters, a little
    more confident, is no reason to turn a page."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    up = _lines(["10", "81", "0100"], 0.86)
    down = _lines(["0010", "18", "01"], 0.95)
    page = _sparse_page()
    _, image = ocr_page(_MarkedEngine(up, down), page, 72, 1, straight=Straightened(page))
    assert image.rotation == 0


# the requests page of a capture turned 180°, as it reads turned upright
_TURNED_REQUESTS = ["5.要求行政机关确认或重新出具", "已获取信息", "（六）其他处理", "（七）总计", "45", "54",
                    "四、结转下年度继续办理", "四、政府信息公开行政复议、行政诉讼情况"]


def _read_sparse(up, down):
    """A sparse page read as `up`, and as `down` once turned: (rotation chosen, OCR passes)."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    page = _sparse_page()
    eng = _MarkedEngine(up, down)
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    return image.rotation, eng.calls


def test_a_sparse_page_whose_upside_down_labels_vanished_is_turned_on_the_text_it_reads_turned():
    """A phone capture of seed 2492, page 3 of five all turned 180°: its upside-down hanzi fell
    below the engine's score floor, so it read as lone digits (9, 54, 2, 1, 45 …) at 0.948 on
    the 4 characters in lines of two or more — within 0.05 of its turned reading, 0.988 on 67
    characters — and its requests rows were never found. Twice the text at no lower confidence
    turns it."""
    up = _lines(["9", "9", "54", "2", "1", "9", "45", "4"], 0.948)
    assert _read_sparse(up, _lines(_TURNED_REQUESTS, 0.988)) == (180, 2)


def test_a_sparse_page_of_lone_marks_is_read_upside_down_however_sure_its_digits_read():
    """The same page read a little more surely (0.97, above the 0.95 that makes a sparse page
    doubtful): seven of its nine lines are lone characters, what an upside-down page leaves."""
    up = _lines(["9", "9", "54", "2", "1", "9", "45", "4", "6"], 0.97)
    down = _lines(_TURNED_REQUESTS, 0.988)
    assert _read_sparse(up, down) == (180, 2)
    # an upright sparse page reading as sure, its labels read, is not read twice
    assert _read_sparse(_lines(["（六）其他处理", "45", "（七）总计", "54"], 0.97), down) == (0, 1)


def test_a_page_that_read_nothing_is_read_upside_down_too():
    """A stamped scan of seed 2494: a page holding one section heading, upside down, read
    nothing at all; turned, the heading reads at 1.0."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    page = _sparse_page()
    eng = _MarkedEngine([], _lines(["三、收到和处理政府信息公开申请情况"], 1.0))
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation == 180 and eng.calls == 2


def test_more_text_read_turned_but_less_surely_does_not_turn_a_page():
    """Upright text turned 180° can read as more characters of noise, but never more surely."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    up = _lines(["行政复议", "结果维持", "12", "30"], 0.93)
    down = _lines(["一二三四五六七八九十"] * 6, 0.90)
    page = _sparse_page()
    _, image = ocr_page(_MarkedEngine(up, down), page, 72, 1, straight=Straightened(page))
    assert image.rotation == 0


def _one_row_table(cells=15, sideways=True):
    """A page with one ruled table row of `cells` cells (25 × 33 px at 72 dpi), drawn sideways
    (the row running down the page) or upright."""
    page = np.full((600, 400), 255, dtype=np.uint8)
    y0, x0 = 50, 100
    for k in range(cells + 1):
        page[y0 + 33 * k: y0 + 33 * k + 2, x0:x0 + 27] = 0  # the cell borders across the strip
    page[y0:y0 + 33 * cells + 2, x0:x0 + 2] = 0
    page[y0:y0 + 33 * cells + 2, x0 + 25:x0 + 27] = 0
    return page if sideways else np.ascontiguousarray(np.rot90(page))


class _ShapeEngine:
    """Reads a tall page as the sideways table's digits one per line, a wide one as its row."""

    def __init__(self):
        self.calls = 0

    def recognize(self, grey):
        self.calls += 1
        if grey.shape[0] > grey.shape[1]:
            return _lines(["3", "55", "8", "1", "第", "54", "页", "2", "61", "9"], 0.97)
        return [OcrLine("35  1  5  7  48  13  -  4  2  19", 0.98, (50, 100, 380, 125), [])]


def test_a_sparse_page_whose_ruled_lines_run_down_it_is_read_turned():
    """A phone capture of seed 2484: the appeals row continued alone on a page photographed
    sideways. The ink test needs text lines; its digits read one per line at 0.97, above every
    doubt, and the row's 15 values went to the text path as lines. A table is printed wider
    than tall: rules running down a sparse page turn it."""
    from nianbao.ocr.page_ocr import Straightened, _rules_run_down, ocr_page
    page = _one_row_table()
    assert _rules_run_down(page, 1.0) and not _rules_run_down(_one_row_table(sideways=False), 1.0)
    eng = _ShapeEngine()
    lines, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation in (90, 270) and eng.calls == 3
    assert [ln.text.replace(" ", "") for ln in lines] == ["351574813-4219"]  # one row, not ten lines


def test_an_upright_sparse_table_page_is_not_turned():
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    page = _one_row_table(sideways=False)
    eng = _ShapeEngine()
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation == 0 and eng.calls == 1


class _CornerEngine:
    """Reads a page by where its corner mark ended up: top-left (as given), top-right (turned
    90° clockwise), bottom-right (180°), bottom-left (270°)."""

    def __init__(self, readings: dict):
        self.readings, self.turns = readings, []

    def recognize(self, grey):
        h, w = grey.shape
        turn = {(0, 0): 0, (0, w - 1): 90, (h - 1, w - 1): 180, (h - 1, 0): 270}[
            next((y, x) for y, x in ((0, 0), (0, w - 1), (h - 1, w - 1), (h - 1, 0)) if grey[y, x] == 0)]
        self.turns.append(turn)
        return self.readings.get(turn, [])


def _tall(texts, conf):
    """Lines that run top to bottom (rapidocr reads such crops turned; they count for no reading)."""
    return [OcrLine(t, conf, (40 * i, 0, 40 * i + 20, 20 * len(t)), []) for i, t in enumerate(texts)]


def test_a_sideways_page_whose_upside_down_reading_is_doubtful_asks_the_quarter_turns():
    """stamped scan evals31 2565/57: the requests table's second page lying sideways, tilted 8°.
    The ink test missed it; its lines read top to bottom, none across; turned 180° it read two
    characters at 0.54, which cleared the bar, and the quarter turns were never tried — the
    table's 53 cells were lost. Turned 90° it reads 192 characters at 0.98."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    rows = ["1.信访举报投诉类申请 无 无 无 无 无 无 无", "2.重复申请 无 无 无 无 无 无 无",
            "（七）总计 14 2 无 1 无 1 18", "四、结转下年度继续办理 4 无 无 无 无 无 4"]
    eng = _CornerEngine({0: _tall(["结四", "果、"], 0.9), 180: _lines(["结果", "箭"], 0.54),
                         90: _lines(rows, 0.98), 270: _lines(["电h", "乔准护换"], 0.62)})
    page = _sparse_page()
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation == 90
    # a page upside down that reads surely turned is not asked further
    eng = _CornerEngine({0: _tall(["结四"], 0.9), 180: _lines(rows, 0.97), 90: _lines(rows * 3, 0.99)})
    _, image = ocr_page(eng, page, 72, 1, straight=Straightened(page))
    assert image.rotation == 180 and eng.turns == [0, 180]


def test_a_doubtful_upside_down_reading_is_kept_over_a_quarter_turn_reading_little_more():
    """A table turned a quarter reads its dashes and ones as confident lines too: over an
    upside-down reading that won, a quarter turn needs twice the text, 20 characters more."""
    from nianbao.ocr.page_ocr import Straightened, ocr_page
    eng = _CornerEngine({0: _tall(["三、收到"], 0.9), 180: _lines(["三、收到和处理政府信息公开申请情况"], 0.7),
                         90: _lines(["一一一一", "一一一一一一", "一一"], 0.99)})
    _, image = ocr_page(eng, _sparse_page(), 72, 1, straight=Straightened(_sparse_page()))
    assert image.rotation == 180

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

"""A CTC recogniser merges two alike digits side by side unless it sees the gap between them; a
blurred phone photo closes the gap (seed 2473: a printed 2222 read as 222 at 0.9999 in a cell no
identity checks — a silent error). A confident reading with repeated digits whose ink is wider
than the digits read claims at most 0.85, the longer reading among its alternatives; a reading
whose ink fits it, or without repeated digits, keeps its confidence."""
import cv2
import numpy as np

from nianbao.document import Cell, Line, Page, Token
from nianbao.ocr.assemble_grid import LOST_DIGIT_CONF, _merged_repeats
from nianbao.ocr.images import PageImage

SCALE = 2.0
CELL = (10.0, 10.0, 90.0, 40.0)


def _page(printed: str) -> tuple[Page, tuple]:
    img = np.full((120, 220), 255, np.uint8)
    cv2.putText(img, printed, (40, 66), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 0, 2)
    ys = np.where((img < 128).any(axis=1))[0]
    xs = np.where((img < 128).any(axis=0))[0]
    # the token box the page OCR gives: the ink with a little margin
    box = (xs.min() / SCALE - 3, ys.min() / SCALE - 3, (xs.max() + 1) / SCALE + 3, (ys.max() + 1) / SCALE + 3)
    page = Page(number=1, source="ocr", image=PageImage(img, SCALE))
    return page, box


def _read(printed: str, read: str, conf: float = 0.9999) -> Cell:
    page, box = _page(printed)
    page.lines = [Line(number=1, text=read, tokens=[Token(read, box, conf)])]
    cell = Cell(value=int(read), text=read, confidence=conf, page=1, bbox=CELL)
    _merged_repeats({"active.licensing.decisions": cell}, {1: page})
    return cell


def test_a_merged_repeated_digit_is_not_claimed_certain():
    cell = _read("2222", "222")
    assert cell.confidence == LOST_DIGIT_CONF
    assert 2222 in cell.alternatives and "alike digits" in cell.reason
    assert cell.value == 222  # the reading stays: the ink is a doubt, not a value
    cell = _read("1100", "100")  # 11 merged; the 00 left is what is suspected
    assert cell.confidence == LOST_DIGIT_CONF and {1000, 1100} <= set(cell.alternatives)


def test_readings_the_ink_fits_keep_their_confidence():
    for printed in ("222", "100", "3057"):
        cell = _read(printed, printed)
        assert cell.confidence == 0.9999 and not cell.alternatives, printed
    # no repeated digit left in the reading: a width estimate alone never lowers it (the
    # estimate has a digit's slack); such a merge (1100 read as 110) is not caught here
    cell = _read("3057", "357")
    assert cell.confidence == 0.9999

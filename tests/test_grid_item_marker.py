"""A short row label with one OCR slip is still its row when its item marker and its place agree
(ocr/assemble_grid.match_row; a worn scan of seed 2474 read （一）予以公开 as (一)予以公升 and lost
the row's 7 cells: the 4-character phrase 予以公开 matches only exactly)."""
import pytest

from nianbao import schema
from nianbao.ocr.assemble_grid import match_row, norm


@pytest.mark.parametrize("fmt", ["2019", "2021"])
@pytest.mark.parametrize("printed, row_id", [
    ("(一)予以公升", "result.disclosed"),
    ("三、本年度办理结果(一)予以公升", "result.disclosed"),  # the group caption in the label cell
    ("（二）部分公升", "result.partially_disclosed"),
])
def test_a_slipped_short_label_is_found_by_its_marker_and_place(fmt, printed, row_id):
    rows = schema.rows("requests", fmt)
    after = [r.id for r in rows].index("carried_over")
    i = match_row(norm(printed), rows, set(), after)
    assert i is not None and rows[i].id == row_id


@pytest.mark.parametrize("printed", [
    "(一)行政复议",   # the marker fits, the words are not the row's
    "(一)",          # a marker alone says nothing of the row
    "予以公升",        # no marker: one slip in four characters is too little to go on
])
def test_the_marker_does_not_guess(printed):
    rows = schema.rows("requests", "2021")
    after = [r.id for r in rows].index("carried_over")
    assert match_row(norm(printed), rows, set(), after) is None


def test_only_the_next_row_with_that_marker():
    """(二) once 部分公开 is read: the next (二) in print order is another group's row, whose
    words these are not — no guessing further down the table."""
    rows = schema.rows("requests", "2021")
    used = {"result.disclosed", "result.partially_disclosed"}
    after = [r.id for r in rows].index("result.partially_disclosed")
    assert match_row(norm("(二)部分公升"), rows, used, after) is None

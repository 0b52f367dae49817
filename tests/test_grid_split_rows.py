"""A table row split in two by a rule that crosses only part of the table: on a printed page
rendered at 150 dpi the doubled border of a group label cell (三、本年度办理结果) ended a few
points below the （七）总计 row's top rule, so the grid cut that row in two and every cell of the
row spans both grid rows. Its numbers were kept; its blank zero cells (spanning two rows, like a
header cell) were dropped and left to the text path, which placed the row's numbers in them."""
import importlib

import pytest

pytest.importorskip("reportlab")
pytest.importorskip("cv2")

from nianbao.document import Source
from nianbao.eval.ocr_pages import report_pdf
from nianbao.ocr.grid import Grid, GridCell, find_grids
from nianbao.ocr.pdf import load_pdf

# the module (nianbao.ocr's `assemble_grid` names its function)
ag = importlib.import_module("nianbao.ocr.assemble_grid")
TOTAL = "requests.result.total."


def _split_row(g: Grid, r: int) -> Grid:
    """`g` with grid row r cut in two by a rule through column 0 only: the cell of column 0
    covering row r ends at the cut, every other cell of the row spans both halves."""
    cut = (g.ys[r] + g.ys[r + 1]) / 2
    cells = []
    for c in g.cells:
        c2 = GridCell(c.row + (c.row > r), c.col, c.rowspan, c.colspan, c.bbox, c.tokens)
        if c.row <= r < c.row + c.rowspan:
            if c.col == 0:
                c2.rowspan = r - c.row + 1
                c2.bbox = (c.bbox[0], c.bbox[1], c.bbox[2], cut)
                if r + 1 < c.row + c.rowspan:
                    cells.append(GridCell(r + 2, 0, c.row + c.rowspan - r - 1, 1,
                                          (c.bbox[0], g.ys[r + 1], c.bbox[2], c.bbox[3])))
                cells.append(GridCell(r + 1, 0, 1, 1, (c.bbox[0], cut, c.bbox[2], g.ys[r + 1])))
            else:
                c2.rowspan += 1
        cells.append(c2)
    return Grid(g.page, g.bbox, g.ys[:r + 1] + [cut] + g.ys[r + 1:], g.xs, cells)


def test_blank_cells_of_a_row_split_by_a_partial_rule_are_read_as_its_cells(tmp_path, monkeypatch):
    data, gold = report_pdf(fmt="2019", seed=11)
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    doc = load_pdf(path, Source(path=str(path)))
    page = next(p for p in doc.pages if any("总计" in ln.text and "七" in ln.text for ln in p.lines))
    grids = find_grids(page.image, [t for ln in page.lines for t in ln.tokens], page.number)
    req = next(g for g in grids if ag.table_kind(g) == "requests")
    row = next(c.row for c in req.cells if "总计" in c.text and "七" in c.text)
    split = _split_row(req, row)
    blanked = []
    for c in split.cells:  # two of the row's cells print nothing (zeros left blank)
        if c.row == row and c.col > 2 and len(blanked) < 2 and ag.number_text(c.text) is not None:
            c._text = ""
            blanked.append(c)
    assert len(blanked) == 2 and all(c.rowspan == 2 for c in blanked)
    real = ag.find_grids
    monkeypatch.setattr(ag, "find_grids", lambda image, tokens, number: [
        split if g.bbox == req.bbox else g for g in real(image, tokens, number)])
    cells = ag.assemble_grid(doc, fmt="2019")
    got = {k[len(TOTAL):]: (c.value, c.blank, c.bbox) for k, c in cells.items() if k.startswith(TOTAL)}
    zeros = {k for k, (v, blank, box) in got.items() if blank}
    assert len(zeros) == 2 and all(got[k][0] == 0 for k in zeros), got
    assert {got[k][2] for k in zeros} == {tuple(round(v, 2) for v in c.bbox) for c in blanked}
    assert all(cells[TOTAL + k].value == gold[TOTAL + k] for k in got if k not in zeros)


def test_an_appeals_row_continued_below_no_header_with_every_cell_blank_reads_15_zeros():
    """The continued appeals row with nothing to report (every cell a blank zero) has no number
    to start from: it is read as the format's 15 columns all the same (an all-blank row once
    stopped the whole grid stage: StopIteration)."""
    cells = [GridCell(0, k, 1, 1, (50.0 + 30 * k, 60.0, 80.0 + 30 * k, 80.0)) for k in range(15)]
    for c in cells:
        c._text = ""
    g = Grid(2, (50.0, 60.0, 500.0, 80.0), [60.0, 80.0], [50.0 + 30 * k for k in range(16)], cells)
    out = {}
    ag._read_table(g, "appeals", "2019", 2, out, ag._State(), set(), all_data=True)
    assert sorted(out) == sorted(f"appeals.{r}.{c}" for r in ag.APPEAL_ROWS for c in ag.APPEAL_COLS)
    assert all(c.value == 0 and c.blank and c.page == 2 for c in out.values())


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_an_appeals_row_under_its_header_whose_review_cells_are_blank_reads_them(tmp_path, monkeypatch, fmt):
    """The appeals table has no label column: a row whose 行政复议 cells are blank zeros starts
    its numbers in column 5, and taken as where the numbers start, the five cells left of it
    were read as the row's label and never as cells (a stamped scan of seed 2461 left all five
    unread; the text path could not tell which of 15 cells were blank)."""
    data, gold = report_pdf(fmt=fmt, seed=12, tables=("appeals",))
    path = tmp_path / "r.pdf"
    path.write_bytes(data)
    doc = load_pdf(path, Source(path=str(path)))
    page = doc.pages[0]
    grids = [g for g in find_grids(page.image, [t for ln in page.lines for t in ln.tokens], page.number)
             if ag.table_kind(g) == "appeals"]
    assert len(grids) == 1 and grids[0].n_cols == 15
    last = grids[0].n_rows - 1
    for c in grids[0].cells:  # 行政复议: nothing this year, left blank
        if c.row == last and c.col < 5:
            c._text = ""
    monkeypatch.setattr(ag, "find_grids", lambda image, tokens, number: grids if number == page.number else [])
    cells = ag.assemble_grid(doc, fmt=fmt)
    want = {k: (0 if k.startswith("appeals.review.") else v) for k, v in gold.items()}
    assert {k: cells[k].value for k in want if k in cells} == want
    assert all(cells[f"appeals.review.{c}"].blank for c in ag.APPEAL_COLS)

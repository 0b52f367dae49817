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


def _continued_requests_grid(header: bool) -> Grid:
    """A requests table continued on the next page (10 columns: group, item, label, 7
    applicants), with its header repeated or not: its first two rows print only blanks, then
    （七）总计 with numbers."""
    heads = [("(本列数据的勾稽关系为：第一项加第二项之和)", "", "", ["自然人", "商业企业", "科研机构", "社会公益组织",
                                                      "法律服务机构", "其他", "总计"])] if header else []
    rows = heads + [("", "", "4.无正当理由大量反复申请", [""] * 7),
                    ("", "", "5.要求行政机关确认或重新出具已获取信息", [""] * 7),
                    ("", "(七)总计", "", ["117", "15", "2", "1", "4", "15", "154"])]
    return _requests_grid(rows)


def _requests_grid(rows) -> Grid:
    """A ruled grid of requests rows (group, item, label, 7 applicant cells), 30 × 20 pt cells."""
    cells = []
    for r, (group, item, label, nums) in enumerate(rows):
        for k, text in enumerate([group, item, label, *nums]):
            c = GridCell(r, k, 1, 1, (50.0 + 30 * k, 60.0 + 20 * r, 80.0 + 30 * k, 80.0 + 20 * r))
            c._text = text
            cells.append(c)
    return Grid(3, (50.0, 60.0, 350.0, 60.0 + 20 * len(rows)), [60.0 + 20 * r for r in range(len(rows) + 1)],
                [50.0 + 30 * k for k in range(11)], cells)


@pytest.mark.parametrize("header", [False, True])
def test_rows_of_a_continued_requests_table_above_its_first_number_are_read(header):
    """Above the first number read, a row of blank cells whose label names a row of the table is
    a row of values, not a header (a continued page's first rows may print only blanks, or
    digits the page OCR lost — phone photos of seed 2473 lost 1s so). They were left to the
    text path, which read them as 0 with no box, so the crop re-read never looked at them."""
    st = ag._State()
    st.kind, st.ncols = "requests", 10
    st.colmap = {3 + i: c for i, c in enumerate(ag.REQ_COLS)}
    out = {}
    ag._read_table(_continued_requests_grid(header), "requests", "2021", 3, out, st, set())
    for row in ("not_processed.excessive", "not_processed.confirm_reissue"):
        got = {c: out.get(f"requests.result.{row}.{c}") for c in ag.REQ_COLS}
        assert all(v is not None and v.value == 0 and v.blank and v.bbox for v in got.values()), row
    assert out["requests.result.total.total"].value == 154
    assert len(out) == 3 * 7  # the header row is no row of values


def test_a_continued_page_whose_first_applicant_column_is_mostly_blank_keeps_the_known_columns():
    """Where the numbers start is voted by the rows' first numbers; on a short continued page
    whose 自然人 column is blank in most rows the vote fell on 商业企业, and 自然人 was read as
    the rows' label (a phone photo of seed 2473: its printed values were lost to the text path).
    The columns of the table it continues are known."""
    rows = [("", "", "5.要求行政机关确认或重新出具已获取信息", ["", "0", "0", "0", "0", "0", "0"]),
            ("", "(六)其他处理", "1.申请人无正当理由逾期不补正", ["", "0", "0", "0", "0", "0", "0"]),
            ("", "(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用", ["", "0", "0", "0", "0", "0", "0"]),
            ("", "(六)其他处理", "3.其他", ["", "1", "0", "0", "0", "0", "1"]),
            ("", "(七)总计", "", ["102", "22", "1", "0", "0", "7", "132"]),
            ("四、结转下年度继续办理", "", "", ["9", "2", "0", "0", "0", "0", "11"])]
    g = _requests_grid(rows)
    st = ag._State()
    st.kind, st.ncols = "requests", 10
    st.colmap, st.colmap_ncols = {3 + i: c for i, c in enumerate(ag.REQ_COLS)}, 10
    out = {}
    ag._read_table(g, "requests", "2021", 3, out, st, set())
    for row in ("not_processed.confirm_reissue", "other.overdue_correction", "other.overdue_fee", "other.other"):
        cell = out.get(f"requests.result.{row}.natural_person")
        assert cell is not None and cell.value == 0 and cell.blank and cell.bbox, row
        assert out[f"requests.result.{row}.enterprise"].value == (1 if row == "other.other" else 0)
    assert out["requests.carried_forward.natural_person"].value == 9

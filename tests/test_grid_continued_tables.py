"""Tables continued on the next page read by position in their grid (issue 24 done-when 3,
items 7 and 8: positions before identities). On the scans of seeds 2482–2486 these pages were
left to the text path, which placed their blanks by position among OCR'd lines or by the token
model: a continued requests page whose grid lost a label-column rule (9 or 8 columns for the
first page's 10), an active page starting below no header with blank leading cells, an active
page whose rows printed only blanks, a requests page whose one row left 自然人 blank, and the
last active row alone at the top of a page in a table 19.8 pt tall."""
import importlib

import numpy as np
import pytest

pytest.importorskip("cv2")

from nianbao.ocr.grid import Grid, GridCell, find_grids
from nianbao.ocr.images import PageImage

ag = importlib.import_module("nianbao.ocr.assemble_grid")


def _grid(rows: list[list[tuple[str, int]]], page: int = 3) -> Grid:
    """A ruled grid from rows of (text, colspan) cells, 30 × 20 pt each."""
    n_cols = sum(span for _, span in rows[0])
    cells = []
    for r, row in enumerate(rows):
        k = 0
        for text, span in row:
            c = GridCell(r, k, 1, span, (50.0 + 30 * k, 60.0 + 20 * r, 50.0 + 30 * (k + span), 80.0 + 20 * r))
            c._text = text
            cells.append(c)
            k += span
        assert k == n_cols
    return Grid(page, (50.0, 60.0, 50.0 + 30 * n_cols, 60.0 + 20 * len(rows)),
                [60.0 + 20 * r for r in range(len(rows) + 1)], [50.0 + 30 * k for k in range(n_cols + 1)], cells)


def _after_requests_page() -> "ag._State":
    """The state after the requests table's first page: 10 columns, applicants in columns 3–9."""
    st = ag._State()
    st.kind, st.ncols = "requests", 10
    st.colmap, st.colmap_ncols = {3 + i: c for i, c in enumerate(ag.REQ_COLS)}, 10
    return st


def _active_page_after(ncols: int = 4) -> "ag._State":
    """The state after the active table's first page (4 columns)."""
    st = ag._State()
    st.kind, st.ncols = "active", ncols
    return st


def _read_active(g, fmt: str, page: int) -> dict:
    """The cells `g` gives read as a page continuing the active table."""
    out = {}
    ag._read_table(g, "active", fmt, page, out, _active_page_after(), set())
    return out


def test_a_continued_requests_page_with_one_label_column_less_is_read_by_its_right_edge():
    """phone capture 2484-00022: the continued page's grid has 9 columns (the rule between the
    group and item label columns lost); it was no continuation (10 ≠ 9), and the text path read
    its 总计 row's values into the wrong columns and the 结转 row by the token model."""
    g = _grid([[("", 1), ("（六）其他处理", 1)] + [("", 1)] * 7,
               [("", 1), ("(七)总计", 1), ("7", 1), ("3", 1), ("", 1), ("", 1), ("", 1), ("", 1), ("10", 1)],
               [("结转下年度继续办理", 2)] + [("", 1)] * 6 + [("2", 1)]])
    st = _after_requests_page()
    assert ag.grid_kind(g, st, "2021") == ("requests", False)
    out = {}
    ag._read_table(g, "requests", "2021", 3, out, st, set())
    total = {c: out[f"requests.result.total.{c}"].value for c in ag.REQ_COLS}
    assert total == {"natural_person": 7, "enterprise": 3, "research": 0, "nonprofit": 0,
                     "legal_service": 0, "other_org": 0, "total": 10}
    carried = {c: out[f"requests.carried_forward.{c}"].value for c in ag.REQ_COLS}
    assert carried == dict.fromkeys(ag.REQ_COLS[:-1], 0) | {"total": 2}
    assert all(out[f"requests.carried_forward.{c}"].blank for c in ag.REQ_COLS[:-1])


def test_a_grid_of_other_words_after_the_requests_table_is_no_continuation():
    """Only a grid with a requests row's label continues the table; a 9-column grid of anything
    else after it stays unread."""
    g = _grid([[("项目", 1), ("说明", 1)] + [("", 1)] * 7, [("合计", 2)] + [("5", 1)] * 7])
    assert ag.grid_kind(g, _after_requests_page(), "2021") == (None, False)


def test_a_requests_page_repeating_its_header_reads_the_blank_natural_person_cell():
    """worn copy 2485-00052: a continued page with its header repeated and one row whose first
    number is under 商业企业; the vote put the applicant columns' start there, and 自然人 (a
    faint 1 the page OCR lost) was left to the text path, which placed a 0."""
    g = _grid([[("(本列数据的勾稽关系为：第一项加第二项之和)", 1), ("申请人情况", 7)],
               [("", 1), ("自然人", 1), ("法人或其他组织", 5), ("总计", 1)],
               [("", 1), ("", 1), ("商业企业", 1), ("科研机构", 1), ("社会公益组织", 1), ("法律服务机构", 1),
                ("其他", 1), ("", 1)],
               [("四、结转下年度继续办理", 1), ("", 1), ("0", 1)] + [("", 1)] * 5])
    out = {}
    ag._read_table(g, "requests", "2021", 4, out, _after_requests_page(), set())
    cell = out.get("requests.carried_forward.natural_person")
    assert cell is not None and cell.blank and cell.bbox == (80.0, 120.0, 110.0, 140.0)
    assert out["requests.carried_forward.enterprise"].value == 0


def test_active_rows_below_no_header_keep_their_leading_blank_cells():
    """stamped scan 2482-00091 (2019 format): 行政许可 | · | · | 8488 at the top of the page continuing the
    active table; the values' start was voted at column 3, the row's two blank cells were not
    its cells, and the text path put 8488 into 本年增/减."""
    g = _grid([[("行政许可", 1), ("", 1), ("", 1), ("8488", 1)],
               [("其他对外管理服务事项", 1), ("", 1), ("", 1), ("2076", 1)],
               [("第二十条第（六）项", 4)],
               [("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)],
               [("行政处罚", 1), ("", 1), ("", 1), ("697", 1)]])
    out = _read_active(g, "2019", 2)
    assert out["active.licensing.decisions"].value == 8488
    assert out["active.licensing.change"].value == 0 and out["active.licensing.change"].blank
    assert out["active.other_services.decisions"].value == 2076
    assert out["active.penalty.decisions"].value == 697 and out["active.penalty.prev_items"].blank


def test_an_active_page_whose_rows_print_only_blanks_is_read():
    """stamped scan 2482-00008: the active table's first page printed 规章 with three blank
    cells and nothing else; with no number on the page its rows were never read."""
    g = _grid([[("第二十条第（一）项", 4)],
               [("信息内容", 1), ("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)],
               [("规章", 1), ("", 1), ("", 1), ("", 1)]])
    out = _read_active(g, "2021", 1)
    assert sorted(out) == ["active.rules.in_force", "active.rules.issued", "active.rules.repealed"]
    assert all(c.value == 0 and c.blank and c.bbox for c in out.values())


def test_the_last_active_row_alone_on_the_next_page_is_found_and_read():
    """phone photo 2486-00036: 政府集中采购 | 38 | 231200元, one ruled row 19.8 pt tall at the
    top of the next page, was under the smallest table considered (20 pt) and named no table."""
    scale = 200 / 72
    h, w = int(200 * scale), int(500 * scale)
    img = np.full((h, w), 255, np.uint8)
    y0, y1 = int(60 * scale), int(79.8 * scale)
    xs = [int(x * scale) for x in (50, 250, 350, 480)]
    img[y0:y0 + 2, xs[0]:xs[-1]] = 0
    img[y1:y1 + 2, xs[0]:xs[-1]] = 0
    for x in xs:
        img[y0:y1 + 2, x:x + 2] = 0
    grids = find_grids(PageImage(img, scale), [], 2)
    assert len(grids) == 1 and (grids[0].n_rows, grids[0].n_cols) == (1, 3)
    g = _grid([[("政府集中采购", 1), ("38", 1), ("231200元", 1)]], page=2)
    assert ag.grid_kind(g, _active_page_after(), "2019") == ("active", False)
    assert ag.grid_kind(g, ag._State(), "2019") == (None, False)  # after no active table: nothing
    out = _read_active(g, "2019", 2)
    assert out["active.procurement.items"].value == 38
    assert out["active.procurement.amount"].text == "231200元"  # 元 → 万元 is the variants stage's


def _after_appeals_header() -> "ag._State":
    """The state after the appeals table's header, read at the foot of the page before."""
    st = ag._State()
    st.kind, st.ncols = "appeals", 15
    return st


def test_a_headless_appeals_row_a_seal_stroke_splits_in_the_grid_is_read_by_position():
    """phone capture evals30 2553/19: the appeals row alone at the top of the next page, a seal's
    stroke ruled part-way down its fifth cell. The grid has 16 columns and the row 15 cells, one
    over two columns; 16 ≠ 15 made it no continuation, and the text path, with 14 numbers (the
    seal hid 99), could not place them: all 15 cells unread."""
    vals = ["64", "3", "26", "6", "99", "46", "1", "3", "7", "57", "8", "17", "11", "17", "53"]
    g = _grid([[(v, 2 if i == 4 else 1) for i, v in enumerate(vals)]], page=5)
    assert g.n_cols == 16
    st = _after_appeals_header()
    assert ag.grid_kind(g, st, "2021") == ("appeals", True)
    out = {}
    ag._read_table(g, "appeals", "2021", 5, out, st, set(), all_data=True)
    keys = [f"appeals.{r}.{c}" for r in ag.APPEAL_ROWS for c in ag.APPEAL_COLS]
    assert [out[k].value for k in keys] == [int(v) for v in vals]


def test_a_grid_row_of_fourteen_cells_is_no_appeals_row():
    """A lost rule (two cells printed as one) leaves 14 cells: their order no longer names
    their columns, so the row stays with the text path."""
    g = _grid([[(str(i), 2 if i == 4 else 1) for i in range(14)] + [("", 1)]][:1], page=5)
    g.cells = [c for c in g.cells if c.col != 15]  # 14 cells over 16 columns: one merged, one lost
    assert ag.grid_kind(g, _after_appeals_header(), "2021") == (None, False)


def test_a_natural_person_header_over_two_grid_columns_starts_the_applicant_columns():
    """stamped scan evals30 2555/68: a seal's stroke added a grid column through 自然人 and its
    values (cells over two columns each). The header was not taken (one column only), most rows'
    first number stood under 商业企业, the vote started the applicant columns there, and the
    自然人 cells the page OCR left blank (a faint 1 and 4) went to the text path, which read 0s."""
    g = _grid([[("(本列数据的勾稽关系为：第一项加第二项之和)", 1), ("申请人情况", 8)],
               [("", 1), ("自然人", 2), ("法人或其他组织", 5), ("总计", 1)],
               [("", 1), ("", 2), ("商业企业", 1), ("科研机构", 1), ("社会公益组织", 1), ("法律服务机构", 1),
                ("其他", 1), ("", 1)],
               [("本年新收政府信息公开申请数量", 1), ("15", 2), ("0", 1), ("0", 1), ("0", 1), ("0", 1), ("1", 1),
                ("16", 1)],
               [("上年结转政府信息公开申请数量", 1), ("", 2), ("0", 1), ("0", 1), ("", 1), ("0", 1), ("0", 1),
                ("", 1)],
               [("（一）予以公开", 1), ("", 2), ("0", 1), ("", 1), ("", 1), ("0", 1), ("0", 1), ("", 1)]])
    st = ag._State()
    st.kind = "requests"
    out = {}
    ag._read_table(g, "requests", "2021", 3, out, st, set())
    assert out["requests.new_received.natural_person"].value == 15
    cell = out.get("requests.carried_over.natural_person")
    assert cell is not None and cell.blank and cell.bbox == (80.0, 140.0, 140.0, 160.0)
    assert out.get("requests.result.disclosed.natural_person") is not None


def test_a_frame_ruled_round_a_table_neither_is_a_grid_nor_takes_its_tokens():
    """phone capture evals30 2553/77: the page's edge, photographed, read as one ruled cell round
    the whole page. Tokens went to the first grid holding them, that frame (a 'table' of one cell
    whose text held 结果维持: the appeals table), so the requests table inside it read no text and
    its rows went to the text path, which put 2s and 1s into the wrong columns (13 cells)."""
    from nianbao.document import Token

    scale = 100 / 72
    h, w = int(400 * scale), int(400 * scale)
    img = np.full((h, w), 255, np.uint8)

    def rect(x0, y0, x1, y1):
        a, b, c, d = (int(v * scale) for v in (x0, y0, x1, y1))
        img[b:b + 2, a:c] = 0
        img[d:d + 2, a:c] = 0
        img[b:d + 2, a:a + 2] = 0
        img[b:d + 2, c:c + 2] = 0

    rect(20, 20, 380, 380)  # the frame
    rect(100, 100, 300, 140)  # a table of two cells inside it
    img[int(100 * scale):int(140 * scale) + 2, int(200 * scale):int(200 * scale) + 2] = 0
    tokens = [Token("规章", (120, 110, 150, 128)), Token("7", (240, 110, 248, 128))]
    grids = find_grids(PageImage(img, scale), tokens, 4)
    assert len(grids) == 1 and grids[0].n_cols == 2
    assert [c.text for c in grids[0].cells] == ["规章", "7"]

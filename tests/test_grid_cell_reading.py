"""Which number goes to which cell on a scan (issue 24 done-when 3, worn copies of seed 2491):
what the grid read at a cell is not overruled by a guess the text path made without geometry."""
import pytest

from nianbao.document import Token
from nianbao.ocr.assemble_grid import DataCell, _cell
from nianbao.ocr.grid import GridCell

CELL = (10.0, 10.0, 90.0, 40.0)


def _read(raw: str, table: str = "requests", col: str = "research", conf: float = 0.81):
    gc = GridCell(row=0, col=0, rowspan=1, colspan=1, bbox=CELL, tokens=[Token(text=raw, bbox=CELL, conf=conf)])
    return _cell(DataCell(cell=gc, text="", raw=raw), table, "2021", col, 1)


def test_a_speck_before_a_whole_number_read_as_a_point_keeps_the_digits():
    """'.1186', '.9', '.3': a speck left of a worn number read as a point. The cell was "not a
    number" and the text path's "1 blank cell(s) placed by position" put a 0 there (four cells
    of seed 2491's worn copies). The digits are the reading, below 0.9, saying why."""
    for raw, value in ((".1186", 1186), (".9", 9), (".0", 0), ("·3", 3)):
        c = _read(raw, conf=0.97)
        assert c.value == value and not c.blank and c.confidence <= 0.85, raw
        assert "speck" in c.reason and c.text == raw, raw
    # a money cell would print its leading 0 (0.5): a point there is no speck to drop
    assert _read(".5", table="active", col="amount").value is None
    # letters, words and a lone point stay what they were
    for raw in ("a", "合计", ".", ".1a"):
        assert _read(raw).value is None, raw


def test_a_row_of_blanks_whose_label_lost_a_character_is_read_from_the_grid():
    """Worn copy 2491-00080: 4.保护第三方合法权 (its 益 lost) printed seven blank cells between
    rows of numbers. Only a label holding a row's phrase exactly made a row of blanks a row of
    values, so the grid left it to the text path, which found "1 numbers for 7 columns" and
    left three cells unread. Its blanks are read where the grid prints them."""
    import importlib

    pytest.importorskip("cv2")
    from test_grid_continued_tables import _after_requests_page, _grid
    ag = importlib.import_module("nianbao.ocr.assemble_grid")

    blank = [("", 1)] * 7
    g = _grid([[("(三)不予公开", 2), ("3.危及“三安全一稳定”", 1)] + [("2", 1)] + [("", 1)] * 5 + [("2", 1)],
               [("(三)不予公开", 2), ("4.保护第三方合法权", 1)] + blank,
               [("(三)不予公开", 2), ("5.属于三类内部事务信息", 1), ("1", 1)] + [("", 1)] * 5 + [("1", 1)]])
    out = {}
    ag._read_table(g, "requests", "2021", 3, out, _after_requests_page(), set())
    third = [out.get(f"requests.result.withheld.third_party_rights.{c}") for c in ag.REQ_COLS]
    assert all(c is not None and c.value == 0 and c.blank and c.bbox for c in third)
    assert out["requests.result.withheld.internal_affairs.total"].value == 1
    # a row of blanks whose words name no row (a caption, a note) is still no row of values
    g2 = _grid([[("(三)不予公开", 2), ("3.危及“三安全一稳定”", 1)] + [("2", 1)] + [("", 1)] * 5 + [("2", 1)],
                [("注：本表数据来源于系统统计", 3)] + blank])
    out2 = {}
    ag._read_table(g2, "requests", "2021", 3, out2, _after_requests_page(), set())
    assert set(out2) == {f"requests.result.withheld.three_safeties.{c}" for c in ag.REQ_COLS}


def test_the_applicant_columns_start_where_the_other_headers_put_them_when_ziranren_is_garbled():
    """Stamped scan 2494-00005: the header 自然人 read 自人然, and a page of zero marks whose page
    OCR kept only the / of the last two columns voted the numbers to start at 其他. The first
    five applicant cells of most rows were left to the text path, which found "2 numbers for 7
    columns" in one row and left it unread. 商业企业, 科研机构 … in the header rows place 自然人."""
    import importlib

    pytest.importorskip("cv2")
    from test_grid_continued_tables import _grid
    ag = importlib.import_module("nianbao.ocr.assemble_grid")

    heads = ["自人然", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    zero_marks = [("", 1)] * 5 + [("/", 1), ("/", 1)]
    g = _grid([[("(本列数据的勾稽关系为：第一项加第二项之和)", 3)] + [(h, 1) for h in heads],
               [("一、本年新收政府信息公开申请数量", 3)] + zero_marks,
               [("二、上年结转政府信息公开申请数量", 3)] + zero_marks,
               [("三、本年度办理结果", 1), ("(一)予以公开", 2)] + [("", 1)] * 3 + [("1", 1), ("", 1), ("/", 1), ("1", 1)]])
    out = {}
    ag._read_table(g, "requests", "2021", 2, out, ag._State(), set())
    new = {c: out.get(f"requests.new_received.{c}") for c in ag.REQ_COLS}
    assert all(c is not None and c.value == 0 and c.bbox for c in new.values())
    assert out["requests.result.disclosed.nonprofit"].value == 1
    assert out["requests.result.disclosed.total"].value == 1
    assert ag._first_applicant_col(ag._rows_of(g), ag.schema.columns("requests", "2021")) == 3


def test_one_blurred_digit_is_no_room_for_a_two_digit_reread():
    """Worn copies of seed 2491: a faint 7 (and 0, 8) the page OCR lost ran 0.8 of its height
    wide and counted as two digits' ink, so a tight crop's 17 (04, 88) was taken for a lost
    digit at 0.61–0.74. A mark narrower than it is tall holds one digit; 17, 10, 305 printed
    still hold theirs."""
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    from nianbao.document import Cell
    from nianbao.ocr.assemble_grid import _take_reread
    from nianbao.ocr.digits import digit_slots
    from nianbao.ocr.images import PageImage

    def slots(printed, thickness):
        img = np.full((120, 220), 255, np.uint8)
        cv2.putText(img, printed, (60, 66), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 0, thickness)
        ys = np.where((img < 128).any(axis=1))[0]
        return digit_slots(PageImage(img, 2.0), CELL, (ys.max() - ys.min() + 1) / 2.0)
    assert slots("7", 3) == 1 and slots("8", 3) == 1
    assert slots("17", 2) == 2 and slots("10", 2) == 2 and slots("305", 2) == 3
    # the blank cell keeps its 0, below 0.9, the crop's reading named in its reason
    blank = Cell(value=0, text="", confidence=0.9, page=1, bbox=CELL, blank=True, reason="blank cell read as 0")
    _take_reread("requests.result.unable.needs_creation.enterprise", blank, "17", 0.61, "2021",
                 slots=slots("7", 3))
    assert blank.value == 0 and blank.confidence <= 0.85 and "'17'" in blank.reason


def test_a_digit_a_crop_read_surely_is_not_overruled_by_the_models_blank():
    """Worn copy 2491-00071 (its balance printed off, variant balance_off): 结转下年度's 自然人 and
    总计 print 1, the page OCR lost both, a tight crop read each at 0.998. The token model found
    no token there and inferred blanks, under which the report's own balance error disappeared:
    they won at 0.8, "the identities hold with it". A crop's sure reading is read at the cell like
    the page OCR's digits; the printed 1s stand and the balance is the reconciler's to flag. A
    crop reading below 0.9 (stray ink read as a digit) is still weighed by the identities."""
    from nianbao import schema
    from nianbao.document import Cell, Document, Page, Source
    from nianbao.model.combine import combine
    from nianbao.reconcile import reconcile
    from nianbao.schema.equations import broken, equations
    from reportgen import make_values

    cols = list(schema.columns("requests", "2019"))
    cf, new = "requests.carried_forward", "requests.new_received"
    gold = make_values("2019", seed=41)
    for c in cols:  # nothing carried forward: the balance holds with 0s
        gold[f"{new}.{c}"] -= gold[f"{cf}.{c}"]
        gold[f"{cf}.{c}"] = 0
    assert min(gold[f"{new}.{c}"] for c in cols) >= 0 and broken(equations("2019"), gold) == 0
    printed = dict(gold, **{f"{cf}.natural_person": 1, f"{cf}.total": 1})  # the report's own error
    keys = [f"{cf}.natural_person", f"{cf}.total"]

    def run(crop_conf):
        doc = Document(source=Source(path="p.pdf", kind="scanned_pdf"), format="2019",
                       pages=[Page(number=1, source="ocr")])
        for k, x in printed.items():
            doc.fields[k] = Cell(value=x, text=str(x), confidence=0.99, page=1, bbox=(0.0, 0.0, 9.0, 9.0))
        for k in keys:
            doc.fields[k] = Cell(value=1, text="1", confidence=crop_conf, page=1, bbox=(0.0, 0.0, 9.0, 9.0),
                                 reason="read from a tight crop: the page OCR missed it")
        model = {k: Cell(value=0, text="", confidence=0.8, page=1, blank=True,
                         reason="blank: the token model found no value where its row and column labels cross")
                 for k in keys}
        combine(doc, model, {}, "reconcile")
        return doc
    doc = run(0.998)
    assert [doc.fields[k].value for k in keys] == [1, 1]
    assert all("token model inferred a blank" in doc.fields[k].reason for k in keys)
    reconcile(doc)
    assert [doc.fields[k].value for k in keys] == [1, 1]
    assert any(f.identity.endswith("balance") for f in doc.flags)
    # stray ink a crop read as 1 at 0.85: the identities, which hold with the blanks, keep them
    assert [run(0.85).fields[k].value for k in keys] == [0, 0]


def test_a_lowercase_s_beside_digits_is_a_5():
    """Phone photo 2493-00030: 本年新收's 总计 50 read 's0' was "not a number" and the text path's
    "2 blank cell(s) placed by position" put a 0 there. A letter the recogniser gives for a digit
    (S, O, l) is read as that digit beside digits; a lone letter is not."""
    from nianbao.ocr.assemble_grid import number_text

    assert number_text("s0") == "50" and number_text("1s") == "15"
    assert number_text("s") is None and number_text("as0") is None


def test_a_faint_7_broken_in_two_is_ink_and_its_crop_keeps_both_pieces_not_the_rule():
    """Photocopies of seed 2495: four printed 7s whose bar and stem came apart, neither piece
    digit-tall, were "no ink" — the cells stayed blank 0s and were never re-read; and a crop
    that kept the cell's rule remnant beside a 7 read '|7' or '」'. The pieces one above the
    other are a digit's ink and both go into the crop; a thin mark along the crop's edge is not."""
    cv2 = pytest.importorskip("cv2")
    import numpy as np

    from nianbao.ocr.digits import has_ink, tight_crop
    from nianbao.ocr.images import PageImage

    img = np.full((100, 200), 255, np.uint8)  # 4 px a point: a digit-tall mark is 14 px or more
    cv2.line(img, (92, 40), (104, 40), 110, 2)  # the bar: 3 px tall
    cv2.line(img, (101, 47), (98, 57), 110, 2)  # the stem, below a gap: 13 px tall
    page = PageImage(img, 4.0)
    cell = (15.0, 7.0, 35.0, 18.0)  # points: 60-140 x 28-72 px
    assert has_ink(page, cell)
    crop = tight_crop(page, cell)
    rows = np.where((crop < 200).any(axis=1))[0] if crop is not None else [0]
    assert rows[-1] - rows[0] >= 18  # from the bar to the stem's foot
    # a rule's remnant down the cell's left edge stays out of the crop
    cv2.line(img, (66, 28), (66, 72), 0, 2)
    ruled = tight_crop(PageImage(img, 4.0), cell)
    assert ruled is not None and ruled.shape[1] < 40
    # speckle is still no ink, even a column of specks one above the other (a worn copy's blank
    # cell, seed 2491: their union is digit-tall, but no piece is a stroke)
    specks = np.full((100, 200), 255, np.uint8)
    for x, y in ((80, 36), (82, 44), (79, 52), (81, 60)):
        cv2.rectangle(specks, (x, y), (x + 4, y + 4), 90, -1)
    assert not has_ink(PageImage(specks, 4.0), cell)


def test_a_count_read_negative_on_a_scan_is_its_digits():
    """Only the active table's 本年增/减 columns print a sign: a '-' read before a count's digits on
    a scan is grain or a speck (a phone photo of seed 2574: a printed 1 read '-1' by the page and
    the crop). Its digits are the reading, below 0.9, the signed reading kept as an alternative.
    A signed column keeps its minus, and a text layer's '-' is a printed character."""
    from nianbao import schema
    from nianbao.document import Cell, Page
    from nianbao.ocr.assemble_grid import _unsigned_counts

    signed = next(k for k in schema.field_keys("2019")
                  if k.startswith("active.") and schema.col_type("active", "2019", k.rsplit(".", 1)[1]) == "signed")
    unsigned = next(k for k in schema.field_keys("2019")
                    if k.startswith("active.") and schema.col_type("active", "2019", k.rsplit(".", 1)[1]) == "int")
    pages = {1: Page(number=1, source="ocr"), 2: Page(number=2, source="text_layer")}
    cells = {
        "requests.result.not_processed.publication.total": Cell(value=-1, text="-1", confidence=0.99, page=1),
        unsigned: Cell(value=-3, text="-3", confidence=0.99, page=1),
        signed: Cell(value=-14, text="-14", confidence=0.99, page=1),
        "requests.new_received.total": Cell(value=-5, text="-5", confidence=0.99, page=2),
    }
    _unsigned_counts(cells, pages, "2019")
    c = cells["requests.result.not_processed.publication.total"]
    assert c.value == 1 and c.confidence <= 0.85 and c.alternatives[0] == -1 and "never negative" in c.reason
    assert cells[unsigned].value == 3
    assert cells[signed].value == -14
    assert cells["requests.new_received.total"].value == -5  # a text layer's printed minus stands

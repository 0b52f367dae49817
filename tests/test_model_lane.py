"""The token model stays in its lane: a value goes to a row whose label the model saw on that
value's line, and a value only the model read says so and claims no more than the model's
evidence. Built from 洪泽 2024 (../shared/real/hongze_2024.pdf), where the WPS text layer gives
the 果 of the vertical caption 三、本年度办理结果 a box as tall as the table: joined to row 2's
label (2.其他法律行政止公开), it took the 1 … 1 of row 3 into row 2 at confidence 0.997."""
from pathlib import Path

import pytest

from nianbao import schema
from nianbao.document import Cell, Document, Line, Page, Source, Token
from nianbao.model import read_labels
from nianbao.model.combine import CONF_MODEL_ONLY, combine

SHARED = Path(__file__).parents[1].parent / "shared"
ROW2 = "requests.result.withheld.prohibited_by_law"
ROW3 = "requests.result.withheld.three_safeties"
COLS = ("natural_person", "total")


def _tok(text, box, tag):
    return Token(text, box, label=tag, label_conf=0.997)


def _labelled(text, x, y0, y1, role, step=10):
    """One token a character of `text` from x, `step` wide, tagged B- then I- of `role`."""
    return [_tok(ch, (x + step * i, y0, x + step * i + step, y1), ("B-" if i == 0 else "I-") + role)
            for i, ch in enumerate(text)]


def _page():
    lines = []
    heads = [("自然人", 320, "COL:requests.natural_person"), ("总计", 490, "COL:requests.total")]
    ln = Line(text="自然人 总计", number=1, page=3)
    for word, x, role in heads:
        ln.tokens += [_tok(ch, (x + 9 * i, 480, x + 9 * i + 9, 492), ("B-" if i == 0 else "I-") + role)
                      for i, ch in enumerate(word)]
    lines.append(ln)
    rows = [(601, "1.属于国家秘密", "ROW:requests.result.withheld.state_secret", "0"),
            (619, "2.其他法律行政止公开", f"ROW:{ROW2}", "0"),
            (640, "3.危及三安全一稳定", f"ROW:{ROW3}", "1")]
    # the caption glyph: one token whose box spans the rows, tagged inside row 2's label
    giant = _tok("果", (86, 529, 285, 728), f"I-ROW:{ROW2}")
    for n, (y, label, role, value) in enumerate(rows, 2):
        ln = Line(text=label, number=n, page=3)
        if role.endswith("prohibited_by_law"):
            ln.tokens.append(giant)
        ln.tokens += [_tok(ch, (181 + 9 * i, y, 190 + 9 * i, y + 12),
                           ("B-" if i == 0 and not role.endswith("prohibited_by_law") else "I-") + role)
                      for i, ch in enumerate(label)]
        for x in (322, 496):
            ln.tokens.append(_tok(value, (x, y, x + 7, y + 14), "B-VAL"))
        lines.append(ln)
    return Page(number=3, width=595.0, height=842.0, lines=lines, source="text_layer")


def test_a_value_goes_to_the_row_label_on_its_own_line():
    doc = Document(source=Source("hongze.pdf", kind="digital_pdf"), pages=[_page()])
    cells = read_labels.cells(doc, "2021")
    for c in COLS:
        assert cells[f"{ROW2}.{c}"].value == 0      # row 2's own zeros, not row 3's ones
        assert cells[f"{ROW3}.{c}"].value == 1


def test_a_value_only_the_model_read_says_so_and_claims_less():
    doc = Document(source=Source("hongze.pdf", kind="digital_pdf"), format="2021",
                   pages=[_page()])
    for key in schema.field_keys("2021"):
        doc.fields[key] = Cell(value=0, confidence=0.99)
    for c in COLS:
        doc.fields[f"{ROW2}.{c}"] = Cell(value=None, reason="row label not found")  # the rules' short label
    combine(doc, {f"{ROW2}.{c}": Cell(value=1, text="1", confidence=0.997, reason="read by the token model")
                  for c in COLS}, {}, "reconcile")
    for c in COLS:
        cell = doc.fields[f"{ROW2}.{c}"]
        assert cell.value == 1 and cell.confidence <= CONF_MODEL_ONLY < 0.9
        assert cell.reason == "read only by the token model"


@pytest.mark.skipif(not (SHARED / "real" / "hongze_2024.pdf").exists(), reason="shared/real is missing")
def test_hongze_row_two_keeps_its_own_zeros():
    import json

    from nianbao.pipeline import extract
    gold = json.loads((SHARED / "real" / "hongze_2024.gold.json").read_text(encoding="utf-8"))["fields"]
    doc = extract(SHARED / "real" / "hongze_2024.pdf")
    assert doc.model  # the token model ran
    for c in ("natural_person", "enterprise", "total"):
        for row in (ROW2, ROW3):
            assert doc.value(f"{row}.{c}") == gold[f"{row}.{c}"]


def test_a_zero_mark_tagged_as_a_column_label_does_not_take_the_values_below_it():
    """On a photographed page the model tagged the 无 of a row (zero marks) as a column label
    (issue 28): nearer than the header, it pulled the 总计 values below it into its column."""
    page = _page()
    ln = page.lines[1]  # row 1: its 总计 cell prints 无, tagged as 自然人's column
    ln.tokens = [t for t in ln.tokens if t.bbox[0] < 490] + [_tok("无", (494, 601, 506, 613), "B-COL:requests.natural_person")]
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert cells[f"{ROW3}.total"].value == 1
    assert cells[f"{ROW3}.natural_person"].value == 1
    assert cells[f"{ROW3}.natural_person"].bbox[0] < 400  # its own column's 1, not the 总计 column's


def _table_page(number, shift, header, rows):
    """A page of the requests table: its header (or none), its rows' labels and values, every
    x moved by `shift` (a photograph of the page framed differently)."""
    cols = [("natural_person", 300), ("enterprise", 340), ("total", 380)]
    lines = []
    if header:
        ln = Line(text="自然人 企业 总计", number=1, page=number)
        for col, x in cols:
            ln.tokens += _labelled("某某", x + shift, 100, 112, f"COL:requests.{col}")
        lines.append(ln)
    for n, (rid, label, values) in enumerate(rows, 2):
        y = 100 + 30 * n
        ln = Line(text=label, number=n, page=number)
        ln.tokens += _labelled(label, 120 + shift, y, y + 12, f"ROW:requests.{rid}")
        for (_, x), v in zip(cols, values):
            ln.tokens.append(_tok(v, (x + shift + 3, y, x + shift + 10, y + 14), "B-VAL"))
        lines.append(ln)
    return Page(number=number, width=595.0, height=842.0, lines=lines, source="ocr")


def test_a_page_that_continues_a_table_below_no_header_is_read_in_its_own_frame():
    """Each page of a photographed report is its own photograph: page 4 continued page 3's
    table below no header, framed 30 pt to the right, and its values overlapped the next
    column's label on page 3 (issue 28: a phone capture read one column off). The columns of
    values on the two pages line up once page 4's frame is fitted to page 3's."""
    p3 = _table_page(3, 0, True, [("new_received", "本年新收", ["5", "6", "11"]),
                                  ("carried_over", "上年结转", ["1", "2", "3"])])
    p4 = _table_page(4, 30, False, [("result.disclosed", "予以公开", ["7", "8", "15"]),
                                    ("result.partially_disclosed", "部分公开", ["2", "4", "6"])])
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[p3, p4])
    cells = read_labels.cells(doc, "2021")
    got = {k: cells[k].value for k in cells if k.startswith("requests.result.disclosed.")
           or k.startswith("requests.result.partially_disclosed.")}
    want = {"requests.result.disclosed.natural_person": 7, "requests.result.disclosed.enterprise": 8,
            "requests.result.disclosed.total": 15, "requests.result.partially_disclosed.natural_person": 2,
            "requests.result.partially_disclosed.enterprise": 4, "requests.result.partially_disclosed.total": 6}
    assert {k: got.get(k) for k in want} == want
    assert cells["requests.new_received.enterprise"].value == 6  # the header's own page as before


def test_two_narrow_cells_the_model_ran_together_stay_two_values():
    """A stamped scan: 29 | 5 in the 自然人 and 商业企业 cells, tagged 2 B-VAL, 9 B-VAL, 5 I-VAL
    (the 5 continuing the 9 across a gap of 1.3 line heights); read as one span, 95 joined the
    touching 2 and 295 took the 自然人 cell (issue 28). A printed number has no space in it."""
    head = Line(text="自然人 企业", number=1, page=3)
    for col, x in (("natural_person", 464), ("enterprise", 500)):
        head.tokens += _labelled("某某", x, 222, 239, f"COL:requests.{col}")
    row = Line(text="本年新收 29 5", number=2, page=3)
    row.tokens += _labelled("本年新收", 265, 255, 273, "ROW:requests.new_received")
    row.tokens += [_tok("2", (474, 256, 480, 272), "B-VAL"), _tok("9", (480, 256, 485, 272), "B-VAL"),
                   Token(" ", (485, 256, 506, 272)), _tok("5", (506, 256, 519, 272), "I-VAL")]
    page = Page(number=3, width=935.0, height=1082.0, lines=[head, row], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2021")
    assert cells["requests.new_received.natural_person"].value == 29
    assert cells["requests.new_received.enterprise"].value == 5


def test_a_dash_ocr_read_as_yi_is_a_zero_mark_not_a_row_label():
    """A light scan: the zero mark — of a 其他 cell OCR'd as 一 and tagged I- of a row label
    (三安全一稳定 ends in 一 …); to the left of the 总计 cell's 5, it took that 5 into its row
    (issue 28). 一 alone is the OCR's reading of a dash (as ocr/assemble_grid.py reads it)."""
    head = Line(text="自然人 总计", number=1, page=2)
    for col, x in (("natural_person", 309), ("total", 497)):
        head.tokens += _labelled("某某", x, 269, 287, f"COL:requests.{col}")
    row = Line(text="3.补正后申请内容仍不明确 5 一 5", number=2, page=2)
    row.tokens += _labelled("补正后申请内容", 173, 562, 577, "ROW:requests.result.unable.unclear")
    row.tokens += [_tok("5", (317, 562, 326, 577), "B-VAL"), Token(" ", (326, 562, 471, 577)),
                   _tok("一", (471, 563, 482, 575), "I-ROW:requests.result.withheld.three_safeties"),
                   _tok("5", (503, 562, 514, 577), "B-VAL")]
    page = Page(number=2, width=595.0, height=842.0, lines=[head, row], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2021")
    assert cells["requests.result.unable.unclear.total"].value == 5
    assert "requests.result.withheld.three_safeties.total" not in cells
    assert read_labels.parse_value("一") is None  # in prose 一 is the numeral, not a dash


def _requests_head(page, y=222):
    head = Line(text="自然人 总计", number=1, page=page)
    for col, x in (("natural_person", 464), ("total", 530)):
        head.tokens += _labelled("某某", x, y, y + 17, f"COL:requests.{col}")
    return head


def test_a_digit_the_model_tagged_o_inside_a_number_stays_in_it():
    """A turned phone capture: 24 and 204 printed in two cells, the model tagged 2 B-VAL and 4 O,
    and 2 O, 0 B-VAL, 4 I-VAL — read by the tags, the cells were 2 and 4 (issue 28). A printed
    number is one run of ink: a digit touching a value's digit is that value's. A digit that
    stands apart (the 7 a cell away) is not taken in, and a label's digits stay the label's."""
    row = Line(text="本年新收 24 204", number=2, page=3)
    row.tokens += _labelled("本年新收", 265, 255, 273, "ROW:requests.new_received")
    row.tokens += [_tok("2", (474, 256, 480, 272), "B-VAL"), _tok("4", (480, 256, 486, 272), "O"),
                   Token(" ", (486, 256, 530, 272)),
                   _tok("2", (534, 256, 540, 272), "O"), _tok("0", (540, 256, 546, 272), "B-VAL"),
                   _tok("4", (546, 256, 552, 272), "I-VAL"), _tok("7", (580, 256, 586, 272), "O")]
    page = Page(number=3, width=935.0, height=1082.0, lines=[_requests_head(3), row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert cells["requests.new_received.natural_person"].value == 24
    assert cells["requests.new_received.total"].value == 204
    assert [t.label for t in row.tokens if t.text == "4"] == ["O", "I-VAL"]  # the model's own tags untouched


def test_a_value_goes_to_the_label_on_its_line_not_one_it_grazes():
    """A worn copy: the tall 577 of (七)总计 reached 2 pt into the line of 四、结转下年度继续办理
    below it, whose label ends nearer the value; it took the row, and 结转's cells read 总计's
    values (issue 28). The label the value shares its line with wins."""
    total = Line(text="(七)总计 577", number=2, page=3)
    total.tokens += _labelled("(七)总计", 116, 264, 280, "ROW:requests.result.total")
    total.tokens += [_tok("577", (470, 262.7, 488, 281.1), "B-VAL")]
    carried = Line(text="四、结转下年度继续办理 34", number=3, page=3)
    carried.tokens += _labelled("四、结转下年度继续办理", 71, 279.3, 299.4, "ROW:requests.carried_forward")
    carried.tokens += [_tok("34", (472, 280.7, 484, 299.1), "B-VAL")]
    page = Page(number=3, width=595.0, height=842.0, lines=[_requests_head(3), total, carried], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2021")
    assert cells["requests.result.total.natural_person"].value == 577
    assert cells["requests.carried_forward.natural_person"].value == 34


def test_zero_marks_tagged_as_the_next_rows_label_do_not_join_it():
    """A photocopy: the 无 无 of row 2's cells tagged as row 3's label; stacked on that label,
    they were joined to it, and row 2's 总计 4, on their line, took row 3 — its label ending
    nearer the value (issue 28). Marks are cell content whatever label they are joined to."""
    dup, exc = "requests.result.not_processed.duplicate", "requests.result.not_processed.excessive"
    row2 = Line(text="2.重复申请 无 无 4", number=2, page=2)
    row2.tokens += _labelled("2.重复申请", 165, 300, 317, f"ROW:{dup}")
    row2.tokens += [_tok("无", (336, 300, 352, 317), f"I-ROW:{exc}"), _tok("无", (367, 300, 383, 317), f"I-ROW:{exc}"),
                    _tok("4", (534, 300, 546, 317), "B-VAL")]
    row3 = Line(text="4.无正当理由大量反复申请 5", number=3, page=2)
    row3.tokens += _labelled("4.无正当理由大量反复申请", 165, 319, 336, f"ROW:{exc}", step=9)
    # row 3's own marks tagged too: they run on from its label and reach under row 2's
    row3.tokens += [_tok("无", (304, 319, 320, 336), f"I-ROW:{exc}"), _tok("无", (336, 319, 352, 336), f"I-ROW:{exc}"),
                    _tok("5", (534, 319, 546, 336), "B-VAL")]
    page = Page(number=2, width=595.0, height=842.0, lines=[_requests_head(2), row2, row3], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2021")
    assert cells[f"{dup}.total"].value == 4
    assert cells[f"{exc}.total"].value == 5


def test_a_minus_tagged_a_value_of_its_own_is_the_sign_of_the_number_it_touches():
    """A stamped scan of a 2019 report: 其他对外管理服务事项's 本年增/减 printed -16, tagged
    - B-VAL, 1 B-VAL, 6 I-VAL; the cell read the lone - as a zero mark, 0, with -16 an
    alternative (issue 28). A minus touching a number's first digit is its sign; in a count
    column it is not one (as the rules read it), and a dash a cell away stays a zero mark."""
    head = Line(text="上一年项目数量 本年增/减 处理决定数量", number=1, page=2)
    for word, x, col in (("上一年项目数量", 430, "prev_items"), ("本年增/减", 540, "change"),
                         ("处理决定数量", 620, "decisions")):
        head.tokens += _labelled(word, x, 240, 258, f"COL:active.{col}", step=8)
    row = Line(text="其他对外管理服务事项 161 -16 418758", number=2, page=2)
    row.tokens += _labelled("其他对外管理服务事项", 292, 279.7, 297.4, "ROW:active.other_services", step=11)
    row.tokens += [_tok("1", (461.2, 278.6, 465.1, 297.4), "B-VAL"), _tok("6", (465.1, 278.6, 469.6, 297.4), "I-VAL"),
                   _tok("1", (469.6, 278.6, 474.8, 297.4), "I-VAL"),
                   _tok("-", (556.6, 278.6, 562.7, 297.4), "B-VAL"), _tok("1", (562.7, 278.6, 568.8, 297.4), "B-VAL"),
                   _tok("6", (568.8, 278.6, 574.9, 297.4), "I-VAL"),
                   _tok("-", (636.0, 278.6, 641.0, 297.4), "B-VAL"), _tok("4", (646.2, 279.7, 650.2, 297.4), "B-VAL"),
                   _tok("1", (650.2, 279.7, 654.5, 297.4), "I-VAL")]
    page = Page(number=2, width=976.0, height=1111.0, lines=[head, row], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2019")
    assert cells["active.other_services.change"].value == -16
    assert cells["active.other_services.prev_items"].value == 161
    # the - 5 pt before 41 is apart from it (a cell's padding): not its sign
    texts = [e.text for e in read_labels.entities(Document(source=Source("scan.pdf", kind="scanned_pdf"),
                                                            pages=[page])) if e.role == "VAL"]
    assert texts == ["161", "-16", "-", "41"]
    row.tokens[-3:] = [_tok("-", (640.5, 279.7, 646.2, 297.4), "B-VAL"), _tok("4", (646.2, 279.7, 650.2, 297.4), "B-VAL"),
                       _tok("1", (650.2, 279.7, 654.5, 297.4), "I-VAL")]
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2019")
    assert cells["active.other_services.decisions"].value == 41  # a count: the touching mark is no sign


def test_a_column_label_piece_under_another_columns_label_is_not_its_own_columns():
    """A phone photo: the OCR read 人 of 自然人 as 入, under 自然, and the model tagged it
    商业企业's; joined to 商业 beside it, 商业企业's label spread over the 自然人 column, and
    自然人's values read as 商业企业's too (15 cells of one report, issue 28). A piece in
    another column's header, where its own column's label is printed elsewhere, is that other
    column's ink."""
    head = Line(text="自然 商业 入 企业", number=1, page=2)
    head.tokens += _labelled("自然", 327.2, 350.6, 367.6, "COL:requests.natural_person", step=11.5)
    head.tokens += _labelled("商业", 362.2, 361.4, 378.0, "COL:requests.enterprise", step=8.3)
    head.tokens += [_tok("入", (330.8, 365.8, 348.5, 381.2), "B-COL:requests.enterprise")]
    head.tokens += _labelled("企业", 362.5, 374.0, 391.3, "COL:requests.enterprise", step=8.7)
    row = Line(text="（一）予以公开 240 44", number=2, page=2)
    row.tokens += _labelled("（一）予以公开", 120, 399.6, 416.5, "ROW:requests.result.disclosed")
    row.tokens += [_tok("2", (331.2, 399.6, 337.0, 416.5), "B-VAL"), _tok("4", (337.0, 399.6, 342.7, 416.5), "I-VAL"),
                   _tok("0", (342.7, 399.6, 348.1, 416.5), "I-VAL"),
                   _tok("4", (364.0, 400.3, 371.5, 415.4), "B-VAL"), _tok("4", (371.5, 400.3, 378.4, 415.4), "I-VAL")]
    page = Page(number=2, width=626.0, height=864.0, lines=[head, row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cols = {e.role: e.text for e in read_labels.entities(doc) if e.role.startswith("COL:")}
    assert cols == {"COL:requests.natural_person": "自然", "COL:requests.enterprise": "商业企业"}
    cells = read_labels.cells(doc, "2021")
    assert cells["requests.result.disclosed.natural_person"].value == 240
    assert cells["requests.result.disclosed.enterprise"].value == 44


def test_a_value_takes_the_column_label_it_lies_under_not_a_lower_one_beside_it():
    """A web page printed and scanned (pingtan_gwh_2021 at 150 dpi): its vertical header OCR'd
    line by line, 其他 ended lower than 总计 and 4 pt left of 总计's 23; the nearest label above
    within reach took the value, and 其他's cell read 23 (issue 28). The label the value lies
    under wins; one only near it is the fallback."""
    head = Line(text="其 总 他 计", number=1, page=2)
    head.tokens += [_tok("其", (540.0, 514.4, 555.1, 536.0), "B-COL:requests.other_org"),
                    _tok("总", (554.4, 508.7, 573.5, 525.2), "B-COL:requests.total"),
                    _tok("他", (536.8, 529.9, 552.2, 550.8), "I-COL:requests.other_org"),
                    _tok("计", (554.4, 525.2, 573.5, 541.1), "I-COL:requests.total")]
    row = Line(text="一、本年新收政府信息公开申请数量 0 23", number=2, page=2)
    row.tokens += _labelled("本年新收政府信息公开申请数量", 40, 552.2, 569.2, "ROW:requests.new_received")
    row.tokens += [_tok("0", (536.0, 553.3, 549.0, 568.1), "B-VAL"),
                   _tok("2", (559.1, 552.2, 564.5, 569.2), "B-VAL"), _tok("3", (564.5, 552.2, 569.9, 569.2), "I-VAL")]
    part = Line(text="（二）部分公开 0 3", number=3, page=2)
    part.tokens += _labelled("（二）部分公开", 60, 616.0, 632.5, "ROW:requests.result.partially_disclosed")
    part.tokens += [_tok("0", (534.6, 616.0, 547.9, 632.5), "B-VAL"), _tok("3", (554.4, 616.0, 568.1, 632.5), "B-VAL")]
    page = Page(number=2, width=612.0, height=793.0, lines=[head, row, part], source="ocr")
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page]), "2021")
    assert cells["requests.new_received.total"].value == 23
    assert cells["requests.new_received.other_org"].value == 0
    # 3 grazes 其他 by 0.7 pt and lies under 总计
    assert cells["requests.result.partially_disclosed.total"].value == 3
    assert cells["requests.result.partially_disclosed.other_org"].value == 0


def test_a_carried_frame_pairs_columns_in_order_only_where_they_line_up():
    """A phone capture: page 2 (the header's) showed values in six of its seven columns, no 其他;
    page 3 (no header) in six too, no 社会公益组织. Paired in order, page 3's 其他 column went
    onto page 2's 法律服务机构 and its 总计 onto 其他, and page 3's totals read as 其他's (five
    cells of one report, issue 28). The pairing in order stands only where every pair lines up;
    else the fit that brings most columns onto some column."""
    p3 = [338.0, 371.0, 403.0, 469.0, 501.0, 535.0]      # natural … research, legal, other, total
    p2 = [323.0, 354.0, 385.0, 416.0, 447.0, 512.0]      # natural … research, nonprofit, legal, total
    a, b = read_labels._fit(p3, p2, 10.8)
    assert abs(a * 535.0 + b - 512.0) < 6 and abs(a * 469.0 + b - 447.0) < 6
    # the same columns on both pages still pair in order
    a, b = read_labels._fit([330.0, 360.0, 390.0], [300.0, 330.0, 360.0], 10.0)
    assert (round(a, 3), round(b, 3)) == (1.0, -30.0)


def test_a_carried_frame_counts_every_header_column_not_only_those_with_values():
    """A worn copy: page 2 printed no 社会公益组织 value, page 3 (below no header, framed 15 pt
    to the left) no 法律服务机构 value. The columns are evenly spaced, and on the value columns
    alone a fit one column off lined up as well as the right one: page 3's rows read one column
    to the left (22 cells of one report, issue 28; its x positions below). A header label with
    no value under it still marks a column."""
    cols = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total"]
    labels = [332.5, 365.5, 398.0, 431.5, 464.0, 497.0, 529.0]
    on_2 = dict(zip(cols, [333.0, 367.0, 399.0, None, 464.0, 498.0, 530.0]))
    on_3 = dict(zip(cols, [318.0, 350.0, 383.0, 415.0, None, 481.0, 514.0]))
    head = Line(text="header", number=1, page=2)
    for c, x in zip(cols, labels):
        head.tokens += _labelled("某某", x - 9, 530, 560, f"COL:requests.{c}", step=9)

    def row(page, rid, at, first, label_x):
        y = 590 if page == 2 else 100
        ln = Line(text=rid, number=2, page=page)
        ln.tokens += _labelled("某行", label_x, y, y + 14, f"ROW:requests.{rid}")
        for i, c in enumerate(cols):
            if at[c] is not None:
                ln.tokens.append(_tok(str(first + i), (at[c] - 4, y, at[c] + 4, y + 14), "B-VAL"))
        return ln

    p2 = Page(number=2, width=600.0, height=850.0, source="ocr", lines=[head, row(2, "new_received", on_2, 1, 150)])
    p3 = Page(number=3, width=600.0, height=850.0, source="ocr", lines=[row(3, "result.disclosed", on_3, 11, 135)])
    cells = read_labels.cells(Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[p2, p3]), "2021")
    got = {c: cells[f"requests.result.disclosed.{c}"].value for c in cols if f"requests.result.disclosed.{c}" in cells}
    assert {c: got.get(c) for c in ("natural_person", "nonprofit", "other_org", "total")} == \
        {"natural_person": 11, "nonprofit": 14, "other_org": 16, "total": 17}


def test_a_label_digit_spilled_onto_a_number_is_that_numbers_first_digit():
    """A stamped scan: 321 printed under 自然人, the model tagged its 3 I-ROW (row 本机关不掌握,
    whose label ends far to the left) and 2 1 I-VAL; the cell read 21. And 27 one row down: 2
    tagged B-ROW, 7 I-VAL, read 7 (issue 28). A label-tagged digit that touches the value's
    digits and none of the label's characters is the number's ink; a label's own 1. stays the
    label's."""
    rid = "requests.result.unable.not_held"
    row = Line(text="1.本机关不掌握 321 4", number=2, page=3)
    row.tokens += _labelled("1.本机关不掌握", 265, 255, 273, f"ROW:{rid}", step=9)
    row.tokens += [_tok("3", (464.0, 255, 470.0, 273), f"I-ROW:{rid}"), _tok("2", (470.0, 255, 475.5, 273), "I-VAL"),
                   _tok("1", (475.5, 255, 481.0, 273), "I-VAL"), _tok("4", (533, 255, 539, 273), "B-VAL")]
    page = Page(number=3, width=600.0, height=850.0, lines=[_requests_head(3), row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert cells[f"{rid}.natural_person"].value == 321
    assert cells[f"{rid}.total"].value == 4
    rows = [e.text for e in read_labels.entities(doc) if e.role.startswith("ROW:")]
    assert rows == ["1.本机关不掌握"]
    # the same digit with the label's characters touching it stays the label's
    row.tokens[len("1.本机关不掌握")] = _tok("3", (265 + 9 * 9, 255, 265 + 9 * 10, 273), f"I-ROW:{rid}")
    assert [e.text for e in read_labels.entities(doc) if e.role.startswith("ROW:")] == ["1.本机关不掌握3"]


def test_a_page_number_is_no_value():
    """A stamped landscape page: its page number -3- sat below the appeals table and the model
    tagged the 3 a value, which became the table's last cell (three of eight model-alone wrong
    cells on 50 stamped scans, issue 28). A line that is only a page number (-3-, 第3页, 3/8)
    gives no value; the same digits in a table line do."""
    cid = "appeals.suit_after_review.total"
    head = Line(text="总计", number=1, page=3)
    head.tokens += _labelled("总计", 700, 100, 115, "COL:appeals.suit_after_review.total")
    folio = Line(text="-3-", number=9, page=3)
    folio.tokens += [_tok("-", (700, 750, 705, 763), "B-COL:appeals.pending"), _tok("3", (705, 750, 711, 763), "B-VAL"),
                     _tok("-", (711, 750, 716, 763), "B-VAL")]
    page = Page(number=3, width=975.0, height=783.0, lines=[head, folio], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    assert [e for e in read_labels.entities(doc) if e.role == "VAL"] == []
    assert read_labels.cells(doc, "2021").get(cid) is None or read_labels.cells(doc, "2021")[cid].value != 3
    folio.tokens[1:] = [_tok("3", (705, 750, 711, 763), "B-VAL")]
    folio.tokens.insert(0, _tok("行", (600, 750, 610, 763), "O"))  # a line with more than the number
    assert [e.text for e in read_labels.entities(doc) if e.role == "VAL"] == ["3"]


def test_a_bare_page_number_at_the_foot_is_no_value():
    """A stamped scan (seed 2545, report 4): the appeals table's header ended page 4 and its
    values began page 5; page 4's folio, a bare 3 centred at its foot (no dashes), the only text
    of its last line, took 复议后起诉's 其他 cell under the header 490 pt above it (the model
    alone: 3 for 8, issue 28). A page's last line that is 1-3 digits alone, two of its heights or
    more below everything else, in the bottom quarter and centred on the text, is a page number;
    the same digit right under the header, or at the side of the page, is a value."""
    head = Line(text="行政复议 其他", number=1, page=4)
    head.tokens += _labelled("某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某", 216, 355, 371, "O")
    head.tokens += _labelled("其他", 419, 379, 403, "COL:appeals.other")
    group = Line(text="未经复议直接起诉", number=2, page=4)
    group.tokens += _labelled("未经复议直接起诉", 393, 355, 371, "ROW:appeals.suit_direct", step=10)
    folio = Line(text="3", number=9, page=4)
    folio.tokens += [_tok("3", (423.0, 893, 435.0, 903), "B-VAL")]
    page = Page(number=4, width=858.0, height=1028.0, lines=[head, group, folio], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    assert [e.text for e in read_labels.entities(doc) if e.role == "VAL"] == []
    assert "appeals.suit_direct.other" not in read_labels.cells(doc, "2021") or \
        read_labels.cells(doc, "2021")["appeals.suit_direct.other"].value != 3
    for y0, x0 in ((406, 423.0), (893, 620.0)):  # right under the header; at the side of the page
        folio.tokens[0] = _tok("3", (x0, y0, x0 + 12, y0 + 10), "B-VAL")
        assert [e.text for e in read_labels.entities(doc) if e.role == "VAL"] == ["3"]
    folio.tokens[0] = _tok("3", (423.0, 406, 435.0, 416), "B-VAL")
    assert read_labels.cells(doc, "2021")["appeals.suit_direct.other"].value == 3


def test_one_label_character_amid_values_is_no_row_label():
    """A light scan (seed 2541, report 46): the appeals values, carried to a page of their own,
    held a 度 the OCR misread from a mark, and the model tagged it as 结转下年度继续办理's; the
    values right of it became that (blank) row's cells: 1, 7, 3, 2 (issue 28). A row label
    prints left of its row's values: one label character with values on its line to both sides
    is no label. A label's lone character left of the values (a wrapped label's 理) still is."""
    rid = "requests.carried_forward"
    row = Line(text="13 3 4度 1 2", number=2, page=3)
    row.tokens += [_tok("1", (300.0, 255, 306, 273), "B-VAL"), _tok("3", (306.0, 255, 312, 273), "I-VAL"),
                   _tok("4", (380.0, 255, 386, 273), "B-VAL"), _tok("度", (386.0, 255, 395, 273), f"I-ROW:{rid}"),
                   _tok("1", (466.0, 255, 472, 273), "B-VAL"), _tok("2", (532.0, 255, 538, 273), "B-VAL")]
    page = Page(number=3, width=600.0, height=850.0, lines=[_requests_head(3), row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert cells.get(f"{rid}.natural_person") is None or cells[f"{rid}.natural_person"].value != 1
    assert cells.get(f"{rid}.total") is None or cells[f"{rid}.total"].value != 2
    row.tokens[:4] = [_tok("理", (386.0, 255, 395, 273), f"I-ROW:{rid}")]  # nothing left of it
    cells = read_labels.cells(doc, "2021")
    assert (cells[f"{rid}.natural_person"].value, cells[f"{rid}.total"].value) == (1, 2)


def test_a_worn_minus_read_as_a_bar_is_the_numbers_sign():
    """A worn copy (seed 2552, report 28): 行政处罚's 本年增/减 printed -6, the OCR read 一6 and
    the model tagged 一 and 6 as two values; the 一, surer than the 6, made the cell a zero mark,
    0 (issue 28). A bar touching a number's first digit is its sign: the minus in a signed
    change, nothing in a count."""
    head = Line(text="上一年项目数量 本年增/减", number=1, page=2)
    head.tokens += _labelled("上一年项目数量", 239, 233, 248, "COL:active.prev_items", step=9.7)
    head.tokens += _labelled("本年增/减", 347, 233, 249, "COL:active.change", step=9.6)
    row = Line(text="行政处罚 358 一6", number=2, page=2)
    row.tokens += _labelled("行政处罚", 131, 252, 267, "ROW:active.penalty", step=9.7)
    row.tokens += [_tok("3", (266.0, 252, 272, 269), "B-VAL"), _tok("5", (272.0, 252, 277, 269), "I-VAL"),
                   _tok("8", (277.0, 252, 283, 269), "I-VAL"),
                   _tok("一", (363.0, 252, 371, 267), "B-VAL"), Token("6", (371.0, 252, 380, 267), label="B-VAL", label_conf=0.73)]
    page = Page(number=2, width=595.0, height=842.0, lines=[head, row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2019")
    assert (cells["active.penalty.prev_items"].value, cells["active.penalty.change"].value) == (358, -6)
    # the same bar before a count's digits is no sign
    row.tokens[3] = _tok("一", (254.0, 252, 266, 267), "B-VAL")
    row.tokens[-2:] = [_tok("6", (371.0, 252, 380, 267), "B-VAL")]
    cells = read_labels.cells(doc, "2019")
    assert (cells["active.penalty.prev_items"].value, cells["active.penalty.change"].value) == (358, 6)


def test_one_numbers_digits_the_ocr_put_on_two_lines_are_one_value():
    """A tilted phone capture (seed 2553, report 81): 46 under 总计, the OCR gave its 4 to the
    row's line and its 6 to another line, 1.5 pt lower and overlapping the 4 by 3 pt; the cell
    took the 6 alone (issue 28). Two values in one cell, side by side and touching, are one
    number; the same digit read twice, one box over the other, is not two."""
    rid = "requests.result.partially_disclosed"
    row = Line(text="（二）部分公开 38 4", number=2, page=2)
    row.tokens += _labelled("（二）部分公开", 112, 492, 508, f"ROW:{rid}", step=9)
    row.tokens += [_tok("3", (301.0, 500, 306, 514), "B-VAL"), _tok("8", (306.0, 500, 310, 514), "I-VAL"),
                   _tok("4", (488.0, 499, 496, 515), "B-VAL")]
    lower = Line(text="6", number=3, page=2)
    lower.tokens += [_tok("7", (380.0, 500.0, 386.0, 516.6), "B-VAL"),  # under no column: read between the two
                     Token("6", (492.8, 500.0, 501.1, 516.6), label="B-VAL", label_conf=0.63)]
    head = Line(text="自然人 总计", number=1, page=2)
    for col, x in (("natural_person", 300), ("total", 488)):
        head.tokens += _labelled("某某", x, 450, 467, f"COL:requests.{col}")
    page = Page(number=2, width=600.0, height=850.0, lines=[head, row, lower], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert (cells[f"{rid}.natural_person"].value, cells[f"{rid}.total"].value) == (38, 46)
    four = read_labels.Entity("VAL", [row.tokens[-1]], 2)
    again = read_labels.Entity("VAL", [Token("4", (488.5, 500.0, 496.5, 516.0), label="B-VAL", label_conf=0.63)], 2)
    assert read_labels._one_number(four, again) is None  # the 4 read again
    assert read_labels._one_number(four, read_labels.Entity("VAL", lower.tokens[-1:], 2)).text == "46"


def test_digits_the_ocr_set_a_space_between_are_two_numbers():
    """A stamped scan: 1111 and 111 of two narrow neighbouring cells, 0.45 line heights apart,
    read by the OCR as one line '1111 111' and tagged as one value (B-VAL then I-VAL); the
    自然人 cell read 1111111 (issue 28). A printed number has no space in it: where the OCR put
    one between two digits, they are two numbers, whatever the tags say."""
    rid = "requests.result.total"
    row = Line(text="总计 1111 111", number=2, page=3)
    row.tokens += _labelled("总计", 265, 255, 273, f"ROW:{rid}", step=9)
    digits = [_tok("1", (464.0 + 6 * i, 255, 470.0 + 6 * i, 273), "B-VAL" if i == 0 else "I-VAL") for i in range(4)]
    space = Token(" ", (488.0, 255, 496.0, 273))
    more = [_tok("1", (496.0 + 6 * i, 255, 502.0 + 6 * i, 273), "I-VAL") for i in range(3)]
    row.tokens += digits + [space] + more
    page = Page(number=3, width=600.0, height=850.0, lines=[row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    assert [e.text for e in read_labels.entities(doc) if e.role == "VAL"] == ["1111", "111"]
    row.tokens.remove(space)  # no space read: one number, as tagged
    assert [e.text for e in read_labels.entities(doc) if e.role == "VAL"] == ["1111111"]


def test_a_misread_character_inside_a_column_label_is_that_labels():
    """A stamped scan: the OCR read 科研机构's 研 as 珊 and the model tagged it 商业企业's;
    the piece sat over 科研机构's column and its value, 1, read as 商业企业's (three cells of
    one report, issue 28). One character tagged as another label between two touching
    characters of one label is that label's; characters a column apart stay their own."""
    head = Line(text="商业企业 科珊构", number=1, page=2)
    head.tokens += _labelled("商业企业", 504, 448, 466, "COL:requests.enterprise", step=6)
    # as read: 商业企业 ends 7.6 pt before 科; the odd tag is the least sure (0.44)
    head.tokens += [Token("科", (536.8, 448, 544.7, 466), label="B-COL:requests.research", label_conf=1.0),
                    Token("珊", (544.7, 448, 554.0, 466), label="B-COL:requests.enterprise", label_conf=0.44),
                    Token("构", (554.0, 448, 564.8, 466), label="I-COL:requests.research", label_conf=0.79)]
    row = Line(text="本年新收 2 1", number=2, page=2)
    row.tokens += _labelled("本年新收", 300, 489, 505, "ROW:requests.new_received")
    row.tokens += [_tok("2", (512, 489, 520, 505), "B-VAL"), _tok("1", (546, 489, 554, 505), "B-VAL")]
    page = Page(number=2, width=800.0, height=1000.0, lines=[head, row], source="ocr")
    doc = Document(source=Source("scan.pdf", kind="scanned_pdf"), pages=[page])
    cells = read_labels.cells(doc, "2021")
    assert cells["requests.new_received.enterprise"].value == 2
    assert cells["requests.new_received.research"].value == 1
    cols = sorted((e.role, e.text) for e in read_labels.entities(doc) if e.role.startswith("COL:"))
    assert cols == [("COL:requests.enterprise", "商业企业"), ("COL:requests.research", "科珊构")]

"""Rows of the 2019 active table whose zeros print blank, dumped to text (issue 24): `行政处罚 196
+25` (three columns, two numbers) has no identity to place it; what is printed does — the sign of
the 本年增/减, the table's habit of signing its rises, a -layout dump's sub-header above the row.
Before: every such row unread ("cannot tell which are blank")."""
from nianbao.pipeline import extract_text
from reportgen import make_values, report_text


def _doc(rows: dict[str, str], layout: bool = False):
    """A 2019 report whose active rows print `rows` (row label → what follows it on its line)."""
    values = make_values("2019", seed=5)
    text = report_text("2019", values)
    lines = text.split("\n")
    for label, printed in rows.items():
        j = next(i for i, ln in enumerate(lines) if ln.startswith(label + " "))
        lines[j] = label + printed
    return extract_text("\n".join(lines)), values


def test_a_signed_change_places_the_row_around_it():
    doc, _ = _doc({"行政处罚": " 196 +25", "行政许可": " 88 +3 12"})
    got = [doc.value(f"active.penalty.{c}") for c in ("prev_items", "change", "decisions")]
    assert got == [196, 25, 0]
    cell = doc.fields["active.penalty.decisions"]
    assert cell.confidence <= 0.85 and "sign" in cell.reason


def test_an_unsigned_number_is_no_change_where_the_table_signs_its_rises():
    doc, _ = _doc({"行政处罚": " 196 +25", "行政强制": " 42 3003"})
    assert [doc.value(f"active.enforcement.{c}") for c in ("prev_items", "change", "decisions")] == [42, 0, 3003]
    assert doc.fields["active.enforcement.change"].confidence <= 0.85


def test_one_unsigned_number_stays_unread():
    # 1267 is 上一年项目数量 or 处理决定数量: nothing printed says which
    doc, _ = _doc({"行政处罚": " 196 +25", "行政许可": " 1267"})
    assert doc.value("active.licensing.decisions") is None
    assert "cannot tell" in doc.fields["active.licensing.decisions"].reason


def test_a_layout_dump_places_the_row_under_its_sub_header():
    header = "        信息内容              上一年项目数量            本年增/减                处理决定数量"
    values = make_values("2019", seed=5)
    text = report_text("2019", values)
    lines = text.split("\n")
    j = next(i for i, ln in enumerate(lines) if ln.startswith("行政许可 "))
    lines[j:j + 1] = [header, "        行政许可" + " " * 58 + "1267"]
    doc = extract_text("\n".join(lines))
    assert [doc.value(f"active.licensing.{c}") for c in ("prev_items", "change", "decisions")] == [0, 0, 1267]
    assert "column offsets" in doc.fields["active.licensing.decisions"].reason

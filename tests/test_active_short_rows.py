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


def test_one_unsigned_number_reads_what_is_determined_and_guesses_the_rest():
    # 1267 is 上一年项目数量 or 处理决定数量: nothing printed says which. But the table signs its
    # rises (+25), so 1267 is no 本年增/减: that cell is 0 either way, and is read. Before: all
    # three cells unread ("cannot tell which are blank")
    doc, _ = _doc({"行政处罚": " 196 +25", "行政许可": " 1267"})
    change = doc.fields["active.licensing.change"]
    assert change.value == 0 and change.confidence == 0.85 and not change.alternatives
    for c in ("prev_items", "decisions"):
        cell = doc.fields[f"active.licensing.{c}"]
        assert cell.confidence <= 0.5 and cell.reason.startswith("ambiguous") and cell.alternatives == [0, 1267]
    # real reports print a lone count in 上一年项目数量 (ACTIVE_PATTERNS): the guess
    assert [doc.value(f"active.licensing.{c}") for c in ("prev_items", "decisions")] == [1267, 0]


def test_without_signed_rises_an_unsigned_number_may_be_the_change():
    # no plus anywhere in the table (its rises print unsigned): 1267 may be any of the three
    # columns, all three open
    doc, _ = _doc({"行政许可": " 1267", "其他对外管理服务事项": " 0 37 2", "行政处罚": " 1 4 4",
                   "行政事业性收费": " 0 29"})
    for c in ("prev_items", "change", "decisions"):
        cell = doc.fields[f"active.licensing.{c}"]
        assert cell.confidence <= 0.5 and cell.alternatives == [0, 1267]


def test_the_active_prior_is_the_real_reports_count():
    """ACTIVE_PATTERNS comes from the gold of the real reports, not from the synthetic generator."""
    import collections
    import json

    from conftest import SHARED
    from nianbao.assemble.active_short import ACTIVE_PATTERNS

    got: dict = {}
    for f in sorted((SHARED / "real").glob("*.gold.json")) + sorted((SHARED / "seeds").glob("*.gold.json")):
        rows = collections.defaultdict(dict)
        for k, v in json.loads(f.read_text(encoding="utf-8"))["fields"].items():
            t, rest = k.split(".", 1)
            if t == "active":
                r, c = rest.rsplit(".", 1)
                rows[r][c] = v
        for cols in rows.values():
            key = tuple(cols)
            pat = tuple(int(bool(v)) for v in cols.values())
            if key in ACTIVE_PATTERNS and any(pat):
                got.setdefault(key, collections.Counter())[pat] += 1
    assert {k: dict(v) for k, v in got.items()} == ACTIVE_PATTERNS


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


def _with_active_block(block: str):
    """A 2019-format report whose 第（五）–（六）项 part of the active table is `block` (as a
    -layout dump prints it), read."""
    text = report_text("2019", make_values("2019", seed=5))
    a, b = text.index("第二十条第（五）项"), text.index("第二十条第（八）项")
    return extract_text(text[:a] + block + text[b:])


def test_a_layout_row_goes_under_its_own_sub_header_not_another_sub_tables_columns():
    """-layout prints each sub-table's header at its own offsets: 第（六）项's 处理决定数量 stands far
    right of 第（五）项's. The table-wide column centres (medians over every full row, 行政处罚's
    among them) put 其他对外管理服务事项's 197 in 本年增/减 (0.85, wrong: seed 2835, doc 42's dump);
    the sub-header right above the row puts it under 处理决定数量."""
    block = "\n".join([
        "第二十条第（五）项",
        "        信息内容           上一年项目数量      本年增/减    处理决定数量",
        "        行政许可              1556       -911",
        "    其他对外管理服务事项             93                  197",
        "第二十条第（六）项",
        "        信息内容              上一年项目数量     本年增/减               处理决定数量",
        "        行政处罚                 128       -12                  226",
        "        行政强制",
        "",
    ])
    doc = _with_active_block(block)
    assert [doc.value(f"active.other_services.{c}") for c in ("prev_items", "change", "decisions")] == [93, 0, 197]
    assert [doc.value(f"active.penalty.{c}") for c in ("prev_items", "change", "decisions")] == [128, -12, 226]


def test_a_layout_row_carried_to_a_new_page_takes_that_pages_header():
    """pdftotext -layout lays out each page on its own character grid: 第（五）项's header on page 1
    puts 上一年项目数量 at 23 and 处理决定数量 at 49, page 2 prints the same columns at 29 and 64.
    A row carried over to page 2 (其他对外管理服务事项 535 … 93, seed 2835 doc 28) measured against
    page 1's header was a 0.5 guess (535 sat nearest 本年增/减); the header below it on its own
    page (第（六）项, the same three columns) places it: 535 | 0 | 93."""
    block = "\n".join([
        "第二十条第（五）项",
        "        信息内容        上一年项目数量          本年增/减    处理决定数量",
        "        行政许可              859             －151",
        "",
        "                            — 1 —",
        "\f  其他对外管理服务事项                 535                               93",
        "第二十条第（六）项",
        "        信息内容                  上一年项目数量           本年增/减            处理决定数量",
        "        行政处罚                                                   278",
        "        行政强制                                                   414",
        "",
    ])
    doc = _with_active_block(block)
    cells = [doc.fields[f"active.other_services.{c}"] for c in ("prev_items", "change", "decisions")]
    assert [c.value for c in cells] == [535, 0, 93]
    assert all(c.confidence > 0.5 and "column offsets" in c.reason for c in cells)
    assert [doc.value(f"active.penalty.{c}") for c in ("prev_items", "change", "decisions")] == [0, 0, 278]

"""An unread cell does not switch an identity off, and a flag names the cells that can be wrong.

Built from 洪泽 2024 (../shared/real/hongze_2024.pdf): the token model put row 3's values into
row 2 (1 … 1 instead of 0 … 0) at confidence 0.997; the 2021 table's （六） sub-rows were unread,
so the column identities were skipped as holding and nothing flagged the row.
"""
from nianbao import schema
from nianbao.document import Cell, Document, Source
from nianbao.reconcile import reconcile
from reportgen import make_values

ROW2 = "requests.result.withheld.prohibited_by_law"
ROW3 = "requests.result.withheld.three_safeties"
COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")


def hongze_like():
    """A consistent 2021 report whose row 3 prints 1 … 1 and row 2 zeros; two （六） sub-rows unread."""
    v = make_values("2021", seed=11)
    for c in COLS:
        v[f"{ROW2}.{c}"] = 0
        v[f"{ROW3}.{c}"] = 0
    v[f"{ROW3}.natural_person"] = v[f"{ROW3}.total"] = 1
    for r in ("overdue_correction", "overdue_fee"):  # printed 0 in 洪泽's table, here unread
        for c in COLS:
            v[f"requests.result.other.{r}.{c}"] = 0
    for c in COLS:  # restore the column sums and the balance after the edit
        res = [f"requests.{r}.{c}" for r in schema.request_result_rows("2021")]
        v[f"requests.result.total.{c}"] = sum(v[k] for k in res)
        v[f"requests.carried_forward.{c}"] = (v[f"requests.new_received.{c}"] + v[f"requests.carried_over.{c}"]
                                             - v[f"requests.result.total.{c}"])
    assert min(v[f"requests.carried_forward.{c}"] for c in COLS) >= 0
    doc = Document(source=Source(path="t.pdf", kind="digital_pdf"), format="2021")
    doc.fields = {k: Cell(value=x, confidence=0.99) for k, x in v.items()}
    for r in ("overdue_correction", "overdue_fee"):
        for c in COLS:
            doc.fields[f"requests.result.other.{r}.{c}"] = Cell(value=None, reason="not_found")
    return doc


def test_a_consistent_report_with_unread_cells_has_no_flag():
    doc = reconcile(hongze_like())
    assert doc.flags == []
    # the columns are only bounded (two of their parts unread): nothing vouches for them there
    unread = doc.fields["requests.result.other.overdue_fee.natural_person"]
    assert unread.verified is None
    assert doc.fields[f"{ROW3}.natural_person"].verified is True  # its row holds, read in full


def test_a_row_filled_from_the_next_one_breaks_the_column_bound_and_is_named():
    doc = hongze_like()
    for c in COLS:  # the model's reading of row 2: row 3's values, only the model read them
        doc.fields[f"{ROW2}.{c}"] = Cell(value=doc.fields[f"{ROW3}.{c}"].value, confidence=0.85,
                                         reason="read only by the token model")
    reconcile(doc)
    cols = {f.keys[0].rsplit(".", 1)[1]: f for f in doc.flags if f.identity == "requests.column_sum"}
    assert set(cols) == {"natural_person", "total"}
    for c, f in cols.items():
        # parts read already exceed the printed total: named is the weakly read row-2 cell, not
        # the column's twenty cells nor the equally valued row 3 read from the text layer
        assert f.keys == [f"{ROW2}.{c}"]
        assert f.expected == f.printed + 1 and "已超过" in f.message
    for c in ("natural_person", "total"):
        cell = doc.fields[f"{ROW2}.{c}"]
        assert cell.verified is False and cell.confidence < 0.9
    assert doc.verification()["broken"] > 0


def test_a_cell_derived_below_zero_is_flagged():
    v = make_values("2021", seed=12)
    doc = Document(source=Source(path="t"), format="2021")
    doc.fields = {k: Cell(value=x, confidence=0.99) for k, x in v.items()}
    c = "enterprise"
    doc.fields[f"requests.carried_forward.{c}"] = Cell(value=None, reason="unreadable")
    # the result total read 5 above what new + carried over allow
    doc.fields[f"requests.result.total.{c}"].value = v[f"requests.new_received.{c}"] + v[f"requests.carried_over.{c}"] + 5
    reconcile(doc)
    bal = [f for f in doc.flags if f.identity == "requests.balance"]
    assert len(bal) == 1 and "小于 0" in bal[0].message
    assert f"requests.carried_forward.{c}" in bal[0].message
    assert f"requests.result.total.{c}" in bal[0].keys


def test_two_derivations_of_one_unread_cell_must_agree():
    v = make_values("2019", seed=13)
    doc = Document(source=Source(path="t"), format="2019")
    doc.fields = {k: Cell(value=x, confidence=0.99) for k, x in v.items()}
    doc.fields["requests.result.total.total"] = Cell(value=None, reason="unreadable")
    doc.fields["requests.result.disclosed.total"].value += 2  # its row breaks too
    reconcile(doc)
    assert any("两者不一致" in f.message for f in doc.flags)
    assert all(f.keys == ["requests.result.disclosed.total"] for f in doc.flags)
    assert doc.fields["requests.result.disclosed.total"].confidence < 0.9


def test_a_balance_checked_in_full_still_vouches_beside_an_unread_column():
    v = make_values("2021", seed=14)
    doc = Document(source=Source(path="t"), format="2021")
    doc.fields = {k: Cell(value=x, confidence=0.99) for k, x in v.items()}
    doc.fields["requests.result.disclosed.research"] = Cell(value=None, reason="unreadable")
    reconcile(doc)
    assert doc.flags == []
    assert doc.fields["requests.result.total.research"].verified is True  # balance and row hold
    assert doc.fields["requests.result.partially_disclosed.research"].verified is True  # its row holds


def test_identities_that_placed_a_cell_do_not_vouch_for_it():
    v = make_values("2021", seed=15)
    doc = Document(source=Source(path="t"), format="2021")
    doc.fields = {k: Cell(value=x, confidence=0.99) for k, x in v.items()}
    row = "requests.result.disclosed"
    for c in COLS:  # the text kept no positions: the row's blanks were placed by its identity
        doc.fields[f"{row}.{c}"].reason = "2 blank cell(s) placed by the row identity"
        doc.fields[f"{row}.{c}"].confidence = 0.5
    doc.fields["requests.result.partially_disclosed.enterprise"] = Cell(value=None, reason="unreadable")
    reconcile(doc)
    assert doc.flags == []
    assert doc.fields[f"{row}.enterprise"].verified is None      # only its own row checks it, fully
    assert doc.fields[f"{row}.natural_person"].verified is True  # its column, read in full, holds
    assert doc.fields[f"{row}.natural_person"].confidence == 0.5  # holding identities raise nothing

"""Each identity of the reconciler, one at a time, on documents built from consistent values."""
import pytest

from nianbao import schema
from nianbao.document import Cell, Document, Metric, Source
from nianbao.reconcile import reconcile
from reportgen import make_values


def doc_from(values, fmt="2021", metrics=None, statements=None):
    doc = Document(source=Source(path="t"), format=fmt)
    doc.fields = {k: Cell(value=v) for k, v in values.items()}
    doc.metrics = metrics or {}
    doc.statements = statements or {}
    return reconcile(doc)


def ids(doc):
    return sorted(f.identity for f in doc.flags)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_consistent_report_has_no_flag(fmt):
    for seed in range(20):
        assert doc_from(make_values(fmt, seed=seed), fmt).flags == []


def test_row_sum():
    v = make_values("2021", seed=1)
    v["requests.new_received.total"] += 1  # also breaks the balance of column total
    v["requests.result.disclosed.total"] += 0
    v2 = dict(v)
    doc = doc_from(v2)
    row = [f for f in doc.flags if f.identity == "requests.row_sum"]
    assert len(row) == 1
    f = row[0]
    # the one cell that breaks both the row and the column's balance is the one named
    assert f.keys == ["requests.new_received.total"]
    assert f.printed == v["requests.new_received.total"] and f.expected == v["requests.new_received.total"] - 1
    assert "各类申请人之和" in f.message


def test_column_sum_and_suggested_cell():
    v = make_values("2021", seed=2)
    v["requests.result.withheld.state_secret.natural_person"] += 2  # row and column both break here
    doc = doc_from(v)
    assert ids(doc) == ["requests.column_sum", "requests.row_sum"]
    for f in doc.flags:
        assert f.suggested == {"requests.result.withheld.state_secret.natural_person":
                               v["requests.result.withheld.state_secret.natural_person"] - 2}
    col = next(f for f in doc.flags if f.identity == "requests.column_sum")
    assert col.printed == v["requests.result.total.natural_person"]
    assert col.expected == col.printed + 2
    assert "办理结果各项之和" in col.message


def test_no_suggestion_when_only_one_identity_breaks():
    v = make_values("2021", seed=3)
    v["requests.result.disclosed.natural_person"] += 1
    v["requests.result.disclosed.enterprise"] -= 1 if v["requests.result.disclosed.enterprise"] else -1
    v["requests.result.disclosed.total"] = sum(v[f"requests.result.disclosed.{c}"] for c in
                                               ("natural_person", "enterprise", "research", "nonprofit",
                                                "legal_service", "other_org"))
    doc = doc_from(v)
    assert doc.flags and all(f.identity == "requests.column_sum" for f in doc.flags)
    assert all(f.suggested is None for f in doc.flags if len({k.rsplit('.', 1)[1] for k in f.keys}) == 1)


def test_balance():
    v = make_values("2019", seed=4)
    for c in ("natural_person", "total"):
        v[f"requests.carried_forward.{c}"] += 3
    doc = doc_from(v, "2019")
    assert ids(doc) == ["requests.balance", "requests.balance"]  # columns natural_person and total
    f = next(f for f in doc.flags if "requests.carried_forward.natural_person" in f.keys)
    assert f.printed - f.expected == 3
    assert "第一项加第二项之和" in f.message


def test_appeals_row_sum():
    v = make_values("2021", seed=5)
    v["appeals.suit_direct.pending"] += 1
    doc = doc_from(v)
    assert ids(doc) == ["appeals.row_sum"]
    # the total (too small) or the one nonzero part (too big): not the zero parts
    assert doc.flags[0].keys == ["appeals.suit_direct.pending", "appeals.suit_direct.total"]


def test_an_unread_total_is_derived_and_the_derivations_compared():
    v = make_values("2021", seed=6)
    v["requests.result.total.natural_person"] = None
    v["requests.result.disclosed.natural_person"] += 5
    doc = doc_from(v)
    derived = [f for f in doc.flags if "未读出的 requests.result.total.natural_person" in f.message]
    assert derived and all(f.keys == ["requests.result.disclosed.natural_person"] for f in doc.flags)
    assert doc.fields["requests.result.total.natural_person"].verified is None


def test_prose_requests_received():
    v = make_values("2021", seed=7)
    n = v["requests.new_received.total"]
    ok = doc_from(v, metrics={"requests_received": Metric(value=n)})
    assert ok.flags == []
    both = doc_from(v, metrics={"requests_received": Metric(value=n + v["requests.carried_over.total"])})
    assert both.flags == []
    bad = doc_from(v, metrics={"requests_received": Metric(value=n + 100, evidence="共收到申请")})
    assert ids(bad) == ["cross.requests_received"]
    assert bad.flags[0].printed == n + 100 and bad.flags[0].expected == n
    approx = doc_from(v, metrics={"requests_received": Metric(value=n + 100, approx=True)})
    assert approx.flags == []


def test_prose_no_appeals():
    v = make_values("2021", seed=8)
    for c in ("upheld", "corrected", "other", "pending", "total"):
        v[f"appeals.review.{c}"] = 0
    v["appeals.suit_direct.upheld"] = 1
    v["appeals.suit_direct.total"] = 1 + sum(v[f"appeals.suit_direct.{c}"] for c in ("corrected", "other", "pending"))
    said = {"no_review": Metric(value=True, evidence="无行政复议"), "no_suit": Metric(value=True, evidence="无行政诉讼")}
    doc = doc_from(v, statements=said)
    assert ids(doc) == ["cross.no_appeals"]
    assert doc.flags[0].keys == ["appeals.suit_direct.total", "appeals.suit_after_review.total"]
    assert "行政诉讼" in doc.flags[0].message


def test_reconciler_never_changes_printed_values():
    v = make_values("2021", seed=9)
    v["requests.result.withheld.state_secret.natural_person"] += 2
    doc = doc_from(dict(v))
    assert {k: c.value for k, c in doc.fields.items()} == v


def test_identity_ids_match_schema():
    from nianbao.reconcile.identities import equations
    names = {e.identity for e in equations("2021")} | {"cross.requests_received", "cross.no_appeals"}
    assert names == set(schema.identities())


def test_verified_marks_cells_of_holding_and_broken_identities():
    v = make_values("2021", seed=3)
    v["appeals.review.total"] += 1
    doc = doc_from(v)
    assert doc.fields["appeals.review.total"].verified is False
    assert doc.fields["appeals.review.upheld"].verified is False
    assert doc.fields["requests.new_received.total"].verified is True
    assert doc.fields["active.rules.issued"].verified is None  # no identity covers it
    s = doc.verification()
    assert s["cells"] == len(v) and s["broken"] == 5 and s["verified"] + s["broken"] + s["unchecked"] == len(v)


def test_aggregate_other_row_stands_for_its_sub_rows():
    """A 2021 table printing the single （六）其他处理 row (spec variant aggregate_other_in_2021):
    the column sums go through the aggregate; the sub-rows are not printed."""
    v = make_values("2021", seed=4)
    subs = schema.aggregated_rows("2021")
    cols = schema.columns("requests", "2021")
    for c in cols:
        v[f"requests.result.other.{c}"] = sum(v.pop(f"requests.{r}.{c}") for r in subs)
    doc = Document(source=Source(path="t"), format="2021", variants=[schema.AGGREGATE_OTHER])
    doc.fields = {k: Cell(value=x) for k, x in v.items()}
    doc.fields.update({f"requests.{r}.{c}": Cell(value=None, reason="not_printed") for r in subs for c in cols})
    assert len(doc.fields) == len(schema.field_keys("2021", aggregate=True)) == 207
    assert reconcile(doc).flags == []
    assert doc.fields["requests.result.other.total"].verified is True
    doc.fields["requests.result.other.natural_person"].value += 1
    doc.flags = []
    broken = {f.identity for f in reconcile(doc).flags}
    assert {"requests.column_sum", "requests.row_sum"} <= broken

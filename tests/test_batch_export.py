"""Exports of a batch: the same values in CSV, XLSX and Parquet, one row per (document, key)."""
from __future__ import annotations

import csv
import json

import pytest

from batch_helpers import SEEDS, seed_copies
from nianbao import schema
from nianbao.batch import Options, run_batch
from nianbao.cli import main

pytestmark = pytest.mark.skipif(not SEEDS, reason="needs ../shared/seeds")


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("export")
    seed_copies(tmp / "in", 3, marker="FLAG")
    (tmp / "in" / "empty.txt").write_text("", encoding="utf-8")
    run_batch(tmp / "in", tmp / "out", Options(workers=1, extractor="batch_helpers:fake_extract", progress=False))
    return tmp / "out"


def reports(out):
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((out / "reports").glob("*.json"))]


def test_csv_long_wide_and_files(batch_out):
    assert main(["batch", "export", str(batch_out), "--format", "csv"]) == 0
    ex = batch_out / "exports"
    with open(ex / "long.csv", encoding="utf-8-sig", newline="") as f:
        long = list(csv.DictReader(f))
    n_keys = len(schema.field_keys("2021")) + len(schema.metric_ids())
    assert len(long) == 3 * n_keys
    done = [r for r in reports(batch_out) if "fields" in r]
    doc = done[0]
    key = "requests.result.total.natural_person"
    row = next(r for r in long if r["sha256"] == doc["source"]["sha256"] and r["key"] == key)
    assert float(row["value"]) == doc["fields"][key]["value"] and row["flagged"] == "True"
    with open(ex / "wide_2021.csv", encoding="utf-8-sig", newline="") as f:
        wide = list(csv.DictReader(f))
    assert len(wide) == 3
    w = next(r for r in wide if r["sha256"] == doc["source"]["sha256"])
    assert float(w[key]) == doc["fields"][key]["value"]
    assert w["flags"] == "「（七）总计 · 自然人」建议为 2"  # the suspect cell by name, not the identity again
    with open(ex / "files.csv", encoding="utf-8-sig", newline="") as f:
        files = list(csv.DictReader(f))
    assert sorted(r["status"] for r in files) == ["done", "done", "done", "failed"]
    assert [r["reason"] for r in files if r["status"] == "failed"] == ["empty"]
    assert {r["agency"] for r in files if r["status"] == "done"} == {"测试县人民政府办公室"}
    assert {r["year"] for r in files if r["status"] == "done"} == {"2023"}


def test_xlsx_and_parquet_match_csv(batch_out):
    openpyxl = pytest.importorskip("openpyxl")
    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["batch", "export", str(batch_out), "--format", "xlsx", "--format", "parquet"]) == 0
    ex = batch_out / "exports"
    wb = openpyxl.load_workbook(ex / "batch.xlsx", read_only=True)
    assert {"long", "wide_2021", "files"} <= set(wb.sheetnames)
    xl_rows = list(wb["long"].iter_rows(values_only=True))
    table = pq.read_table(ex / "long.parquet").to_pylist()
    assert len(xl_rows) - 2 == len(table)  # keys, then their Chinese labels
    head = xl_rows[0]
    assert xl_rows[1][head.index("confidence")] == "置信度"
    xl = {(r[head.index("sha256")], r[head.index("key")]): r[head.index("value")] for r in xl_rows[2:]}
    for r in table:
        assert xl[(r["sha256"], r["key"])] == r["value"]
    wide = pq.read_table(ex / "wide_2021.parquet")
    assert wide.num_rows == 3 and "active.fees.amount" in wide.column_names
    assert not list((ex).glob(".*.tmp"))


@pytest.fixture(scope="module")
def seed_batch(tmp_path_factory):
    """The real seed reports, extracted for real: flags with and without a suggestion, and the
    yes/no metric fee_collected."""
    tmp = tmp_path_factory.mktemp("export-seeds")
    (tmp / "in").mkdir()
    for p in SEEDS:
        (tmp / "in" / p.name).write_bytes(p.read_bytes())
    run_batch(tmp / "in", tmp / "out", Options(workers=1, progress=False))
    for fmt in ("csv", "xlsx", "parquet"):
        assert main(["batch", "export", str(tmp / "out"), "--format", fmt]) == 0
    return tmp / "out"


def _csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_long_rows_carry_label_confidence_verified_and_suggestion(seed_batch):
    long = _csv(seed_batch / "exports" / "long.csv")
    key = "requests.result.not_processed.duplicate.total"
    row = next(r for r in long if r["key"] == key and r["suggested"])
    assert row["suggested"] == "1" and row["verified"] == "False" and row["flagged"] == "True"
    assert row["label"].endswith("· 总计") and "重复申请" in row["label"]
    assert "requests.row_sum" in row["flag_ids"] and "各类申请人之和等于总计" in row["flags"]
    assert float(row["confidence"]) > 0
    assert {r["verified"] for r in long if r["kind"] == "field"} == {"True", "False", ""}
    fee = [r for r in long if r["key"] == "metrics.fee_collected" and r["value"]]
    assert fee and {r["value"] for r in fee} == {"False"}  # a yes/no, not 0.0
    assert next(r for r in long if r["key"] == "metrics.fee_collected")["label"] == "是否收取信息处理费"


def test_wide_flags_name_the_suspect_cells_once(seed_batch):
    wide = _csv(seed_batch / "exports" / "wide_2021.csv")
    by_agency = {r["agency"]: r for r in wide}
    flags = by_agency["红寺堡区人民政府办公室"]["flags"]
    assert flags.count("建议为 1") == 1 and "重复申请" in flags and "requests." not in flags
    unresolved = by_agency["海原县人民政府办公室"]["flags"]
    assert "办理结果各项之和等于总计不成立" in unresolved and "requests." not in unresolved
    assert int(by_agency["海原县人民政府办公室"]["cells_broken"]) > 0
    files = _csv(seed_batch / "exports" / "files.csv")
    assert {(r["agency"], r["year"]) for r in files} == {("红寺堡区人民政府办公室", "2023"),
                                                          ("海原县人民政府办公室", "2023"), ("红寺堡区人民政府", "2020")}
    labels = {r["key"]: r for r in _csv(seed_batch / "exports" / "labels.csv")}
    assert labels["requests.new_received.natural_person"]["label"] == "一、本年新收政府信息公开申请数量 · 自然人"


def test_xlsx_is_made_for_a_person(seed_batch):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.load_workbook(seed_batch / "exports" / "batch.xlsx")
    ws = wb["wide_2021"]
    keys = [c.value for c in ws[1]]
    # only agency and year frozen, the agency's name wide enough to read, hashes and paths last
    assert ws.freeze_panes == "C3" and ws.auto_filter.ref.startswith("A2:")
    assert keys[:2] == ["agency", "year"] and keys[-2:] == ["sha256", "path"]
    assert ws.column_dimensions["A"].width >= 20 and ws.column_dimensions["B"].width <= 8
    col = keys.index("requests.result.not_processed.duplicate.total") + 1
    assert "重复申请" in ws.cell(row=2, column=col).value
    agencies = [c.value for c in ws["A"]]
    r = agencies.index("红寺堡区人民政府办公室") + 1
    flagged = ws.cell(row=r, column=col)
    assert flagged.fill.fgColor.rgb.endswith("E57373") and "建议值 1" in flagged.comment.text
    plain = ws.cell(row=r, column=keys.index("requests.new_received.natural_person") + 1)
    assert plain.fill.fill_type is None
    fee = ws.cell(row=r, column=keys.index("metrics.fee_collected") + 1)
    assert fee.value is False and fee.data_type == "b"
    assert set(wb.sheetnames) >= {"时间序列", "long", "wide_2021", "wide_2019", "files", "labels"}
    assert wb["long"].freeze_panes and wb["files"].auto_filter.ref


def test_parquet_keeps_yes_no_as_boolean(seed_batch):
    pq = pytest.importorskip("pyarrow.parquet")
    wide = pq.read_table(seed_batch / "exports" / "wide_2021.parquet")
    assert str(wide.schema.field("metrics.fee_collected").type) == "bool"
    assert set(wide.column("metrics.fee_collected").to_pylist()) == {False}
    long = pq.read_table(seed_batch / "exports" / "long.parquet").to_pylist()
    fee = [r for r in long if r["key"] == "metrics.fee_collected" and r["value_bool"] is not None]
    assert fee and all(r["value"] is None for r in fee)


def test_series_sheet_one_row_per_report_across_formats(seed_batch):
    """时间序列: both formats in one sheet with the figures they share, agency and year first and frozen,
    an unread figure grey with its reason, the flags in Chinese."""
    openpyxl = pytest.importorskip("openpyxl")
    from nianbao.figures import FIGURE_ZH, compute
    wb = openpyxl.load_workbook(seed_batch / "exports" / "batch.xlsx")
    ws = wb["时间序列"]
    keys = [c.value for c in ws[1]]
    assert ws.freeze_panes == "C3" and keys[:2] == ["agency", "year"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert sorted({r[keys.index("format")] for r in rows}) == ["2019", "2021"] and len(rows) == 3
    assert ws.cell(row=2, column=keys.index("disclosed") + 1).value == FIGURE_ZH["disclosed"]
    # every figure equals the cells' sum from the report's own JSON (integers)
    for data in reports(seed_batch):
        if not data.get("fields"):
            continue
        r = next(x for x in rows if x[keys.index("sha256")] == data["source"]["sha256"])
        want = compute(data["fields"], data["format"])
        for name, fig in want.items():
            assert r[keys.index(name)] == fig.value
        assert "requests." not in (r[keys.index("flags")] or "")


def test_csv_has_a_bom_and_parquet_the_right_types(seed_batch):
    pq = pytest.importorskip("pyarrow.parquet")
    ex = seed_batch / "exports"
    for p in ex.glob("*.csv"):
        assert p.read_bytes().startswith(b"\xef\xbb\xbf"), p.name   # Excel reads the Chinese as UTF-8
    types = {name: {f.name: str(f.type) for f in pq.read_table(ex / f"{name}.parquet").schema}
             for name in ("long", "wide_2021", "series", "files")}
    assert types["long"]["year"] == types["long"]["page"] == types["long"]["line"] == "int64"
    assert types["long"]["value"] == "double" and types["long"]["verified"] == "bool"
    w = types["wide_2021"]
    assert w["flags"] == "string" and w["year"] == "int64"
    assert w["cells_verified"] == w["cells_broken"] == w["cells_unchecked"] == "int64"
    assert w["requests.new_received.total"] == "double"
    s = types["series"]
    assert s["disclosed"] == s["requests_processed"] == "int64" and s["substantive_disclosure_rate"] == "double"
    assert types["files"]["flags"] == "int64"
    notes = pq.read_table(ex / "wide_2021.parquet").column("flags").to_pylist()
    assert any(notes)   # the flag messages survive (a column typed int64 made them all null)

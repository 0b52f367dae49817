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
    assert float(w[key]) == doc["fields"][key]["value"] and w["flags"] == "requests.column_sum"
    with open(ex / "files.csv", encoding="utf-8-sig", newline="") as f:
        files = list(csv.DictReader(f))
    assert sorted(r["status"] for r in files) == ["done", "done", "done", "failed"]
    assert [r["reason"] for r in files if r["status"] == "failed"] == ["empty"]


def test_xlsx_and_parquet_match_csv(batch_out):
    openpyxl = pytest.importorskip("openpyxl")
    pq = pytest.importorskip("pyarrow.parquet")
    assert main(["batch", "export", str(batch_out), "--format", "xlsx", "--format", "parquet"]) == 0
    ex = batch_out / "exports"
    wb = openpyxl.load_workbook(ex / "batch.xlsx", read_only=True)
    assert {"long", "wide_2021", "files"} <= set(wb.sheetnames)
    xl_rows = list(wb["long"].iter_rows(values_only=True))
    table = pq.read_table(ex / "long.parquet").to_pylist()
    assert len(xl_rows) - 1 == len(table)
    head = xl_rows[0]
    xl = {(r[head.index("sha256")], r[head.index("key")]): r[head.index("value")] for r in xl_rows[1:]}
    for r in table:
        assert xl[(r["sha256"], r["key"])] == r["value"]
    wide = pq.read_table(ex / "wide_2021.parquet")
    assert wide.num_rows == 3 and "active.fees.amount" in wide.column_names
    assert not list((ex).glob(".*.tmp"))

"""The dataset's tables in DuckDB: the per-copy tables a build keeps between runs (so a rebuild
reads only new or changed files), and the derived tables users query."""
from __future__ import annotations

import pyarrow as pa

from .records import CELL_COLUMNS, COPY_COLUMNS, FLAG_COLUMNS, METRIC_COLUMNS

SCHEMA_VERSION = "1"

S, I, D, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
COPY_TYPES = {"copy_id": S, "path": S, "status": S, "agency_printed": S, "year": I, "format": S, "source_path": S,
              "source_sha256": S, "kind": S, "pages": I, "page_first": I, "page_last": I, "model": S,
              "variants": pa.list_(S), "cells": I, "verified": I, "broken": I, "unchecked": I, "null_cells": I,
              "n_flags": I, "n_warnings": I, "errors": S}
CELL_TYPES = {"copy_id": S, "key": S, "value": D, "text": S, "confidence": D, "verified": B, "page": I, "line": I,
              "bbox": pa.list_(D), "blank": B, "reason": S}
METRIC_TYPES = {"copy_id": S, "metric": S, "value": D, "approx": B, "unit": S, "confidence": D, "page": I, "line": I,
                "evidence": S, "reason": S}
FLAG_TYPES = {"copy_id": S, "identity": S, "keys": pa.list_(S), "printed": D, "expected": D, "message": S,
              "suggested": S}
BASE = {"copies": (COPY_COLUMNS, COPY_TYPES), "copy_cells": (CELL_COLUMNS, CELL_TYPES),
        "copy_metrics": (METRIC_COLUMNS, METRIC_TYPES), "copy_flags": (FLAG_COLUMNS, FLAG_TYPES)}
FILE_TYPES = {"path": S, "size": I, "mtime_ns": I, "sha256": S, "status": S, "message": S}

# tables a build derives from the copies each time (users query these)
DERIVED = ("reports", "cells", "metrics", "flags", "conflicts", "fields", "agencies", "agency_aliases", "report_copies",
           "check_summary", "figure_parts", "figure_values", "figures", "indicator_values")
VIEWS = ("figures", "indicators", "figures_zh", "indicators_zh", "rankings")
PARQUET_TABLES = ("reports", "cells", "metrics", "flags", "figures", "figure_values", "indicator_values", "conflicts",
                  "fields", "agencies", "agency_aliases", "files")
BY_YEAR = ("reports", "cells", "metrics", "flags", "figures", "figure_values", "indicator_values")


def _duck(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return _duck(t.value_type) + "[]"
    return {S: "VARCHAR", I: "BIGINT", D: "DOUBLE", B: "BOOLEAN"}[t]


def ddl(name: str, types: dict) -> str:
    return f"CREATE TABLE IF NOT EXISTS {name} (" + ", ".join(f'"{c}" {_duck(t)}' for c, t in types.items()) + ")"


def arrow(columns: dict[str, list], types: dict) -> pa.Table:
    return pa.Table.from_pydict({c: columns[c] for c in types}, schema=pa.schema([(c, t) for c, t in types.items()]))


def ensure_schema(con) -> bool:
    """Create the kept tables; a dataset of another schema version is emptied (rebuilt from the files).
    Returns True when it was emptied or new."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)")
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    fresh = row is None or row[0] != SCHEMA_VERSION
    if fresh:
        for v in VIEWS:
            if con.execute("SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND NOT internal", [v]).fetchone()[0]:
                con.execute(f"DROP VIEW {v}")
        for t in (*BASE, "files", *DERIVED):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        con.execute("DELETE FROM meta")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    for name, (_, types) in BASE.items():
        con.execute(ddl(name, types))
    con.execute(ddl("files", FILE_TYPES))
    return fresh


def insert(con, table: str, tbl: pa.Table) -> None:
    if tbl.num_rows:
        con.register("_incoming", tbl)
        try:
            con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")


def replace(con, table: str, tbl: pa.Table) -> None:
    con.register("_incoming", tbl)
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
    finally:
        con.unregister("_incoming")

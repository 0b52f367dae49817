"""Exports of a whole batch: CSV, XLSX and Parquet under OUT_DIR/exports/.

Tables:
  long     one row per (document, key): table cells and narrative metrics with their evidence
  wide_<format>  one row per report, one column per key (reports of the two formats have
           different keys, so each format gets its own wide table)
  files    the manifest: every input with its status and failure reason
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from .. import schema
from ..output import write_atomic
from .manifest import Manifest
from .runner import MANIFEST, REPORTS

LONG_COLUMNS = ("sha256", "path", "agency", "year", "format", "kind", "key", "value", "confidence", "page",
                "line", "blank", "flagged", "reason", "evidence")
FILE_COLUMNS = ("sha256", "path", "status", "reason", "error", "output", "kind", "pages", "format", "flags",
                "attempts", "seconds")
WIDE_HEAD = ("sha256", "path", "agency", "year", "format", "flags")


def _number(v):
    if isinstance(v, bool):
        return float(v)
    return v


def collect(out_dir: Path) -> dict[str, tuple[list[str], list[list]]]:
    """Every table to export, as (columns, rows)."""
    m = Manifest(out_dir / MANIFEST)
    try:
        files = m.rows()
    finally:
        m.close()
    long_rows, wide = [], {}
    for f in files:
        if f["status"] != "done" or not f["output"]:
            continue
        path = out_dir / REPORTS / f["output"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        fmt = data.get("format")
        flagged = {k for fl in data.get("flags") or [] for k in fl.get("keys") or []}
        head = [f["sha256"], data["source"].get("path"), data.get("agency"), data.get("year"), fmt]
        for key, c in (data.get("fields") or {}).items():
            long_rows.append(head + ["field", key, _number(c.get("value")), c.get("confidence"), c.get("page"),
                                     c.get("line"), bool(c.get("blank")), key in flagged, c.get("reason"),
                                     c.get("text")])
        for mid, mt in (data.get("metrics") or {}).items():
            long_rows.append(head + ["metric", f"metrics.{mid}", _number(mt.get("value")), mt.get("confidence"),
                                     mt.get("page"), mt.get("line"), False, False, mt.get("reason"),
                                     mt.get("evidence")])
        if fmt in schema.FORMATS:
            keys = list(schema.field_keys(fmt)) + [f"metrics.{i}" for i in schema.metric_ids()]
            cols, rows = wide.setdefault(f"wide_{fmt}", (list(WIDE_HEAD) + keys, []))
            values = {k: _number(c.get("value")) for k, c in (data.get("fields") or {}).items()}
            values.update({f"metrics.{i}": _number(mt.get("value")) for i, mt in (data.get("metrics") or {}).items()})
            rows.append(head + [";".join(fl.get("identity", "") for fl in data.get("flags") or [])]
                        + [values.get(k) for k in keys])
    tables = {"long": (list(LONG_COLUMNS), long_rows)}
    tables.update(sorted(wide.items()))
    tables["files"] = (list(FILE_COLUMNS), [[f[c] for c in FILE_COLUMNS] for f in files])
    return tables


def _atomic_binary(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(out_dir: str | Path, fmt: str) -> list[Path]:
    out_dir = Path(out_dir)
    dest = out_dir / "exports"
    dest.mkdir(parents=True, exist_ok=True)
    tables = collect(out_dir)
    if fmt == "csv":
        paths = []
        for name, (cols, rows) in tables.items():
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(cols)
            w.writerows(rows)
            # a BOM so spreadsheet programs read the Chinese text as UTF-8
            write_atomic(dest / f"{name}.csv", "\ufeff" + buf.getvalue())
            paths.append(dest / f"{name}.csv")
        return paths
    if fmt == "xlsx":
        try:
            from openpyxl import Workbook
        except ImportError as e:
            raise SystemExit("XLSX export needs openpyxl: pip install 'nianbao[batch]'") from e
        wb = Workbook(write_only=True)
        for name, (cols, rows) in tables.items():
            ws = wb.create_sheet(name[:31])
            ws.append(cols)
            for r in rows:
                ws.append(r)
        target = dest / "batch.xlsx"
        _atomic_binary(target, wb.save)
        return [target]
    if fmt == "parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as e:
            raise SystemExit("Parquet export needs pyarrow: pip install 'nianbao[batch]'") from e
        paths = []
        for name, (cols, rows) in tables.items():
            data = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
            fields = []
            for c in cols:
                if c == "value" or c.startswith(("active.", "requests.", "appeals.", "metrics.")):
                    fields.append(pa.field(c, pa.float64()))
                    data[c] = [None if v is None else float(v) for v in data[c]]
                else:
                    fields.append(pa.field(c, pa.infer_type(data[c]) if data[c] else pa.string()))
            table = pa.Table.from_pydict(data, schema=pa.schema(fields))
            target = dest / f"{name}.parquet"
            _atomic_binary(target, lambda p, t=table: pq.write_table(t, p))
            paths.append(target)
        return paths
    raise ValueError(f"unknown export format {fmt!r}")

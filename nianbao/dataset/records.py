"""Output JSON files (as `nianbao extract -o` and `nianbao batch` write them) → table rows.

One output file is a *copy* of a report: a report given as several files (a PDF and its text)
has several copies; `build` joins them. Rows are built as column lists so that a whole folder
turns into Arrow tables without a Python object per cell.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

try:  # several times faster than json on the 50 kB outputs; the dataset extra installs it
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - json is the fallback
    _loads = json.loads

COPY_COLUMNS = ("copy_id", "path", "status", "agency_printed", "year", "format", "source_path", "source_sha256",
                "kind", "pages", "page_first", "page_last", "model", "variants", "cells", "verified", "broken",
                "unchecked", "null_cells", "n_flags", "n_warnings", "errors")
CELL_COLUMNS = ("copy_id", "key", "value", "text", "confidence", "verified", "page", "line", "bbox", "blank", "reason")
METRIC_COLUMNS = ("copy_id", "metric", "value", "approx", "unit", "confidence", "page", "line", "evidence", "reason")
FLAG_COLUMNS = ("copy_id", "identity", "keys", "printed", "expected", "message", "suggested")


def walk(folders: list[str | Path]) -> list[Path]:
    """Every *.json under the folders (files named directly are taken as they are), sorted;
    temp files of interrupted writes (.name.tmp) are not outputs."""
    out: set[Path] = set()
    for f in folders:
        p = Path(f)
        if p.is_file():
            out.add(p)
            continue
        for root, dirs, files in os.walk(p, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.endswith(".json") and not name.startswith("."):
                    out.add(Path(root) / name)
    return sorted(out)


def _num(v):
    """A number as float (a bool metric as 1.0/0.0); anything else None."""
    if v is None or v.__class__ is str:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _int(v):
    c = v.__class__
    if c is int:
        return v
    return int(v) if c is float else None


class Rows:
    """Column lists of the four per-copy tables."""

    def __init__(self):
        self.copies = {c: [] for c in COPY_COLUMNS}
        self.cells = {c: [] for c in CELL_COLUMNS}
        self.metrics = {c: [] for c in METRIC_COLUMNS}
        self.flags = {c: [] for c in FLAG_COLUMNS}

    def __len__(self) -> int:
        return len(self.copies["copy_id"])


def is_output(data) -> bool:
    """An output of the contract: a `source` and either fields (a report) or errors (a record)."""
    return (isinstance(data, dict) and isinstance(data.get("source"), dict)
            and ("fields" in data or "errors" in data))


def add_copy(rows: Rows, copy_id: str, path: str, data: dict) -> None:
    """Append one output's rows; everything is computed before anything is appended, so a
    malformed output raises with the tables untouched."""
    src = data.get("source") or {}
    fields = data.get("fields") or {}
    pr = list(src.get("page_range") or []) + [None, None]
    ver = data.get("verification") or {}
    flags = data.get("flags") or []
    copy = {"copy_id": copy_id, "path": path, "status": "report" if fields else "error",
            "agency_printed": data.get("agency"), "year": _int(data.get("year")), "format": data.get("format"),
            "source_path": src.get("path"), "source_sha256": src.get("sha256") or None, "kind": src.get("kind"),
            "pages": _int(src.get("pages")), "page_first": _int(pr[0]), "page_last": _int(pr[1]),
            "model": data.get("model"), "variants": [str(v) for v in data.get("variants") or []],
            "cells": len(fields),
            # older outputs carry no verification: count the cells' own `verified`, where present
            "verified": ver.get("verified", sum(1 for x in fields.values() if x.get("verified") is True)),
            "broken": ver.get("broken", sum(1 for x in fields.values() if x.get("verified") is False)),
            "unchecked": ver.get("unchecked", sum(1 for x in fields.values() if x.get("verified") is None)),
            "null_cells": sum(1 for x in fields.values() if x.get("value") is None),
            "n_flags": len(flags), "n_warnings": len(data.get("warnings") or []),
            "errors": json.dumps(data["errors"], ensure_ascii=False) if data.get("errors") else None}
    cells = []
    add = cells.append
    for key, x in fields.items():
        v, bbox = x.get("value"), x.get("bbox")
        add((copy_id, key, v if v.__class__ is float else _num(v), x.get("text"), _num(x.get("confidence")),
             x.get("verified"), _int(x.get("page")), _int(x.get("line")),
             [float(b) for b in bbox] if bbox else None, bool(x.get("blank")), x.get("reason")))
    metrics = [(copy_id, mid, _num(m.get("value")), bool(m.get("approx")), m.get("unit"), _num(m.get("confidence")),
                _int(m.get("page")), _int(m.get("line")), m.get("evidence") or None, m.get("reason"))
               for mid, m in (data.get("metrics") or {}).items()]
    flag_rows = [(copy_id, f.get("identity"), [str(k) for k in f.get("keys") or []], _num(f.get("printed")),
                  _num(f.get("expected")), f.get("message"),
                  json.dumps(f["suggested"], ensure_ascii=False) if f.get("suggested") else None)
                 for f in flags]
    for k in COPY_COLUMNS:
        rows.copies[k].append(copy[k])
    for table, cols, new in ((rows.cells, CELL_COLUMNS, cells), (rows.metrics, METRIC_COLUMNS, metrics),
                             (rows.flags, FLAG_COLUMNS, flag_rows)):
        for i, col in enumerate(cols):
            table[col].extend(r[i] for r in new)


def parse_files(items: list[tuple[str, str, bytes]]) -> tuple[Rows, list[tuple[str, str, str]]]:
    """Rows of the outputs among (copy_id, path, bytes); and (copy_id, status, message) of the files
    that are not outputs (status not_a_report or unreadable)."""
    rows, other = Rows(), []
    for copy_id, path, raw in items:
        try:
            data = _loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            other.append((copy_id, "unreadable", f"not JSON: {e}"))
            continue
        if not is_output(data):
            other.append((copy_id, "not_a_report", "JSON without the output contract's source and fields/errors"))
            continue
        try:
            add_copy(rows, copy_id, path, data)
        except (AttributeError, TypeError, ValueError) as e:  # a damaged output: recorded, never a crash
            other.append((copy_id, "unreadable", f"malformed output: {type(e).__name__}: {e}"))
    return rows, other


"""Exports of a whole batch: CSV, XLSX and Parquet under OUT_DIR/exports/.

Tables (one row per report, not per input: a file may hold several reports):
  long     one row per (report, key): table cells and narrative metrics with the Chinese label,
           confidence, whether an identity vouches for the cell (`verified`), the value a flag
           suggests, and the evidence
  wide_<format>  one row per report, one column per key (the two formats have different keys);
           `flags` names the suspect cells in Chinese, with the value a flag suggests
  files    every input: the manifest row with the agency and year read, and the files the walk
           could not read (`not_read`) or read once under another name (`duplicate`)
  labels   every key with its table, row and column in Chinese

XLSX (`exports/batch.xlsx`, a sheet per table) is for a person: the Chinese labels as a second
header row, panes frozen below the headers and beside the identifying columns, filters on
every column, flagged cells filled red (the cell a flag suggests repairing darker, its
suggestion in a comment) and cells no identity could check (verified null) with confidence
below 0.9 filled amber. CSV is UTF-8 with a BOM so spreadsheet programs read the Chinese.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema
from ..labels import cell_labels, identity_label, label, metric_label
from ..output import write_atomic
from .manifest import Manifest, row_outputs
from .runner import MANIFEST, REPORTS

LONG_COLUMNS = ("sha256", "path", "page_range", "agency", "year", "format", "kind", "key", "label", "value",
                "confidence", "verified", "suggested", "flagged", "flags", "page", "line", "blank", "reason",
                "evidence")
FILE_COLUMNS = ("sha256", "path", "status", "reason", "error", "reports", "agency", "year", "format", "kind",
                "pages", "flags", "outputs", "attempts", "seconds")
WIDE_HEAD = ("sha256", "path", "page_range", "agency", "year", "format", "cells_verified", "cells_broken",
             "cells_unchecked", "flags")
HEAD_ZH = {"sha256": "内容哈希", "path": "文件", "page_range": "页码", "agency": "机关", "year": "年度",
           "format": "格式", "kind": "类型", "key": "键", "label": "名称", "value": "值", "confidence": "置信度",
           "verified": "经勾稽核验", "suggested": "建议值", "flagged": "有疑问", "flags": "疑问",
           "page": "页", "line": "行", "blank": "空白格", "reason": "说明", "evidence": "原文",
           "cells_verified": "核验通过格数", "cells_broken": "勾稽不符格数", "cells_unchecked": "未能核验格数",
           "status": "状态", "error": "错误", "reports": "报告数", "pages": "页数", "outputs": "输出文件",
           "attempts": "尝试次数", "seconds": "秒"}
BOOL_METRICS = {m for m in schema.metric_ids() if schema.metric_unit(m) == "bool"}
DOUBTFUL = 0.9  # an unchecked cell below this confidence is marked for a look


@dataclass
class Table:
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    zh: list[str] | None = None   # a second header row of Chinese labels (XLSX)
    freeze: int = 0               # identifying columns kept in view
    # (row, column) → ("flagged" | "suggested" | "doubtful", comment or None), XLSX fills
    marks: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)


def _value(key: str, v):
    if key[len("metrics."):] in BOOL_METRICS and v is not None:
        return bool(v)
    return v


def _page_range(data: dict) -> str | None:
    pr = (data.get("source") or {}).get("page_range")
    return f"{pr[0]}-{pr[1]}" if pr else None


def flag_notes(data: dict) -> tuple[dict[str, list[str]], dict[str, object], list[str]]:
    """{key: identities whose flag names it}, {key: suggested value}, and one Chinese line per
    flag naming the suspect cell (the suggested one, else the cell the identity checks)."""
    fmt = data.get("format")
    by_key: dict[str, list[str]] = {}
    suggested: dict[str, object] = {}
    lines: list[str] = []
    for f in data.get("flags") or []:
        ident = f.get("identity") or ""
        for k in f.get("keys") or []:
            by_key.setdefault(k, [])
            if ident not in by_key[k]:
                by_key[k].append(ident)
        if f.get("suggested"):
            for k, v in f["suggested"].items():
                suggested[k] = v
                line = f"「{label(k, fmt)}」建议为 {v}"
                if line not in lines:
                    lines.append(line)
        elif f.get("keys"):
            k = f["keys"][0]
            line = f"「{label(k, fmt)}」{identity_label(ident)}不成立（印 {f.get('printed')}，应 {f.get('expected')}）"
            if line not in lines:
                lines.append(line)
    return by_key, suggested, lines


def _reports(out_dir: Path, rows: list[dict]):
    """(manifest row, report data) for every report output with fields."""
    for f in rows:
        for name in row_outputs(f):
            try:
                data = json.loads((out_dir / REPORTS / name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            yield f, name, data


def collect(out_dir: Path) -> dict[str, Table]:
    """Every table to export."""
    m = Manifest(out_dir / MANIFEST)
    try:
        files, not_read = m.rows(), m.skipped()
    finally:
        m.close()
    long = Table(list(LONG_COLUMNS), zh=[HEAD_ZH.get(c, c) for c in LONG_COLUMNS], freeze=LONG_COLUMNS.index("value"))
    wide: dict[str, Table] = {}
    read: dict[str, list[dict]] = {}
    for f, name, data in _reports(out_dir, files):
        read.setdefault(f["sha256"], []).append(data)
        if not data.get("fields"):
            continue
        fmt = data.get("format")
        by_key, suggested, notes = flag_notes(data)
        head = [f["sha256"], data["source"].get("path"), _page_range(data), data.get("agency"), data.get("year"), fmt]
        vcol = LONG_COLUMNS.index("value")
        for key, c in data["fields"].items():
            r = len(long.rows)
            long.rows.append(head + ["field", key, label(key, fmt), c.get("value"), c.get("confidence"),
                                     c.get("verified"), suggested.get(key), key in by_key,
                                     "; ".join(by_key.get(key, [])) or None, c.get("page"), c.get("line"),
                                     bool(c.get("blank")), c.get("reason"), c.get("text")])
            mark = _mark(key, c, by_key, suggested)
            if mark:
                long.marks[(r, vcol)] = mark
        for mid, mt in (data.get("metrics") or {}).items():
            key = f"metrics.{mid}"
            long.rows.append(head + ["metric", key, metric_label(mid), _value(key, mt.get("value")),
                                     mt.get("confidence"), None, suggested.get(key), key in by_key,
                                     "; ".join(by_key.get(key, [])) or None, mt.get("page"), mt.get("line"), False,
                                     mt.get("reason"), mt.get("evidence")])
        if fmt in schema.FORMATS:
            table = wide.get(f"wide_{fmt}")
            if table is None:
                keys = _wide_keys(fmt)
                table = wide[f"wide_{fmt}"] = Table(
                    list(WIDE_HEAD) + keys, zh=[HEAD_ZH.get(c, c) for c in WIDE_HEAD] + [label(k, fmt) for k in keys],
                    freeze=len(WIDE_HEAD))
            keys = table.columns[len(WIDE_HEAD):]
            ver = data.get("verification") or {}
            values = {k: c.get("value") for k, c in data["fields"].items()}
            values.update({f"metrics.{i}": _value(f"metrics.{i}", mt.get("value"))
                           for i, mt in (data.get("metrics") or {}).items()})
            r = len(table.rows)
            table.rows.append(head + [ver.get("verified"), ver.get("broken"), ver.get("unchecked"),
                                      "；".join(notes) or None] + [values.get(k) for k in keys])
            for j, k in enumerate(keys):
                mark = _mark(k, data["fields"].get(k) or {}, by_key, suggested)
                if mark:
                    table.marks[(r, len(WIDE_HEAD) + j)] = mark
    tables = {"long": long}
    tables.update(sorted(wide.items()))
    tables["files"] = _files_table(files, not_read, read)
    tables["labels"] = _labels_table()
    return tables


def _wide_keys(fmt: str) -> list[str]:
    keys = list(schema.field_keys(fmt, aggregate=True))
    ordered = [k for k in schema.field_keys(fmt)] + [k for k in keys if k not in set(schema.field_keys(fmt))]
    return ordered + [f"metrics.{i}" for i in schema.metric_ids()]


def _mark(key: str, cell: dict, by_key: dict, suggested: dict):
    if key in suggested:
        return "suggested", f"建议值 {suggested[key]}（{'；'.join(identity_label(i) for i in by_key.get(key, []))}）"
    if key in by_key:
        return "flagged", "勾稽不符：" + "；".join(identity_label(i) for i in by_key[key])
    if cell.get("verified") is None and cell.get("value") is not None and (cell.get("confidence") or 0) < DOUBTFUL:
        return "doubtful", f"未能核验，置信度 {cell.get('confidence')}"
    return None


def _files_table(files: list[dict], not_read: list[dict], read: dict[str, list[dict]]) -> Table:
    t = Table(list(FILE_COLUMNS), zh=[HEAD_ZH.get(c, c) for c in FILE_COLUMNS], freeze=2)
    for f in files:
        datas = read.get(f["sha256"], [])
        agencies = list(dict.fromkeys(d.get("agency") for d in datas if d.get("agency")))
        years = list(dict.fromkeys(d.get("year") for d in datas if d.get("year")))
        flags = sum(len(d.get("flags") or []) for d in datas)
        t.rows.append([f["sha256"], f["path"], f["status"], f["reason"], f["error"],
                       f["reports"] or (len(datas) or None), "; ".join(agencies) or None,
                       years[0] if len(years) == 1 else ("; ".join(map(str, years)) or None),
                       f["format"], f["kind"], f["pages"], flags, "; ".join(row_outputs(f)) or None,
                       f["attempts"], f["seconds"]])
        if f["status"] == "failed":
            t.marks[(len(t.rows) - 1, FILE_COLUMNS.index("status"))] = ("flagged", f["error"])
    for s in not_read:
        status = "duplicate" if s["reason"] == "duplicate" else "not_read"
        t.rows.append([None, s["path"], status, s["reason"], s["message"]] + [None] * (len(FILE_COLUMNS) - 5))
        if status == "not_read":
            t.marks[(len(t.rows) - 1, FILE_COLUMNS.index("status"))] = ("flagged", s["message"])
    return t


def _labels_table() -> Table:
    cols = ["key", "format", "table", "row", "column", "label"]
    t = Table(cols, zh=["键", "格式", "表", "行", "列", "名称"], freeze=1)
    for fmt in schema.FORMATS:
        for key, (tb, row, col) in cell_labels(fmt).items():
            t.rows.append([key, fmt, tb, row, col, f"{row} · {col}"])
    for mid in schema.metric_ids():
        t.rows.append([f"metrics.{mid}", None, "文字部分", metric_label(mid), schema.metric_unit(mid), metric_label(mid)])
    return t


def _atomic_binary(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _col_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)


FILLS = {"flagged": "FFCDD2", "suggested": "E57373", "doubtful": "FFF3C4"}


def _xlsx(tables: dict[str, Table], target: Path) -> None:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment
        from openpyxl.styles import Font, PatternFill
    except ImportError as e:
        raise SystemExit("XLSX export needs openpyxl: pip install 'nianbao[batch]'") from e
    wb = Workbook(write_only=True)
    fills = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in FILLS.items()}
    bold = Font(bold=True)
    for name, t in tables.items():
        ws = wb.create_sheet(name[:31])
        heads = 2 if t.zh else 1
        ws.freeze_panes = f"{_col_letter(t.freeze + 1)}{heads + 1}"
        last = f"{_col_letter(max(1, len(t.columns)))}{heads + len(t.rows)}"
        ws.auto_filter.ref = f"A{heads}:{last}"
        for i, c in enumerate(t.columns):
            ws.column_dimensions[_col_letter(i + 1)].width = 14 if i >= t.freeze else 22
        for header in [t.columns] + ([t.zh] if t.zh else []):
            row = []
            for v in header:
                cell = WriteOnlyCell(ws, value=v)
                cell.font = bold
                row.append(cell)
            ws.append(row)
        marked = {r for r, _ in t.marks}
        for r, values in enumerate(t.rows):
            if r not in marked:
                ws.append(values)
                continue
            row = []
            for c, v in enumerate(values):
                mark = t.marks.get((r, c))
                if mark is None:
                    row.append(v)
                    continue
                cell = WriteOnlyCell(ws, value=v)
                cell.fill = fills[mark[0]]
                if mark[1]:
                    cell.comment = Comment(str(mark[1])[:500], "nianbao")
                row.append(cell)
            ws.append(row)
    _atomic_binary(target, wb.save)


def _parquet(tables: dict[str, Table], dest: Path) -> list[Path]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise SystemExit("Parquet export needs pyarrow: pip install 'nianbao[batch]'") from e
    paths = []
    for name, t in tables.items():
        cols, rows = list(t.columns), t.rows
        data = {c: [r[i] for r in rows] for i, c in enumerate(cols)}
        if name == "long":  # one type per column: true/false of a yes/no metric in its own column
            data["value_bool"] = [v if isinstance(v, bool) else None for v in data["value"]]
            data["value"] = [None if isinstance(v, bool) else v for v in data["value"]]
            cols.append("value_bool")
        fields = []
        for c in cols:
            if c[len("metrics."):] in BOOL_METRICS or c in ("value_bool", "verified", "flagged", "blank"):
                fields.append(pa.field(c, pa.bool_()))
            elif c in ("value", "suggested", "confidence") or c.startswith(("active.", "requests.", "appeals.",
                                                                                 "metrics.")):
                fields.append(pa.field(c, pa.float64()))
                data[c] = [None if v is None else float(v) for v in data[c]]
            elif c in ("year", "pages", "reports", "attempts", "page", "line", "flags") and name != "long":
                fields.append(pa.field(c, pa.int64()))
                data[c] = [None if v is None or isinstance(v, str) else int(v) for v in data[c]]
            else:
                fields.append(pa.field(c, pa.string()))
                data[c] = [None if v is None else str(v) for v in data[c]]
        table = pa.Table.from_pydict(data, schema=pa.schema(fields))
        target = dest / f"{name}.parquet"
        _atomic_binary(target, lambda p, tb=table: pq.write_table(tb, p))
        paths.append(target)
    return paths


def export(out_dir: str | Path, fmt: str) -> list[Path]:
    from ..outpaths import OutputFolder
    out_dir = Path(out_dir)
    # a real folder inside OUT_DIR (OutputInTheWay when a file or a link out takes its place)
    dest = OutputFolder(out_dir, create=False).folder(["exports"])
    tables = collect(out_dir)
    if fmt == "csv":
        paths = []
        for name, t in tables.items():
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(t.columns)
            w.writerows(t.rows)
            # a BOM so spreadsheet programs read the Chinese text as UTF-8
            write_atomic(dest / f"{name}.csv", "\ufeff" + buf.getvalue())
            paths.append(dest / f"{name}.csv")
        return paths
    if fmt == "xlsx":
        target = dest / "batch.xlsx"
        _xlsx(tables, target)
        return [target]
    if fmt == "parquet":
        return _parquet(tables, dest)
    raise ValueError(f"unknown export format {fmt!r}")

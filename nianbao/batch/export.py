"""Exports of a whole batch: CSV, XLSX and Parquet under OUT_DIR/exports/.

Tables (one row per report, not per input: a file may hold several reports):
  series   (XLSX sheet 时间序列) one row per report across both formats, sorted by agency and year:
           the figures both formats share (integers, computed only from cells that were read; a blank
           总计 derived from its row) and the indicators (nianbao/figures.py), ids and paths last
  long     one row per (report, key): table cells and narrative metrics with the Chinese label,
           confidence, whether an identity vouches for the cell (`verified`), the value a flag
           suggests, the identities that flag it (`flags` in Chinese, `flag_ids`), and the evidence
  wide_<format>  one row per report, one column per key (the two formats have different keys);
           `flags` names the suspect cells in Chinese, with the value a flag suggests
  files    every input: the manifest row with the agency and year read, and the files the walk
           could not read (`not_read`) or read once under another name (`duplicate`)
  labels   every key with its table, row and column in Chinese

XLSX (`exports/batch.xlsx`, a sheet per table) is for a person: the Chinese labels as a second
header row, panes frozen below the headers and beside agency and year only (a laptop screen
shows data beside them; hashes and paths are the last columns), the agency's full name in view,
filters on every column, flagged cells filled red (the cell a flag suggests repairing darker, its
suggestion in a comment), cells no identity could check (verified null) with confidence below
0.9 filled amber, and unread cells grey with the reason in a comment. CSV is UTF-8 with a BOM so
spreadsheet programs read the Chinese. Parquet columns are typed: counts, years, pages and lines
int64, values and rates float64, yes/no bool, text string.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema
from ..figures import FIGURE_NAMES, FIGURE_ZH, INDICATOR_NAMES, INDICATOR_ZH, compute, indicator_values
from ..display_names import cell_labels, identity_label, label, metric_label
from ..extras import requires_extra
from ..output import write_atomic, write_atomic_by
from .manifest import Manifest, row_outputs
from .runner import MANIFEST, REPORTS

# agency and year first (the columns frozen in the XLSX), ids and paths last
LONG_COLUMNS = ("agency", "year", "label", "value", "confidence", "verified", "suggested", "flagged", "flags", "reason",
                "format", "kind", "key", "flag_ids", "page", "line", "blank", "evidence", "page_range", "sha256", "path")
FILE_COLUMNS = ("path", "status", "reason", "error", "reports", "agency", "year", "format", "kind",
                "pages", "flags", "outputs", "attempts", "seconds", "sha256")
WIDE_HEAD = ("agency", "year", "format", "page_range", "cells_verified", "cells_broken", "cells_unchecked", "flags")
WIDE_TAIL = ("sha256", "path")
SERIES_HEAD = ("agency", "year", "format")
SERIES_TAIL = ("incomplete", "derived", "flags", "sha256", "path")
HEAD_ZH = {"sha256": "内容哈希", "path": "文件", "page_range": "页码", "agency": "机关", "year": "年度",
           "format": "格式", "kind": "类型", "key": "键", "label": "名称", "value": "值", "confidence": "置信度",
           "verified": "经勾稽核验", "suggested": "建议值", "flagged": "有疑问", "flags": "疑问",
           "page": "页", "line": "行", "blank": "空白格", "reason": "说明", "evidence": "原文",
           "cells_verified": "核验通过格数", "cells_broken": "勾稽不符格数", "cells_unchecked": "未能核验格数",
           "status": "状态", "error": "错误", "reports": "报告数", "pages": "页数", "outputs": "输出文件",
           "attempts": "尝试次数", "seconds": "秒", "flag_ids": "核对编号", "incomplete": "未读全的数",
           "derived": "由分项推出的数"}
# column widths (characters) a laptop screen can hold: the agency's full name, the rest narrow
WIDTHS = {"agency": 30, "year": 7, "format": 7, "label": 34, "flags": 40, "reason": 24, "evidence": 30, "path": 40,
          "sha256": 16, "key": 30, "error": 30, "outputs": 30, "status": 10}
INT_COLUMNS = {"year", "pages", "reports", "attempts", "page", "line", "cells_verified", "cells_broken",
               "cells_unchecked"}
BOOL_METRICS = {m for m in schema.metric_ids() if schema.metric_unit(m) == "bool"}
DOUBTFUL = 0.9  # an unchecked cell below this confidence is marked for a look


@dataclass
class Table:
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    zh: list[str] | None = None   # a second header row of Chinese labels (XLSX)
    freeze: int = 0               # identifying columns kept in view
    # (row, column) → ("flagged" | "suggested" | "doubtful" | "unread", comment or None), XLSX fills
    marks: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)
    title: str | None = None      # the XLSX sheet's name, when not the table's
    percent: set[int] = field(default_factory=set)   # columns shown as percent (XLSX)
    ints: set[str] = field(default_factory=set)      # columns of integers (Parquet)


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
    long = Table(list(LONG_COLUMNS), zh=[HEAD_ZH.get(c, c) for c in LONG_COLUMNS], freeze=2, ints={"year", "page", "line"})
    series = SeriesTable()
    wide: dict[str, Table] = {}
    read: dict[str, list[dict]] = {}
    for f, name, data in _reports(out_dir, files):
        read.setdefault(f["sha256"], []).append(data)
        if not data.get("fields"):
            continue
        fmt = data.get("format")
        by_key, suggested, notes = flag_notes(data)
        ids = {"sha256": f["sha256"], "path": data["source"].get("path"), "page_range": _page_range(data),
               "agency": data.get("agency"), "year": data.get("year"), "format": fmt}
        vcol = LONG_COLUMNS.index("value")

        def long_row(kind, key, lab, value, conf, verified, page, line, blank, reason, evidence):
            row = {**ids, "kind": kind, "key": key, "label": lab, "value": value, "confidence": conf,
                   "verified": verified, "suggested": suggested.get(key), "flagged": key in by_key,
                   "flags": "；".join(identity_label(i) for i in by_key.get(key, [])) or None,
                   "flag_ids": "; ".join(by_key.get(key, [])) or None, "page": page, "line": line,
                   "blank": blank, "reason": reason, "evidence": evidence}
            long.rows.append([row[c] for c in LONG_COLUMNS])

        for key, c in data["fields"].items():
            r = len(long.rows)
            long_row("field", key, label(key, fmt), c.get("value"), c.get("confidence"), c.get("verified"),
                     c.get("page"), c.get("line"), bool(c.get("blank")), c.get("reason"), c.get("text"))
            mark = _mark(key, c, by_key, suggested)
            if mark:
                long.marks[(r, vcol)] = mark
        for mid, mt in (data.get("metrics") or {}).items():
            key = f"metrics.{mid}"
            long_row("metric", key, metric_label(mid), _value(key, mt.get("value")), mt.get("confidence"), None,
                     mt.get("page"), mt.get("line"), False, mt.get("reason"), mt.get("evidence"))
        series.add(ids, data, notes)
        if fmt in schema.FORMATS:
            table = wide.get(f"wide_{fmt}")
            if table is None:
                keys = _wide_keys(fmt)
                table = wide[f"wide_{fmt}"] = Table(
                    list(WIDE_HEAD) + keys + list(WIDE_TAIL),
                    zh=[HEAD_ZH.get(c, c) for c in WIDE_HEAD] + [label(k, fmt) for k in keys]
                    + [HEAD_ZH.get(c, c) for c in WIDE_TAIL], freeze=2, ints=INT_COLUMNS)
            keys = table.columns[len(WIDE_HEAD):-len(WIDE_TAIL)]
            ver = data.get("verification") or {}
            values = {k: c.get("value") for k, c in data["fields"].items()}
            values.update({f"metrics.{i}": _value(f"metrics.{i}", mt.get("value"))
                           for i, mt in (data.get("metrics") or {}).items()})
            r = len(table.rows)
            table.rows.append([ids["agency"], ids["year"], fmt, ids["page_range"], ver.get("verified"), ver.get("broken"),
                               ver.get("unchecked"), "；".join(notes) or None] + [values.get(k) for k in keys]
                              + [ids["sha256"], ids["path"]])
            for j, k in enumerate(keys):
                mark = _mark(k, data["fields"].get(k) or {}, by_key, suggested)
                if mark:
                    table.marks[(r, len(WIDE_HEAD) + j)] = mark
    tables = {"series": series.table(), "long": long}
    tables.update(sorted(wide.items()))
    tables["files"] = _files_table(files, not_read, read)
    tables["labels"] = _labels_table()
    return tables


INDICATORS = set(INDICATOR_NAMES)


class SeriesTable:
    """时间序列: one row per report across both formats, the figures both formats share (integers,
    computed only from cells that were read) and the indicators; an unread figure or an indicator
    that cannot be computed is greyed with the reason."""

    def __init__(self):
        self.items: list[tuple] = []

    def add(self, ids: dict, data: dict, notes: list[str]) -> None:
        self.items.append((ids, data.get("fields") or {}, data.get("format"), notes))

    def table(self) -> Table:
        cols = list(SERIES_HEAD) + FIGURE_NAMES + INDICATOR_NAMES + list(SERIES_TAIL)
        zh = ([HEAD_ZH.get(c, c) for c in SERIES_HEAD] + [FIGURE_ZH[f] for f in FIGURE_NAMES]
              + [INDICATOR_ZH[i] for i in INDICATOR_NAMES] + [HEAD_ZH.get(c, c) for c in SERIES_TAIL])
        n0, n1 = len(SERIES_HEAD), len(SERIES_HEAD) + len(FIGURE_NAMES)
        t = Table(cols, zh=zh, freeze=2, title="时间序列", ints={"year", *FIGURE_NAMES},
                  percent=set(range(n1, n1 + len(INDICATOR_NAMES))))
        for ids, fields, fmt, notes in sorted(self.items, key=lambda x: (x[0]["agency"] or "", x[0]["year"] or 0,
                                                                         x[0]["sha256"] or "")):
            figs = compute(fields, fmt)
            inds = indicator_values(figs)
            r = len(t.rows)
            for j, f in enumerate(FIGURE_NAMES):
                if figs[f].value is None:
                    why = figs[f].reason if not figs[f].missing else \
                        "未读出：" + "、".join(label(k, fmt) for k in figs[f].missing) + f"（{figs[f].reason}）"
                    t.marks[(r, n0 + j)] = ("unread", why)
            for j, i in enumerate(INDICATOR_NAMES):
                if inds[i][0] is None:
                    t.marks[(r, n1 + j)] = ("unread", inds[i][1])
            t.rows.append([ids["agency"], ids["year"], fmt] + [figs[f].value for f in FIGURE_NAMES]
                          + [inds[i][0] for i in INDICATOR_NAMES]
                          + ["、".join(FIGURE_ZH[f] for f in FIGURE_NAMES if not figs[f].complete
                                      and figs[f].reason != "本格式无此项") or None,
                             "、".join(FIGURE_ZH[f] for f in FIGURE_NAMES if figs[f].derived) or None,
                             "；".join(notes) or None, ids["sha256"], ids["path"]])
        return t


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
    if cell and cell.get("value") is None:   # unread: grey, with why, never a plain blank
        return "unread", "未读出：" + (cell.get("reason") or "原因未记录")
    return None


def _files_table(files: list[dict], not_read: list[dict], read: dict[str, list[dict]]) -> Table:
    # year stays text here: a file holding reports of two years lists both ("2019; 2020")
    t = Table(list(FILE_COLUMNS), zh=[HEAD_ZH.get(c, c) for c in FILE_COLUMNS], freeze=1,
              ints={"reports", "pages", "flags", "attempts"})
    for f in files:
        datas = read.get(f["sha256"], [])
        agencies = list(dict.fromkeys(d.get("agency") for d in datas if d.get("agency")))
        years = list(dict.fromkeys(d.get("year") for d in datas if d.get("year")))
        flags = sum(len(d.get("flags") or []) for d in datas)
        t.rows.append([f["path"], f["status"], f["reason"], f["error"],
                       f["reports"] or (len(datas) or None), "; ".join(agencies) or None,
                       str(years[0]) if len(years) == 1 else ("; ".join(map(str, years)) or None),
                       f["format"], f["kind"], f["pages"], flags, "; ".join(row_outputs(f)) or None,
                       f["attempts"], f["seconds"], f["sha256"]])
        if f["status"] == "failed":
            t.marks[(len(t.rows) - 1, FILE_COLUMNS.index("status"))] = ("flagged", f["error"])
    for s in not_read:
        status = "duplicate" if s["reason"] == "duplicate" else "not_read"
        t.rows.append([s["path"], status, s["reason"], s["message"]] + [None] * (len(FILE_COLUMNS) - 4))
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


def _col_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(n)


FILLS = {"flagged": "FFCDD2", "suggested": "E57373", "doubtful": "FFF3C4", "unread": "D9D9D9"}


def _xlsx(tables: dict[str, Table], target: Path) -> None:
    requires_extra("batch", "openpyxl", purpose="XLSX export")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    wb = Workbook(write_only=True)
    fills = {k: PatternFill("solid", start_color=v, end_color=v) for k, v in FILLS.items()}
    bold = Font(bold=True)
    for name, t in tables.items():
        ws = wb.create_sheet((t.title or name)[:31])
        heads = 2 if t.zh else 1
        ws.freeze_panes = f"{_col_letter(t.freeze + 1)}{heads + 1}"
        last = f"{_col_letter(max(1, len(t.columns)))}{heads + len(t.rows)}"
        ws.auto_filter.ref = f"A{heads}:{last}"
        for i, c in enumerate(t.columns):
            ws.column_dimensions[_col_letter(i + 1)].width = WIDTHS.get(c, 12)
        for header in [t.columns] + ([t.zh] if t.zh else []):
            row = []
            for v in header:
                cell = WriteOnlyCell(ws, value=v)
                cell.font = bold
                row.append(cell)
            ws.append(row)
        marked = {r for r, _ in t.marks}
        for r, values in enumerate(t.rows):
            if r not in marked and not t.percent:
                ws.append(values)
                continue
            row = []
            for c, v in enumerate(values):
                mark = t.marks.get((r, c))
                if mark is None and c not in t.percent:
                    row.append(v)
                    continue
                cell = WriteOnlyCell(ws, value=v)
                if c in t.percent:
                    cell.number_format = "0.0%"
                if mark is None:
                    row.append(cell)
                    continue
                cell.fill = fills[mark[0]]
                if mark[1]:
                    cell.comment = Comment(str(mark[1])[:500], "nianbao")
                row.append(cell)
            ws.append(row)
    write_atomic_by(target, wb.save)


def _parquet(tables: dict[str, Table], dest: Path) -> list[Path]:
    requires_extra("batch", "pyarrow", purpose="Parquet export")
    import pyarrow as pa
    import pyarrow.parquet as pq
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
            elif c in t.ints:   # counts, years, pages: integers (a year printed twice is not a number)
                fields.append(pa.field(c, pa.int64()))
                data[c] = [None if v is None or isinstance(v, str) else int(v) for v in data[c]]
            elif c in ("value", "suggested", "confidence", "seconds") or c in INDICATORS or \
                    c.startswith(("active.", "requests.", "appeals.", "metrics.")):
                fields.append(pa.field(c, pa.float64()))
                data[c] = [None if v is None else float(v) for v in data[c]]
            else:
                fields.append(pa.field(c, pa.string()))
                data[c] = [None if v is None else str(v) for v in data[c]]
        table = pa.Table.from_pydict(data, schema=pa.schema(fields))
        target = dest / f"{name}.parquet"
        write_atomic_by(target, lambda p, tb=table: pq.write_table(tb, p))
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

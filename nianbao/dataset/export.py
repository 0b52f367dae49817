"""`nianbao dataset export FILE --xlsx OUT.xlsx [--csv DIR]`: the dataset as a spreadsheet a person uses.

Sheets (Chinese headers):
  时间序列   one row per agency × year across both formats: place, level, organ type, the harmonised
             figures (integers) and indicators (percent), which figures are incomplete or derived,
             the report's own flags and its cross-year breaks in Chinese; ids and paths at the end.
             Only 机关 and 年度 are frozen (a laptop screen shows data beside them); an unread figure
             or an indicator that cannot be computed is grey with the reason in a comment.
  排名       each jurisdiction's governments and departments ranked by each indicator, with how many
             reports each ranking includes and excludes
  指标说明   every figure and indicator with its formula
  机关       every agency: names, code, level, organ type, whether the gazetteer placed it
CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese) writes the same tables, one file each.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from nianbao.display_names import identity_label, zh_message
from nianbao.output import write_atomic_by

from . import numbers as nm

GREY = "D9D9D9"
# the data right after agency and year (what a laptop screen shows beside the frozen columns)
SERIES_HEAD = [("agency", "机关", 30), ("year", "年度", 7), ("format", "格式", 6)]
SERIES_TAIL = [("region", "地区", 22), ("level", "层级", 6), ("organ_type_zh", "机关类型", 14),
               ("incomplete", "未读全的数", 18), ("derived", "由分项推出的数", 18), ("flags", "报告内标记", 40),
               ("breaks", "跨年度不一致", 40), ("agency_id", "机关编号", 28), ("adcode", "行政区划代码", 12),
               ("report_id", "报告编号", 30), ("source_path", "来源文件", 40)]


class Sheet:
    def __init__(self, name: str, columns: list[tuple[str, int]], freeze: int = 0):
        self.name, self.columns, self.freeze = name, columns, freeze
        self.rows: list[list] = []
        self.grey: dict[tuple[int, int], str] = {}      # (row, col) → comment
        self.percent: set[int] = set()                  # columns shown as percent

    def csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([c for c, _ in self.columns])
        w.writerows([["" if v is None else v for v in r] for r in self.rows])
        return "\ufeff" + buf.getvalue()


def _dicts(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def series_sheet(con) -> Sheet:
    cols = ([(zh, w) for _, zh, w in SERIES_HEAD] + [(nm.FIGURE_ZH[f], 10) for f in nm.FIGURE_NAMES]
            + [(nm.INDICATOR_ZH[i], 10) for i in nm.INDICATOR_NAMES] + [(zh, w) for _, zh, w in SERIES_TAIL])
    sh = Sheet("时间序列", cols, freeze=2)
    n_head, n_fig = len(SERIES_HEAD), len(nm.FIGURE_NAMES)
    sh.percent = set(range(n_head + n_fig, n_head + n_fig + len(nm.INDICATOR_NAMES)))
    reports = _dicts(con, """SELECT f.*, r.source_path, a.organ_type_zh FROM figures f JOIN reports r USING (report_id)
                             LEFT JOIN agencies a ON a.agency_id = f.agency_id
                             ORDER BY f.agency NULLS LAST, f.agency_id, f.year, f.report_id""")
    fv = {}
    for r in _dicts(con, "SELECT report_id, figure, missing_zh, reason, derived FROM figure_values"):
        fv[(r["report_id"], r["figure"])] = r
    iv = {(r["report_id"], r["indicator"]): r for r in
          _dicts(con, "SELECT report_id, indicator, value, reason FROM indicator_values")}
    own: dict[str, list[str]] = {}
    fmt_of = {}
    fmt = dict(con.execute("SELECT report_id, format FROM reports").fetchall())
    for r in _dicts(con, "SELECT report_id, scope, identity, message FROM flags ORDER BY report_id, scope, identity"):
        # the extractor's messages may name cells by key: by their Chinese names here
        msg = zh_message(r["message"], fmt.get(r["report_id"])) if r["message"] else ""
        text = f"{identity_label(r['identity'])}：{msg}" if msg else identity_label(r["identity"])
        own.setdefault((r["report_id"], r["scope"] == "cross_year"), []).append(text)
    for r in reports:
        fmt_of[r["report_id"]] = r["format"]
        i = len(sh.rows)
        row = [r["agency"] or r["agency_id"], r["year"], r["format"]]
        for j, f in enumerate(nm.FIGURE_NAMES):
            v = r[f]
            row.append(v)
            info = fv.get((r["report_id"], f))
            if v is None:
                why = "本格式无此项" if info is None else (
                    "未读出：" + "、".join(info["missing_zh"] or []) + (f"（{info['reason']}）" if info["reason"] else ""))
                sh.grey[(i, n_head + j)] = why
        for j, ind in enumerate(nm.INDICATOR_NAMES):
            x = iv.get((r["report_id"], ind)) or {}
            row.append(x.get("value"))
            if x.get("value") is None:
                sh.grey[(i, n_head + n_fig + j)] = x.get("reason") or "无法计算"
        row += [r["region"], r["level"], r["organ_type_zh"],
                "、".join(nm.FIGURE_ZH[f] for f in r["incomplete"] or []) or None,
                "、".join(nm.FIGURE_ZH[f] for f in r["derived"] or []) or None,
                "；".join(own.get((r["report_id"], False), [])) or None,
                "；".join(own.get((r["report_id"], True), [])) or None,
                r["agency_id"], r["adcode"], r["report_id"], r["source_path"]]
        sh.rows.append(row)
    return sh


def rankings_sheet(con) -> Sheet:
    cols = [("机关", 30), ("年度", 7), ("辖区代码", 10), ("辖区", 16), ("分组", 10), ("指标", 14), ("名次", 6),
            ("值", 10), ("分子", 8), ("分母", 8), ("参与排名", 8), ("未参与排名", 10), ("说明", 40), ("机关编号", 28)]
    sh = Sheet("排名", cols, freeze=2)
    sh.percent = {7}
    names = {}
    for code, prov, city, county in con.execute("SELECT adcode, province, city, county FROM agencies "
                                                "WHERE adcode IS NOT NULL").fetchall():
        names.setdefault(code, county if not code.endswith("00") else (city if not code.endswith("0000") else prov))
    for r in _dicts(con, 'SELECT * FROM rankings ORDER BY jurisdiction, year, indicator, "group", rank NULLS LAST, agency'):
        i = len(sh.rows)
        sh.rows.append([r["agency"], r["year"], r["jurisdiction"], names.get(r["jurisdiction"]),
                        "下级政府" if r["group"] == "governments" else "部门", r["indicator_zh"], r["rank"], r["value"],
                        r["numerator"], r["denominator"], r["included"], r["excluded"], r["reason"], r["agency_id"]])
        if r["value"] is None:
            sh.grey[(i, 7)] = r["reason"] or "无法计算"
    return sh


def formulas_sheet() -> Sheet:
    sh = Sheet("指标说明", [("名称", 16), ("列名", 28), ("种类", 6), ("计算", 70)], freeze=1)
    for name, zh, by_fmt in nm.FIGURES:
        parts = "；".join(f"{fmt} 格式：" + " + ".join(k for k in keys) for fmt, keys in by_fmt.items() if keys)
        sh.rows.append([zh, name, "数", parts + "（任何一格未读出则为空；留空或未读出的总计由该行各栏推出）"])
    for ind in nm.INDICATORS:
        sh.rows.append([ind[1], ind[0], "指标", nm.formula(ind) + "（分子或分母未读全、分母为 0 时为空）"])
    return sh


def agencies_sheet(con) -> Sheet:
    cols = [("机关", 30), ("地区", 22), ("行政区划代码", 12), ("层级", 6), ("机关类型", 14), ("印出的名称", 40),
            ("报告数", 7), ("年度", 20), ("定位", 8), ("说明", 30), ("机关编号", 28)]
    sh = Sheet("机关", cols, freeze=1)
    for a in _dicts(con, "SELECT * FROM agencies ORDER BY region NULLS LAST, agency"):
        sh.rows.append([a["agency"], a["region"], a["adcode"], a["level"], a["organ_type_zh"], "、".join(a["names"]),
                        a["n_reports"], ", ".join(map(str, a["years"])),
                        {"exact": "行政区划", "stem": "按名称词干"}.get(a["placed"], "未定位"), a["place_note"],
                        a["agency_id"]])
    return sh


def sheets(con) -> list[Sheet]:
    return [series_sheet(con), rankings_sheet(con), formulas_sheet(), agencies_sheet(con)]


def write_xlsx(sheet_list: list[Sheet], target: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    wb = Workbook(write_only=True)
    grey = PatternFill("solid", start_color=GREY, end_color=GREY)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for sh in sheet_list:
        ws = wb.create_sheet(sh.name)
        ws.freeze_panes = f"{get_column_letter(sh.freeze + 1)}2"
        ws.page_setup.orientation = "landscape"     # printed, as many columns as a page holds
        ws.print_title_rows = "1:1"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sh.columns))}{len(sh.rows) + 1}"
        for i, (_, w) in enumerate(sh.columns):
            ws.column_dimensions[get_column_letter(i + 1)].width = w
        head = []
        for name, _ in sh.columns:
            c = WriteOnlyCell(ws, value=name)
            c.font, c.alignment = bold, wrap
            head.append(c)
        ws.append(head)
        for i, values in enumerate(sh.rows):
            row = []
            for j, v in enumerate(values):
                if (i, j) not in sh.grey and j not in sh.percent:
                    row.append(v)
                    continue
                c = WriteOnlyCell(ws, value=v)
                if j in sh.percent:
                    c.number_format = "0.0%"
                if (i, j) in sh.grey:
                    c.fill = grey
                    c.comment = Comment(str(sh.grey[(i, j)])[:500], "nianbao")
                row.append(c)
            ws.append(row)
    target = Path(target)
    write_atomic_by(target, wb.save)
    return target


def write_csv(sheet_list: list[Sheet], dest: str | Path) -> list[Path]:
    dest = Path(dest)
    out = []
    for sh in sheet_list:
        p = dest / f"{sh.name}.csv"
        write_atomic_by(p, lambda t, s=sh: Path(t).write_text(s.csv(), encoding="utf-8"))
        out.append(p)
    return out

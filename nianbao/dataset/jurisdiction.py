"""A report per jurisdiction (a city or county): its governments and departments ranked by each
indicator, how complete each number is, each agency's identity flags and cross-year breaks in
Chinese, and which agencies' reports carry errors. HTML that prints to a clean PDF, and the same as
an XLSX workbook.

    nianbao dataset report reports.duckdb -o site/ --jurisdiction 淮安市 [--year 2024]
"""
from __future__ import annotations

from pathlib import Path

from nianbao.display_names import identity_label, zh_message
from nianbao.output import write_atomic

from . import numbers as nm
from .api import jurisdiction_code
from .export import Sheet, write_xlsx
from .html import esc, num, page

GROUP_ZH = {"governments": "下级政府", "departments": "部门"}
PRINT_CSS = """<style>
@page{size:A4 landscape;margin:12mm}
@media print{header{background:none;color:#000}header a{color:#000}a{color:#000;text-decoration:none}
 table{page-break-inside:auto}tr{page-break-inside:avoid}h2{page-break-after:avoid}
 section.indicator{page-break-inside:avoid}}
td.rank{text-align:center;font-weight:bold}td.grey{background:#e0e0e0;color:#555}
</style>"""


def _dicts(con, sql: str, params=()) -> list[dict]:
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _name(con, code: str) -> str:
    col, cond = (("province", "substr(adcode, 1, 2) || '0000' = ?") if code.endswith("0000") else
                 ("city", "substr(adcode, 1, 4) || '00' = ?") if code.endswith("00") else ("county", "adcode = ?"))
    for col, cond in ((col, cond),):
        row = con.execute(f"SELECT any_value({col}) FROM agencies WHERE {cond} AND {col} IS NOT NULL", [code]).fetchone()
        if row and row[0]:
            return row[0]
    return code


def collect(con, code: str, year: int | None = None) -> dict:
    rows = _dicts(con, 'SELECT * FROM rankings WHERE jurisdiction = ? ORDER BY year, indicator, "group", '
                       "rank NULLS LAST, agency", [code])
    years = sorted({r["year"] for r in rows})
    if year is None:
        year = years[-1] if years else None
    rows = [r for r in rows if r["year"] == year]
    agency_ids = sorted({r["agency_id"] for r in rows})
    ph = ", ".join("?" * len(agency_ids)) or "NULL"
    figs = {r["agency_id"]: r for r in _dicts(con, f"SELECT * FROM figures WHERE year = ? AND agency_id IN ({ph})",
                                              [year, *agency_ids])}
    flags = _dicts(con, f"""SELECT f.agency_id, f.year, f.prev_year, f.scope, f.identity, f.severity, f.message
                            FROM flags f WHERE f.agency_id IN ({ph}) ORDER BY f.agency_id, f.year, f.identity""",
                   agency_ids)
    errors = _dicts(con, f"""SELECT agency_id, year FROM reports WHERE status = 'error' AND agency_id IN ({ph})""",
                    agency_ids)
    return {"code": code, "name": _name(con, code), "year": year, "years": years, "rankings": rows,
            "figures": figs, "flags": flags, "errors": errors}


def _pct(v) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def html(data: dict) -> str:
    body = [PRINT_CSS]
    name, year = data["name"], data["year"]
    if not data["rankings"]:
        body.append('<p class="note">这一辖区在数据集中没有可排名的机关。</p>')
    agencies = sorted({(r["agency"], r["agency_id"]) for r in data["rankings"]})
    # which agencies' reports carry errors: their own flags, cross-year breaks, unreadable reports
    err_rows = []
    by_agency: dict[str, list[dict]] = {}
    for f in data["flags"]:
        by_agency.setdefault(f["agency_id"], []).append(f)
    for agency, aid in agencies:
        fl = by_agency.get(aid, [])
        n_err = sum(1 for f in fl if f["severity"] == "error")
        fig = data["figures"].get(aid) or {}
        incomplete = "、".join(nm.FIGURE_ZH[f] for f in fig.get("incomplete") or []) or "全部读出"
        derived = "、".join(nm.FIGURE_ZH[f] for f in fig.get("derived") or []) or "—"
        notes = "<br>".join(esc(f"{f['year']}年 {identity_label(f['identity'])}：{zh_message(f['message'] or '', None)}")
                            for f in fl)
        cls = ' class="break"' if n_err else ""
        err_rows.append(f"<tr{cls}><td>{esc(agency)}</td><td class=num>{n_err}</td><td>{esc(incomplete)}</td>"
                        f"<td>{esc(derived)}</td><td>{notes or '—'}</td></tr>")
    for ind in nm.INDICATORS:
        key, zh = ind[0], ind[1]
        rows = [r for r in data["rankings"] if r["indicator"] == key]
        if not rows:
            continue
        parts = [f'<section class="indicator"><h2>{esc(zh)}</h2><p class="note">{esc(nm.formula(ind))}</p>']
        for group in ("governments", "departments"):
            g = [r for r in rows if r["group"] == group]
            if not g:
                continue
            parts.append(f"<h3>{GROUP_ZH[group]}（参与排名 {g[0]['included']} 个，未参与 {g[0]['excluded']} 个）</h3>"
                         "<table><thead><tr><th>名次</th><th>机关</th><th>值</th><th>分子</th><th>分母</th><th>说明</th>"
                         "</tr></thead><tbody>")
            for r in g:
                grey = "" if r["value"] is not None else " grey"
                parts.append(f'<tr><td class="rank">{esc(r["rank"] or "—")}</td><td>{esc(r["agency"])}</td>'
                             f'<td class="num{grey}">{_pct(r["value"])}</td><td class=num>{num(r["numerator"])}</td>'
                             f'<td class=num>{num(r["denominator"])}</td><td>{esc(r["reason"] or "")}</td></tr>')
            parts.append("</tbody></table>")
        parts.append("</section>")
        body.append("".join(parts))
    body.append("<h2>各机关数据完整性与核对问题</h2><table><thead><tr><th>机关</th><th>错误数</th><th>未读全的数</th>"
                "<th>由分项推出的数</th><th>报告内标记与跨年度不一致</th></tr></thead><tbody>"
                + "".join(err_rows) + "</tbody></table>")
    if data["errors"]:
        body.append('<p class="note">未能读取的报告：' + "、".join(esc(f"{e['agency_id']} {e['year'] or ''}")
                                                          for e in data["errors"]) + "</p>")
    meta = (f"{esc(data['code'])} · {year}年 · {len(agencies)} 个机关 · 年度：{esc(', '.join(map(str, data['years'])))}"
            ' · <a href="index.html">全部机关</a>')
    return page(f"{name}政府信息公开年报：排名与数据质量", meta, "".join(body),
                {"agencies": len(agencies), "rankings": len(data["rankings"])})


def sheets(data: dict) -> list[Sheet]:
    rk = Sheet("排名", [("机关", 30), ("指标", 14), ("分组", 8), ("名次", 6), ("值", 10), ("分子", 8), ("分母", 8),
                      ("参与排名", 8), ("未参与排名", 10), ("说明", 40)], freeze=1)
    rk.percent = {4}
    for r in data["rankings"]:
        i = len(rk.rows)
        rk.rows.append([r["agency"], r["indicator_zh"], GROUP_ZH[r["group"]], r["rank"], r["value"], r["numerator"],
                        r["denominator"], r["included"], r["excluded"], r["reason"]])
        if r["value"] is None:
            rk.grey[(i, 4)] = r["reason"] or "无法计算"
    fl = Sheet("核对问题", [("机关编号", 30), ("年度", 7), ("核对", 30), ("级别", 6), ("说明", 80)], freeze=1)
    for f in data["flags"]:
        fl.rows.append([f["agency_id"], f["year"], identity_label(f["identity"]),
                        {"error": "错误", "warning": "提示"}.get(f["severity"], f["severity"]),
                        zh_message(f["message"] or "", None)])
    return [rk, fl]


def write(con, dest: str | Path, jurisdiction: str, year: int | None = None) -> tuple[Path, Path]:
    code = jurisdiction_code(con, jurisdiction)
    if code is None:
        raise ValueError(f"no jurisdiction {jurisdiction!r} in the dataset (a place name its agencies carry, "
                         "or a 6-digit code)")
    data = collect(con, code, year)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    h = dest / f"jurisdiction-{code}.html"
    write_atomic(h, html(data))
    x = write_xlsx(sheets(data), dest / f"jurisdiction-{code}.xlsx")
    return h, x

"""`nianbao dataset report FILE -o DIR`: an index, a page per agency (its main figures over the
years as inline SVG charts, its reports, its breaks) and a page with every cross-year break."""
from __future__ import annotations

from pathlib import Path

from nianbao.output import write_atomic

from .breaks import breaks as list_breaks
from .html import agency_file, esc, num, page
from .svg import bar_chart, line_chart

FIGURE_COLUMNS = (("requests_received", "本年新收申请"), ("carried_over", "上年结转"), ("requests_processed", "办理结果总计"),
                  ("disclosed_share", "予以公开（含部分公开）比例"), ("withheld", "不予公开"),
                  ("carried_forward", "结转下年度"), ("reviews", "行政复议"), ("reviews_corrected", "复议结果纠正"),
                  ("suits", "行政诉讼"), ("suits_corrected", "诉讼结果纠正"), ("licensing_decisions", "行政许可决定"),
                  ("penalty_decisions", "行政处罚决定"), ("normative_in_force", "现行有效规范性文件"))


def _charts(years: list[int], fig: dict[int, dict], marks: dict[str, dict[int, str]]) -> list[str]:
    def s(col):
        return [fig.get(y, {}).get(col) for y in years]
    absent = {y for y in years if y not in fig}
    # the 2019 format has no 现行有效件数: nothing to mark as unread there
    no_in_force = absent | {y for y, f in fig.items() if f.get("format") != "2021"}
    return [line_chart(title, years, series, **{"absent": absent, **kw}) for title, series, kw in [
        ("依申请公开：申请数（件）", [("本年新收", s("requests_received")), ("上年结转", s("carried_over")),
                                  ("结转下年度", s("carried_forward"))], {"marks": marks["cross_year.carry_over"]}),
        ("予以公开（含部分公开）占办理结果", [("公开比例", s("disclosed_share"))], {"percent": True}),
        ("不予公开（件）", [("不予公开", s("withheld"))], {}),
        ("行政复议、行政诉讼（件）", [("复议", s("reviews")), ("复议纠正", s("reviews_corrected")),
                                  ("诉讼", s("suits")), ("诉讼纠正", s("suits_corrected"))], {}),
        ("行政许可、行政处罚决定（件）", [("行政许可", s("licensing_decisions")), ("行政处罚", s("penalty_decisions"))], {}),
        ("现行有效行政规范性文件（件，2021 格式）", [("现行有效", s("normative_in_force"))],
         {"marks": marks["cross_year.in_force"], "absent": no_in_force}),
    ]]


def _breaks_table(rows: list[dict], link: bool) -> str:
    if not rows:
        return '<p class="note">没有跨年度或副本间的不一致。</p>'
    out = ['<table class="breaks"><thead><tr><th>核对</th><th>级别</th><th>机关</th><th>年度</th><th>单元格</th>'
           '<th>印出</th><th>应为</th><th>说明</th></tr></thead><tbody>']
    for r in rows:
        agency = esc(r["agency"] or r["agency_id"])
        if link and r["agency_id"]:
            agency = f'<a href="{agency_file(r["agency_id"])}">{agency}</a>'
        years = f"{r['prev_year']}→{r['year']}" if r["prev_year"] else esc(r["year"])
        cls = "break" if r["severity"] == "error" else "warn"
        out.append(f'<tr class="{cls}" data-identity="{esc(r["identity"])}"><td>{esc(r["identity_zh"])}</td>'
                   f'<td class="sev-{esc(r["severity"])}">{esc(r["severity_zh"])}</td><td>{agency}</td><td>{years}</td>'
                   f'<td title="{esc(", ".join(r["keys"] or []))}">{esc("；".join(r["cells_zh"]))}</td>'
                   f'<td class="num">{num(r["printed"])}</td>'
                   f'<td class="num">{num(r["expected"])}</td><td>{esc(r["message"])}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def _agency_page(a: dict, reps: list[dict], fig: dict[int, dict], brks: list[dict]) -> str:
    known = sorted(y for y in {r["year"] for r in reps} if y)
    years = list(range(known[0], known[-1] + 1)) if known else []
    marks: dict[str, dict[int, str]] = {"cross_year.carry_over": {}, "cross_year.in_force": {}}
    for b in brks:
        if b["identity"] in marks:
            marks[b["identity"]][b["year"]] = b["message"]
    charts = _charts(years, fig, marks) if years else []
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in FIGURE_COLUMNS)
    rows = []
    for y in years:
        f = fig.get(y)
        if f is None:
            rows.append(f'<tr><td>{y}</td><td colspan="{len(FIGURE_COLUMNS)}" class="na">无报告</td></tr>')
            continue
        cells = []
        for col, _ in FIGURE_COLUMNS:
            v = f.get(col)
            text = f"{v * 100:.1f}%" if col == "disclosed_share" and v is not None else num(v)
            cells.append(f'<td class="num{" na" if v is None else ""}">{text}</td>')
        rows.append(f"<tr><td>{y}</td>{''.join(cells)}</tr>")
    rep_rows = "".join(
        f'<tr><td>{esc(r["year"])}</td><td>{esc(r["format"])}</td><td>{esc(r["agency_printed"])}</td>'
        f'<td>{esc(r["kind"])}</td><td>{esc(r["source_path"])}</td><td class="num">{esc(r["copies"])}</td>'
        f'<td class="num">{esc(r["null_cells"])}</td><td class="num">{esc(r["n_flags"])}</td>'
        f'<td class="num">{esc(r["n_cross_year"])}</td><td class="num">{esc(r["n_conflicts"])}</td></tr>' for r in reps)
    body = (f'<div class="charts" data-charts="{len(charts)}">{"".join(charts)}</div>'
            '<p class="note">“?”：该年报告的此项未读出；红色三角：与上一年的跨年度核对不一致（悬停看说明）。</p>'
            f'<h2>主要数据</h2><table class="figures"><thead><tr><th>年度</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<h2>跨年度核对与副本不一致</h2>{_breaks_table(brks, link=False)}'
            '<h2>报告</h2><table><thead><tr><th>年度</th><th>格式</th><th>印出的机关名称</th><th>输入</th><th>来源文件</th>'
            '<th>份数</th><th>未读出</th><th>报告内标记</th><th>跨年度</th><th>副本不一致</th></tr></thead>'
            f'<tbody>{rep_rows}</tbody></table>')
    meta = (f'{esc(a["region"])} · {len(reps)} 份报告 · 名称：{esc("、".join(a["names"]))}'
            f' · <a href="index.html">全部机关</a> · <a href="breaks.html">全部不一致</a>')
    n_cross = sum(1 for b in brks if b["scope"] == "cross_year")
    return page(a["agency"], meta, body, {"breaks": n_cross, "issues": len(brks), "charts": len(charts)})


def _index_charts(con) -> str:
    """Across agencies: per year, the share disclosed and the review rate over the reports whose
    figures were read in full (how many each year includes and excludes), and the latest year's
    share per agency (a "?" where it cannot be computed, with the reason)."""
    rows = con.execute("""SELECT year, indicator, sum(numerator) FILTER (WHERE value IS NOT NULL)
                                 / sum(denominator) FILTER (WHERE value IS NOT NULL), count(value), count(*) - count(value)
                          FROM indicator_values WHERE indicator IN ('substantive_disclosure_rate', 'review_rate')
                          GROUP BY ALL ORDER BY year""").fetchall()
    if not rows:
        return ""
    years = sorted({r[0] for r in rows if r[0]})
    by = {(r[0], r[1]): r for r in rows}
    inc = "、".join(f"{y}年 {by[(y, 'substantive_disclosure_rate')][3]} 份（未计入 {by[(y, 'substantive_disclosure_rate')][4]} 份）"
                   for y in years if (y, "substantive_disclosure_rate") in by)
    charts = [line_chart("全部机关：实质公开率、行政复议率（按年，仅计读全的报告）", years,
                         [("实质公开率", [(by.get((y, "substantive_disclosure_rate")) or (0, 0, None))[2] for y in years]),
                          ("行政复议率", [(by.get((y, "review_rate")) or (0, 0, None))[2] for y in years])], percent=True)]
    latest = con.execute("""SELECT any_value(r.agency), i.value, any_value(i.reason) FROM indicator_values i
                            JOIN reports r USING (report_id)
                            WHERE i.indicator = 'substantive_disclosure_rate' AND i.year = (SELECT max(year) FROM indicator_values)
                            GROUP BY r.agency_id, i.value ORDER BY i.value DESC NULLS LAST LIMIT 40""").fetchall()
    if latest:
        charts.append(bar_chart(f"{max(years)}年各机关实质公开率", [(a or "?", v, why or "") for a, v, why in latest]))
    return (f'<div class="charts cross" data-charts="{len(charts)}">{"".join(charts)}</div>'
            f'<p class="note">计入：{esc(inc)}。未计入的报告有一项未读出或分母为 0。</p>')


def write_report(con, dest: str | Path) -> Path:
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)

    def dicts(sql, params=()):
        cur = con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    agencies = dicts("SELECT * FROM agencies ORDER BY region NULLS LAST, agency")
    reports = dicts("SELECT * FROM reports WHERE agency_id IS NOT NULL ORDER BY year")
    figures = dicts("SELECT * FROM figures")
    picked = {r["report_id"] for r in reports}
    brks = list_breaks(con, all_scopes=True)
    by_agency_reports: dict[str, list] = {}
    for r in reports:
        by_agency_reports.setdefault(r["agency_id"], []).append(r)
    fig_by: dict[str, dict[int, dict]] = {}
    for f in sorted(figures, key=lambda f: f["report_id"]):
        if f["report_id"] in picked and f["year"] is not None:
            # one report per year on the charts: the first where two exist (a dataset.same_year flag says so)
            fig_by.setdefault(f["agency_id"], {}).setdefault(f["year"], f)
    brk_by: dict[str, list] = {}
    for b in brks:
        brk_by.setdefault(b["agency_id"], []).append(b)
    index_rows = []
    for a in agencies:
        aid = a["agency_id"]
        reps = by_agency_reports.get(aid, [])
        if not reps:
            continue
        write_atomic(dest / agency_file(aid), _agency_page(a, reps, fig_by.get(aid, {}), brk_by.get(aid, [])))
        n_err = sum(1 for b in brk_by.get(aid, []) if b["severity"] == "error")
        n_warn = len(brk_by.get(aid, [])) - n_err
        years = sorted({r["year"] for r in reps if r["year"]})
        index_rows.append(f'<tr><td><a href="{agency_file(aid)}">{esc(a["agency"])}</a>'
                          f'{" <span class=note>（名称有歧义）</span>" if a["ambiguous"] else ""}</td>'
                          f'<td>{esc(a["region"])}</td><td>{esc(", ".join(map(str, years)))}</td>'
                          f'<td class="num">{len(reps)}</td><td class="num">{n_err}</td><td class="num">{n_warn}</td></tr>')
    n_reports = con.execute("SELECT count(*) FROM reports").fetchone()[0]
    errors = con.execute("SELECT count(*) FROM reports WHERE status = 'error'").fetchone()[0]
    write_atomic(dest / "breaks.html", page(
        "跨年度核对：全部不一致", f'{len(brks)} 条 · <a href="index.html">全部机关</a>',
        _breaks_table(brks, link=True), {"breaks": sum(1 for b in brks if b["scope"] == "cross_year"),
                                         "issues": len(brks)}))
    body = (_index_charts(con) + '<p><a href="breaks.html">全部跨年度不一致与副本不一致</a></p><table class="agencies"><thead><tr><th>机关</th>'
            '<th>地区</th><th>年度</th><th>报告</th><th>错误</th><th>提示</th></tr></thead><tbody>'
            + "".join(index_rows) + "</tbody></table>")
    index = dest / "index.html"
    write_atomic(index, page("政府信息公开年报数据集", f"{len(index_rows)} 个机关 · {n_reports} 份报告"
                             f"（{errors} 份未能读取）", body, {"agencies": len(index_rows)}))
    return index

"""Two reports side by side: the three tables cell by cell with the change and its percentage,
and, when they are consecutive years of one agency, the cross-year breaks between them marked.

A report here is the output contract's dict (`source`, `agency`, `year`, `format`, `fields`,
`metrics`), read from an output file or assembled from a dataset's cells.
"""
from __future__ import annotations

from nianbao import schema

from . import crossyear
from .html import esc, num, page
from .textable import render

TITLES = {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
          "appeals": "四、政府信息公开行政复议、行政诉讼情况"}


def _value(report: dict, key: str):
    c = (report.get("fields") or {}).get(key)
    return None if c is None else c.get("value")


def _aggregate(report: dict) -> bool:
    """A 2021 report printing the single （六）其他处理 row (spec variant aggregate_other_in_2021)."""
    return report.get("format") == "2021" and "requests.result.other.total" in (report.get("fields") or {})


def _rows(table: str, report: dict):
    fmt = report.get("format")
    if fmt not in schema.FORMATS:
        return []
    return list(schema.rows(table, fmt, _aggregate(report)))


def change(a, b) -> tuple[float | None, float | None]:
    """(b - a, percent change from a); None where either is unread, the percentage None from 0."""
    if a is None or b is None:
        return None, None
    d = b - a
    return d, (d / a * 100 if a else None)


def cross_breaks(a: dict, b: dict, agency_a: str | None = None, agency_b: str | None = None) -> list[crossyear.Break]:
    """The cross-year breaks between two reports when they are consecutive years (either order) of
    one agency (`agency_*`: ids when known; else the printed names, joined as a dataset joins them)."""
    from collections import Counter

    from .agencies import resolve
    ya, yb = a.get("year"), b.get("year")
    if not (isinstance(ya, int) and isinstance(yb, int)) or abs(ya - yb) != 1:
        return []
    if agency_a is None or agency_b is None:
        na, nb = a.get("agency") or "", b.get("agency") or ""
        if not na or not nb:
            return []
        res, _ = resolve(Counter({na: 1, nb: 1}))
        agency_a, agency_b = res[na].agency_id, res[nb].agency_id
    if agency_a != agency_b:
        return []
    prev, cur = (a, b) if ya < yb else (b, a)

    def yr(r, rid):
        return crossyear.YearReport(rid, "", r["year"], r.get("format"),
                                    {k: _value(r, k) for k in crossyear.needed_keys()})
    res = crossyear.Result()
    crossyear.check_pair(yr(prev, "prev"), yr(cur, "cur"), res)
    return res.breaks


def model(a: dict, b: dict, breaks: list[crossyear.Break]) -> dict:
    """Everything both views show: per table its columns and rows of (key, a, b, change, pct, break)."""
    broken = {}
    for br in breaks:
        for k in br.keys:
            broken.setdefault(k, []).append(br.message)
    tables = []
    for t in schema.TABLES:
        rows, seen = [], set()
        for rep in (b, a):
            for r in _rows(t, rep):
                if r.id not in seen:
                    seen.add(r.id)
                    rows.append((r, schema.columns(t, rep["format"])))
        cols: list[tuple[str, str]] = []
        for r, cdefs in rows:
            for c in r.cols:
                if c not in [x for x, _ in cols]:
                    cols.append((c, cdefs[c].zh))
        out_rows = []
        for r, _ in rows:
            cells = {}
            for c in r.cols:
                k = r.key(c)
                va, vb = _value(a, k), _value(b, k)
                d, pct = change(va, vb)
                cells[c] = {"key": k, "a": va, "b": vb, "change": d, "pct": pct, "break": broken.get(k, [])}
            out_rows.append({"id": r.id, "zh": r.zh, "cells": cells})
        tables.append({"table": t, "title": TITLES[t], "cols": cols, "rows": out_rows})
    metrics = []
    for mid in schema.metric_ids():
        ma = (a.get("metrics") or {}).get(mid) or {}
        mb = (b.get("metrics") or {}).get(mid) or {}
        va, vb = ma.get("value"), mb.get("value")
        va = None if isinstance(va, bool) else va
        vb = None if isinstance(vb, bool) else vb
        d, pct = change(va, vb)
        metrics.append({"id": mid, "zh": schema.raw()["metrics"][mid]["zh"], "a": va, "b": vb, "change": d, "pct": pct})
    return {"a": _meta(a), "b": _meta(b), "tables": tables, "metrics": metrics,
            "breaks": [vars(x) for x in breaks]}


def _meta(r: dict) -> dict:
    src = r.get("source") or {}
    return {"agency": r.get("agency"), "year": r.get("year"), "format": r.get("format"), "path": src.get("path")}


def _pct(p) -> str:
    return "" if p is None else f"{p:+.1f}%"


def _label(m: dict) -> str:
    return f"{m['year'] or '?'}"


def text(m: dict, show_all: bool = False) -> str:
    a, b = m["a"], m["b"]
    out = [f"A: {a['agency']} {a['year']} ({a['format']} 格式)  {a['path'] or ''}",
           f"B: {b['agency']} {b['year']} ({b['format']} 格式)  {b['path'] or ''}", ""]
    hidden = unread = 0
    for t in m["tables"]:
        rows = []
        for r in t["rows"]:
            for c, zh in t["cols"]:
                x = r["cells"].get(c)
                if x is None:
                    continue
                if not show_all and not x["break"]:
                    if x["a"] is None and x["b"] is None:
                        unread += 1
                        continue
                    if x["a"] == 0 and x["b"] == 0:
                        hidden += 1
                        continue
                mark = "⚑" if x["break"] else ""
                rows.append([f"{r['zh']} · {zh}", x["a"], x["b"], x["change"], _pct(x["pct"]), mark])
        out.append(t["title"])
        out.append(render(["", f"A {_label(a)}", f"B {_label(b)}", "变化", "%", ""], rows, right={1, 2, 3, 4}, max_width=56)
                   if rows else "  （无可列的单元格）")
        out.append("")
    rows = [[x["zh"], x["a"], x["b"], x["change"], _pct(x["pct"])] for x in m["metrics"] if x["a"] is not None or x["b"] is not None]
    if rows:
        out.append("正文数据")
        out.append(render(["", f"A {_label(a)}", f"B {_label(b)}", "变化", "%"], rows, right={1, 2, 3, 4}, max_width=40))
        out.append("")
    if m["breaks"]:
        out.append("跨年度核对不一致（⚑）：")
        out += [f"  [{x['severity']}] {x['identity']}: {x['message']}" for x in m["breaks"]]
    elif a["year"] and b["year"] and abs(a["year"] - b["year"]) == 1:
        out.append("跨年度核对：无不一致")
    if hidden or unread:
        out.append(f"（未列出：{hidden} 个两份皆为 0 的单元格，{unread} 个两份皆未读出的单元格；--all 列出全部）")
    return "\n".join(out)


def html(m: dict) -> str:
    a, b = m["a"], m["b"]
    parts = []
    for t in m["tables"]:
        head = "".join(f"<th>{esc(zh)}</th>" for _, zh in t["cols"])
        body = []
        for r in t["rows"]:
            tds = []
            for c, _ in t["cols"]:
                x = r["cells"].get(c)
                if x is None:
                    tds.append('<td class="na"></td>')
                    continue
                cls = "brk" if x["break"] else ""
                d = x["change"]
                arrow = "" if not d else f'<span class="{"up" if d > 0 else "down"}">{"+" if d > 0 else ""}{num(d)} {esc(_pct(x["pct"]))}</span>'
                title = " title=\"" + esc("；".join(x["break"])) + "\"" if x["break"] else ""
                tds.append(f'<td class="num {cls}" data-key="{esc(x["key"])}"{title}>'
                           f'<b>{num(x["b"])}</b><br><span class="note">{num(x["a"])}</span><br>{arrow}</td>')
            body.append(f'<tr><th>{esc(r["zh"])}</th>{"".join(tds)}</tr>')
        parts.append(f'<h2>{esc(t["title"])}</h2><table class="cmp" data-table="{t["table"]}"><thead><tr><th></th>{head}'
                     f'</tr></thead><tbody>{"".join(body)}</tbody></table>')
    mrows = "".join(f'<tr><td>{esc(x["zh"])}</td><td class="num">{num(x["a"])}</td><td class="num">{num(x["b"])}</td>'
                    f'<td class="num">{num(x["change"]) if x["change"] is not None else ""}</td><td class="num">{esc(_pct(x["pct"]))}</td></tr>'
                    for x in m["metrics"] if x["a"] is not None or x["b"] is not None)
    brk = "".join(f'<li class="sev-{esc(x["severity"])}" data-identity="{esc(x["identity"])}">{esc(x["message"])}</li>'
                  for x in m["breaks"])
    body = (f'<p class="note">每格：粗体为 B（{esc(b["year"])}），其下为 A（{esc(a["year"])}），再下为变化与百分比；'
            '红底为跨年度核对不一致的单元格（悬停看说明）。</p>'
            + (f'<h2>跨年度核对不一致</h2><ul class="breaks">{brk}</ul>' if brk else "")
            + "".join(parts)
            + (f'<h2>正文数据</h2><table><thead><tr><th></th><th>A</th><th>B</th><th>变化</th><th>%</th></tr></thead>'
               f'<tbody>{mrows}</tbody></table>' if mrows else ""))
    meta = (f'A：{esc(a["agency"])} {esc(a["year"])}（{esc(a["format"])} 格式）{esc(a["path"] or "")} · '
            f'B：{esc(b["agency"])} {esc(b["year"])}（{esc(b["format"])} 格式）{esc(b["path"] or "")}')
    title = f'{a["agency"] or ""} {a["year"]} ↔ {b["agency"] if b["agency"] != a["agency"] else ""} {b["year"]}'.replace("  ", " ")
    return page(title, meta, body, {"breaks": len(m["breaks"])})

"""The user tables, derived from the kept copies on every build.

  reports         one row per report: its copies joined (same source file and pages, or same
                  agency + year + format), the best copy as primary
  report_copies   which output file is a copy of which report
  cells           report × key: per key the best reading among the copies (read before unread,
                  verified before unchecked before broken, then confidence), and which copy it is from
  conflicts       cells where copies of one report read different values
  metrics         report × narrative metric
  flags           the reports' own flags, the copies' conflicts, the cross-year breaks
  agencies, agency_aliases, fields (the data dictionary)
"""
from __future__ import annotations

from collections import Counter

import pyarrow as pa

from pathlib import Path

from nianbao import schema
from nianbao.display_names import label

from . import agencies as ag
from . import crossyear, numbers, store

VERSION = "7"   # of what derive() makes: a change re-derives datasets built before it
KIND_ORDER = {"digital_pdf": 0, "html": 1, "docx": 1, "word": 1, "ofd": 1, "text": 2, "scanned_pdf": 3, "image": 4}
FLAG_TYPES = {"report_id": store.S, "agency_id": store.S, "year": store.I, "prev_year": store.I,
              "prev_report_id": store.S, "scope": store.S, "identity": store.S, "severity": store.S,
              "keys": pa.list_(store.S), "printed": store.D, "expected": store.D, "message": store.S}


class UnionFind:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def _num(v: str | None) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return str(int(f)) if f.is_integer() else f"{f:g}"


def _rank(c: dict) -> tuple:
    """Best copy first: a report before an error record, more verified cells, fewer unread ones."""
    return (c["status"] != "report", -(c["verified"] or 0), c["null_cells"] or 0,
            KIND_ORDER.get(c["kind"], 5), c["path"])


def group(copies: list[dict], agency_of: dict[str, ag.Agency]) -> list[list[dict]]:
    uf = UnionFind(len(copies))
    seen: dict[tuple, int] = {}
    for i, c in enumerate(copies):
        keys = []
        if c["source_sha256"]:
            keys.append(("src", c["source_sha256"], c["page_first"], c["page_last"]))
        a = agency_of.get(c["agency_printed"]) if c["agency_printed"] else None
        if c["status"] == "report" and a and c["year"] and c["format"]:
            keys.append(("ayf", a.agency_id, c["year"], c["format"]))
        for k in keys:
            if k in seen:
                uf.union(seen[k], i)
            else:
                seen[k] = i
    groups: dict[int, list[dict]] = {}
    for i, c in enumerate(copies):
        groups.setdefault(uf.find(i), []).append(c)
    return [sorted(g, key=_rank) for g in groups.values()]


def _report_id(primary: dict, agency: ag.Agency | None, taken: set[str]) -> str:
    if agency and primary["year"]:
        base = f"{agency.agency_id}@{primary['year']}"
    else:
        base = "file:" + (primary["source_sha256"] or primary["copy_id"])[:16]
        if primary["page_first"]:
            base += f":p{primary['page_first']}-{primary['page_last']}"
    rid, extras = base, [primary["format"], (primary["source_sha256"] or primary["copy_id"])[:8], primary["copy_id"][:12]]
    for e in extras:
        if rid not in taken:
            break
        rid = f"{base}#{e}"
    taken.add(rid)
    return rid


def _table(rows: list[dict], types: dict) -> pa.Table:
    return pa.Table.from_pylist([{k: r.get(k) for k in types} for r in rows], schema=pa.schema(list(types.items())))


def fields_table() -> pa.Table:
    rows = []
    for fmt in schema.FORMATS:
        optional = set(schema.field_keys(fmt, True)) - set(schema.field_keys(fmt))
        for t in schema.TABLES:
            cols = schema.columns(t, fmt)
            for r in schema.rows(t, fmt, True):
                for c in r.cols:
                    typ = cols[c].type
                    rows.append({"format": fmt, "key": r.key(c), "tbl": t, "row": r.id, "col": c, "row_zh": r.zh,
                                 "col_zh": cols[c].zh, "type": typ, "unit": "万元" if typ == "decimal" else "件",
                                 "only_when_printed": r.key(c) in optional})
        for mid in schema.metric_ids():
            m = schema.raw()["metrics"][mid]
            rows.append({"format": fmt, "key": f"metrics.{mid}", "tbl": "metrics", "row": mid, "col": "value",
                         "row_zh": m["zh"], "col_zh": "", "type": "bool" if m["unit"] == "bool" else "number",
                         "unit": m["unit"], "only_when_printed": False})
    types = {"format": store.S, "key": store.S, "tbl": store.S, "row": store.S, "col": store.S, "row_zh": store.S,
             "col_zh": store.S, "type": store.S, "unit": store.S, "only_when_printed": store.B}
    return _table(rows, types)


CELLS_SQL = """
CREATE OR REPLACE TABLE cells AS
WITH src AS (
  SELECT m.report_id, m.n_copies, m.rank, c.*
  FROM copy_cells c JOIN report_copies m ON c.copy_id = m.copy_id AND m.merged
), chosen AS (
  SELECT * FROM src WHERE n_copies = 1
  UNION ALL
  SELECT * FROM src WHERE n_copies > 1
  QUALIFY row_number() OVER (PARTITION BY report_id, key ORDER BY value IS NULL,
          CASE verified WHEN TRUE THEN 0 WHEN FALSE THEN 2 ELSE 1 END, confidence DESC NULLS LAST, rank) = 1
)
SELECT s.report_id, r.agency_id, r.year, r.format, s.key, k.tbl, k."row", k.col,
       s.value, s.text, s.confidence, s.verified, s.page, s.line, s.bbox, s.blank, s.reason,
       s.copy_id, s.rank > 0 AS from_other_copy
FROM chosen s JOIN reports r ON r.report_id = s.report_id
LEFT JOIN (SELECT DISTINCT key, tbl, "row", col FROM fields) k ON k.key = s.key
"""

METRICS_SQL = """
CREATE OR REPLACE TABLE metrics AS
SELECT s.report_id, r.agency_id, r.year, s.metric, s.value, s.approx, s.unit, s.confidence, s.page, s.line,
       s.evidence, s.reason, s.copy_id
FROM (SELECT m.report_id, m.rank, c.* FROM copy_metrics c JOIN report_copies m ON c.copy_id = m.copy_id AND m.merged
      QUALIFY row_number() OVER (PARTITION BY m.report_id, c.metric ORDER BY c.value IS NULL, m.rank) = 1) s
JOIN reports r ON r.report_id = s.report_id
"""

CONFLICTS_SQL = """
CREATE OR REPLACE TABLE conflicts AS
SELECT m.report_id, c.key, ch.value AS value, ch.copy_id AS copy_id, pa.path AS copy_path,
       c.value AS other_value, c.copy_id AS other_copy_id, pb.path AS other_copy_path
FROM copy_cells c
JOIN report_copies m ON c.copy_id = m.copy_id AND m.merged AND m.n_copies > 1
JOIN cells ch ON ch.report_id = m.report_id AND ch.key = c.key
JOIN copies pa ON pa.copy_id = ch.copy_id
JOIN copies pb ON pb.copy_id = c.copy_id
WHERE c.copy_id <> ch.copy_id AND c.value IS NOT NULL AND ch.value IS NOT NULL AND abs(c.value - ch.value) > 1e-9
ORDER BY m.report_id, c.key, other_copy_path
"""



def _pick_year_reports(rows: list[tuple]) -> tuple[list[crossyear.YearReport], list[dict]]:
    """One report per agency and year for the cross-year checks; two in a year is a dataset flag."""
    reps: dict[str, crossyear.YearReport] = {}
    for rid, aid, year, fmt, key, value in rows:
        r = reps.setdefault(rid, crossyear.YearReport(rid, aid, year, fmt))
        r.values[key] = value
    by: dict[tuple, list] = {}
    for r in reps.values():
        by.setdefault((r.agency_id, r.year), []).append(r)
    picked, flags = [], []
    for (aid, year), rs in sorted(by.items()):
        rs.sort(key=lambda r: (r.format != schema.format_for_year(year), -sum(v is not None for v in r.values.values()),
                               r.report_id))
        picked.append(rs[0])
        for other in rs[1:]:
            flags.append({"report_id": other.report_id, "agency_id": aid, "year": year, "scope": "dataset",
                          "identity": "dataset.same_year", "severity": "warning", "keys": [],
                          "message": f"{year}年已有一份报告（{rs[0].report_id}，{rs[0].format} 格式）；"
                                     f"本报告（{other.format} 格式）不参与跨年度核对"})
    return picked, flags


def derive(con, overrides: dict) -> dict:
    cols = ["copy_id", "path", "status", "agency_printed", "year", "format", "source_path", "source_sha256", "kind",
            "pages", "page_first", "page_last", "model", "cells", "verified", "broken", "unchecked", "null_cells",
            "n_flags", "errors"]
    copies = [dict(zip(cols, r)) for r in con.execute(f"SELECT {', '.join(cols)} FROM copies ORDER BY path").fetchall()]
    names = Counter(c["agency_printed"] for c in copies if c["agency_printed"])
    agency_of, aliases = ag.resolve(names, overrides)
    groups = group(copies, agency_of)
    groups.sort(key=lambda g: g[0]["path"])
    taken: set[str] = set()
    reports, links = [], []
    for g in groups:
        p = g[0]
        a = agency_of.get(p["agency_printed"]) if p["agency_printed"] else None
        rid = _report_id(p, a, taken)
        for i, c in enumerate(g):
            links.append({"report_id": rid, "copy_id": c["copy_id"], "path": c["path"], "rank": i,
                          "n_copies": len(g), "primary": i == 0,
                          "merged": c["status"] == "report" and c["format"] == p["format"]})
        levels = a.levels if a else {}
        reports.append({
            "report_id": rid, "agency_id": a.agency_id if a else None, "agency": a.display if a else None,
            "agency_printed": p["agency_printed"], "region": ag.region_of(a) if a else None,
            **{lv: levels.get(lv) for lv in ag.LEVELS},
            "adcode": a.adcode if a else None, "level": a.level if a else None,
            "organ_type": a.organ_type if a else None,
            "year": p["year"], "format": p["format"], "kind": p["kind"], "source_path": p["source_path"],
            "source_sha256": p["source_sha256"], "page_first": p["page_first"], "page_last": p["page_last"],
            "pages": p["pages"], "model": p["model"], "status": p["status"], "errors": p["errors"],
            "copies": len(g), "copy_paths": [c["path"] for c in g], "cells": p["cells"], "verified": p["verified"],
            "broken": p["broken"], "unchecked": p["unchecked"], "null_cells": p["null_cells"],
            "n_flags": p["n_flags"]})
    S, I = store.S, store.I
    link_types = {"report_id": S, "copy_id": S, "path": S, "rank": I, "n_copies": I, "primary": store.B,
                  "merged": store.B}
    store.replace(con, "report_copies", _table(links, link_types))
    report_types = {"report_id": S, "agency_id": S, "agency": S, "agency_printed": S, "region": S,
                    "province": S, "city": S, "county": S, "town": S, "adcode": S, "level": S,
                    "organ_type": S, "year": I, "format": S, "kind": S,
                    "source_path": S, "source_sha256": S, "page_first": I, "page_last": I, "pages": I, "model": S,
                    "status": S, "errors": S, "copies": I, "copy_paths": pa.list_(S), "cells": I, "verified": I,
                    "broken": I, "unchecked": I, "null_cells": I, "n_flags": I}
    store.replace(con, "reports", _table(reports, report_types))
    store.replace(con, "fields", fields_table())
    con.execute(CELLS_SQL)
    con.execute(METRICS_SQL)
    con.execute(CONFLICTS_SQL)
    # agencies and the alias table
    by_agency: dict[str, ag.Agency] = {a.agency_id: a for a in agency_of.values()}
    years = {}
    for r in reports:
        if r["agency_id"]:
            years.setdefault(r["agency_id"], []).append(r["year"])
    agency_rows = [{"agency_id": aid, "agency": a.display, "region": ag.region_of(a),
                    **{lv: a.levels.get(lv) for lv in ag.LEVELS}, "organ": a.organ, "names": sorted(a.names),
                    "adcode": a.adcode, "level": a.level, "organ_type": a.organ_type,
                    "organ_type_zh": ag.ORGAN_TYPES[a.organ_type], "placed": a.placed, "place_note": a.place_note or None,
                    "n_reports": len(years.get(aid, [])), "years": sorted({y for y in years.get(aid, []) if y}),
                    "ambiguous": a.ambiguous} for aid, a in sorted(by_agency.items())]
    store.replace(con, "agencies", _table(agency_rows, {
        "agency_id": S, "agency": S, "region": S, "province": S, "city": S, "county": S, "town": S, "organ": S,
        "names": pa.list_(S), "adcode": S, "level": S, "organ_type": S, "organ_type_zh": S, "placed": S,
        "place_note": S, "n_reports": I, "years": pa.list_(I), "ambiguous": store.B}))
    store.replace(con, "agency_aliases", _table([vars(x) for x in aliases], {
        "name": S, "agency_id": S, "how": S, "reports": I, "note": S}))
    # flags: the primary copies' own, the copies' conflicts, the cross-year breaks
    con.execute("""
        CREATE OR REPLACE TABLE flags AS
        SELECT r.report_id, r.agency_id, r.year, NULL::BIGINT AS prev_year, NULL::VARCHAR AS prev_report_id,
               'report' AS scope, f.identity, 'error' AS severity, f.keys, f.printed, f.expected, f.message
        FROM copy_flags f JOIN report_copies m ON m.copy_id = f.copy_id AND m."primary"
        JOIN reports r ON r.report_id = m.report_id""")
    extra: list[dict] = []
    report_by = {r["report_id"]: r for r in reports}
    copy_by = {c["copy_id"]: c for c in copies}
    for rid, keys, n, detail in con.execute("""
            SELECT report_id, list(DISTINCT key ORDER BY key), count(DISTINCT key),
                   list([key, CAST(value AS VARCHAR), copy_path, CAST(other_value AS VARCHAR), other_copy_path]
                        ORDER BY key, other_copy_path)
            FROM conflicts GROUP BY report_id ORDER BY report_id""").fetchall():
        r = report_by[rid]
        # each cell with both readings and the files they come from (the kept one first)
        shown = "；".join(f"「{label(k, r['format'])}」{_num(v)}（{Path(pa).name}，采用）与 {_num(ov)}（{Path(pb).name}）"
                         for k, v, pa, ov, pb in detail[:5]) + ("等" if len(detail) > 5 else "")
        extra.append({"report_id": rid, "agency_id": r["agency_id"], "year": r["year"], "scope": "copies",
                      "identity": "dataset.copy_conflict", "severity": "error", "keys": keys,
                      "message": f"同一报告的 {r['copies']} 份文件在 {n} 个单元格读数不一致：{shown}"})
    for link in links:
        if not link["merged"] and link["rank"] > 0:
            c = copy_by[link["copy_id"]]
            if c["status"] == "report":
                r = report_by[link["report_id"]]
                extra.append({"report_id": r["report_id"], "agency_id": r["agency_id"], "year": r["year"],
                              "scope": "copies", "identity": "dataset.copy_format", "severity": "warning", "keys": [],
                              "message": f"同一报告的另一份文件 {c['path']} 读作 {c['format']} 格式"
                                         f"（本报告为 {r['format']} 格式），其单元格未并入"})
    need = crossyear.needed_keys()
    rows = con.execute(
        "SELECT c.report_id, r.agency_id, r.year, r.format, c.key, c.value FROM cells c "
        "JOIN reports r ON r.report_id = c.report_id WHERE r.agency_id IS NOT NULL AND r.year IS NOT NULL "
        f"AND c.key IN ({', '.join('?' * len(need))})", need).fetchall()
    # reports with none of the needed cells still take part (their pairs count as unchecked)
    present = {r[0] for r in rows}
    for r in reports:
        if r["status"] == "report" and r["agency_id"] and r["year"] and r["report_id"] not in present:
            rows.append((r["report_id"], r["agency_id"], r["year"], r["format"], need[0], None))
    picked, same_year = _pick_year_reports(rows)
    extra += same_year
    res = crossyear.check(picked)
    for b in res.breaks:
        extra.append({"report_id": b.report_id, "agency_id": b.agency_id, "year": b.year, "prev_year": b.prev_year,
                      "prev_report_id": b.prev_report_id, "scope": "cross_year", "identity": b.identity,
                      "severity": b.severity, "keys": b.keys, "printed": b.printed, "expected": b.expected,
                      "message": b.message})
    store.insert(con, "flags", _table(extra, FLAG_TYPES))
    con.execute("ALTER TABLE reports ADD COLUMN n_cross_year BIGINT DEFAULT 0")
    con.execute("ALTER TABLE reports ADD COLUMN n_conflicts BIGINT DEFAULT 0")
    con.execute("""UPDATE reports SET n_cross_year = s.n FROM (SELECT report_id, count(*) AS n FROM flags
                   WHERE scope = 'cross_year' GROUP BY report_id) s WHERE reports.report_id = s.report_id""")
    con.execute("""UPDATE reports SET n_conflicts = s.n FROM (SELECT report_id, count(DISTINCT key) AS n FROM conflicts
                   GROUP BY report_id) s WHERE reports.report_id = s.report_id""")
    numbers.derive(con)
    con.execute("CREATE OR REPLACE TABLE check_summary AS SELECT ? AS pairs, ? AS equations_checked, "
                "? AS equations_unchecked, ? AS gaps", [res.pairs, res.checked, res.unchecked,
                                                       [f"{a}:{y0}-{y1}" for a, y0, y1 in res.gaps]])
    counts = Counter(r["status"] for r in reports)
    return {"reports": len(reports), "reports_by_status": dict(counts), "copies": len(copies),
            "agencies": len(by_agency), "joined_reports": sum(1 for r in reports if r["copies"] > 1),
            "conflict_cells": con.execute("SELECT count(*) FROM conflicts").fetchone()[0],
            "cross_year": {"pairs": res.pairs, "checked": res.checked, "unchecked": res.unchecked,
                           "breaks": Counter(b.identity for b in res.breaks), "gaps": len(res.gaps)}}

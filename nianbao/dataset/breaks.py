"""The cross-year breaks of a dataset as rows a person and a tool can read (`nianbao dataset
check`, the report's pages): kept apart from cli.py so the report needs no command module."""
from __future__ import annotations

from nianbao.display_names import identity_label, label

SEVERITY_ZH = {"error": "错误", "warning": "提示"}


def breaks(con, all_scopes: bool = False, agency_id: str | None = None) -> list[dict]:
    scopes = "('cross_year', 'copies', 'dataset')" if all_scopes else "('cross_year')"
    sql = f"""SELECT f.identity, f.severity, f.scope, f.agency_id, a.agency, f.prev_year, f.year, f.prev_report_id,
                     f.report_id, f.keys, f.printed, f.expected, f.message
              FROM flags f LEFT JOIN agencies a ON a.agency_id = f.agency_id
              WHERE f.scope IN {scopes} {"AND f.agency_id = ?" if agency_id else ""}
              ORDER BY f.agency_id, f.year, f.identity, f.keys[1]"""
    cur = con.execute(sql, [agency_id] if agency_id else [])
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    fmt = dict(con.execute("SELECT report_id, format FROM reports").fetchall())
    for r in rows:   # what a person reads, beside the ids tools read
        r["identity_zh"] = identity_label(r["identity"])
        r["severity_zh"] = SEVERITY_ZH.get(r["severity"], r["severity"])
        r["cells_zh"] = [label(k, fmt.get(r["report_id"])) for k in r["keys"] or []]
    return rows

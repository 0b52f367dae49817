"""`nianbao dataset build|check|report|sql`: the reports of many batches as one dataset."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .breaks import SEVERITY_ZH, breaks  # noqa: F401 - SEVERITY_ZH: old import path


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    b = sub.add_parser("build", help="build or update a dataset from folders of output JSON files")
    b.add_argument("folders", nargs="+", metavar="OUT_DIR", help="folders written by `nianbao extract -o` or `nianbao batch`")
    b.add_argument("-o", "--out", default="dataset.duckdb", metavar="FILE.duckdb",
                   help="the DuckDB file to build or update (default dataset.duckdb)")
    b.add_argument("--parquet", metavar="DIR", help="also write the tables as Parquet under DIR, partitioned by year")
    b.add_argument("--aliases", metavar="FILE.csv", help="agency names to read as another (CSV: name,agency[,region])")
    b.add_argument("--workers", type=int, default=None, help="processes parsing the files (default 2)")
    b.add_argument("--drop-missing", action="store_true",
                   help="drop the reports whose files are gone (default: a build adds to the dataset and keeps them)")
    b.add_argument("--json", action="store_true", help="print the build summary as JSON")
    c = sub.add_parser("check", help="list the cross-year breaks (exit 1 when one is an error)")
    c.add_argument("dataset", metavar="FILE.duckdb")
    c.add_argument("--json", action="store_true", help="JSON instead of a table")
    c.add_argument("--all", action="store_true", help="also the copies' conflicts and dataset warnings")
    c.add_argument("--agency", metavar="NAME", help="only this agency (any printed name or its id)")
    r = sub.add_parser("report", help="HTML pages: one per agency with its time series, one with every break")
    r.add_argument("dataset", metavar="FILE.duckdb")
    r.add_argument("-o", "--out", required=True, metavar="DIR")
    r.add_argument("--jurisdiction", metavar="NAME", action="append",
                   help="also a ranking report of this city or county (a name or 6-digit code; repeatable)")
    r.add_argument("--year", type=int, help="with --jurisdiction: the year ranked (default the latest)")
    e = sub.add_parser("export", help="the dataset as a spreadsheet: a 时间序列 sheet (agency × year), rankings, formulas")
    e.add_argument("dataset", metavar="FILE.duckdb")
    e.add_argument("--xlsx", metavar="OUT.xlsx", help="write an XLSX workbook")
    e.add_argument("--csv", metavar="DIR", help="write one CSV per sheet (UTF-8 with a BOM) under DIR")
    q = sub.add_parser("sql", help="run a query against the dataset")
    q.add_argument("dataset", metavar="FILE.duckdb")
    q.add_argument("query", metavar="SQL")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--csv", action="store_true", help="CSV instead of a table")
    fmt.add_argument("--json", action="store_true", help="JSON lines instead of a table")


def _open(path: str):
    import duckdb
    if not Path(path).is_file():
        raise SystemExit(f"nianbao dataset: no such dataset: {path} (make one with `nianbao dataset build`)")
    return duckdb.connect(path, read_only=True)


def _build(args) -> int:
    import duckdb

    from .build import build
    try:
        s = build(args.folders, args.out, aliases=args.aliases, parquet=args.parquet, workers=args.workers,
                  drop_missing=args.drop_missing)
    except (FileNotFoundError, ValueError) as e:
        print(f"nianbao dataset build: {e}", file=sys.stderr)
        return 2
    except duckdb.Error as e:  # the file is another program's, or held open by one
        print(f"nianbao dataset build: {args.out}: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(s, ensure_ascii=False, indent=1, default=str))
        return 0
    cy = s["cross_year"]
    print(f"{s['dataset']}: {s['reports']} reports ({s['reports_by_status'].get('error', 0)} error records) "
          f"of {s['agencies']} agencies from {s['copies']} output files; {s['joined_reports']} reports given "
          f"as several files, {s['conflict_cells']} cells where they disagree")
    print(f"files: {s['files']} ({', '.join(f'{k} {v}' for k, v in s['files_by_status'].items())}); "
          f"parsed {s['parsed']}, reused {s['reused']}, removed {s['removed_copies']}; {s['seconds']} s")
    print(f"cross-year: {cy['pairs']} consecutive-year pairs, {cy['checked']} identities checked, "
          f"{cy['unchecked']} not checked (a cell unread), breaks: "
          + (", ".join(f"{k} {v}" for k, v in cy["breaks"].items()) or "none"))
    if s["dropped_files"]:
        print(f"dropped {len(s['dropped_files'])} file(s) that are gone (--drop-missing):", file=sys.stderr)
        for p in s["dropped_files"]:
            print(f"  {p}", file=sys.stderr)
    if s["gone_but_kept"]:
        shown = ", ".join(s["gone_but_kept"][:5]) + (" …" if len(s["gone_but_kept"]) > 5 else "")
        print(f"warning: {len(s['gone_but_kept'])} file(s) read earlier are gone; their reports are kept "
              f"(--drop-missing drops them): {shown}", file=sys.stderr)
    if s.get("parquet"):
        print(f"parquet: {s['parquet']}")
    return 0


def resolve_agency(con, name: str) -> str | None:
    """An agency id from an id, a printed name, or any name of the same agency (洪泽区人民政府 finds
    淮安市洪泽区人民政府; 平潭综合实验区管委会 finds 平潭综合实验区人民政府)."""
    from .agencies import LEVELS, clean, compatible, parse
    row = con.execute("SELECT agency_id FROM agencies WHERE agency_id = ?", [name]).fetchone()
    if row:
        return row[0]
    for n, aid in con.execute("SELECT name, agency_id FROM agency_aliases").fetchall():
        if n == name or clean(n) == clean(name):
            return aid
    p = parse(name)
    hits = []
    for aid, organ, ambiguous, *levels in con.execute(
            f"SELECT agency_id, organ, ambiguous, {', '.join(LEVELS)} FROM agencies").fetchall():
        lv = {k: v for k, v in zip(LEVELS, levels) if v}
        if not ambiguous and organ == p.organ and p.lowest in lv.values() and compatible(lv, p.levels):
            hits.append(aid)
    return hits[0] if len(hits) == 1 else None


def suggest_agencies(con, name: str, n: int = 5) -> list[str]:
    """The names the dataset knows nearest to `name` (printed names and display names)."""
    import difflib

    from .agencies import clean
    names = sorted({r[0] for r in con.execute("SELECT name FROM agency_aliases UNION SELECT agency FROM agencies")
                    .fetchall() if r[0]})
    target = clean(name) or name
    # a name that contains what was typed (平潭 → 平潭综合实验区…) is nearer than any edit distance
    contains = [x for x in names if target in clean(x)]
    close = difflib.get_close_matches(target, names, n=n, cutoff=0.3)
    return list(dict.fromkeys(contains + close))[:n]


def agency_or_say(con, name: str, dataset, command: str):
    """The agency's id in the dataset, or None after saying on stderr that it is not there (with
    the nearest names)."""
    aid = resolve_agency(con, name)
    if aid is None:
        near = suggest_agencies(con, name)
        print(f"{command}: no agency {name!r} in {dataset}"
              + (f"; did you mean: {'、'.join(near)}" if near else ""), file=sys.stderr)
    return aid


def _check(args) -> int:
    from .textable import render
    con = _open(args.dataset)
    aid = None
    if args.agency:
        aid = agency_or_say(con, args.agency, args.dataset, "nianbao dataset check")
        if aid is None:
            return 2
    rows = breaks(con, args.all, aid)
    summary = con.execute("SELECT * FROM check_summary").fetchone()
    con.close()
    if args.json:
        print(json.dumps({"breaks": rows, "pairs": summary[0], "checked": summary[1], "unchecked": summary[2],
                          "gaps": summary[3]}, ensure_ascii=False, indent=1))
    else:
        print(render(["核对", "级别", "机关", "年度", "单元格", "印出", "应为", "说明"],
                     [[r["identity_zh"], r["severity_zh"], r["agency"] or r["agency_id"],
                       f"{r['prev_year']}→{r['year']}" if r["prev_year"] else r["year"],
                       (r["cells_zh"] or [""])[0], r["printed"], r["expected"], r["message"]] for r in rows],
                     right={5, 6}, max_width=90))
        print(f"\n{len(rows)} break(s); {summary[0]} consecutive-year pairs, {summary[1]} identities checked, "
              f"{summary[2]} not checked (a cell unread), {len(summary[3])} gap(s) between years")
    return 1 if any(r["severity"] == "error" and r["scope"] == "cross_year" for r in rows) else 0


def _sql(args) -> int:
    import duckdb
    from .textable import render
    con = _open(args.dataset)
    try:
        cur = con.execute(args.query)
    except duckdb.Error as e:
        print(f"nianbao dataset sql: {e}", file=sys.stderr)
        return 2
    if cur.description is None:
        return 0
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    if args.csv:
        import csv
        w = csv.writer(sys.stdout)
        w.writerow(names)
        w.writerows(rows)
    elif args.json:
        for r in rows:
            print(json.dumps(dict(zip(names, r)), ensure_ascii=False, default=str))
    else:
        numeric = {i for i, _ in enumerate(names) if rows and all(isinstance(r[i], (int, float)) or r[i] is None for r in rows)}
        print(render(names, [list(r) for r in rows], right=numeric))
        print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return 0


def _report(args) -> int:
    from .report import write_report
    from .jurisdiction import write as write_jurisdiction
    con = _open(args.dataset)
    try:
        index = write_report(con, args.out)
        print(index)
        for j in args.jurisdiction or []:
            try:
                for p in write_jurisdiction(con, args.out, j, args.year):
                    print(p)
            except ValueError as e:
                print(f"nianbao dataset report: {e}", file=sys.stderr)
                return 2
    finally:
        con.close()
    return 0


def _export(args) -> int:
    from .export import sheets, write_csv, write_xlsx
    if not (args.xlsx or args.csv):
        print("nianbao dataset export: give --xlsx OUT.xlsx and/or --csv DIR", file=sys.stderr)
        return 2
    con = _open(args.dataset)
    try:
        tables = sheets(con)
    finally:
        con.close()
    try:
        if args.xlsx:
            print(write_xlsx(tables, args.xlsx))
        if args.csv:
            for p in write_csv(tables, args.csv):
                print(p)
    except OSError as e:
        print(f"nianbao dataset export: cannot write: {e}", file=sys.stderr)
        return 3
    return 0


def run(args) -> int:
    return {"build": _build, "check": _check, "sql": _sql, "report": _report, "export": _export}[args.action](args)

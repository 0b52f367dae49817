"""`nianbao compare A.json B.json` or `nianbao compare --dataset FILE --agency NAME --years 2022 2023`."""
from __future__ import annotations

import json
import sys
from pathlib import Path


def add_arguments(p) -> None:
    p.add_argument("outputs", nargs="*", metavar="OUTPUT.json", help="two output files (A, then B)")
    p.add_argument("--dataset", metavar="FILE.duckdb", help="take the two reports from a dataset")
    p.add_argument("--agency", metavar="NAME", help="with --dataset: the agency (a printed name or its id)")
    p.add_argument("--years", nargs=2, type=int, metavar=("A", "B"), help="with --dataset: the two years")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML page")
    p.add_argument("--all", action="store_true", help="list cells that are 0 in both reports too")
    p.add_argument("--json", action="store_true", help="print the comparison as JSON")


def report_from_dataset(con, agency_id: str, year: int) -> dict | None:
    """A report of the dataset in the output contract's shape (fields, metrics), one per year: the one
    of the year's format where an agency has two."""
    from nianbao import schema
    rows = con.execute("SELECT report_id, agency, format, source_path FROM reports WHERE agency_id = ? AND year = ? "
                       "AND status = 'report' ORDER BY report_id", [agency_id, year]).fetchall()
    if not rows:
        return None
    rows.sort(key=lambda r: r[2] != schema.format_for_year(year))
    rid, agency, fmt, path = rows[0]
    fields = {k: {"value": v, "verified": ver} for k, v, ver in
              con.execute("SELECT key, value, verified FROM cells WHERE report_id = ?", [rid]).fetchall()}
    metrics = {m: {"value": v} for m, v in con.execute("SELECT metric, value FROM metrics WHERE report_id = ?", [rid]).fetchall()}
    return {"report_id": rid, "agency": agency, "agency_id": agency_id, "year": year, "format": fmt,
            "source": {"path": path}, "fields": fields, "metrics": metrics}


def _load(path: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SystemExit(f"nianbao compare: cannot read {path}: {e}")
    if not isinstance(data, dict) or not data.get("fields"):
        raise SystemExit(f"nianbao compare: {path} is not a report output with fields"
                         + (f" (error record: {data.get('errors')})" if isinstance(data, dict) and data.get("errors") else ""))
    return data


def run(args) -> int:
    from . import compare
    ida = idb = None
    if args.dataset:
        if args.outputs or not (args.agency and args.years):
            print("nianbao compare: --dataset takes --agency NAME --years A B (and no output files)", file=sys.stderr)
            return 2
        from .cli import _open, agency_or_say
        con = _open(args.dataset)
        try:
            aid = agency_or_say(con, args.agency, args.dataset, "nianbao compare")
            if aid is None:
                return 2
            a, b = (report_from_dataset(con, aid, y) for y in args.years)
        finally:
            con.close()
        for r, y in ((a, args.years[0]), (b, args.years[1])):
            if r is None:
                print(f"nianbao compare: {args.agency} has no report for {y} in {args.dataset}", file=sys.stderr)
                return 2
        ida = idb = aid
    else:
        if len(args.outputs) != 2:
            print("nianbao compare: give two output files, or --dataset FILE --agency NAME --years A B", file=sys.stderr)
            return 2
        a, b = (_load(p) for p in args.outputs)
    m = compare.model(a, b, compare.cross_breaks(a, b, ida, idb))
    if args.json:
        print(json.dumps(m, ensure_ascii=False, indent=1))
    else:
        print(compare.text(m, show_all=args.all))
    if args.html:
        from nianbao.output import write_atomic
        write_atomic(args.html, compare.html(m))
        print(f"wrote {args.html}", file=sys.stderr)
    return 0

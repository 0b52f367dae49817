"""Score a dataset built from a synthetic series against the series' gold (`nianbao synth --series`).

    python -m nianbao.eval.dataset_score DATASET.duckdb GOLD.json [--json]

Counts: planted and gold cross-year breaks flagged (by agency, years, identity, cell), cross-year
flags that are in no gold (false), agencies whose every report joined one agency and no other
(name variants), conflicts between copies found, error records kept, the two reports of one file
kept apart.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path


def score(db: str | Path, gold: dict) -> dict:
    import duckdb
    con = duckdb.connect(str(db), read_only=True)
    try:
        file_report = {Path(p).name: (rid, aid) for p, rid, aid in con.execute(
            "SELECT m.path, m.report_id, r.agency_id FROM report_copies m JOIN reports r USING (report_id)").fetchall()}
        flags = con.execute("SELECT agency_id, prev_year, year, identity, keys FROM flags "
                            "WHERE scope = 'cross_year'").fetchall()
        conflicts = {(rid, k) for rid, k in con.execute("SELECT report_id, key FROM conflicts").fetchall()}
        kept = {Path(p).name: s for p, s in con.execute("SELECT path, status FROM files").fetchall()}
        error_reports = con.execute("SELECT count(*) FROM reports WHERE status = 'error'").fetchone()[0]
    finally:
        con.close()
    # agencies: gold id → dataset ids of its reports
    ids = defaultdict(set)
    owners = defaultdict(set)
    for r in gold["reports"]:
        rid, aid = file_report.get(r["file"], (None, None))
        ids[r["agency"]].add(aid)
        owners[aid].add(r["agency"])
    joined = [g for g, s in ids.items() if len(s) == 1 and None not in s and len(owners[next(iter(s))]) == 1]
    split = sorted(g for g, s in ids.items() if len(s) > 1 or None in s)
    merged = sorted({g for aid, gs in owners.items() if len(gs) > 1 for g in gs})
    to_aid = {g: next(iter(s)) for g, s in ids.items() if len(s) == 1}
    # breaks: a gold break is found when a cross-year flag of its agency, years and identity names its cell
    found_keys = {(aid, py, y, ident, k) for aid, py, y, ident, keys in flags for k in keys[:1]}
    gold_keys = {(to_aid.get(b["agency"]), b["prev_year"], b["year"], b["identity"], b["key"]) for b in gold["breaks"]}
    missed = sorted(map(str, gold_keys - found_keys))
    false = sorted(map(str, found_keys - gold_keys))
    planted_found = sum(1 for p in gold["planted"]
                        if any((to_aid.get(p["agency"]), p["prev_year"], p["year"], p["identity"], k) in found_keys
                               for k in p["keys"]))
    conf_found = sum(1 for c in gold["conflicts"] for k in c["keys"]
                     if (file_report.get(c["files"][0], (None,))[0], k) in conflicts
                     and file_report.get(c["files"][0], (None,))[0] == file_report.get(c["files"][1], (None,))[0])
    binder = [r for r in gold["reports"] if r.get("page_range")]
    binder_apart = len({file_report.get(r["file"], (None,))[0] for r in binder}) == len(binder)
    return {
        "agencies": len(ids), "agencies_joined": len(joined), "agencies_split": split, "agencies_merged": merged,
        "breaks_gold": len(gold_keys), "breaks_found": len(gold_keys & found_keys), "breaks_missed": missed,
        "cross_year_flags": len(found_keys), "false_cross_year_flags": false,
        "planted": len(gold["planted"]), "planted_found": planted_found,
        "conflicts_gold": sum(len(c["keys"]) for c in gold["conflicts"]), "conflicts_found": conf_found,
        "copies_joined": sum(1 for r in gold["reports"] if r["copy_of"]
                             and file_report.get(r["file"], (None,))[0] == file_report.get(r["copy_of"], (None,))[0]),
        "copies_gold": sum(1 for r in gold["reports"] if r["copy_of"]),
        "error_records_gold": len(gold["error_records"]),
        "error_records_kept": sum(1 for n in gold["error_records"] if kept.get(n) == "output"),
        "error_reports": error_reports, "binder_reports_apart": binder_apart,
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.dataset_score", description=__doc__.split("\n")[0])
    p.add_argument("dataset")
    p.add_argument("gold")
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    s = score(a.dataset, json.loads(Path(a.gold).read_text(encoding="utf-8")))
    if a.json:
        print(json.dumps(s, ensure_ascii=False, indent=1))
    else:
        print(f"agencies joined: {s['agencies_joined']}/{s['agencies']} (split {len(s['agencies_split'])}, "
              f"merged {len(s['agencies_merged'])})")
        print(f"cross-year breaks found: {s['breaks_found']}/{s['breaks_gold']} (planted {s['planted_found']}/"
              f"{s['planted']}); false cross-year flags: {len(s['false_cross_year_flags'])} of {s['cross_year_flags']}")
        print(f"copies joined: {s['copies_joined']}/{s['copies_gold']}; conflicts found: {s['conflicts_found']}/"
              f"{s['conflicts_gold']}; error records kept: {s['error_records_kept']}/{s['error_records_gold']}; "
              f"binder reports apart: {s['binder_reports_apart']}")
        for k in ("agencies_split", "agencies_merged", "breaks_missed", "false_cross_year_flags"):
            if s[k]:
                print(f"{k}: {s[k][:10]}")
    ok = (s["agencies_joined"] == s["agencies"] and not s["breaks_missed"] and not s["false_cross_year_flags"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

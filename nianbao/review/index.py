"""The batch index: every report with its agency, year, input path and status, a review page for
each extracted report, and the files the batch could not read."""
from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from ..output import write_atomic
from .page import CSS, esc, review_report


def _short_paths(paths: list[str]) -> dict[str, str]:
    """Each path below the folder all of them share (four `scan.pdf` stay four distinct paths)."""
    if not paths:
        return {}
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths]) if len(paths) > 1 else os.path.dirname(paths[0])
    except ValueError:  # relative and absolute paths mixed
        return {p: p for p in paths}
    return {p: os.path.relpath(p, root) if root else p for p in paths}


def _entries(out_dir: Path, rows: list[dict]) -> list[dict]:
    """One entry per report output (a file may hold several), or per file without output."""
    from ..batch.manifest import row_outputs
    out = []
    for r in rows:
        names = row_outputs(r)
        for name in names or [None]:
            data = {}
            if name:
                try:
                    data = json.loads((out_dir / "reports" / name).read_text(encoding="utf-8"))
                    if not isinstance(data, dict):
                        raise ValueError("not a JSON object")
                except (OSError, ValueError) as e:
                    # a missing or damaged output is not a report read: say so (a rerun of the
                    # batch extracts it again), never show the row as done with blank cells
                    why = "missing" if isinstance(e, FileNotFoundError) else "damaged (not whole JSON)"
                    data = {"errors": [{"stage": "output", "message": f"output reports/{name} is {why}; "
                                        "run the batch again to extract it anew"}]}
            pr = (data.get("source") or {}).get("page_range")
            errors = data.get("errors") or []
            out.append({"row": r, "output": name, "agency": data.get("agency"), "year": data.get("year"),
                        "pages": f"{pr[0]}-{pr[1]}" if pr else r["pages"], "format": data.get("format") or r["format"],
                        "flags": [f.get("identity") for f in data.get("flags") or []],
                        "has_fields": bool(data.get("fields")),
                        # one report of a file can fail while the others are read
                        "status": "failed" if errors else "done" if data.get("fields") else r["status"],
                        "error": "; ".join(f"[{e.get('stage')}] {e.get('message')}" for e in errors) or r["error"],
                        "verification": data.get("verification") or {}})
    return out


def review_batch(out_dir: str | Path, dest: str | Path | None = None, images: bool = True,
                 limit: int | None = None, log=None) -> Path:
    """Write DEST/index.html (default OUT_DIR/review/) and one page per report that has fields;
    reports with flags come first, and `limit` caps how many pages are written. `log(text)`
    hears of each page as it is written."""
    from ..batch.manifest import Manifest
    out_dir = Path(out_dir)
    dest = Path(dest) if dest else out_dir / "review"
    dest.mkdir(parents=True, exist_ok=True)
    m = Manifest(out_dir / "manifest.sqlite")
    try:
        rows, not_read = m.rows(), m.skipped()
    finally:
        m.close()
    entries = _entries(out_dir, rows)
    entries.sort(key=lambda e: (e["status"] != "done", -len(e["flags"]), e["row"]["path"], e["output"] or ""))
    short = _short_paths(sorted({e["row"]["path"] for e in entries} | {s["path"] for s in not_read}))
    to_write = [e for e in entries if e["has_fields"]][:limit] if limit is not None else \
        [e for e in entries if e["has_fields"]]
    body = []
    written = 0
    for e in entries:
        path = e["row"]["path"]
        link = esc(short.get(path, path))
        if e in to_write:
            page = dest / (Path(e["output"]).stem + ".html")
            review_report(out_dir / "reports" / e["output"], page, images=images)
            written += 1
            if log:
                log(f"[{written}/{len(to_write)}] {short.get(path, path)} -> {page}")
            link = f'<a href="{esc(page.name)}">{link}</a>'
        cls = "c-low" if e["status"] == "failed" else ("flagged" if e["flags"] else "c-high")
        v = e["verification"]
        checked = f'{v.get("verified")}/{v.get("cells")}' if v else ""
        body.append(f'<tr class="{cls}"><td title="{esc(path)}">{link}</td><td>{esc(e["agency"])}</td>'
                    f'<td>{esc(e["year"])}</td><td>{esc(e["pages"])}</td><td>{esc(e["status"])}</td>'
                    f'<td>{esc(e["row"]["reason"])}</td><td>{esc(e["format"])}</td><td>{len(e["flags"])}</td>'
                    f'<td>{esc(", ".join(dict.fromkeys(e["flags"])))}</td><td>{esc(checked)}</td>'
                    f'<td class="err">{esc(e["error"])}</td></tr>')
    for s in not_read:
        status = "duplicate" if s["reason"] == "duplicate" else "not read"
        body.append(f'<tr class="{"c-high" if status == "duplicate" else "c-low"}"><td title="{esc(s["path"])}">'
                    f'{esc(short.get(s["path"], s["path"]))}</td><td></td><td></td><td></td><td>{esc(status)}</td>'
                    f'<td>{esc(s["reason"])}</td><td></td><td></td><td></td><td></td>'
                    f'<td class="err">{esc(s["message"])}</td></tr>')
    status = Counter(r["status"] for r in rows)
    reasons = Counter(r["reason"] for r in rows if r["status"] == "failed")
    n_not_read = sum(1 for s in not_read if s["reason"] != "duplicate")
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>batch review</title>
<style>{CSS} tr.flagged td{{background:#fff3e0}} tr.c-low td{{background:#ffebee}} td.err{{font-size:12px;color:#555}}
main{{display:block}}</style></head><body><header><h1>Batch review · {esc(out_dir.name)}</h1>
<div class="meta">{status.get('done', 0)} done, {status.get('failed', 0)} failed
{('(' + ', '.join(f'{k} {v}' for k, v in reasons.most_common()) + ')') if reasons else ''}
· {len(entries)} report(s){f' · {n_not_read} not read' if n_not_read else ''}</div></header>
<main><table id="files"><thead><tr><th>file</th><th>机关 agency</th><th>年度 year</th><th>pages</th><th>status</th>
<th>reason</th><th>format</th><th>flags</th><th>identities</th><th>verified</th><th>error</th></tr></thead>
<tbody>{''.join(body)}</tbody></table></main>
<script>document.body.dataset.ready = '1';</script></body></html>
"""
    target = dest / "index.html"
    write_atomic(target, html)
    return target


def stderr_log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

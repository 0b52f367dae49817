"""The batch index: every input with its status, and a review page for each extracted report."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..output import write_atomic
from .page import CSS, esc, review_report


def review_batch(out_dir: str | Path, dest: str | Path | None = None, images: bool = True,
                 limit: int | None = None) -> Path:
    """Write DEST/index.html (default OUT_DIR/review/) and one page per report that has fields;
    reports with flags come first, and `limit` caps how many pages are written."""
    from ..batch.manifest import Manifest
    out_dir = Path(out_dir)
    dest = Path(dest) if dest else out_dir / "review"
    dest.mkdir(parents=True, exist_ok=True)
    m = Manifest(out_dir / "manifest.sqlite")
    try:
        rows = m.rows()
    finally:
        m.close()
    for r in rows:
        r["flags"] = json.loads(r["flags"] or "[]")
    rows.sort(key=lambda r: (r["status"] != "done", -len(r["flags"]), r["path"]))
    written = 0
    body = []
    for r in rows:
        link = esc(Path(r["path"]).name)
        if r["status"] == "done" and r["output"] and (limit is None or written < limit):
            page = dest / (Path(r["output"]).stem + ".html")
            review_report(out_dir / "reports" / r["output"], page, images=images)
            written += 1
            link = f'<a href="{esc(page.name)}">{link}</a>'
        cls = "c-low" if r["status"] == "failed" else ("flagged" if r["flags"] else "c-high")
        body.append(f'<tr class="{cls}"><td>{link}</td><td>{esc(r["status"])}</td><td>{esc(r["reason"])}</td>'
                    f'<td>{esc(r["format"])}</td><td>{esc(r["pages"])}</td><td>{len(r["flags"])}</td>'
                    f'<td>{esc(", ".join(r["flags"]))}</td><td class="err">{esc(r["error"])}</td></tr>')
    status = Counter(r["status"] for r in rows)
    reasons = Counter(r["reason"] for r in rows if r["status"] == "failed")
    html = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>batch review</title>
<style>{CSS} tr.flagged td{{background:#fff3e0}} tr.c-low td{{background:#ffebee}} td.err{{font-size:12px;color:#555}}
main{{display:block}}</style></head><body><header><h1>Batch review · {esc(out_dir.name)}</h1>
<div class="meta">{status.get('done', 0)} done, {status.get('failed', 0)} failed
{('(' + ', '.join(f'{k} {v}' for k, v in reasons.most_common()) + ')') if reasons else ''}</div></header>
<main><table id="files"><thead><tr><th>file</th><th>status</th><th>reason</th><th>format</th><th>pages</th>
<th>flags</th><th>identities</th><th>error</th></tr></thead><tbody>{''.join(body)}</tbody></table></main>
<script>document.body.dataset.ready = '1';</script></body></html>
"""
    target = dest / "index.html"
    write_atomic(target, html)
    return target

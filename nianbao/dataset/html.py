"""The shared frame of the dataset's HTML pages: one file each, inline CSS, no network."""
from __future__ import annotations

import hashlib
import html

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#222}
header{padding:10px 16px;background:#263238;color:#fff}header h1{font-size:18px;margin:0}
header .meta{opacity:.85;font-size:13px}header a{color:#b3e5fc}main{padding:12px 16px}
table{border-collapse:collapse;font-size:12px;margin:6px 0 14px}th,td{border:1px solid #ccc;padding:2px 6px}
th{background:#f5f5f5;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.na{color:#999}tr.break td{background:#ffebee}td.brk{background:#ff8a80;font-weight:bold}
tr.warn td{background:#fff8e1}.up{color:#1b5e20}.down{color:#b71c1c}
.charts{display:flex;flex-wrap:wrap;gap:10px}.chart{border:1px solid #ddd;background:#fff}
.note{color:#555;font-size:12px}.sev-error{color:#b71c1c;font-weight:bold}.sev-warning{color:#e65100}
h2{font-size:16px;margin:18px 0 6px}h3{font-size:14px;margin:12px 0 4px}
"""


def esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def num(v, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        return f"{int(v):,}"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def page(title: str, meta: str, body: str, ready_attrs: dict | None = None) -> str:
    """A whole page; its script marks the body when it ran (tests read that from the DOM)."""
    attrs = "".join(f"document.body.dataset.{k} = {str(v)!r};" for k, v in (ready_attrs or {}).items())
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<style>{CSS}</style></head><body><header><h1>{esc(title)}</h1><div class="meta">{meta}</div></header>'
            f'<main>{body}</main><script>{attrs}document.body.dataset.ready = "1";</script></body></html>\n')


def agency_file(agency_id: str) -> str:
    return f"agency-{hashlib.sha1(agency_id.encode('utf-8')).hexdigest()[:12]}.html"

"""The review page of one report: a self-contained HTML file (no network, no external files).

Shows the page images with a box around every value read (colour by confidence), the three
tables with flagged cells highlighted, the flags with their messages and suggested values,
and, on click, the evidence for a value: its line of text, position and confidence.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from .. import schema
from ..display_names import identity_label, label, metric_label, zh_message

TABLE_TITLES = {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
                "appeals": "四、政府信息公开行政复议、行政诉讼情况"}
HIGH, MID = 0.95, 0.8
MAX_FLAG_KEYS = 8


def conf_class(conf, value) -> str:
    if value is None:
        return "c-none"
    conf = conf or 0.0
    return "c-high" if conf >= HIGH else "c-mid" if conf >= MID else "c-low"


def esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def resolve_source(report_path: Path, data: dict, source: str | None) -> Path | None:
    if source:
        return Path(source)
    raw = (data.get("source") or {}).get("path")
    if not raw:
        return None
    p = Path(raw)
    for cand in (p, report_path.parent / p, report_path.parent / p.name):
        if cand.is_file():
            return cand
    return None


def text_lines(path: Path, kind: str | None = None) -> list[str]:
    from ..errors import InputError
    from ..ingest import load
    from ..readers.text import decode_text
    if kind in ("html", "docx", "word", "ofd"):  # line numbers are the reader's, not the file's
        try:
            return [ln.text for ln in load(path).lines()]
        except (OSError, InputError):
            return []
    try:
        text = decode_text(path.read_bytes())
    except (OSError, InputError):
        return []
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _labels(fmt: str) -> dict[str, str]:
    out = {}
    for t in schema.TABLES:
        cols = schema.columns(t, fmt)
        for r in schema.rows(t, fmt):
            for c in r.cols:
                out[r.key(c)] = f"{r.zh} · {cols[c].zh}"
    return out


def _column_positions(fmt: str) -> dict[str, dict]:
    return {r.key(c): {"col": i, "ncols": len(r.cols)}
            for t in schema.TABLES for r in schema.rows(t, fmt) for i, c in enumerate(r.cols)}


MAX_SOURCE_LINES = 20000  # a text input shown beside the tables, up to this many lines


def cell_state(it: dict) -> str:
    """What the identities say of a cell: the one a flag suggests repairing, one an identity
    through it breaks, one an identity vouches for, or one nothing could check."""
    if it.get("value") is None:
        return "c-none"
    if it.get("suggest") is not None:
        return "suggested"
    if it.get("verified") is False or it.get("flags"):
        return "broken"
    if it.get("verified") is True:
        return "verified"
    return "unchecked"


def build_model(report_path: Path, data: dict, source: Path | None, images: bool = True) -> dict:
    """Everything the page shows, as one JSON-able dict (also embedded for the page's script)."""
    fmt = data.get("format")
    fields = data.get("fields") or {}
    metrics = data.get("metrics") or {}
    flags = [dict(f, message_zh=zh_message(f.get("message"), fmt), identity_zh=identity_label(f.get("identity") or ""))
             for f in data.get("flags") or []]
    flagged: dict[str, list[int]] = {}
    suggest: dict[str, object] = {}
    for i, f in enumerate(flags):
        for k in f.get("keys") or []:
            flagged.setdefault(k, []).append(i)
        for k, v in (f.get("suggested") or {}).items():
            suggest[k] = v
            flagged.setdefault(k, [])
            if i not in flagged[k]:
                flagged[k].append(i)
    items = {}
    for k, c in fields.items():
        items[k] = dict(c, kind="field", label=label(k, fmt), flags=flagged.get(k, []), suggest=suggest.get(k))
    for mid, m in metrics.items():
        key = f"metrics.{mid}"
        items[key] = dict(m, kind="metric", label=metric_label(mid), text=m.get("evidence"),
                          bbox=m.get("bbox") or None, flags=flagged.get(key, []), suggest=suggest.get(key))
    for it in items.values():
        it["state"] = cell_state(it)
    pages, note, source_text = [], "", None
    kind = (data.get("source") or {}).get("kind")
    if source is None:
        note = "source file not found: page images and evidence lines are not shown"
    elif kind in ("digital_pdf", "scanned_pdf") or source.suffix.lower() == ".pdf":
        from .render import guarded_pdf_view
        cols = _column_positions(fmt) if fmt in schema.FORMATS else {}
        wanted = [dict({"id": k, "page": it.get("page"), "line": it.get("line"), "text": it.get("text")},
                       **cols.get(k, {}))
                  for k, it in items.items() if it.get("page") and it.get("value") is not None]
        page_range = (data.get("source") or {}).get("page_range")
        view = guarded_pdf_view(str(source), wanted, images=images, page_range=page_range)
        pages = view["pages"]
        note = view.get("error") or ""
        for k, b in view["boxes"].items():
            it = items[k]
            it["evidence_line"] = b["line_text"]
            if not it.get("bbox"):
                it["bbox"], it["box_how"] = b["bbox"], b["how"]
            else:
                it["box_how"] = "exact"
    else:
        lines = text_lines(source, kind)
        source_text = lines[:MAX_SOURCE_LINES]
        for it in items.values():
            ln = it.get("line")
            if ln and 1 <= ln <= len(lines):
                it["evidence_line"] = lines[ln - 1]
                it["context"] = [[n, lines[n - 1]] for n in range(max(1, ln - 1), min(len(lines), ln + 1) + 1)]
    tables = _tables(fmt, schema.AGGREGATE_OTHER in (data.get("variants") or []))
    return {"report": str(report_path), "source": data.get("source") or {}, "agency": data.get("agency"),
            "year": data.get("year"), "format": fmt, "errors": data.get("errors") or [],
            "warnings": data.get("warnings") or [], "flags": flags, "items": items, "tables": tables,
            "pages": pages, "note": note, "source_text": source_text,
            "verification": data.get("verification") or {}}


STATE_ZH = {"suggested": "建议修正", "broken": "勾稽不符", "verified": "勾稽核验通过", "unchecked": "未能核验",
            "c-none": "未读到"}


def _tables(fmt: str | None, aggregate: bool = False) -> list[dict]:
    tables = []
    if fmt in schema.FORMATS:
        for t in schema.TABLES:
            cols = schema.columns(t, fmt)
            rows = schema.rows(t, fmt, aggregate)
            all_cols = list(dict.fromkeys(c for r in rows for c in r.cols))
            tables.append({"id": t, "title": TABLE_TITLES[t], "cols": [[c, cols[c].zh] for c in all_cols],
                           "rows": [[r.zh, [r.key(c) if c in r.cols else None for c in all_cols]] for r in rows]})
    return tables


def tables_fragment(data: dict, keys: set[str] | None = None) -> str:
    """The report's tables (cells coloured by confidence, flagged and verified) and its flags with
    their suggestions, as one HTML fragment with its own style and no script, for pages that
    embed it (the Label Studio task beside a page image): only the tables holding one of `keys`
    and the flags naming one, when `keys` is given."""
    model = build_model(Path(str((data.get("source") or {}).get("path") or "")), data, None, images=False)
    items = model["items"]
    tables = [t for t in model["tables"]
              if keys is None or any(k in keys for _, row in t["rows"] for k in row if k)]
    flags = [(i, f) for i, f in enumerate(model["flags"])
             if keys is None or any(k in keys for k in (f.get("keys") or []) + list(f.get("suggested") or {}))]
    flag_html = "".join(_flag_html(i, f, items) for i, f in flags)
    return (f"<style>{CSS}</style><div class='fragment'>"
            + (f"<ol class='flags'>{flag_html}</ol>" if flag_html else "")
            + "".join(_table_html(t, items) for t in tables) + "</div>")


def _cell_html(key: str | None, items: dict) -> str:
    if key is None:
        return '<td class="na"></td>'
    it = items.get(key) or {}
    v = it.get("value")
    state = it.get("state") or cell_state(it)
    cls = [state, "cell", conf_class(it.get("confidence"), v)]
    shown = "—" if v is None else ("(空)0" if it.get("blank") else esc(v))
    if state == "suggested":
        shown += f'<span class="sugv">→{esc(it.get("suggest"))}</span>'
    title = (f"{it.get('label', key)}\n{STATE_ZH[state]} · 置信度 {it.get('confidence')}"
             + (f"\n{it['reason']}" if it.get("reason") else ""))
    return f'<td class="{" ".join(cls)}" data-key="{esc(key)}" title="{esc(title)}">{shown}</td>'


def _table_html(t: dict, items: dict) -> str:
    head = "".join(f"<th>{esc(zh)}</th>" for _, zh in t["cols"])
    body = "".join(f"<tr><th class='rowh'>{esc(zh)}</th>{''.join(_cell_html(k, items) for k in keys)}</tr>"
                   for zh, keys in t["rows"])
    return (f'<section class="table" id="t-{esc(t["id"])}"><h3>{esc(t["title"])}</h3>'
            f'<div class="scroll"><table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'
            f'</div></section>')


def _flag_html(i: int, f: dict, items: dict) -> str:
    all_keys = f.get("keys") or []
    keys = "".join(f'<a href="#" class="key" data-key="{esc(k)}">{esc(items.get(k, {}).get("label", k))}</a>'
                   for k in all_keys[:MAX_FLAG_KEYS])
    if len(all_keys) > MAX_FLAG_KEYS:
        keys += f'<span class="more">另 {len(all_keys) - MAX_FLAG_KEYS} 格</span>'

    sug = ""
    if f.get("suggested"):
        sug = "<div class='sug'>建议修正：" + "；".join(
            f'<a href="#" class="key" data-key="{esc(k)}">{esc(items.get(k, {}).get("label", k))}</a> → <b>{esc(v)}</b>'
            for k, v in f["suggested"].items()) + "</div>"
    return (f'<li class="flag" id="flag-{i}"><div><b>{esc(f.get("identity_zh"))}</b> '
            f'<code title="identity">{esc(f.get("identity"))}</code></div><div class="msg">{esc(f.get("message_zh"))}</div>'
            f'<div class="nums">印 {esc(f.get("printed"))}，按勾稽关系应为 {esc(f.get("expected"))}</div>{sug}'
            f'<div class="keys">涉及：{keys}</div></li>')


def _page_html(p: dict, items: dict) -> str:
    if p.get("number") is None:
        return f'<div class="pnote">{esc(p.get("note"))}</div>'
    n, w, h = p["number"], p["width"], p["height"]
    boxes = []
    for k, it in items.items():
        b = it.get("bbox")
        if it.get("page") == n and b and it.get("value") is not None:
            cls = [conf_class(it.get("confidence"), it.get("value")), "box", it.get("box_how", "exact")]
            if it.get("state") in ("suggested", "broken"):
                cls.append(it["state"])
            style = (f"left:{b[0] / w * 100:.3f}%;top:{b[1] / h * 100:.3f}%;"
                     f"width:{max(b[2] - b[0], 1) / w * 100:.3f}%;height:{max(b[3] - b[1], 1) / h * 100:.3f}%")
            boxes.append(f'<div class="{" ".join(cls)}" data-key="{esc(k)}" style="{style}"></div>')
    img = (f'<img alt="page {n}" src="data:image/png;base64,{p["png"]}">' if p.get("png")
           else f'<div class="noimg" style="aspect-ratio:{w:.1f}/{h:.1f}">{esc(p.get("note") or "no image")}</div>')
    return f'<figure class="page" id="page-{n}"><figcaption>第 {n} 页</figcaption><div class="pg">{img}{"".join(boxes)}</div></figure>'


CSS = """
body{font:14px/1.45 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:0;color:#222}
header{padding:10px 16px;background:#263238;color:#fff}header h1{font-size:18px;margin:0}
header .meta{opacity:.85;font-size:13px}main{display:flex;gap:12px;padding:12px}
#left{flex:1 1 55%;min-width:0}#right{flex:1 1 45%;min-width:0;max-height:calc(100vh - 80px);overflow:auto}
#evidence{position:sticky;top:0;background:#fffde7;border:1px solid #e0d890;padding:8px;margin-bottom:10px;min-height:60px}
#evidence pre{white-space:pre-wrap;background:#fff;border:1px solid #ddd;padding:4px;margin:4px 0}
.flags{padding-left:18px}.flag{margin:6px 0;border-left:4px solid #c62828;padding-left:8px}
.flag .nums{color:#555;font-size:12px}.sug{color:#1b5e20}.key{margin-right:8px;font-size:12px}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 4px}td.cell{text-align:right;cursor:pointer;min-width:26px}
th.rowh{text-align:left;font-weight:normal;max-width:260px}td.na{background:#f3f3f3}
.c-high{background:#e8f5e9}.c-mid{background:#fff8e1}.c-low{background:#ffebee}.c-none{color:#999}
.cell.verified{background:#e8f5e9}.cell.unchecked{background:#eceff1;color:#37474f}
.cell.unchecked.c-low,.cell.unchecked.c-mid{background:#fff3c4}
.cell.broken{background:#fff;box-shadow:inset 0 -3px 0 #ef9a9a;color:#222}
.cell.suggested{background:#ffcdd2;outline:2px solid #b71c1c;font-weight:bold;color:#000}
.cell.c-none{background:#fafafa}.sugv{color:#b71c1c;font-size:11px;margin-left:3px}
td.sel{outline:3px solid #1565c0 !important}
#source{font:12px/1.5 ui-monospace,"Noto Sans Mono CJK SC",monospace;white-space:pre-wrap;background:#fafafa;
border:1px solid #ccc;padding:4px 0;max-height:calc(100vh - 140px);overflow:auto}
#source div{padding:0 6px}#source div:target,#source div.hl{background:#fff59d}
#source .n{display:inline-block;width:4em;color:#999;user-select:none}
.page{margin:0 0 16px}.pg{position:relative;border:1px solid #999;width:100%}.pg img{display:block;width:100%}
.box{position:absolute;border:2px solid;box-sizing:border-box;cursor:pointer}.box.line{border-style:dashed}
.box.c-high{border-color:#2e7d32;background:none}.box.c-mid{border-color:#f9a825;background:none}
.box.c-low{border-color:#c62828;background:none}.box.broken{border-color:#e57373;border-style:dotted}
.box.suggested{border-color:#d50000;border-width:3px;background:none}
.box.sel{outline:3px solid #1565c0}.noimg{background:#eee;display:flex;align-items:center;justify-content:center;color:#555}
.legend span{display:inline-block;padding:0 6px;margin-right:6px;border:1px solid #ccc}
.errors{background:#ffebee;padding:6px 10px;border:1px solid #e57373}
"""

JS = """
(function(){
  var data = JSON.parse(document.getElementById('review-data').textContent);
  var ev = document.getElementById('evidence');
  function el(tag, text){ var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function show(key){
    var it = data.items[key]; if (!it) return;
    document.querySelectorAll('.sel').forEach(function(e){ e.classList.remove('sel'); });
    document.querySelectorAll('[data-key="' + CSS.escape(key) + '"]').forEach(function(e){
      if (e.tagName !== 'A') e.classList.add('sel'); });
    ev.innerHTML = '';
    ev.appendChild(el('b', it.label + '  (' + key + ')'));
    var v = it.value === null || it.value === undefined ? '—' : String(it.value);
    ev.appendChild(el('div', '值 value: ' + v + (it.blank ? ' (blank cell read as 0)' : '') +
       '   置信度 confidence: ' + it.confidence));
    var where = [];
    if (it.page) where.push('page ' + it.page);
    if (it.line) where.push('line ' + it.line);
    if (it.bbox) where.push('bbox [' + it.bbox.map(function(x){ return Math.round(x); }).join(', ') + ']' +
                            (it.box_how === 'line' ? ' (whole line)' : ''));
    if (where.length) ev.appendChild(el('div', '位置 where: ' + where.join(', ')));
    if (it.text) ev.appendChild(el('div', '读到的文字 text read: ' + it.text));
    if (it.reason) ev.appendChild(el('div', '说明 reason: ' + it.reason));
    if (it.alternatives && it.alternatives.length) ev.appendChild(el('div', 'alternatives: ' + it.alternatives.join(', ')));
    if (it.context) {
      var pre = el('pre'); pre.className = 'ctx';
      pre.textContent = it.context.map(function(c){ return (c[0] === it.line ? '▶ ' : '  ') + c[0] + ': ' + c[1]; }).join('\\n');
      ev.appendChild(pre);
    } else if (it.evidence_line) {
      var p2 = el('pre'); p2.className = 'ctx'; p2.textContent = it.evidence_line; ev.appendChild(p2);
    }
    ev.appendChild(el('div', '核验 verified: ' + ({suggested: '建议修正', broken: '勾稽不符', verified: '勾稽核验通过',
                                                 unchecked: '未能核验', 'c-none': '未读到'}[it.state] || it.state)));
    (it.flags || []).forEach(function(i){
      var f = data.flags[i]; var d = el('div', '⚑ ' + f.identity_zh + '：' + f.message_zh);
      d.style.color = '#b71c1c'; ev.appendChild(d);
      if (f.suggested && key in f.suggested) ev.appendChild(el('div', '建议值 suggested: ' + f.suggested[key]));
    });
    ev.dataset.key = key;
    document.querySelectorAll('#source div.hl').forEach(function(e){ e.classList.remove('hl'); });
    var src = it.line && document.getElementById('L' + it.line);
    if (src) { src.classList.add('hl'); var box = document.getElementById('source');
      box.scrollTop = src.offsetTop - box.offsetTop - box.clientHeight / 3; }
  }
  document.addEventListener('click', function(e){
    var t = e.target.closest('[data-key]'); if (!t) return;
    e.preventDefault(); show(t.dataset.key);
    if (t.tagName === 'A' || t.classList.contains('box')) {
      var cell = document.querySelector('td[data-key="' + CSS.escape(t.dataset.key) + '"]');
      if (cell && t.tagName === 'A') cell.scrollIntoView({block: 'center'});
    } else {
      var box = document.querySelector('.box[data-key="' + CSS.escape(t.dataset.key) + '"]');
      if (box) box.scrollIntoView({block: 'center'});
    }
  });
  var first = document.querySelector('td.suggested') || document.querySelector('td.broken');
  if (first) show(first.dataset.key);
  var colours = {};
  ['suggested', 'broken', 'verified', 'unchecked'].forEach(function(s){
    var cells = document.querySelectorAll('td.cell.' + s);
    document.body.dataset[s + 'Cells'] = String(cells.length);
    // a self-check a headless browser can read: the states are told apart by colour
    if (cells.length) colours[s] = getComputedStyle(cells[cells.length - 1]).backgroundColor;
  });
  document.body.dataset.stateColours = JSON.stringify(colours);
  document.body.dataset.ready = '1';
})();
"""


def _source_html(lines: list[str] | None) -> str:
    if lines is None:
        return ""
    body = "".join(f'<div id="L{n}"><span class="n">{n}</span>{esc(t)}</div>' for n, t in enumerate(lines, 1))
    return f'<h2>原文 source text</h2><div id="source">{body}</div>'


def render_html(model: dict) -> str:
    items = model["items"]
    src = model["source"]
    title = f"{model.get('agency') or '(机关未识别)'} {model.get('year') or ''} 年度报告 · 审阅 review"
    errors = "".join(f"<li>[{esc(e.get('stage'))}] {esc(e.get('message'))}</li>" for e in model["errors"])
    flags = "".join(_flag_html(i, f, items) for i, f in enumerate(model["flags"]))
    tables = "".join(_table_html(t, items) for t in model["tables"])
    metric_rows = "".join(
        f'<tr><th class="rowh" title="{esc(k)}">{esc(it.get("label"))}</th>{_cell_html(k, items)}<td>{esc(it.get("unit"))}</td>'
        f'<td>{esc(it.get("evidence"))}</td></tr>'
        for k, it in items.items() if it["kind"] == "metric")
    pages = "".join(_page_html(p, items) for p in model["pages"])
    pr = src.get("page_range")
    where = f" · 第 {pr[0]}–{pr[1]} 页" if pr else ""
    ver = model.get("verification") or {}
    counts = (f" · 核验通过 {ver.get('verified')} 格，勾稽不符 {ver.get('broken')} 格，未能核验 {ver.get('unchecked')} 格"
              if ver else "")
    payload = json.dumps({"items": items, "flags": model["flags"]}, ensure_ascii=False).replace("</", "<\\/")
    left = pages or _source_html(model.get("source_text")) or \
        '<p>No page images (source not found); click a value to see its line.</p>'
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body><header><h1>{esc(title)}</h1><div class="meta">{esc(src.get('path'))}{esc(where)} · {esc(src.get('kind'))} ·
{esc(src.get('pages'))} page(s) · format {esc(model.get('format'))}{esc(counts)} · sha256 {esc((src.get('sha256') or '')[:12])}</div></header>
<main><div id="left">
{f'<ul class="errors">{errors}</ul>' if errors else ''}
{f'<p class="pnote">{esc(model["note"])}</p>' if model.get("note") else ''}
<p class="legend">单元格 cells: <span class="cell suggested">建议修正 suggested fix</span><span class="cell broken">勾稽不符 identity broken</span>
<span class="cell verified">核验通过 verified</span><span class="cell unchecked">未能核验 unchecked</span>
<span class="c-none">未读到 not found</span> · 框 boxes: confidence <span class="c-high">≥ {HIGH}</span><span class="c-mid">≥ {MID}</span>
<span class="c-low">&lt; {MID}</span></p>
{left}
</div><div id="right">
<div id="evidence"><i>点击单元格或框查看证据 · click a cell or a box to see its evidence.</i></div>
<h2>勾稽关系问题 flags ({len(model['flags'])})</h2>{f'<ol class="flags">{flags}</ol>' if flags else '<p>勾稽关系均成立 no broken identities.</p>'}
{tables}
<section class="table" id="t-metrics"><h3>文字部分指标 narrative metrics</h3><table><tbody>{metric_rows}</tbody></table></section>
</div></main>
<script type="application/json" id="review-data">{payload}</script>
<script>{JS}</script></body></html>
"""


def review_report(report: str | Path, out: str | Path | None = None, source: str | None = None,
                  images: bool = True) -> Path:
    from ..output import write_atomic
    report = Path(report)
    data = json.loads(report.read_text(encoding="utf-8"))
    model = build_model(report, data, resolve_source(report, data, source), images=images)
    target = Path(out) if out else report.with_suffix(".html")
    write_atomic(target, render_html(model))
    return target

"""report.html: one self-contained file (plots embedded as base64 PNG, no external assets)."""
from __future__ import annotations

import base64
import html
import io

from .corpus import kind_sort_key
from .tables import Table

COLORS = ["#2f6db5", "#e08a2c", "#3a9b5c", "#b53d3d", "#7a57b0", "#8c6d46"]


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    _plt().close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _grouped_bars(title: str, categories: list[str], series: dict[str, list[float | None]], ylabel: str,
                  percent: bool, errors: dict[str, list[float | None]] | None = None, log: bool = False) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(max(6.0, 1.1 * len(categories) * max(1, len(series)) ** 0.5 + 2), 3.8))
    n = max(1, len(series))
    width = 0.8 / n
    for i, (name, vals) in enumerate(series.items()):
        xs = [j + (i - (n - 1) / 2) * width for j in range(len(categories))]
        ys = [(v if v is not None else 0) * (100 if percent else 1) for v in vals]
        yerr = None
        if errors and name in errors:
            yerr = [[0] * len(ys), [max(0.0, (e or 0) - y) for e, y in zip(errors[name], ys)]]
        bars = ax.bar(xs, ys, width, label=name, color=COLORS[i % len(COLORS)], yerr=yerr, capsize=3)
        for b, v in zip(bars, vals):
            if v is None:
                continue
            label = (f"{v * 100:.2f}" if v >= 0.99 else f"{v * 100:.1f}") if percent else \
                (f"{v:.0f}" if v >= 10 else f"{v:.2g}")
            ax.annotate(label, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom",
                        fontsize=7, xytext=(0, 2), textcoords="offset points")
    ax.set_xticks(range(len(categories)))
    ax.set_xticklabels(categories, rotation=20 if len(categories) > 4 else 0, ha="right" if len(categories) > 4 else "center")
    ax.set_ylabel(ylabel)
    positive = [v for vals in series.values() for v in vals if v]
    if log and positive and max(positive) / min(positive) > 50:
        ax.set_yscale("log")
        ax.set_ylabel(ylabel + " (log scale)")
    if percent:
        ax.set_ylim(*percent_axis([v for vals in series.values() for v in vals]))
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    if len(series) > 1 or errors:
        ax.legend(fontsize=8, title="p50 bar, p95 whisker" if errors else None, title_fontsize=7)
    return _png(fig)


def percent_axis(fractions: list[float | None]) -> tuple[float, float]:
    """y limits (in %) for accuracies: zoomed so that 99 % and 100 % look different. The lowest
    value sets the floor, with room below it of at least half a point (and half the gap to 100)."""
    vals = [v * 100 for v in fractions if v is not None]
    if not vals:
        return 0.0, 105.0
    lo = min(vals)
    floor = max(0.0, lo - max(0.5, (100 - lo) * 0.5))
    if floor < 20:
        floor = 0.0
    return floor, 100 + (100 - floor) * 0.06


def _doc_hist(vs: dict) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.5, 3.4))
    all_accs = [d for v in vs.values() for d in v.get("_doc_accuracies", []) if d is not None]
    lo, _ = percent_axis(all_accs)
    for i, (name, v) in enumerate(vs.items()):
        accs = [d for d in v.get("_doc_accuracies", []) if d is not None]
        ax.hist([a * 100 for a in accs], bins=20, range=(lo, 100), alpha=0.6, label=f"{name} (n={len(accs)})",
                color=COLORS[i % len(COLORS)])
    ax.set_xlabel("cell accuracy of one input (%)")
    ax.set_ylabel("inputs")
    ax.set_title("Per-input cell accuracy")
    ax.legend(fontsize=8)
    return _png(fig)


def plots(summary: dict, doc_rows: list[dict]) -> list[tuple[str, str]]:
    """[(caption, base64 PNG)]."""
    vs = summary["variants"]
    names = list(vs)
    out = []
    groups = sorted({g for v in vs.values() for g in v["cells"]["by_kind"]}, key=kind_sort_key)
    out.append(("Cell accuracy by input kind and degradation", _grouped_bars(
        "Cell accuracy by input kind / degradation", groups,
        {n: [vs[n]["cells"]["by_kind"].get(g, {}).get("accuracy") for g in groups] for n in names},
        "cells right (%)", True)))
    tables = ["active", "requests", "appeals"]
    out.append(("Cell accuracy by table", _grouped_bars(
        "Cell accuracy by table", tables,
        {n: [vs[n]["cells"]["by_table"].get(t, {}).get("accuracy") for t in tables] for n in names},
        "cells right (%)", True)))
    stages = sorted({s for v in vs.values() for s in v["speed"]["stages_ms"]})
    out.append(("Time per stage (ms): bar p50, whisker p95", _grouped_bars(
        "Time per stage", stages or ["(no timings)"],
        {n: [vs[n]["speed"]["stages_ms"].get(s, {}).get("p50") for s in stages] or [None] for n in names},
        "milliseconds", False,
        errors={n: [vs[n]["speed"]["stages_ms"].get(s, {}).get("p95") for s in stages] or [None] for n in names},
        log=True)))
    kinds = sorted({g for v in vs.values() for g in v["speed"].get("by_kind", {})}, key=kind_sort_key)
    out.append(("Time per page by input kind (ms): bar p50, whisker p95", _grouped_bars(
        "Time per page by input kind", kinds or ["(no timings)"],
        {n: [vs[n]["speed"].get("by_kind", {}).get(g, {}).get("per_page_ms", {}).get("p50") for g in kinds] or [None]
         for n in names},
        "milliseconds per page", False,
        errors={n: [vs[n]["speed"].get("by_kind", {}).get(g, {}).get("per_page_ms", {}).get("p95") for g in kinds]
                or [None] for n in names},
        log=True)))
    for n in names:
        vs[n]["_doc_accuracies"] = [r["cells"]["accuracy"] for r in doc_rows if r["variant"] == n]
    try:
        out.append(("Distribution of per-input cell accuracy", _doc_hist(vs)))
    finally:
        for n in names:
            vs[n].pop("_doc_accuracies", None)
    return out


def host_words(host) -> str:
    """{'cpus': 2, 'loadavg_1m_start': 0.4, 'loadavg_1m': 1.2} as a sentence."""
    if not isinstance(host, dict):
        return str(host)
    parts = []
    if host.get("cpus"):
        parts.append(f"{host['cpus']} CPUs")
    if host.get("loadavg_1m_start") is not None:
        parts.append(f"load average {host['loadavg_1m_start']} at the start and {host.get('loadavg_1m')} at the end "
                     "(timings on a loaded machine are slower)")
    extra = {k: v for k, v in host.items() if k not in ("cpus", "loadavg_1m_start", "loadavg_1m")}
    parts += [f"{k} {v}" for k, v in extra.items()]
    return ", ".join(parts)


def _headline(summary: dict) -> str:
    """The numbers a reader came for, per variant, before any table or plot."""
    cards = []
    for name, v in summary["variants"].items():
        c = v["cells"]["overall"]
        m, f, sp = v["metrics"], v["flags"], v["speed"]
        ex = v["exact_documents"]

        def pct(x):
            return "–" if x is None else (f"{x * 100:.2f} %" if x >= 0.99 else f"{x * 100:.1f} %")
        doc_ms = (sp.get("per_doc_ms") or {}).get("p50")
        nz = v["cells"].get("nonzero") or {}
        items = [("cells right", pct(c.get("accuracy")), f"{c.get('correct', 0)} of {c.get('total', 0)}"),
                 ("non-zero cells right", pct(nz.get("accuracy")),
                  f"{nz.get('correct', 0)} of {nz.get('total', 0)} cells that print a number other than 0"),
                 ("documents exactly right", f"{ex.get('exact')}/{ex.get('total')}", ""),
                 ("narrative metrics", f"P {pct(m.get('precision'))} · R {pct(m.get('recall'))}", ""),
                 ("flags vs gold", f"P {pct(f.get('precision'))} · R {pct(f.get('recall'))}", ""),
                 ("failed inputs", str(v.get("failed", 0)), f"of {v.get('documents')}"),
                 ("speed", f"{sp.get('pages_per_s', '–')} pages/s",
                  f"{doc_ms / 1000:.2f} s per document (p50)" if doc_ms is not None else "")]
        cells = "".join(f'<div class="num"><div class="k">{html.escape(k)}</div><div class="v">{html.escape(val)}</div>'
                        f'<div class="s">{html.escape(sub)}</div></div>' for k, val, sub in items)
        cards.append(f'<div class="card"><h3>variant <code>{html.escape(name)}</code></h3>{cells}</div>')
    return f'<section id="headline">{"".join(cards)}</section>'


def _table_html(t: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in t.headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in t.rows)
    return f"<h2>{html.escape(t.title)}</h2>\n<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# Marks <body data-plots-loaded="N"> once the page has decoded its images: a headless browser's
# dumped DOM then shows whether the plots really render.
SELF_CHECK = """<script>
window.addEventListener('load', function () {
  var imgs = document.querySelectorAll('img.plot'), ok = 0;
  imgs.forEach(function (i) { if (i.complete && i.naturalWidth > 0) ok++; });
  document.body.setAttribute('data-plots-loaded', String(ok));
  document.body.setAttribute('data-plots-total', String(imgs.length));
});
</script>"""

STYLE = """<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f0f3f7}figure{display:inline-block;margin:8px 16px 8px 0;vertical-align:top}
figcaption{font-size:12px;color:#555}.info{font-size:13px;color:#444}
.card{border:1px solid #cfd8dc;border-radius:6px;padding:8px 12px;margin:8px 0;display:flex;flex-wrap:wrap;gap:18px}
.card h3{width:100%;margin:0;font-size:1em}.num .k{font-size:12px;color:#555}.num .v{font-size:1.5em;font-weight:600}
.num .s{font-size:11px;color:#777}
</style>"""


def render(summary: dict, tables: list[Table], doc_rows: list[dict]) -> str:
    figs = plots(summary, doc_rows)
    def show(k, v):
        if k == "host":
            return host_words(v)
        return ", ".join(map(str, v)) if isinstance(v, list) else str(v)
    info = "".join(f"<li><b>{html.escape(k)}</b>: {html.escape(show(k, summary.get(k)))}</li>"
                   for k in ("created", "gold", "inputs", "split", "preds", "git", "host", "note") if summary.get(k))
    fig_html = "\n".join(
        f'<figure><img class="plot" alt="{html.escape(cap)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{html.escape(cap)}</figcaption></figure>" for cap, b64 in figs)
    def pct_or_dash(d):
        return f"{d['accuracy'] * 100:.2f}%" if d and d.get("accuracy") is not None else "–"
    per_doc = Table("Every input", ["variant", "input", "kind", "format", "cells", "non-zero cells", "wrong",
                                    "wall ms", "errors"],
                    [[r["variant"], r["input"], r["group"], r["format"], pct_or_dash(r["cells"]),
                      pct_or_dash(r.get("nonzero")),
                      str(r["cells"]["total"] - r["cells"]["correct"]),
                      f"{r['wall_ms']:.0f}" if r["wall_ms"] is not None else "–", "; ".join(r["errors"])[:120]]
                     for r in doc_rows])
    # a table with no rows (no failed input, no confusion) says nothing: leave it out
    body = "\n".join(_table_html(t) for t in tables + [per_doc] if t.rows)
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>nianbao eval</title>{STYLE}"
            f"</head>\n<body>\n<h1>nianbao evaluation</h1>\n{_headline(summary)}\n<ul class=\"info\">{info}</ul>\n"
            f"<section id=\"plots\">{fig_html}</section>\n{body}\n{SELF_CHECK}\n</body></html>\n")

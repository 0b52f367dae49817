"""The summary as tables: plain text for the terminal, Markdown for summary.md, rows for HTML."""
from __future__ import annotations

from dataclasses import dataclass

from .corpus import kind_sort_key


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]


def pct(x) -> str:
    return "–" if x is None else f"{x * 100:.2f}%"


def frac(d: dict) -> str:
    return f"{pct(d.get('accuracy'))} ({d.get('correct', 0)}/{d.get('total', 0)})" if d.get("total") else "–"


def num(x, fmt="{:.1f}") -> str:
    return "–" if x is None else fmt.format(x)


def build(summary: dict) -> list[Table]:
    vs = summary["variants"]
    names = list(vs)
    out = []
    rows = []
    for n, v in vs.items():
        c = v["cells"]
        rows.append([n, str(v["documents"]), str(v["failed"]), frac(c["overall"]), frac(c.get("nonzero", {})),
                     *(pct(c["by_table"].get(t, {}).get("accuracy")) for t in ("active", "requests", "appeals")),
                     f"{v['exact_documents']['exact']}/{v['exact_documents']['total']}",
                     pct(v["meta"]["format"]["accuracy"]), pct(v["meta"]["agency"]["accuracy"]),
                     pct(v["meta"]["year"]["accuracy"])])
    out.append(Table("Cell accuracy", ["variant", "inputs", "failed", "cells", "non-zero cells", "active", "requests", "appeals",
                                       "exact docs", "format", "agency", "year"], rows))
    groups = sorted({g for v in vs.values() for g in v["cells"]["by_kind"]}, key=kind_sort_key)
    out.append(Table("Cell accuracy by input kind (all cells · cells printing a number other than 0)", ["kind", *names],
                     [[g, *(f'{frac(vs[n]["cells"]["by_kind"].get(g, {}))} · '
                            f'{frac(vs[n]["cells"].get("nonzero_by_kind", {}).get(g, {}))}' for n in names)]
                      for g in groups]))
    corpora = sorted({c for v in vs.values() for c in v["cells"].get("by_corpus", {})})
    if len(corpora) > 1:
        out.append(Table("Cell accuracy by corpus", ["corpus", *names],
                         [[c, *(frac(vs[n]["cells"]["by_corpus"].get(c, {})) for n in names)] for c in corpora]))
    fmts = sorted({f for v in vs.values() for f in v["cells"]["by_format"]})
    out.append(Table("Cell accuracy by format (all cells · non-zero cells)", ["format", *names],
                     [[f, *(f'{frac(vs[n]["cells"]["by_format"].get(f, {}))} · '
                            f'{frac(vs[n]["cells"].get("nonzero_by_format", {}).get(f, {}))}' for n in names)]
                      for f in fmts]))
    out.append(Table("Silent errors (wrong, confidence ≥ 0.9, no flag names the key) and metric false positives",
                     ["variant", "cells", "silent errors", "metric false positives", "cells at ≥ 0.9 right"],
                     [[n, str(t["cells"]), str(t["silent_errors"]), str(t["metric_false_positives"]),
                       frac({"accuracy": t["high_confidence"]["accuracy"], "correct": t["high_confidence"]["right"],
                             "total": t["high_confidence"]["cells"]})]
                      for n, v in vs.items() for t in [v["trust"]]]))
    tk = sorted({g for v in vs.values() for g in v["trust"]["by_kind"]}, key=kind_sort_key)
    out.append(Table("Silent errors / metric false positives by input kind", ["kind", *names],
                     [[g, *(_trust_kind(vs[n]["trust"]["by_kind"].get(g)) for n in names)] for g in tk]))
    out.append(Table("Silent error examples", ["variant", "input", "key", "gold", "predicted", "confidence"],
                     [[n, e["input"], e["key"], str(e["gold"]), str(e["pred"]), num(e["confidence"], "{:.3f}")]
                      for n, v in vs.items() for e in v["trust"]["silent_examples"]]))
    out.append(Table("Metric false positives", ["variant", "input", "metric", "predicted"],
                     [[n, e["input"], e["key"], str(e["pred"])]
                      for n, v in vs.items() for e in v["trust"]["metric_false_positive_examples"]]))
    bins = list(dict.fromkeys(b["confidence"] for v in vs.values() for b in v["trust"]["calibration"]))
    out.append(Table("Reliability: predicted cell values by confidence (right / cells)", ["confidence", *names],
                     [[b, *(_bin(vs[n]["trust"]["calibration"], b) for n in names)] for b in bins]))
    out.append(Table("Reliability apart for guarded cells (an identity checks them) / unguarded cells (nothing "
                     "does): right / cells", ["confidence", *names],
                     [[b, *(" / ".join(_bin(vs[n]["trust"].get("calibration_by_guard", {}).get(g, []), b)
                                       for g in ("guarded", "unguarded")) for n in names)] for b in bins]
                     + [["wrong at ≥ 0.9", *(" / ".join(str(vs[n]["trust"].get("high_confidence_by_guard", {})
                                                           .get(g, {}).get("wrong", "–"))
                                                       for g in ("guarded", "unguarded")) for n in names)]]))
    out.append(Table("Narrative metrics", ["variant", "gold", "predicted", "precision", "recall", "value acc",
                                           "approx acc"],
                     [[n, str(v["metrics"]["gold"]), str(v["metrics"]["predicted"]), pct(v["metrics"]["precision"]),
                       pct(v["metrics"]["recall"]), pct(v["metrics"]["value_accuracy"]),
                       pct(v["metrics"]["approx_accuracy"]) + (f" (n={v['metrics']['approx_total']})")]
                      for n, v in vs.items()]))
    mk = sorted({g for v in vs.values() for g in v["metrics"].get("by_kind", {})}, key=kind_sort_key)
    out.append(Table("Narrative metrics by input kind (precision / recall)", ["kind", *names],
                     [[g, *(f"{pct(vs[n]['metrics']['by_kind'].get(g, {}).get('precision'))} / "
                            f"{pct(vs[n]['metrics']['by_kind'].get(g, {}).get('recall'))}" for n in names)] for g in mk]))
    out.append(Table("Reconciler flags vs gold source inconsistencies",
                     ["variant", "gold", "unparsed gold", "flags", "precision", "recall", "strict P / R", "suggested acc"],
                     [[n, str(v["flags"]["gold"]), str(v["flags"]["unparsed_gold"]), str(v["flags"]["predicted"]),
                       pct(v["flags"]["precision"]), pct(v["flags"]["recall"]),
                       f'{pct(v["flags"]["strict_precision"])} / {pct(v["flags"]["strict_recall"])}',
                       pct(v["flags"]["suggested_accuracy"]) + f" (n={v['flags']['suggested_total']})"]
                      for n, v in vs.items()]))
    out.append(Table("Reconciler flags vs extraction errors (cells read as a wrong number)",
                     ["variant", "caught misreads", "false alarms", "useful precision", "misread cells",
                      "misread cells flagged", "fix suggestions right"],
                     [[n, str(f["caught_misreads"]), str(f["false_alarms"]), pct(f["useful_precision"]),
                       str(f["misread_cells"]), pct(f["misread_recall"]),
                       pct(f["fix_suggested_accuracy"]) + f" (n={f['fix_suggested_total']})"]
                      for n, v in vs.items() for f in [v["flags"]]]))
    out.append(Table("Speed", ["variant", "docs", "pages", "doc p50 ms", "doc p95 ms", "doc max ms", "page p50 ms",
                               "page p95 ms",
                               "pages/s", "peak RSS MB", "cold start ms"],
                     [[n, str(s["documents"]), str(s["pages"]), num(s["per_doc_ms"]["p50"]),
                       num(s["per_doc_ms"]["p95"]), num(s["per_doc_ms"].get("max")), num(s["per_page_ms"]["p50"]),
                       num(s["per_page_ms"]["p95"]),
                       num(s["pages_per_s"], "{:.2f}"), num(s["peak_rss_mb"]), num(s.get("cold_start_ms"))]
                      for n, v in vs.items() for s in [v["speed"]]]))
    groups_t = sorted({g for v in vs.values() for g in v["speed"].get("by_kind", {})}, key=kind_sort_key)
    out.append(Table("Speed by input kind (ms per page p50 / p95, pages/s)", ["kind", *names],
                     [[g, *(_kind_speed(vs[n]["speed"].get("by_kind", {}).get(g)) for n in names)]
                      for g in groups_t]))
    stages = sorted({st for v in vs.values() for st in v["speed"]["stages_ms"]})
    out.append(Table("Time per stage (ms, p50 / p95)", ["stage", *names],
                     [[st, *(f"{num(vs[n]['speed']['stages_ms'].get(st, {}).get('p50'))} / "
                             f"{num(vs[n]['speed']['stages_ms'].get(st, {}).get('p95'))}" for n in names)]
                      for st in stages]))
    out.append(Table("Slowest documents", ["variant", "input", "wall ms", "pages", "slowest stage"],
                     [[n, d["input"], num(d["wall_ms"]), str(d["pages"]), str(d["stage"])]
                      for n, v in vs.items() for d in v["speed"].get("slowest_documents", [])]))
    out.append(Table("Failed inputs", ["variant", "inputs", "error"],
                     [[n, str(k), e[:100]] for n, v in vs.items() for e, k in v.get("errors", {}).items()]))
    out.append(Table("Worst documents (of those extracted)", ["variant", "input", "cells", "wrong"],
                     [[n, w["input"], pct(w["accuracy"]), str(w["wrong"])]
                      for n, v in vs.items() for w in v["worst_documents"]]))
    out.append(Table("Most common confusions", ["variant", "confusion", "cells"],
                     [[n, c, str(k)] for n, v in vs.items() for c, k in list(v["confusions"]["counts"].items())[:8]]))
    out.append(Table("Confusion examples", ["variant", "input", "key", "gold", "predicted", "confusion"],
                     [[n, e["input"], e["key"], str(e["gold"]), str(e["pred"]), e["confusion"]]
                      for n, v in vs.items() for e in v["confusions"]["examples"]]))
    return out


def _trust_kind(t: dict | None) -> str:
    return "–" if not t else f"{t['silent_errors']} / {t['metric_false_positives']} ({t['cells']} cells)"


def _bin(cal: list[dict], b: str) -> str:
    row = next((r for r in cal if r["confidence"] == b), None)
    return "–" if row is None else f"{pct(row['accuracy'])} ({row['right']}/{row['cells']})"


def _kind_speed(s: dict | None) -> str:
    if not s or not s["documents"]:
        return "–"
    return (f"{num(s['per_page_ms']['p50'])} / {num(s['per_page_ms']['p95'])}, "
            f"{num(s['pages_per_s'], '{:.2f}')} p/s")


def _esc_md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def markdown(tables: list[Table]) -> str:
    parts = []
    for t in tables:
        parts.append(f"### {t.title}\n")
        parts.append("| " + " | ".join(map(_esc_md, t.headers)) + " |")
        parts.append("|" + "|".join("---" for _ in t.headers) + "|")
        parts += ["| " + " | ".join(map(_esc_md, r)) + " |" for r in t.rows] or ["| " + " | ".join("" for _ in t.headers) + " |"]
        parts.append("")
    return "\n".join(parts)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def text(tables: list[Table]) -> str:
    parts = []
    for t in tables:
        if not t.rows:
            continue
        cols = [t.headers] + t.rows
        w = [max(_width(str(r[i])) for r in cols) for i in range(len(t.headers))]
        parts.append(t.title)
        for j, r in enumerate(cols):
            parts.append("  " + "  ".join(str(c) + " " * (w[i] - _width(str(c))) for i, c in enumerate(r)).rstrip())
            if j == 0:
                parts.append("  " + "  ".join("-" * x for x in w))
        parts.append("")
    return "\n".join(parts)

"""Per-document scores → one summary per variant (the stable keys of summary.json)."""
from __future__ import annotations

from collections import Counter

from .corpus import kind_sort_key
from .runner import Result
from .score import CONF_BINS, SILENT_CONFIDENCE, conf_bin, gold_format, score_document

SCHEMA = "nianbao-eval/1"
WORST_N = 5
CONFUSION_EXAMPLES = 12


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 6) if b else None


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (q in 0..100)."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return round(v[lo] + (v[hi] - v[lo]) * (pos - lo), 3)


def _acc(correct: int, total: int) -> dict:
    return {"correct": correct, "total": total, "accuracy": ratio(correct, total)}


def doc_row(res: Result, gold: dict, corpus: str = "") -> dict:
    s = score_document(gold, res.pred)
    c = s["cells"]
    errors = [f"[{e.get('stage')}] {e.get('message')}" if isinstance(e, dict) else str(e) for e in s["errors"]]
    if res.error and not errors:
        errors = [res.error]
    return {
        "doc": res.input.doc, "corpus": corpus, "input": res.input.name, "path": str(res.input.path),
        "kind": res.input.kind, "group": res.input.group, "format": gold_format(gold),
        "cells": _acc(c["correct"], c["total"]),
        "nonzero": _acc(c["nonzero"]["correct"], c["nonzero"]["total"]),
        "silent_errors": c["silent_errors"], "calibration": c["calibration"],
        "calibration_by_guard": c.get("calibration_by_guard", {}),
        "by_table": {t: _acc(v["correct"], v["total"]) for t, v in c["by_table"].items()},
        "exact": s["exact"], "extra_keys": len(c["extra_keys"]),
        "wrong": c["wrong"], "metrics": s["metrics"], "flags": s["flags"], "meta": s["meta"],
        "errors": errors, "wall_ms": res.wall_ms, "pages": res.pages,
        "timings_ms": res.timings_ms, "maxrss_kb": res.maxrss_kb,
    }


def _group(rows: list[dict], key) -> dict:
    acc: dict[str, list[int]] = {}
    for r in rows:
        for name, (a, b) in key(r):
            t = acc.setdefault(name, [0, 0])
            t[0] += a
            t[1] += b
    return {k: _acc(*acc[k]) for k in sorted(acc)}


def _nz(r: dict) -> tuple[int, int]:
    """(right, cells) over a row's non-zero gold cells; rows scored before they were counted: none."""
    nz = r.get("nonzero") or {}
    return nz.get("correct", 0), nz.get("total", 0)


def _meta_acc(rows: list[dict], field: str) -> dict:
    vals = [r["meta"][field] for r in rows if r["meta"][field] is not None]
    return _acc(sum(vals), len(vals))


def speed(rows: list[dict], by_kind: bool = True) -> dict:
    """Speed of the inputs that were extracted: a failed input's time says nothing about speed."""
    failed = sum(1 for r in rows if r["errors"])
    rows = [r for r in rows if not r["errors"]]
    timed = [r for r in rows if r["wall_ms"] is not None]
    walls = [r["wall_ms"] for r in timed]
    pages = sum(r["pages"] for r in timed)
    per_page = [r["wall_ms"] / r["pages"] for r in timed]
    # A stage that did not run for an input (0 ms, e.g. OCR on text) is left out of its percentiles.
    stages: dict[str, list[float]] = {}
    for r in rows:
        for k, v in r["timings_ms"].items():
            if v > 0:
                stages.setdefault(k, []).append(v)
    rss = [r["maxrss_kb"] for r in rows if r["maxrss_kb"]]
    total_s = sum(walls) / 1000
    out = {
        "documents": len(timed), "failed_excluded": failed, "pages": pages, "total_s": round(total_s, 3),
        "per_doc_ms": {"p50": percentile(walls, 50), "p95": percentile(walls, 95),
                       "mean": round(sum(walls) / len(walls), 3) if walls else None,
                       "max": round(max(walls), 3) if walls else None},
        "per_page_ms": {"p50": percentile(per_page, 50), "p95": percentile(per_page, 95)},
        "pages_per_s": round(pages / total_s, 3) if total_s else None,
        "stages_ms": {k: {"p50": percentile(v, 50), "p95": percentile(v, 95), "n": len(v)}
                      for k, v in sorted(stages.items())},
        "peak_rss_mb": round(max(rss) / 1024, 1) if rss else None,
    }
    if by_kind:
        slow = sorted(timed, key=lambda r: -r["wall_ms"])[:WORST_N]
        out["slowest_documents"] = [
            {"input": r["input"], "wall_ms": round(r["wall_ms"], 3), "pages": r["pages"],
             "stage": max((k for k in r["timings_ms"] if k != "total"), key=lambda k: r["timings_ms"][k], default=None)}
            for r in slow]
        groups: dict[str, list[dict]] = {}
        for r in rows:
            groups.setdefault(r["group"], []).append(r)
        out["by_kind"] = {g: speed(groups[g], by_kind=False) for g in sorted(groups, key=kind_sort_key)}
    return out


def trust(rows: list[dict]) -> dict:
    """Silent errors and metric false positives, overall and per input kind/degradation, with
    examples; and the reliability table: predicted values by confidence bin, how many were right."""
    bins = _bins(r["calibration"] for r in rows)
    order = [conf_bin(lo) for lo in CONF_BINS[:-1]]
    high = _high(bins)
    guards = {g: _bins(r.get("calibration_by_guard", {}).get(g, {}) for r in rows) for g in GUARDS}
    kinds: dict[str, list[int]] = {}
    for r in rows:
        t = kinds.setdefault(r["group"], [0, 0, 0])
        t[0] += r["silent_errors"]
        t[1] += r["metrics"]["false_positives"]
        t[2] += r["cells"]["total"]
    examples = [{"input": r["input"], **{k: w[k] for k in ("key", "gold", "pred", "confidence", "confusion")}}
                for r in rows for w in r["wrong"] if w.get("silent")][:CONFUSION_EXAMPLES]
    fp_examples = [{"input": r["input"], "key": k, "pred": next((w["pred"] for w in r["metrics"]["wrong"]
                                                                 if w["key"] == k), None)}
                   for r in rows for k in r["metrics"].get("false_positive_keys", [])][:CONFUSION_EXAMPLES]
    return {
        "silent_errors": sum(r["silent_errors"] for r in rows),
        "metric_false_positives": sum(r["metrics"]["false_positives"] for r in rows),
        "cells": sum(r["cells"]["total"] for r in rows),
        "by_kind": {g: {"silent_errors": a, "metric_false_positives": b, "cells": c}
                    for g, (a, b, c) in sorted(kinds.items(), key=lambda kv: kind_sort_key(kv[0]))},
        "silent_examples": examples, "metric_false_positive_examples": fp_examples,
        "calibration": [{"confidence": b, "right": bins[b][0], "cells": bins[b][1],
                         "accuracy": ratio(bins[b][0], bins[b][1])} for b in order if b in bins],
        "high_confidence": {"threshold": SILENT_CONFIDENCE, "right": high[0], "cells": high[1],
                            "accuracy": ratio(high[0], high[1])},
        # the same apart for cells an identity checks (guarded) and cells nothing checks: an
        # unguarded value at >= 0.9 must be right by its reading alone (issue 24)
        "calibration_by_guard": {g: [{"confidence": b, "right": bs[b][0], "cells": bs[b][1],
                                      "accuracy": ratio(bs[b][0], bs[b][1])} for b in order if b in bs]
                                 for g, bs in guards.items()},
        "high_confidence_by_guard": {g: {"right": h[0], "cells": h[1], "wrong": h[1] - h[0],
                                         "accuracy": ratio(h[0], h[1])}
                                     for g, bs in guards.items() for h in [_high(bs)]},
    }


GUARDS = ("guarded", "unguarded")


def _bins(parts) -> dict[str, list[int]]:
    bins: dict[str, list[int]] = {}
    for part in parts:
        for b, (ok, n) in part.items():
            t = bins.setdefault(b, [0, 0])
            t[0] += ok
            t[1] += n
    return bins


def _high(bins: dict[str, list[int]]) -> list[int]:
    """[right, values] over the bins at or above the silent-error threshold."""
    return [sum(bins[b][i] for b in bins if float(b.split("-")[0]) >= SILENT_CONFIDENCE) for i in (0, 1)]


def summarise_variant(rows: list[dict]) -> dict:
    cells = _group(rows, lambda r: [("all", (r["cells"]["correct"], r["cells"]["total"]))]).get("all") or _acc(0, 0)
    m = Counter()
    f = Counter()
    for r in rows:
        m.update({k: v for k, v in r["metrics"].items() if isinstance(v, int)})
        f.update({k: v for k, v in r["flags"].items() if isinstance(v, int)})
    m_kind: dict[str, Counter] = {}
    for r in rows:
        m_kind.setdefault(r["group"], Counter()).update({k: v for k, v in r["metrics"].items() if isinstance(v, int)})
    confusions = Counter(w["confusion"] for r in rows for w in r["wrong"])
    examples = [{"input": r["input"], **{k: w[k] for k in ("key", "gold", "pred", "confusion")}}
                for r in rows for w in r["wrong"] if w["confusion"] not in ("missing", "null")][:CONFUSION_EXAMPLES]
    # Failed inputs are summarised by error; the worst list shows what extraction got wrong.
    worst = sorted([r for r in rows if not r["errors"]],
                   key=lambda r: (r["cells"]["accuracy"] if r["cells"]["accuracy"] is not None else -1,
                                  r["input"]))[:WORST_N]
    error_counts = Counter(r["errors"][0][:160] for r in rows if r["errors"])
    return {
        "documents": len(rows),
        "failed": sum(bool(r["errors"]) for r in rows),
        "errors": dict(error_counts.most_common()),
        "cells": {
            "overall": cells,
            "by_table": _group(rows, lambda r: [(t, (v["correct"], v["total"])) for t, v in r["by_table"].items()]),
            "by_format": _group(rows, lambda r: [(r["format"], (r["cells"]["correct"], r["cells"]["total"]))]),
            "by_corpus": _group(rows, lambda r: [(r["corpus"], (r["cells"]["correct"], r["cells"]["total"]))]),
            "by_kind": dict(sorted(_group(rows, lambda r: [(r["group"], (r["cells"]["correct"], r["cells"]["total"]))]).items(),
                                   key=lambda kv: kind_sort_key(kv[0]))),
            # the same over the gold cells that print a number other than 0
            "nonzero": _group(rows, lambda r: [("all", _nz(r))]).get("all") or _acc(0, 0),
            "nonzero_by_format": _group(rows, lambda r: [(r["format"], _nz(r))]),
            "nonzero_by_kind": dict(sorted(_group(rows, lambda r: [(r["group"], _nz(r))]).items(),
                                           key=lambda kv: kind_sort_key(kv[0]))),
        },
        "trust": trust(rows),
        "exact_documents": {"exact": sum(r["exact"] for r in rows), "total": len(rows),
                            "rate": ratio(sum(r["exact"] for r in rows), len(rows))},
        "metrics": {"gold": m["gold"], "predicted": m["predicted"], "correct": m["correct"],
                    "false_positives": m["false_positives"],
                    "precision": ratio(m["correct"], m["predicted"]), "recall": ratio(m["correct"], m["gold"]),
                    "value_accuracy": ratio(m["correct"], m["both"]),
                    "approx_total": m["approx_total"], "approx_accuracy": ratio(m["approx_correct"], m["approx_total"]),
                    "by_kind": {g: {"precision": ratio(c["correct"], c["predicted"]), "recall": ratio(c["correct"], c["gold"])}
                                for g, c in sorted(m_kind.items(), key=lambda kv: kind_sort_key(kv[0]))}},
        "flags": {"gold": f["gold"], "unparsed_gold": f["unparsed_gold"], "predicted": f["predicted"],
                  "matched_gold": f["matched_gold"], "matched_predicted": f["matched_predicted"],
                  "precision": ratio(f["matched_predicted"], f["predicted"]), "recall": ratio(f["matched_gold"], f["gold"]),
                  "strict_precision": ratio(f["strict_matched_predicted"], f["predicted"]),
                  "strict_recall": ratio(f["strict_matched_gold"], f["gold"]),
                  "suggested_total": f["suggested_total"],
                  "suggested_accuracy": ratio(f["suggested_correct"], f["suggested_total"]),
                  "caught_misreads": f["caught_misreads"], "false_alarms": f["false_alarms"],
                  "useful_precision": ratio(f["matched_predicted"] + f["caught_misreads"], f["predicted"]),
                  "misread_cells": f["misread_cells"],
                  "misread_recall": ratio(f["misread_cells_flagged"], f["misread_cells"]),
                  "fix_suggested_total": f["fix_suggested_total"],
                  "fix_suggested_accuracy": ratio(f["fix_suggested_correct"], f["fix_suggested_total"])},
        "meta": {"format": _meta_acc(rows, "format"), "agency": _meta_acc(rows, "agency"), "year": _meta_acc(rows, "year")},
        "speed": speed(rows),
        "worst_documents": [{"input": r["input"], "accuracy": r["cells"]["accuracy"],
                             "wrong": r["cells"]["total"] - r["cells"]["correct"], "errors": r["errors"][:2]}
                            for r in worst],
        "confusions": {"counts": dict(confusions.most_common()), "examples": examples},
    }


def build_summary(results: dict[str, list[Result]], gold: dict[str, dict], info: dict,
                  run_info: dict[str, dict] | None = None,
                  origin: dict[str, str] | None = None) -> tuple[dict, list[dict]]:
    """(summary.json content, all document rows)."""
    all_rows = []
    variants = {}
    for name, res in results.items():
        rows = [doc_row(r, gold[r.input.doc], (origin or {}).get(r.input.doc, "")) for r in res]
        for r in rows:
            r["variant"] = name
        all_rows += rows
        variants[name] = summarise_variant(rows)
        variants[name]["speed"]["cold_start_ms"] = (run_info or {}).get(name, {}).get("cold_start_ms")
    summary = {"schema": SCHEMA, **info, "variants": variants,
               "documents": [{k: r[k] for k in ("variant", "corpus", "input", "kind", "group", "format", "exact", "errors",
                                                "wall_ms", "pages")}
                             | {"accuracy": r["cells"]["accuracy"], "wrong": r["cells"]["total"] - r["cells"]["correct"],
                                "nonzero_accuracy": (r.get("nonzero") or {}).get("accuracy"),
                                "silent_errors": r["silent_errors"],
                                "metric_false_positives": r["metrics"]["false_positives"]}
                             for r in all_rows]}
    return summary, all_rows

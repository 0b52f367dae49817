"""Score one prediction (the output contract, shared/spec/output.md) against one gold file.

Comparison rules (docs/eval.md):
- a gold cell is right only when the predicted value is a number (not a bool, not a string)
  equal to it within 1e-6; a missing key, a null value or a string such as "3" is wrong;
- predicted keys the gold lacks are counted as `extra_keys` and do not change accuracy;
- a bool metric must be predicted as a bool (0 is not False);
- a metric predicted with value null counts as not predicted;
- a *silent error* is a wrong cell with a non-null value, `confidence` >= 0.9 (1 when the
  output gives none) and no flag naming its key (`keys` or `cells`): shared/tools/score.py's rule;
- a *metric false positive* is a value predicted for a metric the gold says the report does not
  state (`null`, or absent from the gold's `metrics`).
"""
from __future__ import annotations

import unicodedata

from nianbao import schema

from .confusions import classify
from .inconsistencies import gold_inconsistencies

TOL = 1e-6
SILENT_CONFIDENCE = 0.9
# confidence bins of the reliability table: [lower, upper) each, the last one closed
CONF_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)


def value_of(x):
    return x.get("value") if isinstance(x, dict) else x


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def same(gold, pred) -> bool:
    if isinstance(gold, bool) or isinstance(pred, bool):
        return isinstance(gold, bool) and isinstance(pred, bool) and gold == pred
    if is_number(gold):
        return is_number(pred) and abs(gold - pred) <= TOL
    return gold == pred


def norm_text(s) -> str:
    if not isinstance(s, str):
        return ""
    return "".join(unicodedata.normalize("NFKC", s).split())


def table_of(key: str) -> str:
    return key.split(".", 1)[0]


def confidence_of(x) -> float:
    """A predicted cell's confidence; a bare value or one without a number claims full confidence."""
    c = x.get("confidence") if isinstance(x, dict) else None
    return float(c) if is_number(c) else 1.0


def conf_bin(c: float) -> str:
    for lo, hi in zip(CONF_BINS, CONF_BINS[1:]):
        if c < hi:
            return f"{lo:.2f}-{hi:.2f}"
    return f"{CONF_BINS[-2]:.2f}-{CONF_BINS[-1]:.2f}"


def guard_of(x) -> str:
    """"guarded" when an identity checks the predicted cell (`verified` true or false), else
    "unguarded": nothing but its own reading stands behind its confidence (issue 24)."""
    v = x.get("verified") if isinstance(x, dict) else None
    return "guarded" if isinstance(v, bool) else "unguarded"


def flagged_keys(pred: dict) -> set[str]:
    return set().union(*(f["keys"] for f in _pred_flags(pred))) if pred.get("flags") else set()


def score_cells(gold: dict, pred: dict) -> dict:
    gf = gold.get("fields") or {}
    pf = pred.get("fields") if isinstance(pred.get("fields"), dict) else {}
    flagged = flagged_keys(pred)
    by_table: dict[str, list[int]] = {}
    calibration: dict[str, list[int]] = {}  # confidence bin -> [right, cells with a value]
    # the same, apart for cells an identity checks and cells nothing checks
    by_guard: dict[str, dict[str, list[int]]] = {"guarded": {}, "unguarded": {}}
    wrong = []
    nonzero = [0, 0]  # [right, cells] over the gold cells that print a number other than 0
    for key, gv in gf.items():
        t = by_table.setdefault(table_of(key), [0, 0])
        t[1] += 1
        pv = value_of(pf.get(key)) if key in pf else None
        ok = same(gv, pv)
        if is_number(gv) and gv != 0:
            nonzero[0] += ok
            nonzero[1] += 1
        if pv is not None:
            cb = conf_bin(confidence_of(pf.get(key)))
            for b in (calibration.setdefault(cb, [0, 0]), by_guard[guard_of(pf.get(key))].setdefault(cb, [0, 0])):
                b[0] += ok
                b[1] += 1
        if ok:
            t[0] += 1
        else:
            why = "missing" if key not in pf else classify(key, gv, pv, gf, gold.get("format"))
            silent = pv is not None and key not in flagged and confidence_of(pf.get(key)) >= SILENT_CONFIDENCE
            wrong.append({"key": key, "gold": gv, "pred": pv, "confusion": why,
                          "confidence": confidence_of(pf.get(key)) if key in pf else None,
                          "flagged": key in flagged, "silent": silent, "guard": guard_of(pf.get(key))})
    correct = sum(a for a, _ in by_table.values())
    # most cells of a real report are 0 (87 % of one): the cells that print a number are the ones
    # that tell readers apart, so their accuracy is reported beside all cells'
    return {"correct": correct, "total": len(gf), "nonzero": {"correct": nonzero[0], "total": nonzero[1]},
            "by_table": {t: {"correct": a, "total": b}
                                                               for t, (a, b) in by_table.items()},
            "extra_keys": sorted(k for k in pf if k not in gf), "wrong": wrong,
            "silent_errors": sum(w["silent"] for w in wrong), "calibration": calibration,
            "calibration_by_guard": by_guard}


def score_metrics(gold: dict, pred: dict) -> dict:
    gm = gold.get("metrics") or {}
    pm = pred.get("metrics") if isinstance(pred.get("metrics"), dict) else {}
    predicted = {k: v for k, v in pm.items() if value_of(v) is not None}
    # gold metrics: the ones the report states; a value for any other is a false positive
    stated = {k for k, v in gm.items() if value_of(v) is not None}
    tp = [k for k in gm if k in predicted and same(value_of(gm[k]), value_of(predicted[k]))]
    both = [k for k in gm if k in predicted and k in stated]
    approx_n = approx_ok = 0
    for k in both:
        g = gm[k]
        if isinstance(g, dict) and "approx" in g:
            approx_n += 1
            p = predicted[k]
            approx_ok += bool(g["approx"]) == bool(p.get("approx") if isinstance(p, dict) else False)
    wrong = [{"key": k, "gold": value_of(gm.get(k)), "pred": value_of(predicted.get(k))}
             for k in sorted(stated | set(predicted)) if k not in tp]
    false_pos = sorted(k for k in predicted if k not in stated)
    return {"gold": len(stated), "predicted": len(predicted), "correct": len(tp), "both": len(both),
            "approx_total": approx_n, "approx_correct": approx_ok, "false_positives": len(false_pos),
            "false_positive_keys": false_pos, "wrong": wrong}


def _pred_flags(pred: dict) -> list[dict]:
    out = []
    for f in pred.get("flags") or []:
        if isinstance(f, dict):
            keys = [k for k in (f.get("keys") or []) + (f.get("cells") or []) if isinstance(k, str)]
            out.append({"identity": f.get("identity"), "keys": set(keys),
                        "suggested": f.get("suggested") if isinstance(f.get("suggested"), dict) else {}})
        elif isinstance(f, str):
            out.append({"identity": None, "keys": {f}, "suggested": {}})
    return out


def _strict(f: dict, g) -> bool:
    return bool(f["keys"] & g.keys) and (not f["identity"] or not g.identity or f["identity"] == g.identity)


def score_flags(gold: dict, pred: dict, misread: dict | None = None) -> dict:
    """A flag matches a gold inconsistency when their key sets overlap.

    `misread` ({key: gold value} of cells read as a wrong number) lets the score also say how
    many flags caught an extraction error instead, and whether their suggestions are right.
    """
    misread = misread or {}
    golds = gold_inconsistencies(gold)
    flags = _pred_flags(pred)
    matched_flags = sum(1 for f in flags if any(f["keys"] & g.keys for g in golds))
    matched_gold = sum(1 for g in golds if any(f["keys"] & g.keys for f in flags))
    # Stricter: the identity must agree too, where both name one.
    strict_flags = sum(1 for f in flags if any(_strict(f, g) for g in golds))
    strict_gold = sum(1 for g in golds if any(_strict(f, g) for f in flags))
    # Suggested values are judged only where the gold knows the true value of the cell.
    truth = {k: v for g in golds for k, v in g.true_values.items()}
    sug_n = sug_ok = fix_n = fix_ok = 0
    for f in flags:
        for k, v in f["suggested"].items():
            if k in truth:
                sug_n += 1
                sug_ok += same(truth[k], v)
            elif k in misread:  # the suggestion should restore what the source prints
                fix_n += 1
                fix_ok += same(misread[k], v)
    unmatched = [f for f in flags if not any(f["keys"] & g.keys for g in golds)]
    caught = sum(1 for f in unmatched if f["keys"] & misread.keys())
    flagged_cells = set().union(*(f["keys"] for f in flags)) if flags else set()
    return {"gold": len(golds), "unparsed_gold": sum(not g.parsed for g in golds),
            "predicted": len(flags), "matched_predicted": matched_flags, "matched_gold": matched_gold,
            "strict_matched_predicted": strict_flags, "strict_matched_gold": strict_gold,
            "suggested_total": sug_n, "suggested_correct": sug_ok,
            "caught_misreads": caught, "false_alarms": len(unmatched) - caught,
            "misread_cells": len(misread), "misread_cells_flagged": len(flagged_cells & misread.keys()),
            "fix_suggested_total": fix_n, "fix_suggested_correct": fix_ok,
            "missed": [g.text for g in golds if not any(f["keys"] & g.keys for f in flags)]}


def score_meta(gold: dict, pred: dict) -> dict:
    return {
        "format": pred.get("format") == gold.get("format") if gold.get("format") else None,
        "agency": norm_text(pred.get("agency")) == norm_text(gold.get("agency")) if gold.get("agency") else None,
        "year": same(gold.get("year"), pred.get("year")) if gold.get("year") is not None else None,
    }


def score_document(gold: dict, pred: dict) -> dict:
    if not isinstance(pred, dict):
        pred = {}
    cells = score_cells(gold, pred)
    return {
        "cells": cells,
        "exact": cells["total"] > 0 and cells["correct"] == cells["total"],
        "metrics": score_metrics(gold, pred),
        "flags": score_flags(gold, pred, {w["key"]: w["gold"] for w in cells["wrong"]
                                          if w["pred"] is not None and w["confusion"] != "missing"}),
        "meta": score_meta(gold, pred),
        "errors": pred.get("errors") or [],
    }


def gold_format(gold: dict) -> str:
    fmt = gold.get("format")
    if fmt in schema.FORMATS:
        return fmt
    return schema.format_for_year(gold.get("year")) or "unknown"

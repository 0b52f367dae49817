"""Regression checks: `--compare OLD.json` (deltas per headline score) and the CI gate (eval/gate.json)."""
from __future__ import annotations

import json
from pathlib import Path

# Scores where higher is better; a drop larger than the tolerance is a regression.
HEADLINE = (
    "cells.overall.accuracy", "cells.by_table.active.accuracy", "cells.by_table.requests.accuracy",
    "cells.by_table.appeals.accuracy", "exact_documents.rate",
    "metrics.precision", "metrics.recall", "metrics.value_accuracy",
    "flags.precision", "flags.recall", "flags.suggested_accuracy",
    "meta.format.accuracy", "meta.agency.accuracy", "meta.year.accuracy",
)
# Reported with the deltas, never a regression: timings move with machine load.
INFORMATIONAL = ("speed.per_doc_ms.p50", "speed.per_page_ms.p50", "speed.peak_rss_mb")


def lookup(d, path: str):
    """Value at a dotted path; a key that itself contains dots (a degradation such as
    'scanned_pdf/0.3') is found by trying the longest key first at each level."""
    if path == "":
        return d
    if not isinstance(d, dict):
        return None
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in d:
            found = lookup(d[key], ".".join(parts[n:]))
            if found is not None:
                return found
    return None


def _paths(variant: dict) -> list[str]:
    kinds = [f"cells.by_kind.{g}.accuracy" for g in variant.get("cells", {}).get("by_kind", {})]
    return list(HEADLINE) + kinds


def compare(old: dict, new: dict, tolerance: float) -> tuple[list[dict], list[str]]:
    """(rows of {variant, score, old, new, delta, regression}, notes)."""
    rows, notes = [], []
    for name, ov in old.get("variants", {}).items():
        nv = new.get("variants", {}).get(name)
        if nv is None:
            notes.append(f"variant {name!r} is in the old summary but was not run now")
            continue
        if ov.get("documents") != nv.get("documents"):
            notes.append(f"variant {name!r}: {ov.get('documents')} inputs then, {nv.get('documents')} now: "
                         "the samples differ, so the deltas mix corpus and extractor changes")
        for path in dict.fromkeys(_paths(ov) + _paths(nv)):
            a, b = lookup(ov, path), lookup(nv, path)
            if a is None and b is None:
                continue
            reg = a is not None and (b is None or b < a - tolerance)
            rows.append({"variant": name, "score": path, "old": a, "new": b,
                         "delta": None if a is None or b is None else round(b - a, 6), "regression": reg})
        for path in INFORMATIONAL:
            a, b = lookup(ov, path), lookup(nv, path)
            if a is not None or b is not None:
                rows.append({"variant": name, "score": path, "old": a, "new": b,
                             "delta": None if a is None or b is None else round(b - a, 3), "regression": False})
    return rows, notes


def format_compare(rows: list[dict], notes: list[str]) -> str:
    def f(x):
        return "–" if x is None else (f"{x:.4f}" if isinstance(x, float) else str(x))
    w = max([len(r["score"]) for r in rows] + [5])
    lines = [f"  {'variant':10} {'score':{w}} {'old':>10} {'new':>10} {'delta':>10}"]
    for r in rows:
        mark = "  REGRESSION" if r["regression"] else ""
        lines.append(f"  {r['variant']:10} {r['score']:{w}} {f(r['old']):>10} {f(r['new']):>10} "
                     f"{f(r['delta']):>10}{mark}")
    lines += [f"  note: {n}" for n in notes]
    return "\n".join(lines)


def load_json(path: str | Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ValueError(f"cannot read {path}: {e}") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path} is not a JSON object")
    return data


def gate_sample(gate: dict, name: str | None = None) -> dict:
    """One sample's gate from a gate file with "samples" (the first, unless named), or the file itself."""
    samples = gate.get("samples")
    if not isinstance(samples, dict):
        return gate
    if name is None:
        name = next(iter(samples), None)
    if name not in samples:
        raise ValueError(f"gate has no sample {name!r}; samples: {', '.join(samples)}")
    return samples[name]


def check_gate(summary: dict, gate: dict) -> list[str]:
    """Failures of `summary` against a sample's gate ({"variant", "min": {path: value}, "max": …})."""
    failures = []
    name = gate.get("variant", "rules")
    v = summary.get("variants", {}).get(name)
    if v is None:
        return [f"gate variant {name!r} was not evaluated"]
    if gate.get("min_documents") and v["documents"] < gate["min_documents"]:
        failures.append(f"{name}: {v['documents']} inputs evaluated, gate expects ≥ {gate['min_documents']}")
    for path, lo in gate.get("min", {}).items():
        got = lookup(v, path)
        if got is None or got < lo:
            failures.append(f"{name}: {path} = {got} is below the gate's {lo}")
    for path, hi in gate.get("max", {}).items():
        got = lookup(v, path)
        if got is None or got > hi:
            failures.append(f"{name}: {path} = {got} is above the gate's {hi}")
    return failures

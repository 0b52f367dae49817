"""What runs for one input file, inside an isolated child process.

`process(job)` extracts the file, renders the output JSON of each report it holds and a short
summary for the manifest.
The coordinating process writes the JSON (so a killed child never leaves a file behind).
"""
from __future__ import annotations

import importlib
import time

from ..errors import NotAReport
from ..options import ExtractOptions
from ..output import dumps, to_dict
from .inputs import clean_text

DEFAULT_EXTRACTOR = "nianbao.pipeline:extract_all"


def reason_for(errors: list[dict]) -> str | None:
    """The reason a failed report is counted under: the code of the error type that stopped it
    (nianbao.errors.REASONS), never words of its message."""
    if not errors:
        return None
    first = errors[0]
    return first.get("code") or first.get("stage") or "error"


def warm_up() -> None:
    """Load in the coordinating process what every extraction needs (pipeline stages, schema
    tables, pdfium), so each forked child starts warm instead of paying for it per file."""
    from .. import schema
    from ..pipeline import extract_text
    for fmt in schema.FORMATS:
        schema.field_keys(fmt)
        for t in schema.TABLES:
            schema.rows(t, fmt)
            schema.columns(t, fmt)
    schema.metric_ids()
    schema.identities()
    sample = "政府信息公开工作年度报告\n" + "\n".join(r.zh + " 0" for t in schema.TABLES for r in schema.rows(t, "2021"))
    try:
        extract_text(sample)
    except NotAReport:
        pass
    try:
        import pypdfium2 as pdfium
        pdfium.PdfDocument.new().close()
    except Exception:  # noqa: BLE001 - warming up is an optimisation only
        pass


def resolve(spec: str):
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "extract")


def summarize(data: dict, seconds: float, errors: list[dict] | None = None) -> dict:
    """The manifest's line for one report; `errors`: its records with their codes (the
    Document's), where `data` (the output) holds stage and message only."""
    errors = (data.get("errors") or []) if errors is None else errors
    src = data.get("source") or {}
    return {
        "status": "failed" if errors else "done",
        "reason": reason_for(errors),  # the first error's code
        "error": "; ".join(f"[{e.get('stage')}] {e.get('message')}" for e in errors) or None,
        "kind": src.get("kind"),
        "pages": src.get("pages") or 0,
        "format": data.get("format"),
        "flags": [f.get("identity") for f in data.get("flags") or []],
        "seconds": round(seconds, 3),
        "reports": 1,
        "reports_read": 0 if errors else 1,
    }


def summarize_reports(datas: list[dict], seconds: float, errors: list[list[dict]] | None = None) -> dict:
    """One manifest summary for a file's reports: failed when any report failed (the others'
    outputs are still written), the flags of all of them."""
    parts = [summarize(d, seconds, e) for d, e in zip(datas, errors or [None] * len(datas))]
    if len(parts) == 1:
        return parts[0]
    out = dict(parts[0])
    bad = [(d, p) for d, p in zip(datas, parts) if p["status"] == "failed"]
    out["status"] = "failed" if bad else "done"
    out["reason"] = bad[0][1]["reason"] if bad else None
    out["error"] = "; ".join(f"pages {'-'.join(map(str, d['source'].get('page_range') or []))}: {p['error']}"
                             for d, p in bad) or None
    out["format"] = next((p["format"] for p in parts if p["format"]), None)
    out["flags"] = [f for p in parts for f in p["flags"]]
    out["reports"] = len(parts)
    out["reports_read"] = sum(p["reports_read"] for p in parts)
    return out


def process(job: dict) -> dict:
    """Extract `job['path']`; returns {'summary': …, 'outputs': [{'page_range', 'json'}]}, one
    output per report the file holds."""
    t0 = time.perf_counter()
    extract = resolve(job.get("extractor") or DEFAULT_EXTRACTOR)
    # a custom extractor (tests, alternative pipelines) is called with the path alone
    options = {"options": job.get("options") or ExtractOptions.build()} if not job.get("extractor") else {}
    found = extract(job["path"], **options)
    datas, errors = [], []
    for doc in found if isinstance(found, list) else [found]:
        errors.append(list(doc.errors))
        data = to_dict(doc)
        data["source"]["path"] = job["display"]
        if not data["source"].get("sha256"):
            data["source"]["sha256"] = job["sha256"]
        datas.append(clean_text(data))
    return {"summary": summarize_reports(datas, time.perf_counter() - t0, errors),
            "outputs": [{"page_range": d["source"].get("page_range"), "json": dumps(d) + "\n"} for d in datas]}


def failure_record(job: dict, stage: str, message: str, code: str | None = None) -> dict:
    """Output and summary for a file whose child was killed or died (timeout, memory, crash):
    the reason is `code`, else `stage`, which is then a code too (nianbao.errors.REASONS)."""
    data = {"source": {"path": job["display"], "sha256": job["sha256"], "kind": None, "pages": 0},
            "errors": [{"stage": stage, "message": message}], "timings_ms": {}}
    summary = summarize(data, job.get("seconds", 0.0))
    summary["reason"] = code or stage
    return {"summary": summary, "outputs": [{"page_range": None, "json": dumps(data) + "\n"}]}

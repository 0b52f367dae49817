"""Seconds per scanned page, per degradation: the whole pipeline, and RapidOCR alone on the same
pages in the same run (so a busy machine slows both alike and the ratio still says where time goes).

    python -m nianbao.eval.scan_speed CORPUS [CORPUS ...] [--limit N] [--per-degradation K] [-o out.json]

CORPUS is a `nianbao synth` output (manifest.jsonl + docs/<id>/scan.pdf). For each scan: the
pipeline as `nianbao extract` runs it (default engine, token model on; its stage timings), then
rendering + the engine's recognize() on each raw page (no stamp removal, flattening, deskew,
orientation, grids or re-reads). Not a test: numbers depend on the machine and its load; the
load average is recorded. Results: docs/ocr.md ("Speed").
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path


def _scans(corpora: list[Path], per_degradation: int, limit: int | None) -> list[tuple[str, Path]]:
    picked, count = [], defaultdict(int)
    for corpus in corpora:
        for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            deg = row.get("degradation")
            path = corpus / "docs" / row["doc_id"] / "scan.pdf"
            if not deg or not path.exists() or count[deg] >= per_degradation:
                continue
            count[deg] += 1
            picked.append((deg, path))
    return picked[:limit] if limit else picked


def _ocr_alone(path: Path, engine) -> tuple[float, int]:
    import pypdfium2 as pdfium

    from nianbao.ocr.images import has_colour_image, render_page
    from nianbao.ocr.pdf import OCR_DPI

    t0 = time.perf_counter()
    pdf = pdfium.PdfDocument(str(path))
    try:
        n = len(pdf)
        for i in range(n):
            page = pdf[i]
            raster, _ = render_page(page, OCR_DPI, colour=has_colour_image(page))
            engine.recognize(raster)
    finally:
        pdf.close()
    return time.perf_counter() - t0, n


def run(corpora: list[Path], per_degradation: int = 5, limit: int | None = None) -> dict:
    from nianbao.ocr.engine import get_engine
    from nianbao.pipeline import extract

    scans = _scans(corpora, per_degradation, limit)
    if not scans:
        raise SystemExit("no scan.pdf with a degradation in the manifests")
    engine = get_engine()
    extract(scans[0][1])  # warm-up: engine and model loading are not per-page costs
    load0 = os.getloadavg()[0]
    rows = []
    for deg, path in scans:
        t0 = time.perf_counter()
        doc = extract(path)
        pipeline_s = time.perf_counter() - t0
        ocr_s, pages = _ocr_alone(path, engine)
        rows.append({"degradation": deg, "doc": path.parent.name, "pages": pages, "pipeline_s": pipeline_s,
                     "ocr_alone_s": ocr_s, "stages_ms": {k: round(v) for k, v in doc.timings_ms.items()},
                     "notes": sum(1 for w in doc.warnings if "stamp" in w or "flattened" in w or "light" in w)})
        print(f"{deg:14s} {path.parent.name}  {pages} pages  pipeline {pipeline_s / pages:.2f} s/page  "
              f"RapidOCR alone {ocr_s / pages:.2f} s/page", file=sys.stderr)
    by = defaultdict(lambda: {"docs": 0, "pages": 0, "pipeline_s": 0.0, "ocr_alone_s": 0.0})
    for r in rows:
        for key in (r["degradation"], "plain" if r["degradation"] in PLAIN else "captured", "all"):
            b = by[key]
            b["docs"] += 1
            b["pages"] += r["pages"]
            b["pipeline_s"] += r["pipeline_s"]
            b["ocr_alone_s"] += r["ocr_alone_s"]
    summary = {k: {**v, "pipeline_s_per_page": round(v["pipeline_s"] / v["pages"], 3),
                   "ocr_alone_s_per_page": round(v["ocr_alone_s"] / v["pages"], 3)} for k, v in by.items()}
    return {"load_avg_start": load0, "load_avg_end": os.getloadavg()[0], "cpus": os.cpu_count(),
            "engine": getattr(engine, "backend", engine.name), "summary": summary, "docs": rows}


from nianbao.training.synth.scans import PLAIN  # noqa: E402  (the four plain scan degradations)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.eval.scan_speed", description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="+", type=Path)
    ap.add_argument("--per-degradation", type=int, default=5, help="scans per degradation (default 5)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("-o", "--out", type=Path, default=None)
    a = ap.parse_args(argv)
    res = run(a.corpus, a.per_degradation, a.limit)
    print(f"{'degradation':14s} {'docs':>4s} {'pages':>5s} {'pipeline s/page':>16s} {'RapidOCR alone s/page':>22s}")
    for k, v in sorted(res["summary"].items()):
        print(f"{k:14s} {v['docs']:4d} {v['pages']:5d} {v['pipeline_s_per_page']:16.2f} {v['ocr_alone_s_per_page']:22.2f}")
    print(f"load average {res['load_avg_start']:.1f} → {res['load_avg_end']:.1f} on {res['cpus']} CPUs")
    if a.out:
        a.out.write_text(json.dumps(res, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""OCR benchmark: seconds per page and cell accuracy per engine configuration, dpi and page quality.

Not a test: numbers depend on the machine and its load. Usage:

    python -m nianbao.eval.ocr_bench make CORPUS --reports 20            # PDFs + gold (needs reportlab, CJK font)
    python -m nianbao.eval.ocr_bench run CORPUS --config v6-960max --cond clean200 -o out.json
    python -m nianbao.eval.ocr_bench digital --reports 20                # text-layer path, no OCR
    python -m nianbao.eval.ocr_bench synth OUT --kind pdf|scan            # a `nianbao synth` corpus
        [--config v6-960max-ov --dpi 150 --splits validation,test]        # scans: engine settings, dpi
    python -m nianbao.eval.ocr_bench table out1.json out2.json ...       # markdown summary

Cell accuracy counts a key right when its value equals the gold value; every key of the format
is scored (a missing key is wrong). Conditions: clean pages rendered at 150/200 dpi, and noisy
ones (skew up to ±1.5°, blur, noise, JPEG q55). `synth` scores the grid stage alone (no
text-path fallback; `nianbao eval` scores the whole pipeline) and reports wall and process CPU
seconds per page and the load average. Results are recorded in docs/ocr.md ("Speed").
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

CONDITIONS = {"clean200": (200, False), "noisy200": (200, True), "clean150": (150, False), "noisy150": (150, True)}
CONFIGS = {
    # rapidocr 3.x, its bundled PP-OCRv6 small det/rec (the only models its wheel ships);
    # recognition batches padded to 48 px wide at least (RapidEngine's default) unless -pad320
    "v6-960max": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000),
    "v6-960max-pad320": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, rec_min_width=320),
    "v6-960max-ov": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, backend="openvino"),
    # the default squeezes long line crops to 0.6 of their width before recognition (engine.py)
    "v6-960max-ov-nosqueeze": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000,
                                   backend="openvino", rec_squeeze=1.0),
    "v6-960max-nosqueeze": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, rec_squeeze=1.0),
    "v6-960max-ov-t1": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, backend="openvino",
                            threads=1),
    "v6-960max-t1": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, threads=1),
    "v6-736max-ov": dict(det_limit_side_len=736, det_limit_type="max", max_side_len=2000, backend="openvino"),
    "v6-960max-cls": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=2000, use_cls=True),
    "v6-default": dict(det_limit_side_len=736, det_limit_type="min", max_side_len=2000),
    "v6-960max-full": dict(det_limit_side_len=960, det_limit_type="max", max_side_len=4000),
    "v6-1280max": dict(det_limit_side_len=1280, det_limit_type="max", max_side_len=2000),
}


def make(corpus: Path, reports: int, fmt_2019_every: int = 4) -> None:
    from .ocr_pages import report_pdf, scan

    corpus.mkdir(parents=True, exist_ok=True)
    for i in range(reports):
        fmt = "2019" if fmt_2019_every and i % fmt_2019_every == fmt_2019_every - 1 else "2021"
        rid = f"r{i:03d}"
        data, gold = report_pdf(corpus / f"{rid}.pdf", fmt=fmt, seed=1000 + i)
        (corpus / f"{rid}.gold.json").write_text(json.dumps({"format": fmt, "fields": gold}, ensure_ascii=False))
        print(rid, fmt, file=sys.stderr)


def page_images(pdf: Path, cond: str, seed: int):
    """The report's pages as scanned under `cond` (deterministic: the same pixels on every machine)."""
    import numpy as np
    import pypdfium2 as pdfium

    from .ocr_pages import scan

    data = pdf.read_bytes()
    dpi, noisy = CONDITIONS[cond]
    n = len(pdfium.PdfDocument(data))
    return [(np.asarray(scan(data, p, dpi, degrade=noisy, seed=seed * 10 + p)), dpi) for p in range(n)]


def score(fields, gold: dict, fmt: str) -> tuple[int, int, list]:
    from nianbao import schema

    keys = schema.field_keys(fmt)
    wrong = []
    for k in keys:
        got = fields[k].value if k in fields else None
        want = gold.get(k)
        if want is None:
            if got is not None:
                wrong.append((k, want, got))
            continue
        if got is None or abs(float(got) - float(want)) > 1e-9:
            wrong.append((k, gold[k], got))
    return len(keys) - len(wrong), len(keys), wrong


def run(corpus: Path, config: str, cond: str, limit: int | None = None) -> dict:
    from nianbao.document import Source
    from nianbao.ocr.assemble_grid import assemble_grid
    from nianbao.ocr.engine import RapidEngine
    from nianbao.ocr.pdf import ocr_images

    t0 = time.perf_counter()
    engine = RapidEngine(**CONFIGS[config])
    init_s = time.perf_counter() - t0
    golds = sorted(corpus.glob("*.gold.json"))[:limit]
    pages = right = total = 0
    secs = cpu = 0.0
    misread = []
    for gpath in golds:
        rid = gpath.name.split(".")[0]
        gold = json.loads(gpath.read_text())
        imgs = page_images(corpus / f"{rid}.pdf", cond, int(rid[1:]))
        t, c = time.perf_counter(), time.process_time()
        doc = ocr_images(imgs, Source(path=rid, kind="image"), engine)
        fields = assemble_grid(doc, fmt=gold["format"], engine=engine)
        secs += time.perf_counter() - t
        cpu += time.process_time() - c
        ok, n, wrong = score(fields, gold["fields"], gold["format"])
        right, total, pages = right + ok, total + n, pages + len(imgs)
        misread += [(rid, *w) for w in wrong]
    return {"config": config, "cond": cond, "reports": len(golds), "pages": pages, "cells": total,
            "cell_accuracy": right / max(1, total), "cells_wrong": total - right,
            "s_per_page": secs / max(1, pages), "cpu_s_per_page": cpu / max(1, pages), "init_s": init_s, "threads": os.environ.get("NIANBAO_OCR_THREADS", "all"),
            "cpus": len(os.sched_getaffinity(0)),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "wrong": misread[:50]}


def digital(reports: int) -> dict:
    """Text-layer path: seconds per report (load + grid assembly) and cell accuracy."""
    import tempfile

    from nianbao.document import Source
    from nianbao.ocr.assemble_grid import assemble_grid
    from nianbao.ocr.pdf import load_pdf

    from .ocr_pages import report_pdf

    right = total = 0
    secs = 0.0
    wrong_all = []
    with tempfile.TemporaryDirectory() as d:
        for i in range(reports):
            fmt = "2019" if i % 4 == 3 else "2021"
            path = Path(d) / f"r{i}.pdf"
            _, gold = report_pdf(path, fmt=fmt, seed=1000 + i)
            t = time.perf_counter()
            doc = load_pdf(path, Source(path=str(path)))
            fields = assemble_grid(doc, fmt=fmt)
            secs += time.perf_counter() - t
            ok, n, wrong = score(fields, gold, fmt)
            right, total = right + ok, total + n
            wrong_all += wrong
    return {"config": "text-layer", "cond": "digital", "reports": reports, "cells": total,
            "cell_accuracy": right / max(1, total), "cells_wrong": total - right,
            "s_per_report": secs / max(1, reports), "wrong": wrong_all[:50]}


def _manifest(corpus: Path) -> dict[str, dict]:
    path = corpus / "manifest.jsonl"
    if not path.exists():
        return {}
    rows = (json.loads(line) for line in path.read_text().splitlines() if line.strip())
    return {r["doc_id"]: r for r in rows}


def synth(corpus: Path, kind: str, limit: int | None = None, config: str | None = None, dpi: int | None = None,
          splits: str | None = None) -> dict:
    """A `nianbao synth` corpus: OUT/docs/<id>/report.pdf (kind 'pdf') or scan.pdf ('scan') against OUT/gold.

    Scans are read with `config` (a CONFIGS name; default: the configured engine) rendered at
    `dpi` (default: NIANBAO_OCR_DPI or 200); `splits` (e.g. "validation,test") filters by the manifest.
    """
    from nianbao.document import Source
    from nianbao.ocr.assemble_grid import assemble_grid
    from nianbao.ocr.pdf import load_pdf

    engine, init_s, load0 = None, 0.0, os.getloadavg()
    if kind == "scan":
        from nianbao.ocr.engine import RapidEngine, engine_name, get_engine
        t0 = time.perf_counter()
        engine = RapidEngine(**CONFIGS[config]) if config else get_engine()
        init_s = time.perf_counter() - t0
        config = config or engine_name()
    manifest = _manifest(corpus)
    want = set(splits.split(",")) if splits else None
    golds = [g for g in sorted((corpus / "gold").glob("*.gold.json"))
             if want is None or manifest.get(g.name.split(".")[0], {}).get("split") in want]
    golds = golds[:limit]
    by_quality: dict[str, list[int]] = {}
    right = total = pages = 0
    secs = cpu = 0.0
    wrong_all, errors = [], []
    for g in golds:
        gold = json.loads(g.read_text())
        doc_id = g.name.split(".")[0]
        path = corpus / "docs" / doc_id / ("report.pdf" if kind == "pdf" else "scan.pdf")
        if not path.exists():
            continue
        t, c = time.perf_counter(), time.process_time()
        try:
            doc = load_pdf(path, Source(path=str(path)), dpi=dpi, engine=engine)
            fields = assemble_grid(doc, fmt=gold["format"], engine=engine)
        except Exception as e:  # a crash is a result too: count the document's cells wrong
            errors.append(f"{doc_id}: {type(e).__name__}: {e}")
            fields, doc = {}, None
        secs += time.perf_counter() - t
        cpu += time.process_time() - c
        pages += len(doc.pages) if doc else 0
        gf = {k: v for k, v in gold["fields"].items() if v is not None}
        ok, n, wrong = score(fields, {**{k: None for k in gold["fields"]}, **gf}, gold["format"])
        right, total = right + ok, total + n
        q = by_quality.setdefault(manifest.get(doc_id, {}).get("degradation") or "-", [0, 0])
        q[0], q[1] = q[0] + ok, q[1] + n
        wrong_all += [(doc_id, *w) for w in wrong]
    return {"config": f"synth-{kind}-" + (config if engine else "textlayer"),
            "cond": f"{corpus.name}" + (f" {splits}" if splits else "") + (f" {dpi or 'env'}dpi" if engine else ""),
            "reports": len(golds), "pages": pages, "cells": total, "cell_accuracy": right / max(1, total),
            "cells_wrong": total - right, "s_per_page": secs / max(1, pages), "cpu_s_per_page": cpu / max(1, pages),
            "s_per_report": secs / max(1, len(golds)), "cpus": len(os.sched_getaffinity(0)),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "init_s": init_s,
            "load_avg_start": load0[0], "load_avg_end": os.getloadavg()[0],
            "by_degradation": {k: f"{a}/{b}" for k, (a, b) in sorted(by_quality.items())},
            "errors": errors, "wrong": wrong_all[:80]}


def _load(r: dict) -> str:
    if "load_avg_start" not in r:
        return "-"
    return f"{r['load_avg_start']:.1f}–{r['load_avg_end']:.1f}"


def table(paths: list[Path]) -> str:
    rows = ["| config | condition | reports | pages | cell accuracy | cells wrong | s/page (wall) | CPU s/page |"
            " cpus | load avg | peak RSS MB |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in paths:
        r = json.loads(Path(p).read_text())
        wall = r.get("s_per_page", r.get("s_per_report", 0))
        cpu = f"{r['cpu_s_per_page']:.2f}" if "cpu_s_per_page" in r else "-"
        rows.append(f"| {r['config']} | {r['cond']} | {r['reports']} | {r.get('pages', '-')} | "
                    f"{r['cell_accuracy']:.4f} | {r['cells_wrong']} of {r['cells']} | {wall:.2f} | {cpu} | "
                    f"{r.get('cpus', '-')} | {_load(r)} | {r.get('peak_rss_mb', 0):.0f} |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="ocr_bench")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("corpus", type=Path)
    m.add_argument("--reports", type=int, default=20)
    r = sub.add_parser("run")
    r.add_argument("corpus", type=Path)
    r.add_argument("--config", choices=sorted(CONFIGS), default="v6-960max")
    r.add_argument("--cond", choices=sorted(CONDITIONS), default="clean200")
    r.add_argument("--limit", type=int)
    r.add_argument("-o", "--out", type=Path)
    dg = sub.add_parser("digital")
    dg.add_argument("--reports", type=int, default=20)
    dg.add_argument("-o", "--out", type=Path)
    sy = sub.add_parser("synth")
    sy.add_argument("corpus", type=Path, help="a `nianbao synth` output folder")
    sy.add_argument("--kind", choices=["pdf", "scan"], default="pdf")
    sy.add_argument("--limit", type=int)
    sy.add_argument("--config", choices=sorted(CONFIGS), help="engine settings (default: the configured engine)")
    sy.add_argument("--dpi", type=int, help="render dpi for scans (default: NIANBAO_OCR_DPI or 200)")
    sy.add_argument("--splits", help="comma-separated manifest splits, e.g. validation,test")
    sy.add_argument("-o", "--out", type=Path)
    t = sub.add_parser("table")
    t.add_argument("results", type=Path, nargs="+")
    a = ap.parse_args(argv)
    if a.cmd == "make":
        make(a.corpus, a.reports)
        return 0
    if a.cmd == "table":
        print(table(a.results))
        return 0
    if a.cmd == "run":
        res = run(a.corpus, a.config, a.cond, a.limit)
    elif a.cmd == "synth":
        res = synth(a.corpus, a.kind, a.limit, a.config, a.dpi, a.splits)
    else:
        res = digital(a.reports)
    text = json.dumps(res, ensure_ascii=False, indent=1, default=str)
    if a.out:
        from nianbao.output import write_atomic
        write_atomic(a.out, text)
    print(text if not a.out else json.dumps({k: v for k, v in res.items() if k != "wrong"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

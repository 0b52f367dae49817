"""`nianbao synth`: generate a synthetic corpus (PDFs, scans, text dumps, token and document gold)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from nianbao.output import write_atomic

from .generate import DEFAULT_KINDS, KINDS, make, plan


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n", type=int, default=500, help="number of documents (default 500)")
    p.add_argument("--out", default="data/synth", help="output directory (default data/synth)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed; the same seed gives the same corpus")
    p.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    p.add_argument("--kinds", default=",".join(DEFAULT_KINDS),
                   help="what to make besides the digital PDF and its tokens: any of pdf,text,scan,html,docx,doc,scraped "
                        f"(default {','.join(DEFAULT_KINDS)}; doc needs LibreOffice; scraped: the report as scraped "
                        "from its web page, document <id>-web)")
    p.add_argument("--variants", action="store_true",
                   help="print deviations of real reports (aggregate （六）其他处理 row, short or miswritten labels, "
                        "amounts in 元, blank 总计 column, zero marks), gold to match (docs/variants.md)")
    p.add_argument("--degradations", default=None,
                   help="scan degradations to cycle through, comma-separated (default all: "
                        "light_scan,photocopy,phone_photo,worn_copy,stamped_scan,phone_capture)")
    p.add_argument("--error-rate", type=float, default=0.15,
                   help="fraction of documents with an injected source error (default 0.15)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--series", metavar="NxM",
                   help="instead: N agencies × M consecutive years as output JSON + gold of planted cross-year "
                        "breaks (training/synth/series.py; for `nianbao dataset`)")
    p.add_argument("--render", type=int, default=0, metavar="K",
                   help="with --series: also render the first K agencies' reports to PDF (OUT/docs)")


def _kinds(s: str) -> tuple[str, ...]:
    ks = tuple(k.strip() for k in s.split(",") if k.strip())
    bad = [k for k in ks if k not in KINDS]
    if bad:
        raise SystemExit(f"nianbao synth: unknown kind(s) {bad}; expected some of {list(KINDS)}")
    return tuple(k for k in KINDS if k in ks or k == "pdf")


def _degradations(s: str | None) -> tuple[str, ...]:
    from .scans import DEGRADATIONS
    if not s:
        return DEGRADATIONS
    ds = tuple(d.strip() for d in s.split(",") if d.strip())
    bad = [d for d in ds if d not in DEGRADATIONS]
    if bad or not ds:
        raise SystemExit(f"nianbao synth: unknown degradation(s) {bad}; expected some of {list(DEGRADATIONS)}")
    return ds


def generate_corpus(n: int, out: str | Path, seed: int = 0, workers: int = 2, kinds=DEFAULT_KINDS,
                    error_rate: float = 0.15, progress: bool = True, variants: bool = False,
                    degradations=None) -> list[dict]:
    from .scans import DEGRADATIONS
    from . import dataset, fonts
    fonts.check_installed()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = plan(n, seed, str(out), kinds, error_rate, variants, degradations or DEGRADATIONS)
    rows: list[dict] = []
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=n, unit="doc", desc="synth", file=sys.stderr)
    if workers <= 1:
        for t in tasks:
            rows.append(make(t))
            bar and bar.update(1)
    else:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(workers) as pool:
            for row in pool.imap_unordered(make, tasks, chunksize=1):
                rows.append(row)
                bar and bar.update(1)
    if bar:
        bar.close()
    rows.sort(key=lambda r: r["index"])
    write_atomic(out / "manifest.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    dataset.build(out, rows, seed, ",".join(kinds))
    return rows


def _series(args) -> int:
    from .series import write_series
    try:
        n, m = (int(x) for x in args.series.lower().split("x"))
    except ValueError:
        print(f"nianbao synth: --series takes NxM (agencies x years), got {args.series!r}", file=sys.stderr)
        return 2
    if n < 1 or not 1 <= m <= 30:
        print("nianbao synth: --series needs at least 1 agency and 1-30 years", file=sys.stderr)
        return 2
    t0 = time.time()
    gold = write_series(n, m, args.out, seed=args.seed, render=args.render)
    print(f"wrote {len(gold['reports'])} outputs of {n} agencies x {m} years to {args.out}/outputs in "
          f"{time.time() - t0:.1f}s; {len(gold['planted'])} planted cross-year breaks, gold in {args.out}/gold.json")
    return 0


def run(args) -> int:
    if args.series:
        return _series(args)
    if args.n < 1:
        print("nianbao synth: --n must be at least 1", file=sys.stderr)
        return 2
    if not 0 <= args.error_rate <= 1:
        print("nianbao synth: --error-rate must be in [0, 1]", file=sys.stderr)
        return 2
    kinds = _kinds(args.kinds)
    degradations = _degradations(getattr(args, "degradations", None))
    t0 = time.time()
    try:
        rows = generate_corpus(args.n, args.out, args.seed, max(1, args.workers), kinds,
                               args.error_rate, progress=not args.no_progress, variants=args.variants,
                               degradations=degradations)
    except Exception as e:  # a missing font or pdftotext is the usual cause
        print(f"nianbao synth: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    bad = sum(not r["tokens_exact"] for r in rows)
    print(f"wrote {len(rows)} documents to {args.out} in {time.time() - t0:.1f}s"
          + (f"; {bad} with token pairing gaps" if bad else ""))
    return 0

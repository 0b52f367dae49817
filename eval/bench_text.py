"""Speed of the text path: seconds to extract one report text, stage by stage.

usage: python -m nianbao.eval.bench_text [FILE_OR_DIR …] [--repeat N]
Default inputs: the bundled examples/. Reports the cold first call separately (imports,
schema load) and p50/p95/mean over warm repeats, per stage from the document's timings.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from nianbao.pipeline import extract


def files_of(paths: list[str]) -> list[Path]:
    out = []
    for p in map(Path, paths):
        out += sorted(p.glob("*.txt")) if p.is_dir() else [p]
    return out


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(Path(__file__).resolve().parents[1] / "examples")])
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args(argv)
    files = files_of(a.paths)
    if not files:
        ap.error("no .txt inputs found")
    t0 = time.perf_counter()
    extract(files[0])
    cold = (time.perf_counter() - t0) * 1000
    totals, stages = [], {}
    for _ in range(a.repeat):
        for f in files:
            t = time.perf_counter()
            doc = extract(f)
            totals.append((time.perf_counter() - t) * 1000)
            if doc.errors:
                raise SystemExit(f"{f}: {doc.errors}")
            for k, v in doc.timings_ms.items():
                stages.setdefault(k, []).append(v)
    print(f"text extraction, {len(files)} file(s) × {a.repeat} repeats; cold first call {cold:.1f} ms")
    print(f"{'stage':10} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for k, xs in list(stages.items()):
        print(f"{k:10} {pct(xs, .5):8.2f} {pct(xs, .95):8.2f} {statistics.mean(xs):8.2f}")
    print(f"{'wall':10} {pct(totals, .5):8.2f} {pct(totals, .95):8.2f} {statistics.mean(totals):8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

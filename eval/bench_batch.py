"""Batch throughput: the same inputs through `nianbao batch` with different engines and worker counts.

    python eval/bench_batch.py INPUT_DIR [--runs local:1,local:2,ray:2] [--out bench.json]

Each run starts from an empty output folder, so every file is extracted. Times are wall-clock
for the whole run (for Ray this includes starting the local Ray instance). Reported as measured:
say what else was running on the machine when you quote them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs")
    ap.add_argument("--runs", default="local:1,local:2,ray:2", help="engine:workers, comma-separated")
    ap.add_argument("--out", help="write the results as JSON here")
    ap.add_argument("--timeout", type=float, default=300)
    args = ap.parse_args(argv)
    from nianbao.batch import Options, run_batch

    results = []
    for spec in args.runs.split(","):
        engine, workers = spec.split(":")
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            t0 = time.perf_counter()
            s = run_batch(args.inputs, Path(tmp) / "out",
                          Options(workers=int(workers), engine=engine, progress=False, timeout_s=args.timeout))
            wall = time.perf_counter() - t0
        r = s["this_run"]
        results.append({"engine": engine, "workers": int(workers), "files": r["processed"], "pages": r["pages"],
                        "done": s["done"], "failed": s["failed"], "failed_by_reason": s["failed_by_reason"],
                        "flags": sum(s["flags_by_identity"].values()),
                        "engine_seconds": r["seconds"], "wall_seconds": round(wall, 2),
                        "docs_per_min": r["docs_per_min"], "pages_per_s": r["pages_per_s"]})
        print(json.dumps(results[-1], ensure_ascii=False), file=sys.stderr)
    print(f"cpus: {os.cpu_count()}, load average before last run: {os.getloadavg()}")
    print("| engine | workers | files | pages | done | failed | s (engine) | s (wall) | docs/min | pages/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['engine']} | {r['workers']} | {r['files']} | {r['pages']} | {r['done']} | {r['failed']} | "
              f"{r['engine_seconds']} | {r['wall_seconds']} | {r['docs_per_min']} | {r['pages_per_s']} |")
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

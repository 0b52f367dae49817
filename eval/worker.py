"""Extraction worker: `python -m nianbao.eval.worker VARIANT`, one process per variant.

Reads one JSON job per line on stdin ({"path": input, "out": output JSON path}), writes the
variant's output there atomically, and answers one JSON line per job on the protocol stream:
{"ok": bool, "wall_ms": float, "maxrss_kb": int, "error": str|None}. Running in its own
process gives the parent a clean peak-RSS figure and keeps a crashing extractor from taking
the evaluation down with it.
"""
from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback


def main(argv: list[str]) -> int:
    # The protocol owns the real stdout; anything the extractor prints goes to stderr.
    proto = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    from nianbao.output import dumps, write_atomic

    from .ablations import get
    variant = get(argv[0])
    for mod in variant.warmup:
        try:
            importlib.import_module(mod)
        except Exception:  # a missing stage shows up as a per-document error instead
            pass
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        t0 = time.perf_counter()
        error = None
        try:
            data = variant.extract(job["path"])
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
            traceback.print_exc()
            data = {"source": {"path": job["path"]}, "errors": [{"stage": "eval", "message": error}]}
        wall = (time.perf_counter() - t0) * 1000
        write_atomic(job["out"], dumps(data) + "\n")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        proto.write(json.dumps({"ok": error is None, "wall_ms": wall, "maxrss_kb": rss, "error": error}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

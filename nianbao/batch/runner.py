"""Coordinating a batch: plan from the manifest, dispatch to an engine, record results.

Layout of OUT_DIR:
  manifest.sqlite      status per input content (sha256) — authoritative
  reports/*.json       one output per input content, `<stem>.<sha256[:12]>.json`
  summary.json         the last run's summary
"""
from __future__ import annotations

import fcntl
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..output import write_atomic
from . import guard
from .inputs import InputFile, discover, output_name, stat_and_hash
from .manifest import Manifest

MANIFEST = "manifest.sqlite"
LOCK = ".batch.lock"


class BatchBusy(RuntimeError):
    pass
REPORTS = "reports"


@dataclass
class Options:
    workers: int = 1
    engine: str = "local"
    retry_failed: bool = False
    timeout_s: float | None = 300.0
    max_memory_mb: int | None = 4096
    extractor: str | None = None
    model: str | None = "auto"    # token model dir, "default", "auto" (PDF/image inputs) or None
    policy: str = "reconcile"
    progress: bool = True
    ray_address: str | None = None


def clean_partial(reports: Path) -> int:
    """Temp files of writes that a kill interrupted (never visible under a final name)."""
    n = 0
    if reports.is_dir():
        for p in reports.glob(".*.tmp"):
            p.unlink(missing_ok=True)
            n += 1
    return n


def plan(inputs: list[InputFile], manifest: Manifest, reports: Path, retry_failed: bool):
    """Jobs to run now: content not done yet (or done but its output is gone), failed ones on request."""
    jobs, seen, skipped = [], set(), Counter()
    for f in inputs:
        if not f.sha256 or f.sha256 in seen:
            if f.sha256:
                skipped["duplicate"] += 1
            continue
        seen.add(f.sha256)
        row = manifest.get(f.sha256)
        status = row["status"] if row else "pending"
        if status == "done" and row["output"] and (reports / row["output"]).is_file():
            skipped["done"] += 1
            continue
        if status == "failed" and not retry_failed and row["output"] and (reports / row["output"]).is_file():
            skipped["failed"] += 1
            continue
        jobs.append({"path": str(f.path), "display": f.display, "sha256": f.sha256, "size": f.size,
                     "output": output_name(f)})
    return jobs, skipped


class Progress:
    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.pages = 0
        self.errors = 0
        self.t0 = time.monotonic()
        if enabled and total:
            try:
                import tqdm
            except ImportError:  # the bar is optional (extra 'batch'); the summary is printed anyway
                return
            tqdm.tqdm.monitor_interval = 0  # no monitor thread: children are forked
            self.bar = tqdm.tqdm(total=total, unit="file", dynamic_ncols=True, file=sys.stderr)

    def update(self, summary: dict) -> None:
        self.pages += summary.get("pages") or 0
        self.errors += summary["status"] == "failed"
        if self.bar:
            rate = self.pages / max(time.monotonic() - self.t0, 1e-6)
            self.bar.set_postfix_str(f"{rate:.1f} pages/s, {self.errors} errors", refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar:
            self.bar.close()


def run_batch(source: str | Path, out_dir: str | Path, opts: Options | None = None) -> dict:
    opts = opts or Options()
    out_dir = Path(out_dir)
    reports = out_dir / REPORTS
    reports.mkdir(parents=True, exist_ok=True)
    lock = open(out_dir / LOCK, "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the kernel even on kill -9
    except BlockingIOError:
        lock.close()
        raise BatchBusy(f"another batch is running with output folder {out_dir}") from None
    manifest = Manifest(out_dir / MANIFEST)
    try:
        clean_partial(reports)
        interrupted = manifest.recover()
        cache = manifest.hash_cache()
        inputs = [stat_and_hash(p, cache) for p in discover(source)]
        manifest.register(inputs)
        unreadable = [f for f in inputs if f.error]
        jobs, skipped = plan(inputs, manifest, reports, opts.retry_failed)
        for j in jobs:
            j["extractor"] = opts.extractor
            j["model"], j["policy"] = opts.model, opts.policy
        run_id = manifest.begin_run(opts.engine, opts.workers, len(jobs))
        limits = guard.Limits(timeout_s=opts.timeout_s, max_memory_mb=opts.max_memory_mb)
        progress = Progress(len(jobs), opts.progress)
        t0 = time.monotonic()

        def on_result(job: dict, result: dict) -> None:
            summary = result["summary"]
            write_atomic(reports / job["output"], result["json"])
            manifest.finish(job["sha256"], summary, job["output"])
            progress.update(summary)

        def on_start(job: dict) -> None:
            manifest.start(job["sha256"])

        try:
            if opts.engine == "ray":
                from . import engine_ray
                engine_ray.run(jobs, opts.workers, limits, on_start, on_result, address=opts.ray_address)
            else:
                from . import engine_local
                engine_local.run(jobs, opts.workers, limits, on_start, on_result)
        finally:
            progress.close()
        elapsed = time.monotonic() - t0
        summary = summarize(manifest, jobs, skipped, unreadable, interrupted, elapsed, progress.pages)
        summary["engine"], summary["workers"] = opts.engine, opts.workers
        manifest.end_run(run_id, summary)
        write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        return summary
    finally:
        manifest.close()
        lock.close()


def summarize(manifest: Manifest, jobs, skipped, unreadable, interrupted, elapsed, pages) -> dict:
    rows = manifest.rows()
    done = [r for r in rows if r["status"] == "done"]
    failed = [r for r in rows if r["status"] == "failed"]
    flags = Counter(i for r in done for i in json.loads(r["flags"] or "[]"))
    ran = len(jobs)
    return {
        "files_total": len(rows),
        "done": len(done),
        "failed": len(failed),
        "failed_by_reason": dict(Counter(r["reason"] or "error" for r in failed).most_common()),
        "flags_by_identity": dict(flags.most_common()),
        "this_run": {"processed": ran, "skipped": dict(skipped), "interrupted_before": interrupted,
                     "unreadable": [f.display + ": " + (f.error or "") for f in unreadable],
                     "seconds": round(elapsed, 2), "pages": pages,
                     "docs_per_min": round(ran / elapsed * 60, 2) if elapsed > 0 and ran else 0.0,
                     "pages_per_s": round(pages / elapsed, 2) if elapsed > 0 and ran else 0.0},
    }


def format_summary(s: dict) -> str:
    r = s["this_run"]
    lines = [f"{s['done']} done, {s['failed']} failed, of {s['files_total']} distinct input(s)",
             f"this run: {r['processed']} processed in {r['seconds']} s "
             f"({r['docs_per_min']} docs/min, {r['pages_per_s']} pages/s); skipped {r['skipped'] or 0}"]
    if s["failed_by_reason"]:
        lines.append("failed by reason: " + ", ".join(f"{k} {v}" for k, v in s["failed_by_reason"].items()))
    if s["flags_by_identity"]:
        lines.append("flags by identity: " + ", ".join(f"{k} {v}" for k, v in s["flags_by_identity"].items()))
    for u in r["unreadable"]:
        lines.append(f"unreadable: {u}")
    return "\n".join(lines)

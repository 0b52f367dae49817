"""Coordinating a batch: plan from the manifest, dispatch to an engine, record results.

Layout of OUT_DIR:
  manifest.sqlite      status per input content (sha256) — authoritative
  reports/*.json       one output per report: `<stem>.<sha256[:12]>.json`, and
                       `<stem>.<sha256[:12]>.p<first>-<last>.json` for each of several in one file
  summary.json         the last run's summary
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import stat
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePath

from .. import extras
from ..errors import BatchBusy, CannotWrite, OutputInTheWay  # noqa: F401 - BatchBusy: re-exported
from ..exit_codes import is_write_failure
from ..options import ExtractOptions
from ..outpaths import OutputFolder
from ..output import write_atomic
from ..walk import Skipped, skipped
from . import guard, settle_years
from .inputs import InputFile, discover, name_fits_content, output_name, stat_and_hash
from .manifest import Manifest, row_outputs

MANIFEST = "manifest.sqlite"
LOCK = ".batch.lock"
REPORTS = "reports"
SHOWN = 20  # records of files not read or read once that the printed summary lists


class UnsafeOutput(OutputInTheWay):
    """The output folder holds something a batch must not write through (a planted link)."""


@dataclass
class Options:
    workers: int = 1
    engine: str = "local"
    retry_failed: bool = False
    timeout_s: float | None = 300.0
    max_memory_mb: int | None = 4096
    extractor: str | None = None
    # what each job extracts with (nianbao.options); None: built from the two older fields below
    extract: ExtractOptions | None = None
    model: str | None = "auto"    # older spelling: token model dir, "default", "auto" or None
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


def report_name(base: str, page_range, index: int) -> str:
    """Output name of one of several reports in a file: `X.p1-6.json` beside `X.json`."""
    tag = f"p{page_range[0]}-{page_range[1]}" if page_range else f"r{index + 1}"
    return f"{base[:-len('.json')]}.{tag}.json"


def choose_copies(inputs: list[InputFile]) -> tuple[dict[str, InputFile], list[dict]]:
    """For each content, the copy to read: one whose name agrees with its bytes (the same text
    saved as a.pdf and b.txt is read from b.txt, which the text reader accepts), then the first
    by path. Returns {sha256: chosen} and a record per other copy."""
    groups: dict[str, list[InputFile]] = {}
    for f in inputs:
        if f.sha256:
            groups.setdefault(f.sha256, []).append(f)
    chosen, copies = {}, []
    for sha, group in groups.items():
        best = group[0] if len(group) == 1 else min(group, key=lambda f: (not name_fits_content(f), str(f.path)))
        chosen[sha] = best
        copies += [{"path": f.display, "same_as": best.display} for f in group if f is not best]
    return chosen, copies


def whole_json(path: Path) -> bool:
    """Whether an output is there and whole: write_atomic never leaves half a file, but a
    person (or a copy that ran out of space) can; a damaged output is extracted again."""
    try:
        with open(path, "rb") as f:
            head = f.read(1)
            f.seek(0, os.SEEK_END)
            if f.tell() < 2:
                return False
            f.seek(-2, os.SEEK_END)
            tail = f.read(2)
    except OSError:
        return False
    return head == b"{" and tail.rstrip() .endswith(b"}")


def _outputs_exist(row: dict, reports: Path) -> bool:
    names = row_outputs(row)
    return bool(names) and all(whole_json(reports / n) for n in names)


def plan(inputs: list[InputFile], manifest: Manifest, reports: Path, retry_failed: bool):
    """Jobs to run now: content not done yet (or done but an output is gone), failed ones on request."""
    jobs, skipped_counts = [], Counter()
    chosen, copies = choose_copies(inputs)
    skipped_counts["duplicate"] += len(copies)
    for sha, f in chosen.items():
        row = manifest.get(sha)
        status = row["status"] if row else "pending"
        if status == "done" and _outputs_exist(row, reports):
            skipped_counts["done"] += 1
            continue
        if status == "failed" and not retry_failed and _outputs_exist(row, reports):
            skipped_counts["failed"] += 1
            continue
        jobs.append({"path": str(f.path), "display": f.display, "sha256": sha, "size": f.size,
                     "output": output_name(f), "previous": row_outputs(row) if row else []})
    if not skipped_counts["duplicate"]:
        del skipped_counts["duplicate"]
    return jobs, skipped_counts, copies


def _lock(out_dir: Path):
    """Hold OUT_DIR/.batch.lock; never through a link a stranger planted there (O_NOFOLLOW),
    never truncating it, never blocking on a FIFO put in its place."""
    path = out_dir / LOCK
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as e:
        if os.path.islink(path):
            raise UnsafeOutput(f"{path} is a symbolic link; a batch does not write through links in its "
                               "output folder (remove it if it is yours)") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafeOutput(f"{path} is not a regular file; remove it")
    lock = os.fdopen(fd, "r+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released by the kernel even on kill -9
    except BlockingIOError:
        lock.close()
        raise BatchBusy(f"another batch is running with output folder {out_dir}") from None
    return lock


@contextmanager
def writing(where):
    """Turn 'no space left', 'read-only' and the like into CannotWrite(where)."""
    try:
        yield
    except (OSError, sqlite3.Error) as e:
        if is_write_failure(e):
            raise CannotWrite(where, e) from e
        raise


class Progress:
    def __init__(self, total: int, enabled: bool):
        self.bar = None
        self.pages = 0
        self.errors = 0
        self.t0 = time.monotonic()
        if enabled and total:
            if extras.missing("batch", "tqdm", purpose="the progress bar"):
                return  # the bar is optional (extra 'batch'); the summary is printed anyway
            import tqdm  # deferred: optional
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
    """Run a batch; raises UsageError (no such input, -o a file), BatchBusy, OutputInTheWay, and
    CannotWrite when outputs cannot be written (what was finished stays whole and recorded)."""
    opts = opts or Options()
    out_dir = Path(out_dir)
    reports = out_dir / REPORTS
    with writing(out_dir):
        out = OutputFolder(out_dir)  # -o '' or a file: a usage error
        if reports.is_symlink():
            raise UnsafeOutput(f"{reports} is a symbolic link; a batch writes only inside its output folder")
        out.folder([REPORTS])
        lock = _lock(out_dir)
    try:
        with writing(out_dir / MANIFEST):
            manifest = Manifest(out_dir / MANIFEST)
    except BaseException:
        lock.close()
        raise
    try:
        with writing(out_dir / MANIFEST):
            clean_partial(reports)
            interrupted = manifest.recover()
            cache = manifest.hash_cache()
        paths, notes = discover(source, output=out.root)
        inputs = [stat_and_hash(p, cache) for p in paths]
        notes += [skipped(f.path, f.reason or "unreadable", f.error) for f in inputs if f.error]
        jobs, skipped_counts, copies = plan(inputs, manifest, reports, opts.retry_failed)
        with writing(out_dir / MANIFEST):
            manifest.register(inputs)
            manifest.set_skipped([n.to_dict() for n in notes]
                                 + [{"path": c["path"], "reason": "duplicate", "message": f"same content as {c['same_as']}"}
                                    for c in copies])
        options = opts.extract or ExtractOptions.build(model=opts.model, policy=opts.policy,
                                                       max_memory_mb=opts.max_memory_mb)
        for j in jobs:
            j["extractor"] = opts.extractor
            j["options"] = options
        with writing(out_dir / MANIFEST):
            run_id = manifest.begin_run(opts.engine, opts.workers, len(jobs))
        limits = guard.Limits(timeout_s=opts.timeout_s, max_memory_mb=opts.max_memory_mb)
        progress = Progress(len(jobs), opts.progress)
        t0 = time.monotonic()

        def on_result(job: dict, result: dict) -> None:
            summary = result["summary"]
            outs = result["outputs"]
            wanted = [job["output"]] if len(outs) == 1 else [report_name(job["output"], o.get("page_range"), i)
                                                             for i, o in enumerate(outs)]
            names = []
            for name, o in zip(wanted, outs):
                target = out.path_for(PurePath(REPORTS, name[:-len(".json")]), job["display"],
                                         key=job["sha256"] + name)
                names.append(target.name)
                with writing(target):
                    write_atomic(target, o["json"])
            with writing(out_dir / MANIFEST):
                manifest.finish(job["sha256"], summary, names)
            for old in set(job.get("previous") or []) - set(names):  # an earlier run split the file otherwise
                (reports / old).unlink(missing_ok=True)
            progress.update(summary)

        def on_start(job: dict) -> None:
            with writing(out_dir / MANIFEST):
                manifest.start(job["sha256"], job["display"])

        try:
            if opts.engine == "ray":
                from . import engine_ray
                engine_ray.run(jobs, opts.workers, limits, on_start, on_result, address=opts.ray_address)
            else:
                from . import engine_local
                engine_local.run(jobs, opts.workers, limits, on_start, on_result)
        finally:
            progress.close()
        with writing(reports):  # run-together cells the batch's neighbouring years settle
            settled = settle_years.settle_outputs(reports, out_dir / settle_years.HELD,
                                                  [n for r in manifest.rows() for n in row_outputs(r)],
                                                  held_folder=lambda: out.folder([settle_years.HELD]))
        elapsed = time.monotonic() - t0
        summary = summarize(manifest, jobs, skipped_counts, notes, copies, interrupted, elapsed, progress.pages)
        summary["this_run"]["renamed"] = [c.to_dict() for c in out.collisions]
        summary["this_run"]["settled_across_years"] = settled
        summary["engine"], summary["workers"] = opts.engine, opts.workers
        with writing(out_dir / "summary.json"):
            manifest.end_run(run_id, summary)
            write_atomic(out_dir / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        return summary
    finally:
        manifest.close()
        lock.close()


def summarize(manifest: Manifest, jobs, skipped_counts, notes: list[Skipped], copies, interrupted, elapsed,
              pages) -> dict:
    rows = manifest.rows()
    done = [r for r in rows if r["status"] == "done"]
    failed = [r for r in rows if r["status"] == "failed"]
    flags = Counter(i for r in done for i in json.loads(r["flags"] or "[]"))
    ran = len(jobs)
    return {
        "files_total": len(rows),
        "done": len(done),
        "failed": len(failed),
        # reports read: a failed file counts only the reports it holds that were read
        "reports": sum(r["reports_read"] if r["reports_read"] is not None
                       else (r["reports"] or 1) if r["status"] == "done" else 0 for r in rows),
        "not_read": sum(1 for n in notes if n.failing),
        "passed_over": sum(1 for n in notes if not n.failing),  # files of other types in the folders
        "failed_by_reason": dict(Counter(r["reason"] or "error" for r in failed).most_common()),
        "flags_by_identity": dict(flags.most_common()),
        "this_run": {"processed": ran, "skipped": dict(skipped_counts), "interrupted_before": interrupted,
                     "not_read": [n.to_dict() for n in notes], "duplicates": copies,
                     "seconds": round(elapsed, 2), "pages": pages,
                     "docs_per_min": round(ran / elapsed * 60, 2) if elapsed > 0 and ran else 0.0,
                     "pages_per_s": round(pages / elapsed, 2) if elapsed > 0 and ran else 0.0},
    }


def format_summary(s: dict) -> str:
    r = s["this_run"]
    several = f" ({s['reports']} reports)" if s.get("reports", 0) > s["done"] else ""
    lines = [f"{s['done']} done{several}, {s['failed']} failed, of {s['files_total']} distinct input(s)",
             f"this run: {r['processed']} processed in {r['seconds']} s "
             f"({r['docs_per_min']} docs/min, {r['pages_per_s']} pages/s); skipped {r['skipped'] or 0}"]
    if s["failed_by_reason"]:
        lines.append("failed by reason: " + ", ".join(f"{k} {v}" for k, v in s["failed_by_reason"].items()))
    if s["flags_by_identity"]:
        lines.append("flags by identity: " + ", ".join(f"{k} {v}" for k, v in s["flags_by_identity"].items()))
    if (r.get("settled_across_years") or {}).get("cells"):
        st = r["settled_across_years"]
        lines.append(f"run-together cells settled by neighbouring years: {st['cells']} in the folder "
                     f"({st['outputs']} output(s) rewritten by this run)")
    for n in r["not_read"][:SHOWN]:
        lines.append(f"not read ({n['reason']}): {n['path']}: {n['message']}")
    dups = r.get("duplicates") or []
    for c in dups[:SHOWN]:
        lines.append(f"same content, read once: {c['path']} (read from {c['same_as']})")
    for c in (r.get("renamed") or [])[:SHOWN]:
        lines.append(f"same output name: {c['source']}: {c['wanted']} was taken, written as {c['given']}")
    more = max(0, len(r["not_read"]) - SHOWN) + max(0, len(dups) - SHOWN)
    if more:
        lines.append(f"… {more} more in summary.json")
    return "\n".join(lines)

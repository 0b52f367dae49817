"""Run jobs in child processes that can be killed: per-file timeout and memory guard.

`start` forks a child for one file (Ray tasks, page rendering). The local batch engine uses
`Worker`s instead: a forked child that reads file after file, so the OCR engine and the token
model are loaded once per child rather than once per file (~2 s per scanned report, more than
a page's OCR). A worker is retired after `MAX_JOBS` files or after a file whose extraction
raised, and killed with the file when a limit is crossed; the next file gets a fresh child.
The parent watches each file's wall time and the child's resident memory and kills it with
SIGKILL when over a limit; as a backstop the child's address space is capped too, so a
decompression bomb fails with MemoryError even between two polls. A child whose parent dies
dies with it. Engines are never loaded before the fork: OpenVINO's and onnxruntime's thread
pools do not survive it (an inherited OpenVINO request can block in the child).
"""
from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_ready

from . import worker

_ctx = mp.get_context("fork")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PR_SET_PDEATHSIG = 1


@dataclass
class Limits:
    timeout_s: float | None = None
    max_memory_mb: int | None = None


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass


MAX_JOBS = 50  # files one worker reads before a fresh child takes over (bounds slow leaks)
RETIRE_SHARE = 0.5  # of the address space left after a worker's first file (see _serve)


def _guard_self(max_memory_mb: int | None, parent: int) -> int | None:
    """Die with the parent; cap the address space. Returns the cap in bytes (None: no cap)."""
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    if max_memory_mb:
        # a backstop on top of what the parent had already mapped (a Ray worker maps gigabytes it
        # never touches); address space also counts libraries and untouched arenas: leave headroom
        cap = vm_size_bytes() + (max_memory_mb + 1024) * 1024 * 1024
        try:
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            return cap
        except (ValueError, OSError):
            pass
    return None


def _run_job(job: dict, fn) -> tuple[dict, bool]:
    """fn(job), or a failure record; the flag says whether it raised (the child may be unsound)."""
    try:
        return fn(job), False
    except BaseException as e:  # noqa: BLE001 - anything is reported against this file
        stage = "memory" if isinstance(e, MemoryError) else "internal"
        return worker.failure_record(job, stage, f"{type(e).__name__}: {e}"), True


def _child(job: dict, conn, max_memory_mb: int | None, parent: int, fn) -> None:
    _guard_self(max_memory_mb, parent)
    result, _ = _run_job(job, fn)
    try:
        conn.send(result)
        conn.close()
    finally:
        sys.stdout.flush()
        os._exit(0)


def _serve(jobs, results, max_memory_mb: int | None, parent: int, fn, max_jobs: int) -> None:
    """A worker's loop: one job in, one result out, until told to stop, retired, or killed."""
    cap = _guard_self(max_memory_mb, parent)
    # OCR runtimes keep reserving address space file after file (arenas, per-shape buffers:
    # +2 GB with the first scanned report, then ~0.2 GB a report, 3.6 GB after 8, only 1.1 GB
    # resident); a worker retires while half the cap left after its first file is still free,
    # so no file meets the backstop for that reason
    retire_at = None
    try:
        for _ in range(max_jobs):
            try:
                job = jobs.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            result, raised = _run_job(job, fn)
            used = vm_size_bytes()
            if cap and retire_at is None:
                retire_at = used + (cap - used) * RETIRE_SHARE
            retiring = raised or (retire_at is not None and used > retire_at)
            results.send((result, retiring))  # the parent sends nothing more to a retiring child
            if retiring:
                break
    finally:
        sys.stdout.flush()
        os._exit(0)


class Worker:
    """A forked child that extracts the files sent to it one at a time (see the module doc)."""

    def __init__(self, fn=None, max_memory_mb: int | None = None, max_jobs: int | None = None):
        max_jobs = max_jobs or MAX_JOBS
        jobs_r, jobs_w = _ctx.Pipe(duplex=False)
        res_r, res_w = _ctx.Pipe(duplex=False)
        self.proc = _ctx.Process(target=_serve, daemon=True,
                                 args=(jobs_r, res_w, max_memory_mb, os.getpid(), fn or worker.process, max_jobs))
        self.proc.start()
        jobs_r.close()
        res_w.close()
        self.jobs, self.results = jobs_w, res_r
        self.left = max_jobs

    def submit(self, job: dict) -> Running:
        self.jobs.send(job)
        self.left -= 1
        return Running(job=job, proc=self.proc, conn=self.results, worker=self)

    def reusable(self) -> bool:
        return self.left > 0 and self.proc.is_alive()

    def retire(self) -> None:
        """Send it no more files (it raised, was killed, died, or retires itself)."""
        self.left = 0

    def close(self) -> None:
        try:
            self.jobs.send(None)
        except (OSError, ValueError):
            pass
        for c in (self.jobs, self.results):
            c.close()
        self.proc.join(5)
        if self.proc.is_alive():
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.join(5)


def vm_size_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def rss_mb(pid: int) -> float:
    """Memory the child itself holds: its private pages. A forked child shares its parent's
    pages until it writes them, and those are not this file's cost — a parent that has loaded
    torch would otherwise push every child over the limit at birth. Falls back to the RSS."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            kb = sum(int(line.split()[1]) for line in f if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return kb / 1024
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * _PAGE / (1 << 20)
    except (OSError, IndexError, ValueError):
        return 0.0


@dataclass
class Running:
    job: dict
    proc: object
    conn: object
    started: float = field(default_factory=time.monotonic)
    peak_mb: float = 0.0
    worker: Worker | None = None  # None: a child of its own (start)


def start(job: dict, limits: Limits, fn=None) -> Running:
    """Fork a child running `fn(job)` (default: extract one file); `fn` is not pickled (fork)."""
    recv, send = _ctx.Pipe(duplex=False)
    proc = _ctx.Process(target=_child, args=(job, send, limits.max_memory_mb, os.getpid(), fn or worker.process),
                        daemon=True)
    proc.start()
    send.close()
    return Running(job=job, proc=proc, conn=recv)


def _kill(r: Running) -> None:
    try:
        os.kill(r.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    r.proc.join(5)
    r.conn.close()
    if r.worker is not None:
        r.worker.retire()
        r.worker.jobs.close()


def check(r: Running, limits: Limits, ready: bool) -> dict | None:
    """The job's result if it has finished (or was killed now), else None."""
    elapsed = time.monotonic() - r.started
    r.job["seconds"] = elapsed
    if ready:
        try:
            result = r.conn.recv()
            if r.worker is not None:
                result, retiring = result
                if retiring:
                    r.worker.retire()
        except (EOFError, OSError):
            r.proc.join(5)
            code = r.proc.exitcode
            how = f"killed by signal {-code}" if code and code < 0 else f"exit status {code}"
            result = worker.failure_record(r.job, "crashed", f"worker process died ({how}) while reading this file")
            if r.worker is not None:
                r.worker.retire()
        if r.worker is None:
            r.proc.join(5)
            r.conn.close()
        return result
    if limits.timeout_s and elapsed > limits.timeout_s:
        _kill(r)
        return worker.failure_record(r.job, "timeout", f"no result after {limits.timeout_s:g} s: worker killed")
    if limits.max_memory_mb:
        mb = rss_mb(r.proc.pid)
        r.peak_mb = max(r.peak_mb, mb)
        if mb > limits.max_memory_mb:
            _kill(r)
            return worker.failure_record(
                r.job, "memory", f"worker used {mb:.0f} MiB, over the {limits.max_memory_mb} MiB limit: killed")
    return None


def poll(running: list[Running], limits: Limits, interval: float = 0.1) -> list[tuple[Running, dict]]:
    """Wait up to `interval` for any child; return the (job, result) pairs that are over."""
    if not running:
        return []
    ready = set(wait_ready([r.conn for r in running], timeout=interval))
    out = []
    for r in running:
        res = check(r, limits, r.conn in ready)
        if res is not None:
            out.append((r, res))
    return out


def run_one(job: dict, limits: Limits, fn=None) -> dict:
    """Run a single job under the limits and wait for it (Ray tasks, page rendering)."""
    r = start(job, limits, fn)
    while True:
        done = poll([r], limits, 0.2)
        if done:
            return done[0][1]


def kill_all(running: list[Running]) -> None:
    for r in running:
        _kill(r)

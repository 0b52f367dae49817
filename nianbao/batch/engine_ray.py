"""The Ray engine: the same jobs as Ray tasks, on a local Ray instance or an existing cluster.

The driver (this process) stays the only writer of the manifest and the outputs: each task
gets the input's bytes through the object store (workers need no shared disk), extracts it in
a guarded child exactly as the local engine does, and returns the output text.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..extras import requires_extra
from . import guard

IN_FLIGHT_PER_CPU = 2  # enough queued work to keep each CPU busy without shipping every file at once


_warmed: set[str] = set()


def _warm(spec: str) -> None:
    """Once per Ray worker process: load the pipeline so the per-file forks start warm."""
    if spec not in _warmed:
        guard.worker.resolve(spec)
        guard.worker.warm_up()
        _warmed.add(spec)


def _task(payload: bytes, job: dict, limits: guard.Limits) -> dict:
    _warm(job.get("extractor") or guard.worker.DEFAULT_EXTRACTOR)
    suffix = Path(job["path"]).suffix.lower()[:10]
    with tempfile.TemporaryDirectory(prefix="nianbao-ray-") as tmp:
        local = os.path.join(tmp, "input" + suffix)
        with open(local, "wb") as f:
            f.write(payload)
        return guard.run_one(dict(job, path=local), limits)


def run(jobs: list[dict], workers: int, limits: guard.Limits, on_start, on_result, address: str | None = None) -> None:
    if not jobs:  # nothing left per the manifest: no cluster to start
        return
    ray = requires_extra("ray", "ray", purpose="--engine ray")
    started_here = not ray.is_initialized()
    if started_here:
        kw = dict(include_dashboard=False, log_to_driver=False, logging_level="ERROR")
        if address:
            ray.init(address=address, **kw)
        else:
            ray.init(num_cpus=workers, **kw)
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(_task)
        cap = max(1, int(ray.cluster_resources().get("CPU", workers))) * IN_FLIGHT_PER_CPU
        todo = list(reversed(jobs))
        pending: dict = {}
        while todo or pending:
            while todo and len(pending) < cap:
                job = todo.pop()
                try:
                    payload = Path(job["path"]).read_bytes()
                except OSError as e:
                    on_start(job)
                    on_result(job, guard.worker.failure_record(job, "ingest", f"cannot read: {e}", "unreadable"))
                    continue
                on_start(job)
                pending[task.remote(payload, job, limits)] = job
            done, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
            for ref in done:
                job = pending.pop(ref)
                try:
                    result = ray.get(ref)
                except Exception as e:  # noqa: BLE001 - a lost task is this file's failure, not the batch's
                    result = guard.worker.failure_record(job, "crashed", f"Ray task failed: {type(e).__name__}: {e}")
                on_result(job, result)
    finally:
        if started_here:
            ray.shutdown()

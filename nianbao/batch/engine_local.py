"""The default engine: up to N forked worker children at a time on this machine."""
from __future__ import annotations

from collections import deque

from . import guard


def run(jobs: list[dict], workers: int, limits: guard.Limits, on_start, on_result) -> None:
    # import the pipeline once here so every forked child starts with it loaded
    for spec in {j.get("extractor") or guard.worker.DEFAULT_EXTRACTOR for j in jobs}:
        guard.worker.resolve(spec)
    if jobs:
        guard.worker.warm_up()
    todo = deque(jobs)
    running: list[guard.Running] = []
    idle: list[guard.Worker] = []
    try:
        while todo or running:
            while todo and len(running) < max(1, workers):
                job = todo.popleft()
                on_start(job)
                w = idle.pop() if idle else guard.Worker(max_memory_mb=limits.max_memory_mb)
                running.append(w.submit(job))
            for r, result in guard.poll(running, limits):
                running.remove(r)
                if r.worker.reusable():
                    idle.append(r.worker)
                else:
                    r.worker.close()
                on_result(r.job, result)
    finally:
        guard.kill_all(running)
        for w in idle + [r.worker for r in running]:
            w.close()

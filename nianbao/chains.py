"""One-dimensional positions chained into runs: the column finders of the grid (ocr/), of the token
model's reader (model/) and of -layout short rows (assemble/) each split sorted offsets where a step
between neighbours is too wide, and differ only in how they name a run (mean, median, first)."""
from __future__ import annotations


def chains(values, gap: float, *, touching: bool = True) -> list[list[float]]:
    """`values` sorted and cut where the step to the next value exceeds `gap` (with
    `touching=False`: reaches it). Empty input gives no runs."""
    runs: list[list[float]] = []
    for v in sorted(values):
        step = v - runs[-1][-1] if runs else None
        if step is not None and (step <= gap if touching else step < gap):
            runs[-1].append(v)
        else:
            runs.append([v])
    return runs

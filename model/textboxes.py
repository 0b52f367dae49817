"""Positions for tokens that come without any: plain-text input.

A text report has lines and characters but no page geometry. Giving each character a box on a
grid (line → y, character index → x) lets the same layout model read it; training shows the
model pages turned into this form too, so it learns not to rely on real geometry alone."""
from __future__ import annotations

CELL = 12  # grid step in 0–1000 page units
LINES_PER_PAGE = 80


def grid_boxes(lines: list[list[str]]) -> list[tuple[int, int, int, int]]:
    out = []
    for k, chars in enumerate(lines):
        y = (k % LINES_PER_PAGE) * CELL
        for j, _ in enumerate(chars):
            x = min(j * CELL, 1000 - CELL)
            out.append((x, y, x + CELL - 2, y + CELL - 2))
    return out


def lines_of(boxes: list) -> list[list[int]]:
    """Token indices grouped into visual lines (in token order), from their boxes."""
    out: list[list[int]] = []
    prev = None
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        cy = (y0 + y1) / 2
        h = max(4, y1 - y0)
        if prev is not None and abs(cy - prev[0]) <= prev[1] * 0.6 and x0 >= prev[2] - h:
            out[-1].append(i)
        else:
            out.append([i])
        prev = (cy, h, x1)
    return out

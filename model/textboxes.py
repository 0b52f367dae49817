"""Positions for tokens that come without any: plain-text input.

A text report has lines and characters but no page geometry. Giving each character a box on a
grid (line → y, character index → x) lets the same layout model read it; training shows the
model pages turned into this form too, so it learns not to rely on real geometry alone."""
from __future__ import annotations

CELL = 12  # grid step in 0–1000 page units
LINES_PER_PAGE = 80
WRAP = 45  # characters per grid row: a PDF line of prose holds about as many, and a text file's
           # paragraph-long line would otherwise pile its characters up at the right edge


def grid_boxes(lines: list[list[str]]) -> list[tuple[int, int, int, int]]:
    out = []
    row = 0
    for chars in lines:
        for j, _ in enumerate(chars):
            if j and j % WRAP == 0:
                row += 1
            y = (row % LINES_PER_PAGE) * CELL
            x = (j % WRAP) * CELL
            out.append((x, y, x + CELL - 2, y + CELL - 2))
        row += 1
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

"""Row and column label boxes of a rendered HTML or Word table, from its grid.

A value's row label is a cell of the same grid row left of it, its column label a cell of the
same grid column above it (the appeals table is printed transposed: its row names stand above
its columns too, so both are looked for in both places). Of those cells, the one whose whole
text is the label's own words is taken (the rule a token-model span must pass: at least 75 % of its
characters in the label's name, at least half of the name), the nearest when several are;
a group caption printed in the same cell before the label's words is left out, as on PDF pages.
Each label cell gets one box, on the page it is printed on, tight on its characters.
"""
from __future__ import annotations

from nianbao import schema
from nianbao.document import Document

from . import label_config as labels
from .tasks import _drop_caption

MIN_WORDS, MIN_COVER = 0.75, 0.5


def _label(role: str, cell) -> tuple[float, str, tuple] | None:
    """(how well, text, box) of the label's words in the cell, or None when they are not there."""
    if not cell.chars:
        return None
    text = "".join(ch for ch, _ in cell.chars)
    boxes = [b for _, b in cell.chars]
    text, boxes = _drop_caption(role, text, boxes)  # the cell's whole text, less a group caption
    if not text or labels.words_of(role, text) < MIN_WORDS or labels.covers(role, text) < MIN_COVER:
        return None
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    return labels.covers(role, text) + labels.words_of(role, text), text, box


def find(role: str, cells: list, row: int, col: int):
    """The cell holding `role`'s label for the value at grid (row, col): (cell, text, box) or None."""
    best, key = None, None
    for g in cells:
        left = g.row <= row < g.row + g.rows and g.col + g.cols <= col
        above = g.col <= col < g.col + g.cols and g.row + g.rows <= row
        if not (left or above):
            continue
        found = _label(role, g)
        if found is None:
            continue
        gap = col - g.col - g.cols if left else row - g.row - g.rows
        # a row's label is looked for left of it first, a column's above it
        k = (found[0], left == (labels.kind(role) == "ROW"), -gap)
        if key is None or k > key:
            best, key = (g, found[1], found[2]), k
    return best


def label_regions(doc: Document, grid: dict) -> dict[int, list[tuple[str, tuple, str]]]:
    """{page: [(role, box, text)]} of the row and column labels of the values the view places."""
    by_table: dict[int, list] = {}
    for g in grid.values():
        by_table.setdefault(g.table, []).append(g)
    out: dict[int, list] = {}
    done: set[tuple] = set()
    known = set(labels.all_labels())
    for key, c in doc.fields.items():
        if c.page is None or c.table_cell is None:
            continue
        t, r, col = c.table_cell
        table, row_id, col_id = schema.parse_key(key)
        for role in (f"ROW:{table}.{row_id}", f"COL:{table}.{col_id}"):
            if role not in known:
                continue
            hit = find(role, by_table.get(t, []), r, col)
            if hit is None:
                continue
            g, text, box = hit
            if (role, g.table, g.row, g.col) in done:
                continue
            done.add((role, g.table, g.row, g.col))
            out.setdefault(g.page, []).append((role, box, text))
    return out

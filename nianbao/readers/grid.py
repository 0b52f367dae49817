"""Structured sources (HTML, Word) as numbered lines, with every table read as a grid.

A table's printed cells are placed on a grid with their rowspans and colspans expanded, the way
a browser or Word lays them out. Each table row then becomes one Line: the row's own cells in
column order, joined by tabs, with an empty field for every grid slot that no cell covers (a
blank zero cell that the page left out). A cell spanning several rows is printed once, in its
first row: repeating a group label such as 三、本年度办理结果 into every row would let row anchoring
see it twenty times. `Line.cells` holds the (table, row, col) grid coordinate of every field, which
the assembler copies into `Cell.table_cell` as evidence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from nianbao.document import Document, Line, Page, Source

MAX_SPAN = 200  # a bogus colspan="9999" must not make a row of ten thousand tabs
_SPACE = re.compile(r"[ \t\r\n\f\v\u00a0\u3000]+")


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


def clean(text: str) -> str:
    """One line of text: whitespace runs (tabs and newlines included) become one space."""
    return _SPACE.sub(" ", text).strip()


def span(value, default: int = 1) -> int:
    """A rowspan/colspan attribute as pages write it ("2", " 3 ", "2px", "", None)."""
    m = re.match(r"\s*(\d+)", str(value)) if value is not None else None
    n = int(m.group(1)) if m else default
    return max(1, min(n, MAX_SPAN)) if n else 0  # 0: to the end of the table (HTML rowspan="0")


def layout(rows: list[list[GridCell]]) -> list[list[tuple[int, GridCell | None]]]:
    """Per table row: (grid column, cell) for the row's own cells and (column, None) for the
    slots no cell covers, in column order; slots covered by a span from another row are left out."""
    n_rows = len(rows)
    taken: set[tuple[int, int]] = set()
    own: list[list[tuple[int, GridCell]]] = []
    for r, cells in enumerate(rows):
        c, row = 0, []
        for cell in cells:
            while (r, c) in taken:
                c += 1
            rs = cell.rowspan or (n_rows - r)
            cs = max(1, min(cell.colspan, MAX_SPAN))
            row.append((c, cell))
            for dr in range(min(rs, n_rows - r)):
                for dc in range(cs):
                    taken.add((r + dr, c + dc))
            c += cs
        own.append(row)
    width = max((c + 1 for _, c in taken), default=0)
    out = []
    for r, row in enumerate(own):
        have = {c for c, _ in row}
        holes = [(c, None) for c in range(width) if (r, c) not in taken and c not in have]
        out.append(sorted(row + holes, key=lambda x: x[0]))
    return out


class LineSink:
    """Collects a document's paragraphs and table rows as numbered lines in reading order."""

    def __init__(self):
        self.lines: list[Line] = []
        self.tables = 0

    def text(self, s: str) -> None:
        for part in s.split("\n"):
            part = clean(part)
            if part:
                self.lines.append(Line(text=part, number=len(self.lines) + 1))

    def prepend(self, texts: list[str]) -> None:
        """Lines printed outside the article (the page's title) put first; lines renumbered."""
        head = [Line(text=clean(t), number=0) for t in texts if clean(t)]
        self.lines[:0] = head
        for i, ln in enumerate(self.lines, 1):
            ln.number = i

    def table(self, rows: list[list[GridCell]]) -> None:
        if not any(clean(c.text) for row in rows for c in row):
            return
        t = self.tables
        self.tables += 1
        for r, row in enumerate(layout(rows)):
            texts = [clean(cell.text) if cell is not None else "" for _, cell in row]
            if not any(texts):
                continue
            self.lines.append(Line(text="\t".join(texts), number=len(self.lines) + 1,
                                   cells=[(t, r, c) for c, _ in row]))

    def document(self, source: Source, kind: str) -> Document:
        source.kind = kind
        source.pages = 1
        return Document(source=source, pages=[Page(number=1, lines=self.lines, source="text")])

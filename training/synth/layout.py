"""A small page-layout engine on the ReportLab canvas.

It draws paragraphs, headings and ruled tables (merged cells, vertical headers, page breaks
inside tables) and records, page by page, every non-blank character it draws with its role and
origin. The token gold is made by reading the finished PDF back and pairing its text
layer with this record, so the boxes are the PDF's own.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from . import fonts

Seg = tuple[str, str]
NO_LINE_START = set("，。、；：？！）》」』”’〕】%．,.;:)")
UNIT = re.compile(r"[0-9A-Za-z.%+\-/:@_]+|\s+|.", re.S)


@dataclass
class Cell:
    row: int
    col: int
    segs: list[Seg]
    rowspan: int = 1
    colspan: int = 1
    vertical: bool = False
    align: str = "center"


@dataclass
class Table:
    col_widths: list[float]          # fractions of the available width
    n_rows: int
    header_rows: int
    cells: list[Cell] = field(default_factory=list)
    # a data row the page breaks before, whatever room is left (a browser printing a web page
    # puts a table's last row on the next page, below no header: printed.Printed.appeals_apart)
    break_before: int | None = None

    def add(self, row, col, text, role="O", **kw) -> Cell:
        cell = Cell(row, col, [(text, role)] if isinstance(text, str) else text, **kw)
        self.cells.append(cell)
        return cell


def units(segs: list[Seg]) -> list[tuple[str, str]]:
    """Break segments into unbreakable units (a CJK char, a number, a closing punctuation glued on)."""
    out: list[tuple[str, str]] = []
    for text, role in segs:
        for m in UNIT.finditer(text):
            u = m.group(0)
            if u.isspace():
                u = " "
            out.append((u, role))
    return out


def wrap(segs: list[Seg], font: str, size: float, width: float, indent: float = 0.0) -> list[list[Seg]]:
    lines: list[list[Seg]] = []
    cur: list[Seg] = []
    w = indent
    for u, role in units(segs):
        uw = fonts.width(font, u, size)
        if cur and w + uw > width + 0.01 and u[0] not in NO_LINE_START and u != " ":
            lines.append(cur)
            cur, w = [], 0.0
        if not cur and u == " ":
            continue
        if cur and cur[-1][1] == role:
            cur[-1] = (cur[-1][0] + u, role)
        else:
            cur.append((u, role))
        w += uw
    if cur:
        lines.append(cur)
    return lines


class PDF:
    def __init__(self, path: str, style, page_number_start: int = 1):
        self.style = style
        self.c = canvas.Canvas(path, pagesize=A4, invariant=1)
        self.c.setAuthor("nianbao synth")
        self.size = A4
        # per page: (char, role, x, baseline y) of every non-blank character drawn
        self.pages: list[list[tuple[str, str, float, float]]] = [[]]
        self.page_no = page_number_start
        self.numbered = True
        self.y = self.top

    # geometry -------------------------------------------------------------
    @property
    def left(self):
        return self.style.margin[0]

    @property
    def right(self):
        return self.size[0] - self.style.margin[1]

    @property
    def top(self):
        return self.size[1] - self.style.margin[2]

    @property
    def bottom(self):
        return self.style.margin[3] + 18

    @property
    def width(self):
        return self.right - self.left

    # drawing --------------------------------------------------------------
    def text(self, x: float, y: float, pieces: list[Seg], font: str, size: float, char_space: float = 0.0):
        t = self.c.beginText(x, y)
        t.setFont(font, size)
        # Tc is graphics state and outlives ET: set it on every text object.
        t.setCharSpace(char_space)
        rec = self.pages[-1]
        cx = x
        for s, role in pieces:
            t.textOut(s)
            for ch in s:
                if not ch.isspace():
                    rec.append((ch, role, cx, y))
                cx += fonts.width(font, ch, size) + char_space
        self.c.drawText(t)

    def _page_number(self):
        kind = self.style.page_number
        if kind == "none" or not self.numbered:
            return
        n = self.page_no
        s = {"dash": f"-{n}-", "emdash": f"— {n} —", "zh": f"第{n}页"}[kind]
        f = fonts.face(self.style.body_font)
        w = fonts.width(f, s, 10.5)
        x = self.size[0] / 2 - w / 2
        if self.style.page_number_at == "outer":  # one character in from the text block's edge
            x = self.right - w - 10.5 if n % 2 else self.left + 10.5
        self.text(x, self.style.margin[3] / 2, [(s, "O")], f, 10.5)

    def new_page(self, orientation: str | None = None):
        self._page_number()
        self.c.showPage()
        if orientation == "landscape":
            self.size = landscape(A4)
        elif orientation == "portrait":
            self.size = A4
        self.c.setPageSize(self.size)
        self.pages.append([])
        self.page_no += 1
        self.numbered = True
        self.y = self.top

    def finish(self):
        self._page_number()
        self.c.showPage()
        self.c.save()

    # flowing text ---------------------------------------------------------
    def paragraph(self, segs: list[Seg], font: str, size: float, align: str = "justify",
                  indent_chars: float = 2.0, space_after: float = 0.0):
        lead = size * self.style.leading
        indent = indent_chars * size if self.style.indent else 0.0
        lines = wrap(segs, font, size, self.width, indent)
        for i, line in enumerate(lines):
            if self.y - lead < self.bottom:
                self.new_page()
            self.y -= lead
            x = self.left + (indent if i == 0 else 0.0)
            line_w = sum(fonts.width(font, s, size) for s, _ in line)
            cs = 0.0
            if align == "center":
                x = self.left + (self.width - line_w) / 2
            elif align == "justify" and self.style.justify and i < len(lines) - 1:
                n = sum(len(s) for s, _ in line)
                avail = self.width - (x - self.left) - line_w
                if n > 1 and 0 < avail < size * 1.5:
                    # ReportLab prints Tc with one decimal; round here so recorded origins match.
                    cs = math.floor(avail / (n - 1) * 10) / 10
            self.text(x, self.y + (lead - size) / 2, line, font, size, cs)
        self.y -= space_after

    # tables ---------------------------------------------------------------
    def _cell_lines(self, cell: Cell, w: float, font: str, size: float):
        if cell.vertical:
            chars = [ch for s, _ in cell.segs for ch in s if not ch.isspace()]
            roles = [r for s, r in cell.segs for ch in s if not ch.isspace()]
            return [[(ch, r)] for ch, r in zip(chars, roles)]
        return wrap(cell.segs, font, size, max(size, w - 4))

    def table(self, t: Table, font: str, size: float, orientation: str | None = None):
        lead = size * 1.3
        colx = [0.0]
        for f in t.col_widths:
            colx.append(colx[-1] + f)
        layouts = {}
        row_h = [size * 1.9] * t.n_rows
        for cell in t.cells:
            w = (colx[cell.col + cell.colspan] - colx[cell.col]) * self.width
            lines = self._cell_lines(cell, w, font, size)
            layouts[id(cell)] = lines
            need = len(lines) * lead + 6
            if cell.rowspan == 1:
                row_h[cell.row] = max(row_h[cell.row], need)
        for cell in t.cells:
            if cell.rowspan > 1:
                need = len(layouts[id(cell)]) * lead + 6
                span = sum(row_h[cell.row:cell.row + cell.rowspan])
                if span < need:
                    last = cell.row + cell.rowspan - 1
                    row_h[last] += need - span
        head_h = sum(row_h[:t.header_rows])
        # place rows on pages: segments of (rows, y positions)
        segments: list[list[tuple[int, float]]] = []
        total_h = sum(row_h)
        if orientation:
            self.new_page(orientation)
        elif self.y - 4 - (head_h + row_h[min(t.header_rows, t.n_rows - 1)]) < self.bottom or \
                (self.style.keep_tables_whole and self.y - total_h < self.bottom and total_h < self.top - self.bottom):
            self.new_page()
        y = self.y - 4
        seg: list[tuple[int, float]] = []
        for r in range(t.n_rows):
            if (y - row_h[r] < self.bottom or r == t.break_before) and seg and r >= t.header_rows:
                segments.append(seg)
                seg = []
                y = self.top
                if self.style.repeat_header:
                    for hr in range(t.header_rows):
                        seg.append((hr, y))
                        y -= row_h[hr]
            seg.append((r, y))
            y -= row_h[r]
        segments.append(seg)
        owner = {}
        for cell in t.cells:
            best = -1.0
            for si, sg in enumerate(segments):
                here = sum(row_h[r] for r, _ in sg if cell.row <= r < cell.row + cell.rowspan)
                if here > best + 1e-6:
                    best, owner[id(cell)] = here, si
        for si, seg in enumerate(segments):
            if si:
                self.new_page()
            self._draw_segment(t, seg, row_h, colx, layouts, font, size, lead, si, owner)
            self.y = seg[-1][1] - row_h[seg[-1][0]] - 6
        if orientation:
            self.new_page("portrait")

    def _draw_segment(self, t, seg, row_h, colx, layouts, font, size, lead, si, owner):
        ypos = dict(seg)
        repeated_header = si > 0 and self.style.repeat_header
        self.c.setLineWidth(0.6)
        for cell in sorted(t.cells, key=lambda c: (c.row, c.col)):
            rows = [r for r in range(cell.row, cell.row + cell.rowspan) if r in ypos]
            if not rows:
                continue
            x0 = self.left + colx[cell.col] * self.width
            x1 = self.left + colx[cell.col + cell.colspan] * self.width
            y_top = ypos[rows[0]]
            y_bot = ypos[rows[-1]] - row_h[rows[-1]]
            self.c.rect(x0, y_bot, x1 - x0, y_top - y_bot, stroke=1, fill=0)
            # A merged cell split over pages prints its text once, on the page holding
            # most of it; header rows repeat on every page when the style says so.
            in_header = cell.row < t.header_rows
            if in_header and si > 0 and not repeated_header:
                continue
            if not in_header and owner[id(cell)] != si:
                continue
            lines = layouts[id(cell)]
            block = len(lines) * lead
            ty = (y_top + y_bot) / 2 + block / 2
            for line in lines:
                ty -= lead
                lw = sum(fonts.width(font, s, size) for s, _ in line)
                if cell.align == "left":
                    tx = x0 + 3
                else:
                    tx = x0 + (x1 - x0 - lw) / 2
                self.text(tx, ty + (lead - size) / 2 + size * 0.12, line, font, size)

"""Table cell grids from ruling lines on a page raster, with merged cells, and tokens placed in cells.

Horizontal and vertical rules are isolated by morphological opening with long thin kernels
(text strokes are shorter than any cell edge). Rule positions give the grid's row and column
lines; a missing rule segment between two grid cells means the cells are merged, so a
merged cell is the union of grid cells not separated by ink. Boxes are in points.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nianbao.chains import chains
from nianbao.document import Token

from .images import PageImage
from .layout import build_lines

H_RULE_PT = 22.0  # shortest horizontal rule segment looked for (narrowest cell ~30 pt)
V_RULE_PT = 11.0  # shortest vertical rule (a 9 pt row is the lowest seen; hanzi strokes are < 9 pt)
MERGE_PT = 2.5  # rules closer than this are one rule (thick or doubled lines)
# width, height of the smallest table considered: one ruled row (a table's last row continued
# alone at the top of a page measured 19.8 pt on a phone photo; rows are ≥ 9 pt, see V_RULE_PT)
MIN_TABLE_PT = (60.0, 12.0)


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[float, float, float, float]  # points
    tokens: list[Token] = field(default_factory=list)

    _text: str | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self._read()
        return self._text

    def _read(self) -> str:
        lines = build_lines(self.tokens, page=0) if self.tokens else []
        # a cell's wrapped lines are one label: join without separators (CJK wraps anywhere)
        return "".join(ln.text.replace(" ", "") if _cjk(ln.text) else ln.text.strip() for ln in lines) \
            if len(lines) > 1 else (lines[0].text.strip() if lines else "")

    @property
    def conf(self) -> float:
        return min((t.conf for t in self.tokens), default=0.0)


def _cjk(s: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in s)


@dataclass
class Grid:
    page: int
    bbox: tuple[float, float, float, float]
    ys: list[float]  # row rule positions, points
    xs: list[float]  # column rule positions, points
    cells: list[GridCell]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, row: int, col: int) -> GridCell | None:
        for c in self.cells:
            if c.row <= row < c.row + c.rowspan and c.col <= col < c.col + c.colspan:
                return c
        return None


def _masks(grey: np.ndarray, scale: float):
    import cv2

    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                max(15, int(12 * scale) | 1), 15)
    hk = max(8, int(H_RULE_PT * scale))
    vk = max(6, int(V_RULE_PT * scale))
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (hk, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, vk)))
    # bridge one- or two-pixel breaks that noise and JPEG leave in scanned rules
    h = cv2.dilate(h, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3)))
    v = cv2.dilate(v, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 5)))
    return h, v


def longest_rules(grey: np.ndarray, scale: float) -> tuple[float, float]:
    """The longest horizontal and the longest vertical ruled line on a page raster, in points."""
    import cv2

    h, v = _masks(grey, scale)
    hs = cv2.connectedComponentsWithStats(h, connectivity=8)[2]
    vs = cv2.connectedComponentsWithStats(v, connectivity=8)[2]
    return (float(hs[1:, 2].max(initial=0)) / scale, float(vs[1:, 3].max(initial=0)) / scale)


def _cluster(vals: list[float], tol: float) -> list[float]:
    return [float(np.mean(g)) for g in chains(vals, tol)]


def _segments(mask: np.ndarray, axis: int) -> list[tuple[float, float, float]]:
    """(position, start, end) of each rule segment; axis 0 = horizontal rules."""
    import cv2

    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, _ = stats[i]
        if axis == 0:
            out.append((y + h / 2, x, x + w))
        else:
            out.append((x + w / 2, y, y + h))
    return out


def find_grids(image: PageImage, tokens: list[Token], page: int) -> list[Grid]:
    """Every ruled table on the page, with its tokens (points) assigned to cells by their centres."""
    import cv2

    s = image.scale
    h, v = _masks(image.grey, s)
    both = cv2.bitwise_or(h, v)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, hh, _ = stats[i]
        if w < MIN_TABLE_PT[0] * s or hh < MIN_TABLE_PT[1] * s:
            continue
        region = (labels[y:y + hh, x:x + w] == i).astype(np.uint8)
        hm = h[y:y + hh, x:x + w] * region
        vm = v[y:y + hh, x:x + w] * region
        g = _grid(hm, vm, x, y, s, page)
        if g is not None and len(g.cells) > 1:
            # one cell is a frame, not a table: a phone capture's page edge, a box round the text
            grids.append(g)
    grids.sort(key=lambda g: (g.bbox[1], g.bbox[0]))
    for t in tokens:
        if t.bbox is None or t.text.isspace():
            continue
        cx, cy = (t.bbox[0] + t.bbox[2]) / 2, (t.bbox[1] + t.bbox[3]) / 2
        # the innermost grid holding the token: a frame ruled round a table (a page edge a phone
        # capture shows as rules, evals30 2553/77) took every token of the page, its tables none
        inside = [g for g in grids if g.bbox[0] <= cx <= g.bbox[2] and g.bbox[1] <= cy <= g.bbox[3]]
        if inside:
            g = min(inside, key=lambda g: (g.bbox[2] - g.bbox[0]) * (g.bbox[3] - g.bbox[1]))
            c = _locate(g, cx, cy)
            if c is not None:
                c.tokens.append(t)
                c._text = None
    return grids


def _locate(g: Grid, x: float, y: float) -> GridCell | None:
    r = int(np.searchsorted(g.ys, y)) - 1
    c = int(np.searchsorted(g.xs, x)) - 1
    if 0 <= r < g.n_rows and 0 <= c < g.n_cols:
        return g.cell_at(r, c)
    return None


def _grid(hm: np.ndarray, vm: np.ndarray, ox: int, oy: int, s: float, page: int) -> Grid | None:
    tol = MERGE_PT * s
    hseg = _segments(hm, 0)
    vseg = _segments(vm, 1)
    ys = _cluster([p for p, _, _ in hseg], tol)
    xs = _cluster([p for p, _, _ in vseg], tol)
    if len(ys) < 2 or len(xs) < 2:
        return None
    R, C = len(ys) - 1, len(xs) - 1
    band = max(2, int(tol))

    def ink_h(y: float, x0: float, x1: float) -> bool:
        """A horizontal rule at y covers most of x0..x1."""
        yi = int(round(y))
        a, b = int(x0 + band), int(x1 - band)
        if b <= a:
            return True
        strip = hm[max(0, yi - band):yi + band + 1, a:b]
        return strip.size > 0 and (strip.max(axis=0) > 0).mean() > 0.6

    def ink_v(x: float, y0: float, y1: float) -> bool:
        xi = int(round(x))
        a, b = int(y0 + band), int(y1 - band)
        if b <= a:
            return True
        strip = vm[a:b, max(0, xi - band):xi + band + 1]
        return strip.size > 0 and (strip.max(axis=1) > 0).mean() > 0.6

    parent = list(range(R * C))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(R):
        for c in range(C):
            if c + 1 < C and not ink_v(xs[c + 1], ys[r], ys[r + 1]):
                parent[find(r * C + c)] = find(r * C + c + 1)
            if r + 1 < R and not ink_h(ys[r + 1], xs[c], xs[c + 1]):
                parent[find(r * C + c)] = find((r + 1) * C + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(R):
        for c in range(C):
            groups.setdefault(find(r * C + c), []).append((r, c))
    cells = []
    for members in groups.values():
        r0 = min(m[0] for m in members)
        r1 = max(m[0] for m in members) + 1
        c0 = min(m[1] for m in members)
        c1 = max(m[1] for m in members) + 1
        bbox = ((xs[c0] + ox) / s, (ys[r0] + oy) / s, (xs[c1] + ox) / s, (ys[r1] + oy) / s)
        cells.append(GridCell(r0, c0, r1 - r0, c1 - c0, bbox))
    cells.sort(key=lambda c: (c.row, c.col))
    X = [(x + ox) / s for x in xs]
    Y = [(y + oy) / s for y in ys]
    return Grid(page, (X[0], Y[0], X[-1], Y[-1]), Y, X, cells)

"""Digits told by the shape of a cell's ink where no reading can be trusted: a flat bar (the
zero mark — the page OCR reads as 1), one upright stroke (a printed 1 the recogniser reads
as nothing in a small crop) and a closed oval with a speck at its foot (a 0 read as 9)."""
from __future__ import annotations

from .digits import SLASH_LEAN, _darkest_ink, _interior


def _splits(crop, scale: float):
    """A crop's ink as (labels, stats) twice: Otsu's split, then the ink darker than halfway from
    the paper to its darkest pixels (on a grainy photo Otsu keeps the grain too)."""
    import cv2

    _, otsu = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    yield cv2.connectedComponentsWithStats(otsu, connectivity=8)[1:3]
    dark = _darkest_ink(crop, scale)
    if dark is not None:
        yield cv2.connectedComponentsWithStats(dark, connectivity=8)[1:3]


def _inner(stats, w: int, h: int, min_area: float) -> list[int]:
    """Components off the crop's left and right edges (rule remnants touch them), not running its
    full height (a vertical rule a misplaced cell box takes in), at least `min_area` pixels."""
    return [i for i in range(1, len(stats)) if stats[i, 0] > 0 and stats[i, 0] + stats[i, 2] < w
            and stats[i, 3] < 0.95 * h and stats[i, 4] >= min_area]


GRAIN_MARKS = 8  # more marks than this in Otsu's split of one cell: paper grain, not print


def flat_bar(image, bbox_pt, inset_pt: float = 2.0) -> bool:
    """Whether a cell's ink is a flat bar (the zero mark —, 一, -) and nothing else: the page OCR
    reads such a dash as 1 (worn copies and phone photos of seeds 2484-2486: 18 printed dashes
    read as 1 at 0.5-0.84). No digit is a flat bar, so a digit read there has no ink to stand
    on. Any other mark more than 1.5 points tall (a faint digit broken into pieces keeps its
    flat foot, a 2's base) says no. Otsu's split decides, unless the paper's grain fills it (a
    phone photo): then the ink darker than halfway from the paper to its darkest pixels does."""
    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0 or crop.max() - crop.min() < 60:
        return False
    s = image.scale
    for n, (_, stats) in enumerate(_splits(crop, s)):
        marks = [stats[i] for i in _inner(stats, crop.shape[1], crop.shape[0], 0.3 * s * s)]
        if n == 0 and len(marks) > GRAIN_MARKS:
            continue
        flat = [m for m in marks if m[2] >= 2.5 * s and m[2] >= 2.5 * m[3] and m[3] <= 3.0 * s]
        if any(m[3] >= 1.5 * s for m in marks if not any(m is f for f in flat)):
            return False
        if any(m[1] == 0 or m[1] + m[3] >= crop.shape[0] for m in marks if m[3] >= 1.5 * s or m[2] >= 2.5 * s):
            return False  # ink running out of the box at its top or bottom: the box may cut a digit
        return bool(flat)
    return False


def upright_stroke(image, bbox_pt, digit_h_pt: float, inset_pt: float = 2.0) -> bool:
    """Whether a cell's ink is one printed 1: a single mark as tall as the page's digits (within
    30 %) and nothing else a third as tall, standing upright (it does not lean like the zero
    mark /), at most half as wide as tall, and through its middle half one narrow run of ink
    per row whose centre keeps its column — a 0 has two runs there (or, broken, a second mark),
    a 4 its bar, a 7 a slanting stem, 2 3 5 6 8 9 wide rows. The recogniser reads a lone 1 in
    a small crop as nothing (worn copies and phone photos of seeds 2484-2486: ten printed 1s
    left as blanks "holding digit-sized ink the re-read could not read"); its shape can."""
    import numpy as np

    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0 or crop.max() - crop.min() < 60:
        return False
    h = digit_h_pt * image.scale
    for labels, stats in _splits(crop, image.scale):
        marks = _inner(stats, crop.shape[1], crop.shape[0], 0.3 * image.scale ** 2)
        marks = [i for i in marks if stats[i, 3] >= 0.3 * h]
        if len(marks) != 1:
            continue  # grain in Otsu's split: the darkest ink may hold the mark alone
        i = marks[0]
        x, y, cw, ch = (int(v) for v in stats[i, :4])
        ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == i)
        return _one_shape(ys, xs, ch, cw, h)
    return False


def _one_shape(ys, xs, ch: int, cw: int, h: float) -> bool:
    import numpy as np

    if not 0.7 * h <= ch <= 1.3 * h or cw > 0.5 * ch:
        return False
    third = ch / 3
    top, foot = xs[ys < third], xs[ys >= ch - third]
    if not len(top) or not len(foot) or not -0.12 <= (top.mean() - foot.mean()) / ch < SLASH_LEAN:
        return False
    centres = []
    for r in range(int(0.25 * ch), int(np.ceil(0.75 * ch))):
        row = np.sort(xs[ys == r])
        if not len(row):
            return False  # a broken stroke: not read from its shape
        if row[-1] - row[0] + 1 > max(2, 0.4 * ch) or np.any(np.diff(row) > 1):
            return False  # wide, or two runs of ink
        centres.append((row[0] + row[-1]) / 2)
    return bool(centres) and max(centres) - min(centres) <= max(1.5, 0.15 * ch)


SPECK_UNDER_LOOP = 0.04  # ink under a closed loop (share of the mark's height squared): a speck, not a tail


def oval_zero(image, bbox_pt, inset_pt: float = 2.0) -> bool:
    """Whether a cell's one digit-tall mark is a closed oval with at most a speck under it: a 0,
    not the 9 the recogniser read (worn copies of seed 2491: six printed 0s with a speck of
    toner at their foot read as 9 at 0.66-0.85, 8 and 0 the alternatives). A 9's loop closes in
    its upper half and its tail runs on below it: under the counter, past a stroke as thick as
    the loop's top, a 9 keeps ≥ 0.08 of its height squared in ink (19-63 px on seeds 2491-2495)
    and a 0 with a speck 0.01-0.02 (4-8 px). A mark with no closed counter (a worn 0 broken
    open) says no."""
    hole = _hole(image, bbox_pt, inset_pt)
    if hole is None:
        return False
    top, bottom, ch, ys, _ = hole
    if top > 0.3 * ch or bottom - top < 0.3 * ch:
        return False  # the counter does not start under the top stroke, or is a pinhole
    under = int((ys >= bottom + top + 1).sum())  # below the counter and a stroke as thick as the top one
    return under <= SPECK_UNDER_LOOP * ch * ch


def _hole(image, bbox_pt, inset_pt: float = 2.0):
    """(top, bottom, mark height, ys, xs) in pixels of the largest closed counter (hole) of a cell's one
    digit-tall mark, in the mark's own frame; None when the cell holds no single mark or it
    encloses nothing."""
    import cv2
    import numpy as np

    from .digits import _one_mark

    mark = _one_mark(image, bbox_pt, inset_pt)
    if mark is None:
        return None
    ys, xs, ch = mark
    mask = np.zeros((ch + 2, int(xs.max()) + 3), np.uint8)
    mask[ys + 1, xs + 1] = 255
    contours, hier = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    holes = [cv2.boundingRect(c) for c, h in zip(contours, hier[0]) if h[3] >= 0] if hier is not None else []
    holes = [b for b in holes if b[2] * b[3] >= 2]
    if not holes:
        return None
    x, y, w, h = max(holes, key=lambda b: b[2] * b[3])
    return y - 1, y - 1 + h, ch, ys, xs

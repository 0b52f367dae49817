"""Numbers are the product: parse cell numbers, re-read doubtful ones on a tight crop, list alternatives.

OCR confuses a few digit shapes (3/8, 1/7, 0/8/6, 5/6); a low-confidence number gets every
one-digit substitution from that table as an alternative, so the reconciler can propose the
one that satisfies the accounting identities, as a suggestion beside the printed reading.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

CONFUSABLE = {
    "0": "869", "1": "74", "2": "7", "3": "85", "4": "1", "5": "63", "6": "508", "7": "12",
    "8": "3609", "9": "80",
}
LOW_CONF = 0.9  # below this a numeric cell is re-read and gets alternatives
MAX_ALTERNATIVES = 12


def to_value(text: str, ctype: str = "int"):
    """'1,234' → 1234; decimals for money; signed for change columns; None if it is not a number."""
    t = text.replace(",", "").strip()
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    if ctype == "decimal" or d != d.to_integral_value():
        return float(d)
    return int(d)


def alternatives(text: str, char_confs: list[float] | None = None, ctype: str = "int") -> list:
    """Values one confusable digit away from `text`, least confident digits first."""
    digits = [i for i, ch in enumerate(text) if ch.isdigit()]
    if char_confs and len(char_confs) == len(text):
        digits.sort(key=lambda i: char_confs[i])
    out = []
    base = to_value(text, ctype)
    for i in digits:
        for alt in CONFUSABLE.get(text[i], ""):
            cand = text[:i] + alt + text[i + 1:]
            if len(cand.lstrip("+-")) > 1 and cand.lstrip("+-")[0] == "0" and "." not in cand:
                continue  # a leading zero is never printed
            v = to_value(cand, ctype)
            if v is not None and v != base and v not in out:
                out.append(v)
    return out[:MAX_ALTERNATIVES]


def _interior(image, bbox_pt, inset_pt: float):
    s = image.scale
    x0, y0, x1, y1 = (int((bbox_pt[0] + inset_pt) * s), int((bbox_pt[1] + inset_pt) * s),
                      int((bbox_pt[2] - inset_pt) * s), int((bbox_pt[3] - inset_pt) * s))
    return image.grey[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]


def has_ink(image, bbox_pt, inset_pt: float = 2.0, min_px_pt2: float = 1.5) -> bool:
    """Whether a cell the page OCR left empty holds marks big enough to be a digit (not speckle)."""
    import cv2

    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0:
        return False
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if crop.max() - crop.min() < 60:
        return False  # flat cell: Otsu would split paper noise
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    s = image.scale
    # a digit stroke is several points tall; speckle and rule remnants are not
    tall = [i for i in range(1, n) if stats[i, 3] >= 3.5 * s and stats[i, 2] <= 0.9 * crop.shape[1]]
    if sum(int(stats[i, 4]) for i in tall) >= min_px_pt2 * s * s:
        return True
    # ...or a faint digit broken into pieces one above the other (a photocopied 7: its bar and
    # its stem apart, neither digit-tall; four 7s of seed 2495 read as blank 0s, never re-read)
    return any(y1 - y0 >= 3.5 * s and sum(int(stats[i, 4]) for i in ids) >= min_px_pt2 * s * s
               for ids, (y0, y1) in _stacked_pieces(stats, n, s, crop.shape[1]))


def _stacked_pieces(stats, n: int, scale: float, width: int) -> list[tuple[list[int], tuple[int, int]]]:
    """Marks of at least a square point that overlap across x and stand at most a piece's height
    apart: the pieces of one broken glyph, (component ids, (top, bottom)) for each group of two or
    more with a stroke among them (a column of speckle has none: a worn copy's blank cell)."""
    marks = sorted((i for i in range(1, n) if stats[i, 4] >= scale * scale and stats[i, 2] <= 0.9 * width),
                   key=lambda i: stats[i, 1])
    groups: list[list[int]] = []
    for i in marks:
        x0, x1, y0 = stats[i, 0], stats[i, 0] + stats[i, 2], stats[i, 1]
        for g in groups:
            gx0, gx1 = min(stats[j, 0] for j in g), max(stats[j, 0] + stats[j, 2] for j in g)
            bottom = max(stats[j, 1] + stats[j, 3] for j in g)
            if x0 < gx1 and gx0 < x1 and y0 - bottom <= max(stats[j, 3] for j in g + [i]):
                g.append(i)
                break
        else:
            groups.append([i])
    # a glyph's piece is a stroke (a bar as wide, or a stem as tall, as 2.5 points), and no piece is
    # digit-tall alone (that one is a digit already: a speck under a 0 is no part of it)
    return [(g, (min(stats[j, 1] for j in g), max(stats[j, 1] + stats[j, 3] for j in g)))
            for g in groups if len(g) > 1 and max(stats[j, 3] for j in g) < 3.5 * scale
            and any(max(stats[j, 2], stats[j, 3]) >= 2.5 * scale for j in g)]


def _ink(image, bbox_pt, inset_pt: float, min_contrast: int):
    """A cell's interior and its ink's connected components (Otsu, so grey scans keep whole
    strokes): (crop, n, stats), or None for a crop with no ink contrast."""
    got = _ink_labelled(image, bbox_pt, inset_pt, min_contrast)
    return None if got is None else got[:3]


def _ink_labelled(image, bbox_pt, inset_pt: float, min_contrast: int):
    """`_ink` with the label image too: (crop, n, stats, labels), for a test of one mark's shape."""
    import cv2

    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0 or crop.max() - crop.min() < min_contrast:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return crop, n, stats, labels


def glyph_count(image, bbox_pt, inset_pt: float = 2.0) -> int:
    """How many digit-tall marks stand side by side in a cell (0 for paper, a dash or speckle).
    Marks whose x-ranges overlap count once (a broken stroke); marks touching the crop's left or
    right edge are rule remnants. Used to tell a lost digit: a cell read as 0 or 5 whose crop
    holds two glyphs was misread, whatever the page OCR's confidence."""
    got = _ink(image, bbox_pt, inset_pt, 60)
    if got is None:
        return 0
    crop, n, stats = got
    s = image.scale
    w = crop.shape[1]
    spans = sorted((int(x), int(x + cw)) for x, y, cw, ch, _ in stats[1:]
                   if ch >= 3.5 * s and cw <= 0.9 * w and x > 0 and x + cw < w and ch <= 12 * cw)
    count, end = 0, -1
    for x0, x1 in spans:
        if x0 >= end:
            count += 1
            end = x1
        else:
            end = max(end, x1)
    return count


def tight_crop(image, bbox_pt, inset_pt: float = 1.2, margin_px: int = 3, pad_px: int = 8):
    """The box around a cell's digit-sized ink (Otsu, so grey scans keep whole strokes), padded
    with the cell's own background so no artificial edge is added; None for an inkless cell."""
    import numpy as np

    got = _ink(image, bbox_pt, inset_pt, 40)
    if got is None:
        return None
    crop, n, stats = got
    s = image.scale
    w = crop.shape[1]
    # a table rule's remnant is a thin mark along the crop's left or right edge: no digit (a
    # photocopy's rule beside a faint 7 was read with it as '|7', seed 2495). The cell's frame,
    # when the crop holds it whole, stays: a lone digit cut out alone is read worse (a phone
    # photo's 7 read as nothing, seed 2493)
    keep = [i for i in range(1, n) if stats[i, 3] >= 2.5 * s
            and not (stats[i, 2] <= 1.5 * s and (stats[i, 0] <= 1.5 * s or stats[i, 0] + stats[i, 2] >= w - 1.5 * s))]
    # the other pieces of a broken glyph (a faint 7's bar above its stem) stay in the crop
    keep += [i for ids, (y0, y1) in _stacked_pieces(stats, n, s, crop.shape[1])
             if y1 - y0 >= 2.5 * s for i in ids if i not in keep]
    if not keep:
        return None
    x0 = max(0, min(stats[i, 0] for i in keep) - margin_px)
    y0 = max(0, min(stats[i, 1] for i in keep) - margin_px)
    x1 = min(crop.shape[1], max(stats[i, 0] + stats[i, 2] for i in keep) + margin_px)
    y1 = min(crop.shape[0], max(stats[i, 1] + stats[i, 3] for i in keep) + margin_px)
    back = int(np.median(crop))
    return np.pad(crop[y0:y1, x0:x1], pad_px, constant_values=back)


def _darkest_ink(crop, scale: float | None = None):
    """Ink as what is darker than halfway from the paper (the crop's median) to its darkest
    pixels (0/255 mask), or None when nothing stands out of the paper by 40 grey levels: on a
    faint, grainy photo this keeps a digit's strokes where Otsu's split keeps the grain too.
    The darkest pixels are the darkest 0.5 %, or with the page's `scale` (pixels per point) at
    most two square points of them: in a wide cell (a 2021 active table's 处理决定数量, 280 pt)
    a zero mark / is a tenth of 0.5 %, and the paper's grain set the darkest level (phone photos
    of seed 2486: three /s read as 1 kept as 1, the lean test finding no mark)."""
    import numpy as np

    paper, dark = float(np.median(crop)), float(np.percentile(crop, 0.5))
    if scale:
        k = int(2 * scale * scale)
        if k < 0.005 * crop.size:
            dark = min(dark, float(np.partition(crop.ravel(), k)[k]))
    if paper - dark < 40:
        return None
    return (crop < (paper + dark) / 2).astype(np.uint8) * 255


def ink_crop(image, bbox_pt, inset_pt: float = 2.0, margin_px: int = 3, pad_px: int = 8):
    """A second crop of a cell's digits for when the tight crop read nothing: on a faint, grainy
    photo Otsu splits the paper's grain too, grain blobs join into digit-tall "ink", and the
    tight crop spans most of the cell with a small grey digit in a corner that the recogniser
    reads as nothing (phone photos of seed 2473: printed 1s, 3s, 4s lost as blanks). Here ink is
    what is darker than halfway from the paper (the median) to the darkest pixels, which keeps
    the strokes and drops the grain; the box around its digit-tall marks is stretched to black
    on white. None when the cell has no such mark."""
    import cv2
    import numpy as np

    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0 or crop.max() - crop.min() < 40:
        return None
    ink = _darkest_ink(crop, image.scale)
    if ink is None:
        return None  # no mark stands out of the paper
    paper = float(np.median(crop))
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    s = image.scale
    h, w = crop.shape
    # a mark touching the crop's edge is a rule's remnant (a photo's thick, blurred rules reach
    # past the inset), not a digit: taken in, it spread the crop over the cell again
    keep = [i for i in range(1, n) if stats[i, 3] >= 2.0 * s and stats[i, 2] <= 0.9 * w and stats[i, 3] <= 0.95 * h
            and stats[i, 0] > 0 and stats[i, 1] > 0 and stats[i, 0] + stats[i, 2] < w and stats[i, 1] + stats[i, 3] < h]
    if not keep:
        return None
    x0 = max(0, min(stats[i, 0] for i in keep) - margin_px)
    y0 = max(0, min(stats[i, 1] for i in keep) - margin_px)
    x1 = min(w, max(stats[i, 0] + stats[i, 2] for i in keep) + margin_px)
    y1 = min(h, max(stats[i, 1] + stats[i, 3] for i in keep) + margin_px)
    box = crop[y0:y1, x0:x1].astype(np.float32)
    lo = float(np.percentile(box, 1))
    out = np.clip((box - lo) / max(1.0, paper - lo) * 255, 0, 255).astype(np.uint8)
    return np.pad(out, pad_px, constant_values=255)


def read_crops(engine, crops: list) -> list[tuple[str, float]]:
    """(text, conf) for each crop, in the engine's batches where it offers them."""
    batched = getattr(engine, "read_crops", None)
    got = batched(crops) if batched else [engine.read_crop(c) for c in crops]
    return [(text, conf) for text, conf, _ in got]


def digit_slots(image, bbox_pt, digit_h_pt: float, band_pt: tuple[float, float] | None = None,
                inset_pt: float = 2.0) -> int:
    """How many digits the ink of a cell can hold: marks as tall as the page's digits
    (digit_h_pt, within 40 %), on the printed number's line (band_pt: its top and bottom, when
    the page OCR read a number there), each one digit wide or more (touching digits). A seal's
    strokes and a table rule's remnants are another height or off the line, so a re-read that
    finds more digits than this has read them (issue 24 item 6: printed 0s under a seal read as
    161010 and 10101016)."""
    got = _ink(image, bbox_pt, inset_pt, 40)
    if got is None:
        return 0
    crop, n, stats = got
    s = image.scale
    h = digit_h_pt * s
    top = (bbox_pt[1] + inset_pt) * s
    spans = []
    for x, y, cw, ch, _ in stats[1:]:
        if not 0.6 * h <= ch <= 1.4 * h:
            continue
        if band_pt is not None:
            cy = top + y + ch / 2
            if not band_pt[0] * s - 0.3 * h <= cy <= band_pt[1] * s + 0.3 * h:
                continue
        spans.append((int(x), int(x + cw)))
    spans.sort()
    merged: list[list[int]] = []
    for x0, x1 in spans:
        if merged and x0 < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    # a digit is about half as wide as it is tall (a 1 narrower: still one); a mark narrower than
    # it is tall holds one digit however blurred — two need their widths and a gap (a worn 7 or 8
    # runs 0.8 of its height wide: counted two, it let a crop's 17 and 88 through where one is
    # printed, worn copies of seed 2491)
    return sum(1 if x1 - x0 < h else round((x1 - x0) / (0.5 * h)) for x0, x1 in merged)


def _digit_marks(stats, scale: float, width: int) -> list[int]:
    """Components of a cell crop that can be digits: digit-tall, narrower than the crop, not
    touching its left or right edge (those are rule remnants)."""
    return [i for i in range(1, len(stats)) if stats[i, 3] >= 3.5 * scale and stats[i, 2] <= 0.9 * width
            and stats[i, 0] > 0 and stats[i, 0] + stats[i, 2] < width]


def _one_mark(image, bbox_pt, inset_pt: float):
    """(ys, xs, height) of the pixels of a cell's one digit-tall mark, in the mark's own frame;
    None when the cell holds no mark or more than one (what the slash and 7 tests look at)."""
    import cv2
    import numpy as np

    crop = _interior(image, bbox_pt, inset_pt)
    if crop.size == 0 or crop.max() - crop.min() < 60:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = _digit_marks(stats, image.scale, crop.shape[1])
    if len(tall) != 1:
        # a faint mark on grainy paper (a phone photo): Otsu splits the grain too and several
        # "marks" stand in the cell; ink darker than halfway from the paper to the darkest pixels
        # is the mark alone (seed 2473: /s read as 1 kept as 1, the lean test saw 4-5 marks)
        ink = _darkest_ink(crop, image.scale)
        if ink is None:
            return None
        n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        tall = _digit_marks(stats, image.scale, crop.shape[1])
        if len(tall) != 1:
            return None
    i = tall[0]
    x, y, cw, ch = (int(v) for v in stats[i, :4])
    ys, xs = np.nonzero(labels[y:y + ch, x:x + cw] == i)
    return ys, xs, ch


SLASH_LEAN = 0.15  # a slash leans 0.27-0.31 of its height, a printed 1 -0.09 to -0.01 (synth5050 scans)


def leans_like_slash(image, bbox_pt, inset_pt: float = 2.0) -> bool:
    """Whether the cell's one digit-tall mark leans like the zero mark / rather than standing
    like a 1: the centre of its top third lies right of its bottom third's by SLASH_LEAN of its
    height or more. OCR reads a printed / as 1, and a crop re-read "confirms" it (issue 24: a
    photographed page's /s read as 1 at 1.0)."""
    mark = _one_mark(image, bbox_pt, inset_pt)
    if mark is None:
        return False
    ys, xs, ch = mark
    third = ch / 3
    top, foot = xs[ys < third], xs[ys >= ch - third]
    if not len(top) or not len(foot):
        return False
    return (top.mean() - foot.mean()) / ch >= SLASH_LEAN


def ink_height(image, bbox_pt) -> float | None:
    """How tall (points) the tallest mark inside a box is: a number token's box is the OCR
    detector's, well taller than its digits (2.5 × on synthetic scans), so digit height is
    measured on the ink."""
    got = _ink(image, bbox_pt, 0.0, 60)
    if got is None:
        return None
    crop, n, stats = got
    hs = [int(stats[i, 3]) for i in range(1, n) if stats[i, 3] < crop.shape[0]]  # not a rule across it
    return max(hs) / image.scale if hs else None


def minus_before(image, bbox_pt, inset_pt: float = 1.2) -> bool:
    """Whether a short horizontal bar stands left of the cell's digits at their middle height: the
    minus of a signed change (本年增/减 -69) that a worn or faint copy prints thin and grey, and
    the page OCR drops or reads as '.' (-69 read as 69, -308 as .308)."""
    got = _ink_labelled(image, bbox_pt, inset_pt, 40)
    if got is None:
        return False
    crop, n, stats, labels = got
    s = image.scale
    w = crop.shape[1]
    digits = _digit_marks(stats, s, w)
    if not digits:
        return False
    h = max(int(stats[i, 3]) for i in digits)
    top = min(int(stats[i, 1]) for i in digits)
    left = min(int(stats[i, 0]) for i in digits)
    for i in range(1, n):
        x, y, cw, ch = (int(v) for v in stats[i, :4])
        if i in digits or x + cw > left or left - (x + cw) > 0.8 * h:
            continue  # not just left of the digits
        mid = y + ch / 2
        # up to 1.5 digit heights: a font's long minus (—1 on a worn copy of seed 2485, 0.94 h)
        if 0.2 * h <= cw <= 1.5 * h and ch <= 0.3 * h and cw >= 1.5 * ch \
                and top + 0.3 * h <= mid <= top + 0.75 * h:
            return True
    return joined_minus(labels, min(digits, key=lambda i: stats[i, 0]), stats, h)


def joined_minus(labels, first: int, stats, h: int) -> bool:
    """Whether a minus is printed touching the first digit (-426 read 426 at 0.85 on a worn copy of
    seed 2485): a run of rows at the digit's middle height, at most a quarter of it thick, reaching
    ≥ 0.25 of its height further left than every row above it. A 0's or 6's round side is thicker
    than that; a 4's crossbar sits lower and its diagonal comes down to the bar's left end; a sign
    of its own is shorter than the digits (a stamped scan of seed 2494 printed +84, +43, +22, +1
    beside their digits: the first version of this test turned them negative). A plus joined to
    its digit would pass: the caller keeps a reading whose text holds a sign."""
    import numpy as np

    x, y, cw, ch = (int(v) for v in stats[first, :4])
    if ch < 0.85 * h:
        return False  # shorter than the digits: a sign of its own, not a digit (+84 on a stamped scan)
    mark = labels[y:y + ch, x:x + cw] == first
    lefts = np.array([int(np.argmax(r)) if r.any() else cw for r in mark])
    middle = range(int(np.ceil(0.3 * ch)), int(0.7 * ch) + 1)
    reach = min(lefts[r] for r in middle)
    bar = [r for r in range(ch) if lefts[r] <= reach + 0.1 * h]
    if min(bar) < 0.3 * ch or max(bar) > 0.72 * ch or max(bar) - min(bar) + 1 > 0.25 * h \
            or max(bar) - min(bar) + 1 != len(bar):
        return False
    above = lefts[:min(bar)]
    if not len(above) or above.min() - reach < 0.25 * h:
        return False
    return True


def top_bar(image, bbox_pt, inset_pt: float = 2.0) -> float | None:
    """How wide (share of its height) the top rows of a cell's one digit-tall mark run: a 7's bar
    spans most of its width (≥ 0.4 of its height), the top of a / only its stroke. None when the
    cell holds no single mark."""
    mark = _one_mark(image, bbox_pt, inset_pt)
    if mark is None:
        return None
    ys, xs, ch = mark
    top = xs[ys < max(1, 0.15 * ch)]
    return float(top.max() - top.min() + 1) / ch if len(top) else None


# a 7's bar runs across its top, most of its height wide, over a foot a third as wide or less; a
# printed 1's flag and its foot are alike (serif faces) or both narrow (hei). Faint 7s of worn copies
# and photos whose bar the darkest-ink crop left out, read 1 (tuning scans evals30-32: 8 such 7s
# at top 0.63-0.73 and foot 0.18-0.33 of their height; 101 1s there at top ≤ 0.69, and every 1
# with a top over 0.5 had a foot over half as wide)
SEVEN_TOP = 0.6
SEVEN_FOOT = 0.5  # the foot at most this share of the top's width


def seven_shape(image, bbox_pt, inset_pt: float = 2.0) -> bool:
    """The cell's one digit-tall mark has a 7's shape: a bar across its top at least SEVEN_TOP of
    its height wide, over a foot at most SEVEN_FOOT of the bar's width."""
    mark = _one_mark(image, bbox_pt, inset_pt)
    if mark is None:
        return False
    ys, xs, ch = mark
    band = max(1, 0.15 * ch)
    top, foot = xs[ys < band], xs[ys >= ch - band]
    if not len(top) or not len(foot):
        return False
    top_w = float(top.max() - top.min() + 1) / ch
    foot_w = float(foot.max() - foot.min() + 1) / ch
    return top_w >= SEVEN_TOP and foot_w <= SEVEN_FOOT * top_w

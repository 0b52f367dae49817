"""A page image as it arrived → the grey page the OCR and the grid reader see.

Three repairs, each behind a cheap check so plain grey scans pay a few milliseconds:
- stamp ink (红章 and blue stamps): stamp ink is coloured, print is black. On coloured pixels
  inside seal-shaped colour blobs the grey value is taken from the ink's brightest channel (red
  ink is bright in red, blue ink in blue), scaled so stamp-only pixels become paper; black print
  under the seal is dark in every channel and stays. The seal's characters never reach the OCR.
- photographed pages: the page's quadrilateral (brighter than the desk around it) is found on
  a small copy and warped flat (a perspective transform onto its measured width and height).
- uneven light: the paper's brightness is estimated (ink removed by a max filter on a small
  copy) and divided out, when it varies enough to matter.
Orientation and skew come after this (orient.py, images.deskew).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CHECK_SIDE = 600  # px on the long side of the copies the checks work on
INK_COLOUR = 30  # red or blue excess (ink_colour, paper white-balanced) of clear stamp ink...
INK_WEAK = 15  # ...and of pale ink around it (a light blue stamp in a JPEG: 15-50; paper, print: < 10)
SEAL_MIN_MM = 10  # a seal or stamp blob is at least this big on both sides, at most SEAL_MAX_MM...
SEAL_MAX_MM = 90
SEAL_MAX_ASPECT = 3.0  # ...and not a long line (a red 红头 title stays: it is text)
PAGE_RATIO = 0.6  # paper is at least this bright against the brightest paper near it; a desk is not
GHOST = 0.85  # under a removed seal, what is lighter than this share of the paper is paper
LIGHT_SPREAD = 40  # grey levels of paper brightness spread above which light is evened out


@dataclass
class Prepared:
    grey: np.ndarray
    notes: list[str] = field(default_factory=list)
    quad: np.ndarray | None = None  # page corners found in the input (px), when it was flattened
    stamps: list[tuple[int, int, int, int]] = field(default_factory=list)  # stamp ink removed (px, this frame)


def _factor(img: np.ndarray) -> int:
    return max(1, -(-max(img.shape[:2]) // CHECK_SIDE))


def _small(img: np.ndarray) -> tuple[np.ndarray, float]:
    """A copy about CHECK_SIDE px on the long side, by an integer factor (OpenCV's fast path)."""
    import cv2

    k = _factor(img)
    if k == 1:
        return img, 1.0
    h, w = img.shape[:2]
    return cv2.resize(img[:h - h % k, :w - w % k], None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_AREA), 1 / k


def ink_colour(rgb: np.ndarray) -> np.ndarray:
    """How much redder or bluer than its other channels each pixel is (stamp ink: 100+; black
    print, paper, lamp-tinted paper, a brown desk: under 35)."""
    r, g, b = (rgb[..., i].astype(np.int16) for i in range(3))
    return np.clip(np.maximum(r - np.maximum(g, b), b - np.maximum(r, g)), 0, 255).astype(np.uint8)


def white_balance(rgb: np.ndarray) -> np.ndarray:
    """Per-channel gains that make the paper grey (warm lamp light tints a whole photo)."""
    paper = np.percentile(rgb.reshape(-1, 3), 75, axis=0).astype(np.float32)
    return paper.max() / np.maximum(paper, 1.0)


def _balanced(rgb: np.ndarray, gains: np.ndarray) -> np.ndarray:
    return np.clip(rgb.astype(np.float32) * gains, 0, 255).astype(np.uint8)


def seal_boxes(rgb: np.ndarray, dpi: float) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1, full-size px) of seal-shaped blobs of red or blue ink."""
    import cv2

    k = _factor(rgb)
    small = _balanced(rgb[::k, ::k], white_balance(rgb[::k, ::k]))  # sampling finds blobs mm wide
    colour = ink_colour(small)
    strong = colour > INK_COLOUR
    if strong.sum() < 20:
        return []
    mm = dpi / k / 25.4  # small-image pixels per millimetre
    # pale ink (a light blue stamp) is only faintly coloured: blobs grow over faint colour and
    # count when they hold strongly coloured pixels; the ring, star and characters of one seal
    # join into one blob
    ink = cv2.dilate((colour > INK_WEAK).astype(np.uint8),
                     cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(3, int(2 * mm)) | 1,) * 2))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    held = np.bincount(labels[strong], minlength=n)
    out = []
    for i, (x, y, w, h, _) in enumerate(stats[1:], start=1):
        if held[i] < 20 or min(w, h) < SEAL_MIN_MM * mm or max(w, h) > SEAL_MAX_MM * mm \
                or max(w, h) > SEAL_MAX_ASPECT * min(w, h):
            continue
        pad = 2 * mm
        out.append((int(max(0, (x - pad) * k)), int(max(0, (y - pad) * k)),
                    int(min(rgb.shape[1], (x + w + pad) * k)), int(min(rgb.shape[0], (y + h + pad) * k))))
    return _merge(out)


def luminance(img: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.cvtColor(img, cv2.COLOR_RGBA2GRAY if img.shape[2] == 4 else cv2.COLOR_RGB2GRAY)


def remove_seals(rgb: np.ndarray, grey: np.ndarray, boxes, paper: np.ndarray) -> np.ndarray:
    """`grey` with the stamp ink inside `boxes` turned to paper (print under it kept). `paper`: the
    paper's brightness on a small copy (paper_level), so shadows and uneven light do not count as ink."""
    import cv2

    out = grey.copy()
    fy, fx = paper.shape[0] / grey.shape[0], paper.shape[1] / grey.shape[1]
    k = _factor(rgb)
    gains = white_balance(rgb[::k, ::k])
    for x0, y0, x1, y1 in boxes:
        sub = _balanced(rgb[y0:y1, x0:x1], gains)
        colour = ink_colour(sub)
        stamp_px = colour > INK_WEAK
        if stamp_px.sum() < 10:
            continue
        a0, b0 = int(x0 * fx), int(y0 * fy)
        a1, b1 = max(a0 + 1, int(np.ceil(x1 * fx))), max(b0 + 1, int(np.ceil(y1 * fy)))
        level = cv2.resize(paper[b0:b1, a0:a1].astype(np.float32), (x1 - x0, y1 - y0),
                           interpolation=cv2.INTER_LINEAR)
        level = np.maximum(level, 1.0)
        lum = grey[y0:y1, x0:x1].astype(np.float32) / level
        top = sub.max(axis=2).astype(np.float32) / level
        # stamp ink in its own channel is nearly as bright as paper: scale it to paper
        top *= 1.0 / max(float(np.median(top[stamp_px])), 0.05)
        # weight: 0 for grey pixels (print, paper; JPEG leaves them a few levels of colour), 1 from
        # faintly tinted ones on (thin ink, and the colour JPEG smears past the ink's edges)
        w = np.clip((colour.astype(np.float32) - 6) / 14, 0, 1)
        lifted = lum * (1 - w) + np.minimum(top, 1.0) * w
        # what stays light grey where the ink was (JPEG halos, thin ink at its edges) is paper:
        # print under the seal is far darker than this
        near = cv2.dilate((colour > 12).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        lifted[near & (lifted > GHOST)] = 1.0
        out[y0:y1, x0:x1] = np.clip(lifted * level, 0, 255).astype(np.uint8)
    return out


def _merge(boxes: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Overlapping boxes as one (a seal whose ring broke into pieces is still one seal)."""
    boxes = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return boxes


def find_page(grey: np.ndarray, small: tuple[np.ndarray, float] | None = None) -> np.ndarray | None:
    """The page's four corners (px, clockwise from top left) when the image shows the page on a
    darker background (a photo); None when the page fills the image (a scan). `small`: _small(grey)
    when the caller has it."""
    import cv2

    small, f = small or _small(grey)
    h, w = small.shape
    b = max(2, int(0.02 * max(h, w)))
    border = np.concatenate([small[:b].ravel(), small[-b:].ravel(), small[:, :b].ravel(), small[:, -b:].ravel()])
    centre = small[h // 4:3 * h // 4, w // 4:3 * w // 4]
    paper = float(np.percentile(centre, 75))
    back = float(np.median(border))
    if paper - back < 40:
        return None  # the edges are paper too: nothing to flatten
    # paper against the brightest thing near it: shadows and uneven light darken paper and desk
    # alike and change slowly, so shadowed paper is still as bright as the paper next to it, while
    # the desk is far darker than the page it touches (a global threshold cuts shadowed paper off)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    # the brightest paper within 15 % of the image's size (on a quarter-size copy: it changes slowly)
    tiny = cv2.resize(blur, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    k = int(0.3 * max(h, w) / 4) | 1
    near = cv2.resize(cv2.dilate(tiny, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))), (w, h),
                      interpolation=cv2.INTER_LINEAR)
    mask = (blur.astype(np.float32) > PAGE_RATIO * near).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    centre_label = labels[h // 2, w // 2]
    if centre_label == 0:
        return None
    contours, _ = cv2.findContours((labels == centre_label).astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_NONE)
    outline = max(contours, key=cv2.contourArea)
    c = cv2.convexHull(outline)
    area = cv2.contourArea(c)
    if not 0.2 * h * w < area < 0.97 * h * w:
        return None
    peri = cv2.arcLength(c, True)
    for eps in (0.01, 0.02, 0.03, 0.05):
        quad = cv2.approxPolyDP(c, eps * peri, True)
        if len(quad) == 4:
            break
    else:
        return None
    if not cv2.isContourConvex(quad) or cv2.contourArea(quad) < 0.85 * area:
        return None
    quad = _order(quad.reshape(4, 2).astype(np.float32))
    return _refine(quad, outline.reshape(-1, 2).astype(np.float32)) / f


def _refine(quad: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Corners as the intersections of lines fitted to each side's outline points (sub-pixel;
    the polygon's vertices are outline pixels, one small-image pixel is ~4 page pixels)."""
    import cv2

    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        d = b - a
        length = float(np.linalg.norm(d))
        if length < 1:
            return quad
        u = d / length
        t = (pts - a) @ u
        off = np.abs((pts - a) @ np.array([-u[1], u[0]]))
        side = pts[(t > 0.1 * length) & (t < 0.9 * length) & (off < 3)]
        if len(side) < 10:
            return quad
        vx, vy, x0, y0 = cv2.fitLine(side, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        lines.append((np.array([x0, y0]), np.array([vx, vy])))
    out = []
    for i in range(4):
        (p1, d1), (p2, d2) = lines[i - 1], lines[i]
        m = np.array([d1, -d2]).T
        if abs(np.linalg.det(m)) < 1e-6:
            return quad
        s = np.linalg.solve(m, p2 - p1)
        out.append(p1 + s[0] * d1)
    return np.array(out, np.float32)


def _order(pts: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left (by angle round the centre,
    starting from the corner nearest the image's top left)."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coordinates (y down)
    start = int(np.argmin(pts.sum(axis=1)))
    return np.roll(pts, -start, axis=0)


def flatten_transform(quad: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """The 3×3 perspective matrix that takes the quadrilateral onto a rectangle of its measured
    width and height, and that size."""
    import cv2

    tl, tr, br, bl = quad
    w = int(round((np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2))
    h = int(round((np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return cv2.getPerspectiveTransform(quad.astype(np.float32), dst), (w, h)


def flatten(grey: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quadrilateral warped onto a rectangle of its measured width and height (grey or RGB)."""
    import cv2

    m, (w, h) = flatten_transform(quad)
    return cv2.warpPerspective(grey, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def paper_level(grey: np.ndarray, dpi: float, small: tuple[np.ndarray, float] | None = None) -> tuple[np.ndarray, float]:
    """The paper's brightness on a small copy (ink removed by a max filter wider than a character
    stroke, then smoothed), and its spread (p95 - p5)."""
    import cv2

    small, f = small or _small(grey)
    k = max(3, int(dpi * f / 25.4 * 6)) | 1  # 6 mm: wider than any stroke, narrower than the light's changes
    back = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    back = cv2.GaussianBlur(back, (0, 0), k / 2)
    lo, hi = np.percentile(back, (5, 95))
    return back, float(hi - lo)


def even_light(grey: np.ndarray, back: np.ndarray) -> np.ndarray:
    """`grey` divided by the paper's brightness (scaled up from the small estimate), paper → 245."""
    import cv2

    full = cv2.resize(back, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, np.maximum(full, 1), scale=245)


def prepare(image: np.ndarray, dpi: float) -> Prepared:
    """Grey or RGB page image → the grey page to read (see the module docstring)."""
    notes = []
    rgb = image[:, :, :3] if image.ndim == 3 else None
    grey = luminance(image) if rgb is not None else image
    small = _small(grey)
    # the page first: stamps are then looked for on paper only (a brown desk is not a seal)
    quad = find_page(grey, small)
    if quad is not None:
        grey = flatten(grey, quad)
        rgb = flatten(rgb, quad) if rgb is not None else None
        small = _small(grey)
        notes.append("photographed page: flattened to its quadrilateral")
    boxes = []
    if rgb is not None:
        boxes = seal_boxes(rgb, dpi)
        if boxes:
            grey = remove_seals(rgb, grey, boxes, paper_level(grey, dpi, small)[0])
            notes.insert(0, f"{len(boxes)} stamp(s) of coloured ink removed before OCR")
    back, spread = paper_level(grey, dpi, small)
    if spread > LIGHT_SPREAD:
        grey = even_light(grey, back)
        notes.append("uneven light evened out")
    return Prepared(np.ascontiguousarray(grey), notes, quad, list(boxes))

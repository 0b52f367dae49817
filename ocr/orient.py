"""Pages scanned sideways or upside down: which way the text runs, found before and after OCR.

Sideways is cheap to see without a model: characters of a text line sit closer together than
lines do, so smearing ink along the line direction by a third of a character joins each line
into one long blob, and smearing across it does not. Upside down is not visible that way
(Chinese has no ascenders or descenders), so `ocr_page` reads a page again turned 180° only
when its first reading is unusually unsure; upright pages, nearly all of them, pay nothing.
"""
from __future__ import annotations

import numpy as np

WORK_SIDE = 1000  # px on the long side: characters stay ~15 px, enough to measure
DOUBTFUL_CONF = 0.8  # mean confidence per character below which the 180° reading is tried


def _elongated(ink: np.ndarray, kernel: tuple[int, int], along_x: bool, size: float) -> int:
    import cv2

    smeared = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    n, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    w, h = stats[1:, 2], stats[1:, 3]
    long_, short = (w, h) if along_x else (h, w)
    return int(((long_ >= 2.5 * short) & (long_ >= 2 * size) & (short <= 2.5 * size)).sum())


def is_sideways(grey: np.ndarray) -> bool:
    """Whether the text lines run top to bottom (the page was scanned turned by 90°)."""
    import cv2

    f = WORK_SIDE / max(grey.shape)
    img = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else grey
    _, ink = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[1:, 2], stats[1:, 3]
    # character-sized marks only: table rules and page borders would join everything
    ok = (w >= 3) & (h >= 3) & (w <= 60) & (h <= 60)
    if ok.sum() < 30:
        return False
    keep = np.zeros(n, dtype=np.uint8)
    keep[1:][ok] = 255
    chars = keep[labels]
    # hanzi often fall apart into stroke components; the large ones are whole characters
    size = float(np.percentile(np.maximum(w[ok], h[ok]), 90))
    k = max(2, int(round(size / 3)))
    across = _elongated(chars, (1, k), along_x=False, size=size)
    along = _elongated(chars, (k, 1), along_x=True, size=size)
    # a clear majority only: a sparse page must not be turned on a coin toss
    return across > 2 * along and across >= 3


def reading_confidence(lines) -> tuple[float, int]:
    """(mean confidence per character, characters) of the engine's lines of two characters or
    more that run left to right (wider than tall): rapidocr turns tall line crops itself, so a
    sideways page can read confidently as vertical lines and must not win a turn on them."""
    lines = [ln for ln in lines if len(ln.text) >= 2 and ln.box[2] - ln.box[0] >= ln.box[3] - ln.box[1]]
    n = sum(len(ln.text) for ln in lines)
    if n == 0:
        return 0.0, 0
    return sum(ln.conf * len(ln.text) for ln in lines) / n, n

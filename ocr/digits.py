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


def reread(engine, image, bbox_pt, inset_pt: float = 1.2, pad_px: int = 6):
    """Read a numeric cell again from a tight crop of the page raster: (number text, conf) or None."""
    import numpy as np

    s = image.scale
    x0, y0, x1, y1 = (int((bbox_pt[0] + inset_pt) * s), int((bbox_pt[1] + inset_pt) * s),
                      int((bbox_pt[2] - inset_pt) * s), int((bbox_pt[3] - inset_pt) * s))
    g = image.grey
    crop = g[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if crop.size == 0:
        return None
    ink = crop < 128
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return None
    # tight box around the ink, then a white margin like the recogniser was trained on
    crop = crop[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    crop = np.pad(crop, pad_px, constant_values=255)
    text, conf, _ = engine.read_crop(crop)
    return text, conf

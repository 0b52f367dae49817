"""OCR one page image into Lines with per-character boxes (points, origin top-left)."""
from __future__ import annotations

import numpy as np

from nianbao.document import Line, Token

from .engine import OcrEngine, OcrLine
from .images import PageImage, deskew
from .layout import CELL_GAP as LAYOUT_CELL_GAP
from .layout import build_lines
from .orient import DOUBTFUL_CONF, is_sideways, reading_confidence
from .prep import luminance, prepare


def _space_after(text: str, chars: list[str]) -> list[bool]:
    """For each character token, whether the engine's line text has a space right after it."""
    out, pos = [], 0
    for c in chars:
        j = text.find(c, pos)
        if j < 0:
            out.append(False)
            continue
        pos = j + len(c)
        out.append(pos < len(text) and text[pos].isspace())
    return out


def ocr_tokens(ocr_lines: list[OcrLine], scale: float) -> list[Token]:
    """Character tokens in points; lines without per-character boxes are split evenly (lower confidence)."""
    toks: list[Token] = []
    for ln in ocr_lines:
        if ln.chars:
            boxes = [list(t.bbox) for t in ln.chars]
            spaced = _space_after(ln.text, [t.text for t in ln.chars])
            for k in range(len(boxes) - 1):
                a, b = boxes[k], boxes[k + 1]
                h = max(a[3] - a[1], 1.0)
                # the engine's per-char boxes are estimates with gaps inside a word; close them
                # unless the engine itself read a space there or the gap is a column break
                if not spaced[k] and 0 < b[0] - a[2] < LAYOUT_CELL_GAP * h:
                    mid = (a[2] + b[0]) / 2
                    a[2], b[0] = mid, mid
            for t, b in zip(ln.chars, boxes):
                toks.append(Token(t.text, (b[0] / scale, b[1] / scale, b[2] / scale, b[3] / scale), conf=t.conf))
            continue
        chars = [c for c in ln.text if not c.isspace()]
        if not chars:
            continue
        x0, y0, x1, y1 = ln.box
        w = (x1 - x0) / len(chars)
        for i, c in enumerate(chars):
            b = (x0 + i * w, y0, x0 + (i + 1) * w, y1)
            toks.append(Token(c, tuple(v / scale for v in b), conf=ln.conf * 0.9))
    return toks


def ocr_page(engine: OcrEngine, image: np.ndarray, dpi: float, page_no: int, first_line: int = 1,
             straighten: bool = True) -> tuple[list[Line], PageImage]:
    """One page raster (grey or RGB) → lines; the kept PageImage is the page as read (stamps
    removed, flattened, light evened, deskewed, turned upright: prep.py, images.deskew, orient.py)."""
    skew, rotation, notes = 0.0, 0, []
    if straighten:
        prepared = prepare(image, dpi)
        grey, notes = prepared.grey, prepared.notes
        # skew first (up to ±15°, modulo quarter turns): the sideways test needs level lines
        grey, skew = deskew(grey)
        if is_sideways(grey):
            grey, rotation = np.ascontiguousarray(np.rot90(grey, k=-1)), 90  # clockwise; 270 shows as upside down
    else:
        grey = image if image.ndim == 2 else luminance(image)
    read = engine.recognize(grey)
    if straighten:
        conf, n = reading_confidence(read)
        if n and conf < DOUBTFUL_CONF:
            turned = np.ascontiguousarray(grey[::-1, ::-1])
            again = engine.recognize(turned)
            if reading_confidence(again)[0] > conf + 0.05:
                grey, read, rotation = turned, again, (rotation + 180) % 360
    scale = dpi / 72
    lines = build_lines(ocr_tokens(read, scale), page_no, first_line)
    return lines, PageImage(grey, scale, skew, rotation, notes)

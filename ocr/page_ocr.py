"""OCR one page image into Lines with per-character boxes (points, origin top-left)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nianbao.document import Line, Token, map_box

from .engine import OcrEngine, OcrLine
from .images import PageImage, deskew, deskew_transform
from .layout import CELL_GAP as LAYOUT_CELL_GAP
from .layout import build_lines
from .orient import DOUBTFUL_CONF, is_sideways, reading_confidence
from .prep import flatten_transform, prepare


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


def _turned(grey: np.ndarray, clockwise: int) -> np.ndarray:
    return np.ascontiguousarray(np.rot90(grey, k=-(clockwise // 90)))


SPARSE_CHARS = 80  # a page read with fewer characters may be sideways where the ink test missed it
SPARSE_DOUBTFUL_CONF = 0.95  # below this a sparse page is read upside down too


RULES_DOWN_RATIO = 3.0  # a page's longest vertical rule this many times its longest horizontal one
SIDEWAYS_CONF_SLACK = 0.05  # a turned reading of a page the rules call sideways may read this much worse


def _rules_run_down(grey: np.ndarray, scale: float) -> bool:
    """The page's ruled lines run top to bottom: its longest vertical rule is several times its
    longest horizontal one (at least a table row's height, so a page with no table says no)."""
    from .grid import longest_rules

    across, down = longest_rules(grey, scale)
    return down > RULES_DOWN_RATIO * max(across, 20.0)


def _sideways(engine: OcrEngine, grey: np.ndarray):
    """A sideways page turned upright: clockwise or counter-clockwise, whichever reads with more
    confidence (upside-down CJK text can still read at > 0.8 per character, so the 180° check
    alone does not catch a quarter turn the wrong way). Returns (page, turn, reading)."""
    cw, ccw = _turned(grey, 90), _turned(grey, 270)
    a, b = engine.recognize(cw), engine.recognize(ccw)
    return (ccw, 270, b) if reading_confidence(b)[0] > reading_confidence(a)[0] else (cw, 90, a)


MORE_TEXT_CHARS = 20  # characters a turned reading must add to win on the amount of text


def _reads_much_more(n: int, conf: float, m: int, c: float) -> bool:
    """The page turned 180° reads at least twice the text (in lines of two characters or more),
    20 characters more, at no lower confidence. Upside-down hanzi mostly fall below the engine's
    score floor and vanish, while the page's upside-down digits still read as digits with
    confidence, so such a page's mean can sit within 0.05 of its turned reading (a phone capture
    of seed 2492: 0.948 on 4 characters, 0.988 on 67 turned; its requests rows were never found).
    Upright text turned 180° reads less and worse, never twice as much."""
    return m >= 2 * n and m >= n + MORE_TEXT_CHARS and c >= conf


def _mostly_lone_marks(lines) -> bool:
    """Two thirds or more of a page's lines (three at least) read one character each: what is left
    of a page turned 180° when its hanzi fall below the engine's score floor and its digits read
    on (a phone capture of seed 2492: 7 of 9 lines, at 0.948, just below the 0.95 that made a
    sparse page doubtful). Upright sparse pages of seeds 2492 and 2494 read 0 or 1 such line."""
    lone = sum(1 for ln in lines if len(ln.text.strip()) == 1)
    return lone >= 3 and 3 * lone >= 2 * len(lines)


def _retry_turns(engine: OcrEngine, grey: np.ndarray, read, conf: float, n: int, quarters: bool = True):
    """An unsure reading: the page turned 180° (and, for a sparse page, 90° and 270°: the ink test
    needs text to see a sideways page) is read again; a turn that reads ≥ 0.05 more confidently wins.
    `quarters=False` (a sparse page that read fairly well): 180° only, and it must also read more
    characters (0, 1, 8 read the same either way up). Returns (page, turn, reading)."""
    best = (grey, 0, read)
    best_conf = conf + 0.05
    if not read:
        quarters = False  # a page that read nothing: only upside-down text hides that well
    # upside down first, and it wins when it clears the bar: a table turned a quarter reads its
    # dashes and ones (一, 1 turned) as confident left-to-right lines too
    upside = None  # (confidence, characters) of an upside-down reading that won
    for turns in ((180,), (90, 270) if n < SPARSE_CHARS and quarters else ()):
        for turn in turns:
            turned = _turned(grey, turn)
            again = engine.recognize(turned)
            c, m = reading_confidence(again)
            if not quarters and m <= n:
                continue  # a sparse page: turned digits read as digits, so it must read more too
            if upside is not None and not (c >= DOUBTFUL_CONF and _reads_much_more(upside[1], upside[0], m, c)):
                continue  # over a doubtful upside-down reading a quarter turn wins on much more text only
            if c > best_conf or (turn == 180 and _reads_much_more(n, conf, m, c)):
                best, best_conf = (turned, turn, again), c
                if turn == 180:
                    upside = (c, m)
        if best[1] and (best[1] != 180 or best_conf >= DOUBTFUL_CONF):
            # a doubtful upside-down reading asks the quarter turns too: a stamped scan's
            # requests page lying sideways read its lines top to bottom (none across) and, turned
            # 180°, 2 characters at 0.54 — which cleared the bar; turned 90° it read 192 at 0.98
            # (evals31 2565/57: the rest of its requests table, 53 cells, unread or misplaced)
            break
    return best


@dataclass
class Straightened:
    """A page raster made ready to read, before any OCR: stamps removed, flattened, light
    evened, deskewed, and whether its lines run top to bottom. Needs no engine, so the next
    page can be straightened while this one is read (pdf.py)."""
    grey: np.ndarray
    skew: float = 0.0
    notes: list[str] = field(default_factory=list)
    stamps: list = field(default_factory=list)  # pixel boxes on the prepared page
    flat: np.ndarray = field(default_factory=lambda: np.eye(3))  # image given → prepared page, pixels
    upright: np.ndarray = field(default_factory=lambda: np.eye(3))  # prepared page → deskewed page
    sideways: bool = False


def straighten(image: np.ndarray, dpi: float) -> Straightened:
    """prep.py, then skew (up to ±15°, modulo quarter turns: the sideways test needs level lines)."""
    prepared = prepare(image, dpi)
    out = Straightened(prepared.grey, notes=prepared.notes, stamps=prepared.stamps)
    if prepared.quad is not None:
        out.flat = flatten_transform(prepared.quad)[0]
    shape = out.grey.shape
    out.grey, out.skew = deskew(out.grey)
    if out.skew:
        out.upright = np.vstack([deskew_transform(shape, out.skew)[0], [0, 0, 1]])
    out.sideways = is_sideways(out.grey)
    return out


def ocr_page(engine: OcrEngine, image: np.ndarray, dpi: float, page_no: int, first_line: int = 1,
             straight: Straightened | None = None) -> tuple[list[Line], PageImage]:
    """One page raster (grey or RGB) → lines; the kept PageImage is the page as read (stamps
    removed, flattened, light evened, deskewed, turned upright: prep.py, images.deskew, orient.py).
    `straight` is `straighten(image, dpi)` when the caller has it already."""
    straight = straight or straighten(image, dpi)
    grey, skew, notes, stamps = straight.grey, straight.skew, straight.notes, straight.stamps
    flat, upright, rotation = straight.flat, straight.upright, 0
    if straight.sideways:
        grey, rotation, read = _sideways(engine, grey)
    else:
        read = engine.recognize(grey)
    conf, n = reading_confidence(read)
    if not read or conf < DOUBTFUL_CONF:  # n == 0 with lines read: they all ran top to bottom;
        # nothing read at all (a stamped scan of seed 2494: a page with one heading, upside down)
        grey, turn, read = _retry_turns(engine, grey, read, conf, n)
        rotation = (rotation + turn) % 360
    elif read and n < SPARSE_CHARS and (conf < SPARSE_DOUBTFUL_CONF or (
            _mostly_lone_marks(read) and not _rules_run_down(grey, dpi / 72))):  # that is sideways: below
        # a sparse page (a table continued with a few rows, mostly digits): upside-down digits
        # still read as digits, so its mean stays above DOUBTFUL_CONF (a phone capture of seed
        # 2475 turned 180°: 0.84 on 16 characters, 0.99 on 77 turned; its rows went in reversed)
        grey, turn, read = _retry_turns(engine, grey, read, conf, n, quarters=False)
        rotation = (rotation + turn) % 360
    if read and n < SPARSE_CHARS and rotation in (0, 180) and _rules_run_down(grey, dpi / 72):
        # a sparse page whose ruled lines run down it is lying sideways: a table is printed wider
        # than tall (a phone capture of seed 2484: the appeals row continued alone on a page
        # photographed sideways; the ink test needs text lines, the digits read one per line
        # with confidence, and the table's 15 values went to the text path as 15 lines)
        turned, turn, again = _sideways(engine, grey)
        if reading_confidence(again)[0] >= conf - SIDEWAYS_CONF_SLACK:
            grey, read, rotation = turned, again, (rotation + turn) % 360
    scale = dpi / 72
    lines = build_lines(ocr_tokens(read, scale), page_no, first_line)
    if rotation:
        h, w = grey.shape[:2]  # the page as read; before the turn it was (w, h) or (h, w)
        upright = _turn_matrix((w, h) if rotation in (90, 270) else (h, w), rotation) @ upright
    # the stamps were found on the prepared page; they follow it through deskew and turns
    stamps = [tuple(v / scale for v in map_box(upright.ravel(), b)) for b in stamps]
    image = PageImage(grey, scale, skew, rotation, notes, stamps)
    warp = upright @ flat
    if not np.allclose(warp, np.eye(3)):
        # points of the page as read → points of the page as given (same pixels per point)
        s_ = np.diag([scale, scale, 1.0])
        image.to_source = tuple(float(v) for v in (np.linalg.inv(s_) @ np.linalg.inv(warp) @ s_).ravel())
    return lines, image


def _turn_matrix(shape: tuple[int, int], clockwise: int) -> np.ndarray:
    """Pixels of a page of `shape` (h, w) → pixels of that page turned clockwise."""
    h, w = shape
    if clockwise == 90:
        return np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], dtype=float)
    if clockwise == 180:
        return np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=float)
    return np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], dtype=float)  # 270

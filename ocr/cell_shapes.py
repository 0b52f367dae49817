"""Doubtful cell readings the ink's shape overrules (ink_shapes.py): a 9 whose one mark is a closed
oval with a speck at its foot is a 0. (A minus that is a speck of toner was tried too and taken
out: on phone photos a printed minus is as short and thick as a speck, see docs/ocr.md.) Only
readings the page OCR made below 0.9 (doubtful, whatever a crop re-read said since) are looked
at; the value changed is the ink's, and the reading stays first among the alternatives, at most
0.8 — the shape decided, no recogniser did."""
from __future__ import annotations

import unicodedata

from nianbao.document import Cell

SHAPE_CONF = 0.8  # at most: a shape read it, no recogniser did
DOUBTFUL = 0.9  # readings at or above this are left to the recogniser
OVAL_REASON = "read '9', but its one mark is a closed oval with a speck at its foot, no tail: a 0"


def _text(cell: Cell) -> str:
    return "".join(unicodedata.normalize("NFKC", cell.text or "").split())


def _overrule(cell: Cell, value, reason: str) -> None:
    read = cell.value
    cell.alternatives = [read] + [a for a in cell.alternatives if a not in (read, value)]
    cell.value = value
    cell.confidence = min(cell.confidence, SHAPE_CONF)
    cell.reason = "; ".join(filter(None, [cell.reason, reason]))


def settle_shapes(cells: dict[str, Cell], pages: dict, doubtful: set[str] = frozenset()) -> None:
    """Every OCR'd cell read below 0.9 as a lone 9, checked against its ink;
    `doubtful`: cells the page OCR read below 0.9 that a crop re-read has "confirmed" since (a
    worn copy of seed 2491: a specked 0 read 9 by both, the crop at ≥ 0.9)."""
    from .ink_shapes import oval_zero

    for key, cell in cells.items():
        page = pages.get(cell.page)
        if page is None or page.source != "ocr" or page.image is None or cell.bbox is None or cell.blank \
                or (cell.confidence >= DOUBTFUL and key not in doubtful) or not isinstance(cell.value, (int, float)):
            continue
        text = _text(cell)
        if cell.value == 9 and text == "9" and oval_zero(page.image, cell.bbox):
            _overrule(cell, 0, OVAL_REASON)

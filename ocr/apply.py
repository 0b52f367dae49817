"""Merge grid cells into a document the text-line extractor has already assembled.

For PDFs and images the grid reading is preferred (it knows cell boundaries, blanks and
merged cells, and re-reads doubtful digits); the text path's cells fill every key the grid
did not find. Where both read a number and disagree, the text path's value is kept as the
first alternative, so the reconciler can still choose it.
"""
from __future__ import annotations

from dataclasses import replace

from nianbao import cell_writer, variants
from nianbao.document import RASTER_KINDS, Document
from nianbao.schema.equations import broken, equations

GRID_KINDS = RASTER_KINDS  # pages that are rasters: their ruling lines can be found
OCR_BLANK_CONF = 0.85  # at most, for a blank no grid cell confirms on an OCR'd page
# at most, for a page reading restored over a re-read: two readings of the cell disagreed, and
# an identity can hold by one misread making up for another
RESTORED_CONF = 0.85


def apply_grid(doc: Document, engine=None) -> int:
    """Replace doc.fields entries with grid-read cells; returns how many keys the grid supplied."""
    if doc.source.kind not in GRID_KINDS or not doc.format or not any(p.image is not None for p in doc.pages):
        return 0
    if any(p.source == "ocr" for p in doc.pages):
        if engine is None or isinstance(engine, str):  # a name (ExtractOptions.engine) or the default
            from .engine import get_engine
            engine = get_engine(engine)
    elif isinstance(engine, str):
        engine = None  # no OCR'd page: nothing to re-read
    from .assemble_grid import assemble_grid

    page_readings: dict = {}
    cells = assemble_grid(doc, fmt=doc.format, engine=engine, page_readings=page_readings)
    # the grid may see the aggregate （六）其他处理 row the text path missed
    variants.decide_aggregate(doc, variants.GRID, any(k in cells for k in variants.aggregate_keys(doc.format)))
    printed = set(variants.printed_keys(doc.format, doc.aggregate))
    cells = {k: c for k, c in cells.items() if k in printed}
    if any(p.source == "ocr" for p in doc.pages):
        # a blank the text path inferred from OCR'd lines where no grid cell was read: the page OCR
        # drops lone digits, so the printed cell may hold a number nobody saw
        for key, old in doc.fields.items():
            if key not in cells and old.blank and old.bbox is None and old.confidence > OCR_BLANK_CONF:
                old.confidence = OCR_BLANK_CONF
    for key, cell in cells.items():
        old = doc.fields.get(key)
        if old is not None and old.value is not None and cell.value is not None and old.value != cell.value:
            cell.alternatives = [old.value] + [a for a in cell.alternatives if a != old.value]
        if cell.value is None and old is not None and old.value is not None:
            cell_writer.decline(doc, key, cell, stage="grid", why="the grid could not read it; the text path could")
            continue
        cell_writer.write(doc, key, cell, stage="grid", why="read in the table's grid (cell boundaries, blanks, re-read digits)")
    page_readings_accepted(doc, {k: r for k, r in page_readings.items() if doc.fields.get(k) is cells.get(k)})
    return len(cells)


def page_readings_accepted(doc: Document, page_readings: dict) -> list[str]:
    """A tight-crop re-read does not beat a page reading the identities accept: where every
    identity through a re-read cell holds, read in full, with the page OCR's reading and one
    breaks with the re-read, the page reading is restored (the re-read stays an alternative).
    A crop holds seal strokes and rule remnants as well as digits (issue 24 item 6: printed 0s
    under a seal read again as 161010). Returns the keys restored."""
    if not doc.format or not page_readings:
        return []
    eqs = equations(doc.format, doc.aggregate)
    vals = {k: c.value for k, c in doc.fields.items() if not isinstance(c.value, bool)}
    restored = []
    for key, (value, text, blank) in page_readings.items():
        cell = doc.fields.get(key)
        mine = [eq for eq in eqs if key in eq.keys()]
        if cell is None or value is None or not mine or not any(ch.isdigit() for ch in text or ""):
            continue  # only a number the page OCR read: a blank it saw may be a digit it lost
        trial = dict(vals, **{key: value})
        if any(trial.get(k) is None for eq in mine for k in eq.keys()):
            continue  # an identity with an unread cell cannot accept a reading
        if broken(mine, trial) or not broken(mine, vals):
            continue
        why = (f"page OCR reading {text or 'blank'!s} kept: the identities hold with it "
               f"(a tight-crop re-read gave {cell.text!r})")
        cell_writer.write(doc, key, replace(
            cell, value=value, text=text, blank=blank, reason=why,
            alternatives=[cell.value] + [a for a in cell.alternatives if a not in (cell.value, value)],
            confidence=min(cell.confidence, RESTORED_CONF)),  # two readings disagreed
            stage="grid", why=why)
        vals[key] = value
        restored.append(key)
    return restored

"""A cell's confidence after the identities have spoken: what its evidence supports.

The readers give each cell the confidence of its reading (a text layer's character, an OCR
score, a placement rule, the token model's softmax — which combine caps where the model alone
read a value). The identities then take evidence away; they never add it, because a reader that
places values by fitting the identities (blank cells, run-together digits) makes them hold
whether it placed right or not. At most CAP (below the 0.9 a user may trust unseen):
- a check through the cell breaks: something in it is wrong, and it may be this cell;
- on an OCR'd page, a cell read as blank (no ink recognised) that no check vouches for, or only
  checks whose every cell reads 0 (a faint 1 lost in a part and in its total keeps 0 = 0 + 0),
  or that sits in such a check with a cell a broken check suspects;
- on an OCR'd page, a value no check vouches for whose OCR score is below OCR_SURE, or a signed
  value (本年增/减) printed without a sign the OCR saw (a lost minus reads as a plus);
- a value no check vouches for read where stamp ink was removed before OCR: what the stamp left
  can read as confident digits (a 0 under a blue seal read as 1170 at 0.999 on an unseen photo).
On 100 unseen synthetic scans (seed 3031, docs/eval.md) each rule covers what went wrong
unseen: blank active cells 191/196 right, the appeals row of lost 1s, 163/165 unsigned changes,
unchecked reads below 0.999 63/64 (1019/1019 at or above).

A cell no identity checks (verified None: the 2019 format's first table, the 2021 active
table's independent columns, procurement, fees, or partners left unread) has nothing but its
reading behind it, so it claims 0.9 or more only when that reading is unambiguous by
construction (`unguarded`): a grid cell of a web or Word table, or a PDF/scan cell located by
its position, in a row whose cells all come from one printed row. Otherwise at most CAP, with
the reason: a blank inferred without the table's geometry, a row that printed more cells than
columns, a row whose cells come from different printed rows (a value taken from another row),
or a value read from text that keeps no geometry (a dump, scraped text: which row a number
belongs to is the reader's inference). An unseen 2019-format report put 规范性文件's 3 | 3 | 5
into the 行政许可 row at 0.8–0.99 with no flag (issue 24).
"""
from __future__ import annotations

from nianbao import schema
from nianbao.document import Cell, Document

from nianbao.schema.checks import Check

CAP = 0.85
OCR_SURE = 0.999
SIGNS = set("+-－−﹣")


def _signed(key: str, fmt: str) -> bool:
    table, rest = key.split(".", 1)
    try:
        return schema.col_type(table, fmt, rest.rsplit(".", 1)[1]) == "signed"
    except KeyError:
        return False


def _weak_on_ocr(key: str, cell: Cell, fmt: str, vouched_nonzero: set[str]) -> bool:
    if cell.blank and not cell.text.strip():
        return key not in vouched_nonzero
    if cell.verified is not None:
        return False
    if _signed(key, fmt) and not any(ch in SIGNS for ch in cell.text):
        return True
    return cell.confidence < OCR_SURE


def settle(doc: Document, cks: list[Check]) -> None:
    vals = {k: c.value for k, c in doc.fields.items()}
    broken = {k for k, c in doc.fields.items() if c.verified is False}
    # zeros that add up, one of which a broken check suspects of a lost digit: then the others
    # lost one too (0 = 0 + 0 holds only if every lost digit is lost again in its total)
    shaken = {k for c in cks if c.vouches and not any(vals.get(x) for x in c.coef) and broken & c.coef.keys()
              for k in c.coef}
    vouched_nonzero = {k for c in cks if c.vouches and any(vals.get(x) for x in c.coef) for k in c.coef} - shaken
    ocr_pages = {p.number for p in doc.pages if p.source == "ocr"}
    stamps = {p.number: p.stamps for p in doc.pages if p.stamps}
    rows = _printed_rows(doc)
    for key, cell in doc.fields.items():
        if cell.value is None or isinstance(cell.value, bool):
            continue
        if cell.verified is None:
            why = unguarded(cell, rows.get(key.rsplit(".", 1)[0], []))
            if why and cell.confidence > CAP:
                cell.confidence = CAP
                cell.reason = "; ".join(filter(None, [cell.reason, f"no identity checks it and {why}"]))
        on_ocr = cell.page in ocr_pages if cell.page is not None else bool(ocr_pages)
        if cell.verified is False or (on_ocr and _weak_on_ocr(key, cell, doc.format, vouched_nonzero)):
            cell.confidence = min(cell.confidence, CAP)
        elif cell.verified is not True and _under_stamp(cell, stamps.get(cell.page, ())):
            cell.confidence = min(cell.confidence, CAP)
            cell.reason = "; ".join(filter(None, [cell.reason, "read where a stamp was removed; no identity checks it"]))


def _under_stamp(cell: Cell, boxes) -> bool:
    if not cell.bbox or not boxes:
        return False
    x0, y0, x1, y1 = cell.bbox
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in boxes)


# reasons a reader gives a row that printed more numbers than it has columns (assemble/tables.py)
MORE_CELLS = ("cells for", "numbers for", "dropped", "kept the first")


def _printed_rows(doc: Document) -> dict[str, list[Cell]]:
    """Cells by table row (key without its column): the row's cells read with it."""
    out: dict[str, list[Cell]] = {}
    for key, cell in doc.fields.items():
        if cell.value is not None and not isinstance(cell.value, bool):
            out.setdefault(key.rsplit(".", 1)[0], []).append(cell)
    return out


def _one_band(a: tuple, b: tuple) -> bool:
    """Two boxes on one printed line: their vertical extents overlap."""
    return a[1] < b[3] and b[1] < a[3]


def _rows_apart(cell: Cell, mates: list[Cell]) -> bool:
    """The cell's row mates were read from another printed row than the cell: another grid row
    of a web/Word table, another page, or a box that shares no line with it."""
    for m in mates:
        if m is cell:
            continue
        if cell.table_cell and m.table_cell and cell.table_cell[:2] != m.table_cell[:2]:
            return True
        if cell.bbox and m.bbox and (cell.page != m.page or not _one_band(cell.bbox, m.bbox)):
            return True
    return False


def unguarded(cell: Cell, mates: list[Cell]) -> str | None:
    """Why a reading nothing checks is not unambiguous by construction (None: it is)."""
    placed = cell.table_cell is not None or cell.bbox is not None
    if cell.blank and not cell.text.strip() and not placed:
        return "the blank was inferred without the table's geometry"
    if cell.reason and any(w in cell.reason for w in MORE_CELLS):
        return "its row printed more cells than columns"
    if _rows_apart(cell, mates):
        return "its row's cells come from different printed rows"
    if not placed:
        return "it was read from text that keeps no table geometry"
    return None

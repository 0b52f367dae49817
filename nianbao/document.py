"""The one document object that flows through every stage.

ingest fills `source` and `pages` (lines, and tokens with boxes where known); the OCR stage
adds lines to image pages; the model stage adds token labels; assembly fills `fields`,
`metrics`, `agency`, `year`, `format`; the reconciler appends `flags`. No stage reaches into
another's internals: each reads and writes these attributes only.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# input kinds (source.kind): a reader per kind (nianbao.readers) gives the same Document; these
# names are the only spelling of a kind — the pipeline, the OCR stage and the readers use them
SCANNED_PDF, DIGITAL_PDF, TEXT, IMAGE, HTML, DOCX, WORD, OFD = (
    "scanned_pdf", "digital_pdf", "text", "image", "html", "docx", "word", "ofd")
KINDS = (SCANNED_PDF, DIGITAL_PDF, TEXT, IMAGE, HTML, DOCX, WORD, OFD)
# kinds whose lines carry page geometry (boxes on pages): the token model reads their layout
GEOMETRY_KINDS = frozenset({SCANNED_PDF, DIGITAL_PDF, IMAGE, OFD})
# kinds whose pages are rasters: the table-grid stage reads their ruling lines
RASTER_KINDS = frozenset({SCANNED_PDF, DIGITAL_PDF, IMAGE})
# kinds whose tables come as markup grids (HTML, Word): cells name their grid coordinate
STRUCTURED_KINDS = frozenset({HTML, DOCX, WORD})


@dataclass
class Token:
    """A unit of text with its position: a word, a number or a single character."""
    text: str
    bbox: tuple[float, float, float, float] | None = None  # PDF points, origin top-left
    conf: float = 1.0
    label: str | None = None  # role assigned by the model stage (BIO tag)
    label_conf: float | None = None


@dataclass
class Line:
    text: str
    number: int  # 1-based line number within the document's text (plain text) or page
    page: int | None = None  # 1-based page number; None for plain text
    bbox: tuple[float, float, float, float] | None = None
    conf: float = 1.0
    tokens: list[Token] = field(default_factory=list)
    # a table row read from a structured source (HTML, Word): the (table, row, col) grid
    # coordinate of each tab-separated field of `text`, so a cell's evidence names its grid cell
    cells: list[tuple[int, int, int]] | None = None


@dataclass
class Page:
    number: int  # 1-based
    width: float | None = None  # points
    height: float | None = None
    lines: list[Line] = field(default_factory=list)
    source: str = "text"  # text | text_layer | ocr
    image: Any = None  # rendered page image, when a stage needs one
    # boxes (points, the page as read) where stamp ink was removed before OCR: what is read there
    # may carry traces of the stamp
    stamps: list[tuple[float, float, float, float]] = field(default_factory=list)
    # a scan straightened before reading (flattened, deskewed, turned): 3×3 row-major matrix from
    # points of the page as read (every box above) to points of the page as published, and that
    # page's size; None when the two are the same
    to_source: tuple[float, ...] | None = None
    source_size: tuple[float, float] | None = None

    def box_on_source(self, box):
        """A box of the page as read, as the box around it on the page as published."""
        if box is None or self.to_source is None:
            return box
        x0, y0, x1, y1 = map_box(self.to_source, box)
        if self.source_size:
            sw, sh = self.source_size
            x0, x1 = min(max(x0, 0.0), sw), min(max(x1, 0.0), sw)
            y0, y1 = min(max(y0, 0.0), sh), min(max(y1, 0.0), sh)
        return (x0, y0, x1, y1)


def map_box(m, box) -> tuple[float, float, float, float]:
    """The box around a box's corners mapped by a 3×3 projective matrix, given row-major (9 numbers)."""
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        w = m[6] * x + m[7] * y + m[8]
        xs.append((m[0] * x + m[1] * y + m[2]) / w)
        ys.append((m[3] * x + m[4] * y + m[5]) / w)
    return (min(xs), min(ys), max(xs), max(ys))


@dataclass
class Source:
    path: str
    sha256: str = ""
    kind: str = "text"
    pages: int = 0
    # pages of the file this report occupies, when the file holds more than one report
    page_range: tuple[int, int] | None = None


@dataclass
class Cell:
    """One canonical table cell: the value as printed and the evidence for it."""
    value: int | float | None
    text: str = ""
    confidence: float = 0.0
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    blank: bool = False
    reason: str | None = None  # why value is None, or a note on how it was read
    alternatives: list[int | float] = field(default_factory=list)
    # (table, row, column) of the cell in a structured source's table grid (HTML, Word), 0-based
    # over every table of the document, rows and columns after spans are expanded
    table_cell: tuple[int, int, int] | None = None
    # True: an identity through the cell holds and none breaks; False: one breaks; None: unchecked
    verified: bool | None = None


@dataclass
class Metric:
    value: int | float | bool | None
    approx: bool = False
    unit: str = ""
    evidence: str = ""
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float = 0.0


@dataclass
class Flag:
    identity: str
    keys: list[str]
    printed: int | float | None
    expected: int | float | None
    message: str
    suggested: dict[str, int | float] | None = None  # {key: value} that satisfies every broken identity


@dataclass(frozen=True)
class Proposal:
    """One reading a stage handed the cell writer (nianbao/cell_writer.py): what it proposed for a key,
    what was there before, why the stage proposes it, and whether it was written. Kept on the
    Document (`Document.proposals`), not in the output: it says who read a cell, not what."""
    stage: str
    key: str
    value: Any  # the proposed cell's value (None: an unread or not-printed cell)
    why: str
    taken: bool  # False: proposed, but the reading already there stands
    replaced: Any = None  # the value of the cell it replaced (None also when there was none)
    had: bool = False  # a cell was there before


@dataclass
class Document:
    source: Source
    pages: list[Page] = field(default_factory=list)
    agency: str | None = None
    year: int | None = None
    format: str | None = None
    # name and version of the token-classification model whose labels assembly used; None: rules only
    model: str | None = None
    # printed deviations from the national format that this report shows (schema `variants`)
    variants: list[str] = field(default_factory=list)
    # written only through nianbao/cell_writer.py (tests/test_cell_writer.py): every stage hands it
    # readings, and it records them in `proposals`
    fields: dict[str, Cell] = field(default_factory=dict)
    proposals: list[Proposal] = field(default_factory=list)
    metrics: dict[str, Metric] = field(default_factory=dict)
    # prose facts that are not canonical metrics but that identities check, e.g. "no_review"
    statements: dict[str, Metric] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    # the ExtractOptions it was read with (nianbao.options), as the output records them; None: not
    # made by the pipeline
    settings: dict[str, Any] | None = None

    @property
    def has_geometry(self) -> bool:
        """Its lines carry boxes on pages (PDF, image, OFD); text, web pages and Word documents
        do not, so the grid stage and the token model have nothing to read there."""
        return self.source.kind in GEOMETRY_KINDS

    @property
    def aggregate(self) -> bool:
        """The report prints the 2019-style （六）其他处理 row in a 2021 table."""
        return "aggregate_other_in_2021" in self.variants

    def verification(self) -> dict[str, int]:
        cells = list(self.fields.values())
        return {"cells": len(cells),
                "verified": sum(1 for c in cells if c.verified is True),
                "broken": sum(1 for c in cells if c.verified is False),
                "unchecked": sum(1 for c in cells if c.verified is None)}

    def lines(self) -> list[Line]:
        return [ln for p in self.pages for ln in p.lines]

    def value(self, key: str):
        cell = self.fields.get(key)
        return None if cell is None else cell.value

    def error(self, stage: str, message: str, code: str | None = None) -> None:
        """Record a failure; `code` (nianbao.errors.REASONS) is what the batch counts it under.
        The output keeps stage and message only (output.to_dict)."""
        self.errors.append({"stage": stage, "message": message, "code": code or stage})

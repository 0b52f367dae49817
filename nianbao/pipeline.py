"""The extraction pipeline: ingest → assemble (tables, metrics, meta) → reconcile.

Each stage takes the Document and enriches it; timings go to doc.timings_ms.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from .document import Document, Source
from .ingest import InputError, load, text_document


@contextmanager
def timed(doc: Document, stage: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        doc.timings_ms[stage] = doc.timings_ms.get(stage, 0.0) + (time.perf_counter() - t0) * 1000


class NotAReport(InputError):
    def __init__(self, message: str):
        super().__init__(message, stage="assemble")


def grid_cells(doc: Document) -> None:
    """Ruled tables of PDF and image pages, read cell by cell (nianbao.ocr); the text path's
    value becomes an alternative where the two disagree, and fills what the grid cannot read."""
    try:
        from .ocr import apply_grid
        apply_grid(doc)
    except ImportError as e:  # the `ocr` extra (numpy, OpenCV) is not installed
        doc.warnings.append(f"table grids skipped: {e}")


def process(doc: Document, grid: bool = True) -> Document:
    """Run every stage after ingest on a loaded document; `grid=False` keeps the text path's
    cells for PDF and image pages (an ablation of the table-grid stage)."""
    from .assemble import assemble
    from .reconcile import reconcile

    with timed(doc, "assemble"):
        assemble(doc)
    if not doc.format:
        raise NotAReport("not a 政府信息公开年度报告: none of its tables was found")
    if grid and doc.source.kind != "text":
        with timed(doc, "grid"):
            grid_cells(doc)
    with timed(doc, "reconcile"):
        reconcile(doc)
    return doc


def extract(path: str | Path, grid: bool = True) -> Document:
    """Extract one input file; never raises for a bad input: errors go to doc.errors."""
    t0 = time.perf_counter()
    doc = None
    try:
        with_timing = Document(source=Source(path=str(path)))
        with timed(with_timing, "ingest"):
            doc = load(path)
        doc.timings_ms.update(with_timing.timings_ms)
        process(doc, grid=grid)
    except InputError as e:
        doc = doc or with_timing
        doc.fields, doc.metrics, doc.flags, doc.format = {}, {}, [], None
        doc.error(e.stage, str(e))
    except Exception as e:  # a bug must not sink a batch; report it against this file
        doc = doc or with_timing
        doc.fields, doc.metrics, doc.flags, doc.format = {}, {}, [], None
        doc.error("internal", f"{type(e).__name__}: {e}")
    doc.timings_ms["total"] = (time.perf_counter() - t0) * 1000
    return doc


def extract_text(text: str, name: str = "<text>") -> Document:
    """Extract from report text already in memory (tests, notebooks, benchmarks)."""
    doc = text_document(text, Source(path=name, kind="text"))
    return process(doc)

"""Page sources: PDF text layers, page images and OCR, all into the same Document.

`load_pdf` / `load_image` (called by nianbao.ingest) give pages of Lines with one Token per
character (points, origin top-left). `assemble_grid(doc)` reads ruled tables from the page
rasters into canonical cells; the pipeline uses it for PDFs and images, with the text-line
extractor as fallback for keys it does not find.
"""
from .apply import apply_grid
from .pdf import load_image, load_pdf


def assemble_grid(doc, fmt=None, engine=None):
    """See nianbao.ocr.assemble_grid (imported lazily: it needs numpy and OpenCV, the `ocr` extra)."""
    from .assemble_grid import assemble_grid as run

    return run(doc, fmt=fmt, engine=engine)

__all__ = ["load_pdf", "load_image", "assemble_grid", "apply_grid"]

"""PDFs and image files: the OCR stage's loaders (text layer with character boxes, OCR for
scans and images), imported only when a PDF or an image is read."""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Source


def load(path: Path, source: Source) -> Document:
    from nianbao.ocr import load_pdf
    return load_pdf(path, source)


def load_image(path: Path, source: Source) -> Document:
    from nianbao.ocr import load_image as load_one
    return load_one(path, source)

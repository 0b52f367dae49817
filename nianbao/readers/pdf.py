"""PDFs: the OCR stage's loader (text layer with character boxes, OCR for scans), imported only
when a PDF is read."""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Source
from nianbao.options import ExtractOptions


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    from nianbao.ocr import load_pdf  # deferred: pypdfium2, and OpenCV/onnxruntime for scans
    return load_pdf(path, source, dpi=options.dpi, engine=options.engine)


def load(path: Path, source: Source) -> Document:
    return read(path, source, ExtractOptions.build())


def load_image(path: Path, source: Source) -> Document:
    from .image import load
    return load(path, source)

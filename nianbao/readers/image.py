"""One image file (PNG, JPEG, TIFF with several pages, BMP, GIF, WebP), read by the OCR stage."""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Source
from nianbao.options import ExtractOptions


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    from nianbao.ocr import load_image  # deferred: OpenCV and the OCR engine (the `ocr` extra)
    return load_image(path, source, engine=options.engine)


def load(path: Path, source: Source) -> Document:
    return read(path, source, ExtractOptions.build())

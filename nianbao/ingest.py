"""Turn an input file into a Document: detect its kind and hand it to its reader.

`nianbao.readers` has one reader per input kind (text, PDF, image, HTML, Word, LibreOffice
formats, OFD, a folder of page images), chosen by the file's content; each gives the same
Document. PDFs and images go to the OCR stage's loaders (`nianbao.ocr`).
"""
from __future__ import annotations

from pathlib import Path

from . import readers
from .document import Document, Source
from .errors import InputError, Missing, NotPdf, Unreadable  # noqa: F401 - InputError: old import path
from .options import ExtractOptions
# moved to their readers (issue 27: readers no longer import the orchestrator); old import paths work
from .readers.magic import IMAGE_MAGIC, sha256_of, sniff_kind  # noqa: F401
from .readers.text import MAX_TEXT_BYTES, decode_text, text_document, utf16_without_bom  # noqa: F401

# suffixes a folder walk reads as inputs (extract and batch); the readers decide by content
INPUT_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp",
                            ".html", ".htm", ".shtml", ".xhtml", ".mht", ".mhtml", ".docx", ".doc", ".wps",
                            ".rtf", ".odt", ".ofd"})


def load(path: str | Path, options: ExtractOptions | None = None) -> Document:
    """Read `path` into a Document with the reader its content calls for (nianbao.readers); a
    folder is read as the page images of one report."""
    options = options or ExtractOptions.build()
    path = Path(path)
    try:
        if not path.exists():
            raise Missing(f"no such file: {path}")
        if path.is_dir():
            from .readers import pages
            return pages.load([path], Source(path=str(path)), engine=options.engine)
        if not path.is_file():
            raise Missing(f"not a regular file: {path}")
        with open(path, "rb") as f:
            head = f.read(4096)
        source = Source(path=str(path), sha256=sha256_of(path))
    except OSError as e:  # a folder we may not enter, a file we may not read
        raise Unreadable(f"cannot read: {e.strerror or e}") from e
    kind = readers.sniff(head, path)  # Unsupported for a spreadsheet, an archive
    if path.suffix.lower() == ".pdf" and kind in ("text", "html"):  # sites serve HTML error pages under report names
        what = "an HTML page" if b"<html" in head[:1024].lower() or b"<!doctype" in head[:1024].lower() else "no PDF data"
        raise NotPdf(f"not a PDF although named .pdf: the file holds {what}")
    return readers.read(path, source, kind, options)

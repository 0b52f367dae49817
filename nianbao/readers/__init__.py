"""One reader per input kind, all giving the same Document (docs/inputs.md, docs/architecture.md).

A reader (the `Reader` protocol) says which source kinds its documents carry, whether their
lines carry page geometry, whether a file is its to read (`sniff`, from the first bytes — names
lie: a report saved from a site as `x.doc` is often HTML, and a `.txt` may hold a page's source
— and the suffix only where content cannot tell: an OLE2 file is .doc or .wps alike), and reads
it: `read(path, source, options) -> Document`. `REGISTRY` holds them in the order they are asked;
the first whose `sniff` says yes reads the file. A new input kind is a module in this folder and
one `register(...)` line (the toy Markdown-table reader in docs/architecture.md and
tests/test_reader_toy.py).

Each built-in reader's module is imported only when a file of its kind is read (PDF and image
reading imports the OCR stage, pypdfium2 and OpenCV).

| reader | reads | source.kind | geometry |
|---|---|---|---|
| pdf | text layer, OCR for scans (nianbao.ocr) | digital_pdf / scanned_pdf | yes |
| image | one image file (multi-page TIFF too) | image | yes |
| docx | Word 2007+ | docx | no |
| ofd | GB/T 33190 via ofdkit | ofd | yes |
| word | .doc .wps .rtf .odt via LibreOffice → .docx | word | no |
| html | .html .htm .shtml .xhtml, .mht web archives | html | no |
| text | UTF-8 / GB18030 / UTF-16 text | text | no |
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, runtime_checkable

from nianbao import document as kinds
from nianbao.document import Document, Source
from nianbao.errors import Unsupported
from nianbao.options import ExtractOptions

from .magic import OLE2, ZIP, is_html, is_image, is_mht, is_pdf, zip_kind

@runtime_checkable
class Reader(Protocol):
    name: str  # what `sniff` answers for the file
    kinds: tuple[str, ...]  # source.kind of the documents it gives (nianbao.document.KINDS)
    has_geometry: bool  # its pages' lines carry boxes (the grid and the token model can read them)

    def sniff(self, head: bytes, path: Path) -> bool:
        """Whether the file (its first 4 KiB, and its path where bytes cannot tell) is this reader's."""

    def read(self, path: Path, source: Source, options: ExtractOptions) -> Document:
        """The file as a Document; raises a nianbao.errors.InputError when it cannot."""


@dataclass(frozen=True)
class LazyReader:
    """A built-in reader whose module (`module.read(path, source, options)`) is imported on first use."""
    name: str
    kinds: tuple[str, ...]
    has_geometry: bool
    claims: Callable[[bytes, Path], bool]
    module: str

    def sniff(self, head: bytes, path: Path) -> bool:
        return self.claims(head, path)

    def read(self, path: Path, source: Source, options: ExtractOptions) -> Document:
        return importlib.import_module(self.module).read(path, source, options)


def _zip_of(kind: str) -> Callable[[bytes, Path], bool]:
    return lambda head, path: head.startswith(ZIP) and zip_kind(path) == kind


def _word(head: bytes, path: Path) -> bool:
    return head.startswith(OLE2) or head.lstrip()[:5] == b"{\\rtf" or \
        head.startswith(ZIP) and zip_kind(path) == "office"


REGISTRY: list[Reader] = [
    LazyReader("pdf", (kinds.DIGITAL_PDF, kinds.SCANNED_PDF), True, lambda h, p: is_pdf(h), "nianbao.readers.pdf"),
    LazyReader("image", (kinds.IMAGE,), True, lambda h, p: is_image(h), "nianbao.readers.image"),
    LazyReader("docx", (kinds.DOCX,), False, _zip_of("docx"), "nianbao.readers.docx"),
    LazyReader("ofd", (kinds.OFD,), True, _zip_of("ofd"), "nianbao.readers.ofd"),
    LazyReader("word", (kinds.WORD,), False, _word, "nianbao.readers.office"),
    LazyReader("html", (kinds.HTML,), False, lambda h, p: is_mht(h) or is_html(h), "nianbao.readers.html"),
    # anything else is read as text; a ZIP no reader above took is refused in `sniff` first
    LazyReader("text", (kinds.TEXT,), False, lambda h, p: True, "nianbao.readers.text"),
]


def register(reader: Reader, before: str = "text") -> None:
    """Add a reader, asked before the reader named `before` (text reads anything, so last)."""
    at = next((i for i, r in enumerate(REGISTRY) if r.name == before), len(REGISTRY))
    REGISTRY.insert(at, reader)


def reader(name: str) -> Reader:
    return next(r for r in REGISTRY if r.name == name)


def sniff(head: bytes, path: Path) -> str:
    """The name of the reader for a file, from its first bytes (and the suffix where bytes
    cannot tell); Unsupported for a known kind no reader reads (a spreadsheet, an archive)."""
    if head.startswith(ZIP) and not is_pdf(head):
        zip_kind(path)  # refuses spreadsheets, slides and plain archives with what they are
    return next(r.name for r in REGISTRY if r.sniff(head, path))


def read(path: Path, source: Source, kind: str, options: ExtractOptions | None = None) -> Document:
    """Read `path` with the reader `sniff` named."""
    return reader(kind).read(path, source, options or ExtractOptions.build())


__all__ = ["Reader", "LazyReader", "REGISTRY", "register", "reader", "sniff", "read", "Unsupported"]

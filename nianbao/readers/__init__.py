"""One reader per input kind, all giving the same Document (docs/inputs.md).

`sniff` decides the reader from the file's first bytes — names lie: a report saved from a site
as `x.doc` is often HTML, and a `.txt` may hold a page's source — and only uses the suffix
where the content cannot tell (an OLE2 file is .doc or .wps alike). Each reader module has
`load(path, source) -> Document` and is imported only when used.

| reader | reads | source.kind |
|---|---|---|
| pdf | text layer, OCR for scans (nianbao.ocr) | digital_pdf / scanned_pdf |
| image | one image file (multi-page TIFF too) | image |
| html | .html .htm .shtml .xhtml, .mht web archives | html |
| docx | Word 2007+ | docx |
| office | .doc .wps .rtf .odt via LibreOffice → .docx | word |
| ofd | GB/T 33190 via ofdkit | ofd |
| text | UTF-8 / GB18030 / UTF-16 text | text |
"""
from __future__ import annotations

import importlib
import zipfile
from pathlib import Path

from nianbao.document import Document, Source

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls, .et: compound files
ZIP = b"PK\x03\x04"
READERS = {
    "pdf": "nianbao.readers.pdf",
    "image": "nianbao.readers.pdf",
    "html": "nianbao.readers.html",
    "docx": "nianbao.readers.docx",
    "office": "nianbao.readers.office",
    "ofd": "nianbao.readers.ofd",
    "text": "nianbao.readers.text",
}
OFFICE_SUFFIXES = (".doc", ".wps", ".rtf", ".odt", ".dot", ".wpt")


class Unsupported(Exception):
    """The file is of a known kind that no reader reads (a spreadsheet, an archive)."""


def zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "ignore").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as e:
        raise Unsupported(f"a damaged ZIP container ({e})") from e
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if mimetype == "application/vnd.oasis.opendocument.text":
        return "office"
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names or mimetype:
        raise Unsupported(f"an office file that is not a text document ({mimetype or 'spreadsheet or slides'})")
    raise Unsupported("a ZIP archive: unpack it and extract the reports inside")


def sniff(head: bytes, path: Path) -> str:
    """The reader for a file, from its first bytes (and the suffix where bytes cannot tell)."""
    from .html import is_html, is_mht
    from nianbao.ingest import sniff_kind

    kind = sniff_kind(head, path.suffix.lower())
    if kind in ("pdf", "image"):
        return kind
    if head.startswith(ZIP):
        return zip_kind(path)
    if head.startswith(OLE2):
        return "office"
    if head.lstrip()[:5] == b"{\\rtf":
        return "office"
    if is_mht(head) or is_html(head):
        return "html"
    return "text"


def read(path: Path, source: Source, kind: str) -> Document:
    module = importlib.import_module(READERS[kind])
    if kind == "office":
        suffix = path.suffix.lower() if path.suffix.lower() in OFFICE_SUFFIXES else _office_suffix(path)
        return module.load(path, source, suffix=suffix)
    if kind == "image":
        return module.load_image(path, source)
    return module.load(path, source)


def _office_suffix(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"{\\rtf"):
        return ".rtf"
    if head.startswith(ZIP):
        return ".odt"
    return ".doc"

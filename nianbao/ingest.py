"""Turn an input file into a Document: detect its kind and hand it to its reader.

`nianbao.readers` has one reader per input kind (text, PDF, image, HTML, Word, LibreOffice
formats, OFD, a folder of page images), chosen by the file's content; each gives the same
Document. PDFs and images go to the OCR stage's loaders (`nianbao.ocr`).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .document import Document, Line, Page, Source

MAX_TEXT_BYTES = 20 * 1024 * 1024
# suffixes a folder walk reads as inputs (extract and batch); the readers decide by content
INPUT_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp",
                            ".html", ".htm", ".shtml", ".xhtml", ".mht", ".mhtml", ".docx", ".doc", ".wps",
                            ".rtf", ".odt", ".ofd"})
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8", b"RIFF")


class InputError(Exception):
    """The input cannot be read as a report; `stage` says which step refused it."""

    def __init__(self, message: str, stage: str = "ingest"):
        super().__init__(message)
        self.stage = stage


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sniff_kind(head: bytes, suffix: str) -> str:
    """'pdf', 'image' or 'text', from the file's first bytes (names lie: x.pdf may be HTML)."""
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(IMAGE_MAGIC) and not (head.startswith(b"RIFF") and head[8:12] != b"WEBP"):
        return "image"
    return "text"


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 saved without a byte-order
    mark (Windows tools do): UTF-8 and GB18030 text never holds a NUL byte, while UTF-16 puts
    one beside every ASCII character (digits, spaces, line ends: a report has many), always on
    the same side of the pair (CJK characters such as 一 U+4E00 put a few on the other side)."""
    head = data[:65536]
    if b"\x00" not in head or len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if odd > pairs * 0.05 and even * 5 <= odd:
        return "utf-16-le"
    if even > pairs * 0.05 and odd * 5 <= even:
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> str:
    """Decode report text in the encodings Chinese sites use; refuse binary garbage."""
    if not data.strip():
        raise InputError("empty input: the file has no text")
    bomless = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    elif bomless:
        try:
            text = data[:len(data) // 2 * 2].decode(bomless)
        except UnicodeDecodeError:
            raise InputError("not a text file: NUL bytes, but not UTF-16 either") from None
    else:
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError("not a text file: bytes are neither UTF-8 nor GB18030")
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    if bad > max(8, len(text) // 100):
        raise InputError("not a text file: too many control characters (binary data?)")
    return text


def text_document(text: str, source: Source) -> Document:
    # a form feed starts a new page, also in the middle of a line (pypdfium2 dumps glue the
    # page number to the next page's first line: "— 2 —\f（本列数据…")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\f")
    lines = [Line(text=t, number=i) for i, t in enumerate(text.split("\n"), 1)]
    source.pages = 1
    return Document(source=source, pages=[Page(number=1, lines=lines, source="text")])


def load(path: str | Path) -> Document:
    """Read `path` into a Document with the reader its content calls for; a folder is read as
    the page images of one report."""
    from . import readers

    path = Path(path)
    try:
        if not path.exists():
            raise InputError(f"no such file: {path}")
        if path.is_dir():
            from .readers import pages
            return pages.load([path], Source(path=str(path)))
        if not path.is_file():
            raise InputError(f"not a regular file: {path}")
        with open(path, "rb") as f:
            head = f.read(4096)
        source = Source(path=str(path), sha256=sha256_of(path))
    except OSError as e:  # a folder we may not enter, a file we may not read
        raise InputError(f"cannot read: {e.strerror or e}") from e
    try:
        kind = readers.sniff(head, path)
    except readers.Unsupported as e:
        raise InputError(f"unsupported input: {e}") from e
    if path.suffix.lower() == ".pdf" and kind in ("text", "html"):  # sites serve HTML error pages under report names
        what = "an HTML page" if b"<html" in head[:1024].lower() or b"<!doctype" in head[:1024].lower() else "no PDF data"
        raise InputError(f"not a PDF although named .pdf: the file holds {what}")
    return readers.read(path, source, kind)

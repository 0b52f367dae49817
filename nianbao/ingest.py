"""Turn an input file into a Document: detect its kind and load its pages and lines.

Text files become one page of numbered lines. PDFs and images are handed to the OCR
stage's loaders (`nianbao.ocr`), which own everything about page images and text layers.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from .document import Document, Line, Page, Source

MAX_TEXT_BYTES = 20 * 1024 * 1024
# suffixes a folder walk reads as inputs (extract and batch); the readers decide by content
INPUT_SUFFIXES = frozenset({".txt", ".text", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
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


def decode_text(data: bytes) -> str:
    """Decode report text in the encodings Chinese sites use; refuse binary garbage."""
    if not data.strip():
        raise InputError("empty input: the file has no text")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
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
    """Read `path` into a Document (text kinds fully; PDFs and images via nianbao.ocr)."""
    path = Path(path)
    try:
        if not path.exists():
            raise InputError(f"no such file: {path}")
        if not path.is_file():
            raise InputError(f"not a regular file: {path}")
        with open(path, "rb") as f:
            head = f.read(4096)
        source = Source(path=str(path), sha256=sha256_of(path))
    except OSError as e:  # a folder we may not enter, a file we may not read
        raise InputError(f"cannot read: {e.strerror or e}") from e
    kind = sniff_kind(head, path.suffix.lower())
    if kind == "pdf":
        from .ocr import load_pdf
        return load_pdf(path, source)
    if kind == "image":
        from .ocr import load_image
        return load_image(path, source)
    if path.suffix.lower() == ".pdf":  # sites serve HTML error pages under report names
        what = "an HTML page" if b"<html" in head[:1024].lower() or b"<!doctype" in head[:1024].lower() else "no PDF data"
        raise InputError(f"not a PDF although named .pdf: the file holds {what}")
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise InputError(f"text input larger than {MAX_TEXT_BYTES // (1 << 20)} MiB")
    source.kind = "text"
    return text_document(decode_text(path.read_bytes()), source)

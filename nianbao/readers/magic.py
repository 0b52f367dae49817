"""What a file is by its first bytes: the one test for PDF and image data, shared by the
readers' `sniff`, the page-image reader and the `nianbao ocr` command (names lie: x.pdf may be
HTML, a scan may be saved as .doc)."""
from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path

from nianbao.errors import Unsupported

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .wps, .xls, .et: compound files
ZIP = b"PK\x03\x04"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8", b"RIFF")


def is_pdf(head: bytes) -> bool:
    return head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]


def is_image(head: bytes) -> bool:
    """PNG, JPEG, TIFF, BMP, GIF or WebP (a RIFF that is not WebP is audio or video)."""
    return head.startswith(IMAGE_MAGIC) and not (head.startswith(b"RIFF") and head[8:12] != b"WEBP")


def sniff_kind(head: bytes, suffix: str = "") -> str:
    """'pdf', 'image' or 'text', from the file's first bytes (names lie: x.pdf may be HTML)."""
    if is_pdf(head):
        return "pdf"
    if is_image(head):
        return "image"
    return "text"


def is_mht(head: bytes) -> bool:
    h = head.lstrip()[:2048].lower()
    return (h.startswith((b"mime-version:", b"from:", b"content-type:", b"subject:", b"date:"))
            and b"multipart/related" in head.lower())


def is_html(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if h.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return True
    return bool(h[:1] == b"<" and re.search(rb"<(?:html|body|table|div|p|meta|title|head)[\s>]", h[:4096]))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def zip_kind(path: Path) -> str:
    """'docx', 'ofd' or 'office' (OpenDocument text) for a ZIP container; Unsupported for others."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype").decode("ascii", "ignore").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError) as e:
        raise Unsupported(f"unsupported input: a damaged ZIP container ({e})") from e
    if "word/document.xml" in names:
        return "docx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if mimetype == "application/vnd.oasis.opendocument.text":
        return "office"
    if "xl/workbook.xml" in names or "ppt/presentation.xml" in names or mimetype:
        raise Unsupported(f"unsupported input: an office file that is not a text document ({mimetype or 'spreadsheet or slides'})")
    raise Unsupported("unsupported input: a ZIP archive: unpack it and extract the reports inside")

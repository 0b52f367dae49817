"""PDF and image inputs.

This first version reads a PDF's text layer with pypdfium2 (permissive licence) into lines.
Pages without a usable text layer need OCR, which this version does not do yet: such a file
gets a clear error instead of a guess.
"""
from __future__ import annotations

from pathlib import Path

from nianbao.document import Document, Line, Page, Source
from nianbao.ingest import InputError

MIN_TEXT_CHARS = 20  # fewer characters than this on every page: there is no text layer to read


def load_pdf(path: Path, source: Source) -> Document:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError(f"encrypted PDF: {msg}") from e
        if _has_no_pages(path):  # pdfium refuses these with a bare "Success" code
            raise InputError("PDF has no pages") from e
        raise InputError(f"unreadable PDF: {msg}") from e
    try:
        n = len(pdf)
        if n == 0:
            raise InputError("PDF has no pages")
        source.pages = n
        pages, chars = [], 0
        line_no = 0
        for i in range(n):
            page = pdf[i]
            width, height = page.get_size()
            textpage = page.get_textpage()
            text = textpage.get_text_bounded() or ""
            lines = []
            for t in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
                line_no += 1
                lines.append(Line(text=t, number=line_no, page=i + 1))
            chars += sum(len(t.strip()) for t in text.split())
            pages.append(Page(number=i + 1, width=width, height=height, lines=lines, source="text_layer"))
        if chars < MIN_TEXT_CHARS:
            source.kind = "scanned_pdf"
            raise InputError("scanned PDF without a text layer: OCR is not available in this build", stage="ocr")
        source.kind = "digital_pdf"
        return Document(source=source, pages=pages)
    finally:
        pdf.close()


def _has_no_pages(path: Path) -> bool:
    import re
    data = path.read_bytes()
    return bool(re.search(rb"/Count\s+0\b", data)) and not re.search(rb"/Type\s*/Page(?![a-zA-Z])", data)


def load_image(path: Path, source: Source) -> Document:
    source.kind = "image"
    raise InputError("page images need OCR, which is not available in this build", stage="ocr")

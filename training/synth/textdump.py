"""The "badly extracted" text of a PDF, as real extractors produce it."""
from __future__ import annotations

import shutil
import subprocess

import pypdfium2 as pdfium


class PdftotextMissing(RuntimeError):
    pass


def pdftotext(pdf_path: str, mode: str) -> str:
    """`pdftotext -layout` or `-raw` (poppler-utils)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise PdftotextMissing("pdftotext not found: apt-get install -y poppler-utils "
                               "(listed in scripts/apt-packages.txt)")
    flag = {"layout": "-layout", "raw": "-raw"}[mode]
    res = subprocess.run([exe, "-enc", "UTF-8", flag, pdf_path, "-"], capture_output=True, check=True)
    return res.stdout.decode("utf-8", errors="replace")


def pdfium_text(pdf_path: str) -> str:
    """pypdfium2's text dump, pages separated by form feeds like pdftotext's."""
    doc = pdfium.PdfDocument(pdf_path)
    try:
        pages = []
        for page in doc:
            tp = page.get_textpage()
            pages.append(tp.get_text_range())
            tp.close()
            page.close()
        return "\f".join(pages) + "\f"
    finally:
        doc.close()

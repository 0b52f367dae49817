"""Malformed and unusual PDFs, generated on the fly (reportlab, plus a few hand-written files)."""
from __future__ import annotations

import io
import zlib
from pathlib import Path


def text_pdf(path: Path, pages: list[str], **canvas_kw) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=(595, 842), **canvas_kw)
    for text in pages:
        c.setFont("STSong-Light", 12)
        y = 800
        for line in text.split("\n"):
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


def encrypted_pdf(path: Path, user_password: str) -> Path:
    from reportlab.lib.pdfencrypt import StandardEncryption
    enc = StandardEncryption(user_password, ownerPassword="owner-secret", strength=128)
    return text_pdf(path, ["一、总体情况 this file is encrypted"], encrypt=enc)


def _assemble(objects: list[bytes]) -> bytes:
    """A PDF from numbered object bodies, with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zero_page_pdf(path: Path) -> Path:
    path.write_bytes(_assemble([b"<< /Type /Catalog /Pages 2 0 R >>",
                                b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    return path


def bomb_pdf(path: Path, side: int = 12000, page_pt: float = 595) -> Path:
    """One page whose image is side×side grey pixels of zeros: a few hundred KiB on disk,
    side² bytes once decoded."""
    comp = zlib.compressobj(9)
    row = bytes(side)
    parts = [comp.compress(row) for _ in range(side)]
    data = b"".join(parts) + comp.flush()
    content = b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (page_pt, page_pt)
    path.write_bytes(_assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>" % (page_pt, page_pt),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8"
        b" /Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream",
    ]))
    return path


def giant_page_pdf(path: Path, side_pt: float = 14400) -> Path:
    """A page 200 inches square (the PDF maximum): rendering it at 2x would be 800 M pixels."""
    return text_pdf_sized(path, side_pt)


def text_pdf_sized(path: Path, side_pt: float) -> Path:
    from reportlab.pdfgen import canvas
    c = canvas.Canvas(str(path), pagesize=(side_pt, side_pt))
    c.drawString(100, side_pt - 100, "giant page")
    c.showPage()
    c.save()
    return path

"""Page images for the annotation tasks: PDF pages rendered with pypdfium2, image inputs
copied page by page (HTML and Word reports: render.py). Boxes go to Label Studio in percent, so the dpi only sets how sharp
the page looks; 110 dpi keeps table digits legible at about 0.2 MB per A4 page."""
from __future__ import annotations

from pathlib import Path

DPI = 110
MAX_PIXELS = 6_000_000


def write_pages(source: str | Path, kind: str, dest: Path, dpi: int = DPI, doc=None) -> list[dict]:
    """PNG per page under `dest` (page-001.png, …): [{path, width_px, height_px}]. A page of
    `doc` that was straightened before it was read (a photo flattened, a tilted or turned scan)
    is shown as read: its boxes, and the token dataset pull writes, are in that frame."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    as_read = {p.number: p for p in (doc.pages if doc is not None else ())
               if p.to_source is not None and p.image is not None and p.width}
    if kind in ("digital_pdf", "scanned_pdf"):
        import pypdfium2 as pdfium
        pdf = pdfium.PdfDocument(str(source))
        try:
            from nianbao.review.render import MAX_IMAGE_PIXELS, page_image_pixels
            for i in range(len(pdf)):
                if i + 1 in as_read:
                    out.append(_save(_as_read(as_read[i + 1], dpi), dest / f"page-{i + 1:03d}.png"))
                    continue
                page = pdf[i]
                w, h = page.get_size()
                if page_image_pixels(page) > MAX_IMAGE_PIXELS:  # a decompression bomb: refuse, never decode
                    raise ValueError(f"page {i + 1} holds an image of more than {MAX_IMAGE_PIXELS:,} pixels")
                scale = dpi / 72
                if w * h * scale * scale > MAX_PIXELS:
                    scale = (MAX_PIXELS / (w * h)) ** 0.5
                img = page.render(scale=scale).to_pil()
                out.append(_save(img, dest / f"page-{i + 1:03d}.png"))
                page.close()
        finally:
            pdf.close()
    elif kind == "image":
        from PIL import Image, ImageSequence
        with Image.open(source) as im:
            for i, frame in enumerate(ImageSequence.Iterator(im)):
                if i + 1 in as_read:
                    out.append(_save(_as_read(as_read[i + 1], dpi), dest / f"page-{i + 1:03d}.png"))
                    continue
                out.append(_save(frame.convert("RGB"), dest / f"page-{i + 1:03d}.png"))
    else:
        raise ValueError(f"{source}: a {kind} input has no pages to draw boxes on; push PDFs, page images, HTML or Word reports")
    return out


def _as_read(page, dpi: int):
    from PIL import Image
    grey = page.image.grey
    scale = min(dpi / 72 * page.width / grey.shape[1], (MAX_PIXELS / grey.size) ** 0.5, 1.0)
    img = Image.fromarray(grey)
    if scale < 1:
        img = img.resize((max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale))),
                         Image.LANCZOS)
    return img


def _save(img, path: Path) -> dict:
    img.save(path, format="PNG", optimize=True)
    return {"path": path, "width_px": img.width, "height_px": img.height}

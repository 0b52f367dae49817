"""PDF pages as PNG images, and where a report's values sit on them.

Rendering runs in a guarded child process (time and memory limits, like a batch file): a PDF
that decodes to gigabytes (a decompression bomb, a giant scan) is refused by its declared
pixel counts before anything is decoded, and killed if it still grows past the limit.
"""
from __future__ import annotations

import base64
import io
import math
import re

MAX_RENDER_PIXELS = 4_000_000     # per rendered page image (about 1400×2000)
MAX_IMAGE_PIXELS = 64_000_000     # per image inside a page, decoded by pdfium at full size
TARGET_WIDTH_PX = 1000
NUMBER = re.compile(r"(?<![\d.])-?\d[\d,]*(?:\.\d+)?(?![\d.])")


def page_image_pixels(page) -> int:
    """The largest image drawn on a page, in decoded pixels (read from its header, not decoded)."""
    import pypdfium2.raw as raw
    biggest = 0
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        try:
            w, h = obj.get_px_size()
        except Exception:  # noqa: BLE001 - a damaged image header: treat as unknown, not as huge
            continue
        biggest = max(biggest, int(w) * int(h))
    return biggest


def render_scale(width_pt: float, height_pt: float, target_px: int = TARGET_WIDTH_PX,
                 max_pixels: int = MAX_RENDER_PIXELS) -> float:
    """Points→pixels scale for a page: `target_px` wide, but never more than `max_pixels` in all."""
    scale = target_px / max(width_pt, 1.0)
    area = width_pt * height_pt * scale * scale
    if area > max_pixels:
        scale *= math.sqrt(max_pixels / area)
    return scale


def _line_spans(text: str):
    """(line text, start offset) for each line, split exactly as nianbao.ocr.pdf splits them."""
    out, pos = [], 0
    norm = text.replace("\r\n", "\0\n").replace("\r", "\n")  # keep offsets: \r\n is two chars
    for part in norm.split("\n"):
        out.append((part.replace("\0", ""), pos))
        pos += len(part) + 1
    return out


def _union(boxes):
    boxes = [b for b in boxes if b]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def locate(pdf_path: str, wanted: list[dict]) -> dict:
    """Boxes (PDF points, origin top-left) for values given by page, line number and text.

    `wanted`: [{"id", "page", "line", "text"}]. A value found once on its line gets its own box
    ("token"); otherwise the whole line is boxed ("line"). Returns {id: {"bbox", "how", "line_text"}}.
    """
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        by_page: dict[int, list[dict]] = {}
        for w in wanted:
            if w.get("page"):
                by_page.setdefault(int(w["page"]), []).append(w)
        first_line = {}
        number = 0
        for i in range(len(pdf)):  # global line numbers: count lines of every page up to the last wanted
            if i + 1 > max(by_page, default=0):
                break
            first_line[i + 1] = number + 1
            number += len(_line_spans(pdf[i].get_textpage().get_text_bounded() or ""))
        out = {}
        for pno, items in by_page.items():
            if pno > len(pdf):
                continue
            page = pdf[pno - 1]
            height = page.get_size()[1]
            tp = page.get_textpage()
            text = tp.get_text_range() or ""
            exact = len(text) == tp.count_chars()
            spans = _line_spans(text)

            def box(a, b):
                bs = []
                for k in range(a, b):
                    if not text[k].isspace():
                        x0, y0, x1, y1 = tp.get_charbox(k)
                        bs.append([x0, height - y1, x1, height - y0])
                return _union(bs)

            for w in items:
                ln = w.get("line")
                idx = None
                if ln is not None:
                    for cand in (ln - first_line[pno], ln - 1):  # global numbering, else per page
                        if 0 <= cand < len(spans):
                            idx = cand
                            break
                if idx is None or not exact:
                    continue
                line_text, start = spans[idx]
                found = None
                t = (w.get("text") or "").strip()
                if t:
                    hits = [m.start() for m in re.finditer(r"(?<![\d.])" + re.escape(t) + r"(?![\d.])", line_text)]
                    if len(hits) == 1:
                        found = box(start + hits[0], start + hits[0] + len(t))
                    elif w.get("ncols"):  # a table row: the k-th of the row's trailing numbers
                        nums = list(NUMBER.finditer(line_text))
                        if len(nums) >= w["ncols"]:
                            m = nums[len(nums) - w["ncols"] + w["col"]]
                            if m.group() == t:
                                found = box(start + m.start(), start + m.end())
                if found:
                    out[w["id"]] = {"bbox": found, "how": "token", "line_text": line_text}
                else:
                    out[w["id"]] = {"bbox": box(start, start + len(line_text)), "how": "line", "line_text": line_text}
        return out
    finally:
        pdf.close()


def render_pages(pdf_path: str, max_pages: int = 60, page_range=None) -> list[dict]:
    """[{number, width, height (points), png (base64 or None), note}] for the first pages (of
    `page_range`, the report's pages when the file holds several)."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(pdf_path)
    try:
        pages = []
        first, last = (page_range[0] - 1, min(len(pdf), page_range[1])) if page_range else (0, len(pdf))
        for i in range(first, min(last, first + max_pages)):
            page = pdf[i]
            w, h = page.get_size()
            item = {"number": i + 1, "width": w, "height": h, "png": None, "note": ""}
            px = page_image_pixels(page)
            if px > MAX_IMAGE_PIXELS:
                item["note"] = f"not rendered: an image on this page has {px:,} pixels (limit {MAX_IMAGE_PIXELS:,})"
            else:
                bitmap = page.render(scale=render_scale(w, h))
                buf = io.BytesIO()
                bitmap.to_pil().save(buf, format="PNG", optimize=True)
                item["png"] = base64.b64encode(buf.getvalue()).decode("ascii")
            pages.append(item)
        if last - first > max_pages:
            pages.append({"number": None, "note": f"{last - first - max_pages} more page(s) not shown"})
        return pages
    finally:
        pdf.close()


def pdf_view(job: dict) -> dict:
    """Child-process entry: pages and value boxes for one PDF."""
    try:
        return {"pages": render_pages(job["path"], page_range=job.get("page_range")) if job.get("images", True) else [],
                "boxes": locate(job["path"], job["wanted"])}
    except Exception as e:  # noqa: BLE001 - a page that cannot be shown is reported on the page
        return {"pages": [], "boxes": {}, "error": f"{type(e).__name__}: {e}"}


def guarded_pdf_view(path: str, wanted: list[dict], images: bool = True, timeout_s: float = 120,
                     max_memory_mb: int = 2048, page_range=None) -> dict:
    from ..batch import guard
    job = {"path": path, "wanted": wanted, "images": images, "display": path, "sha256": "", "page_range": page_range}
    res = guard.run_one(job, guard.Limits(timeout_s, max_memory_mb), fn=pdf_view)
    if "summary" in res:  # the child was killed or died
        return {"pages": [], "boxes": {}, "error": res["summary"].get("error") or "rendering failed"}
    return res

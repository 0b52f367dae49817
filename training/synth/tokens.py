"""Token-level gold: the rendered PDF's own text layer, each character labelled with its role.

The renderer records what it drew (character, role, origin). pdfium returns the text layer in
its own reading order (mostly content-stream order, but it regroups pieces on one line), so
each character pdfium reads is paired with the drawn character of the same text whose origin
is nearest its own. Whitespace and pdfium's generated line breaks are dropped. A page where
some character finds no partner is reported as not exact (its unpaired tokens get role O).
"""
from __future__ import annotations

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

TOLERANCE = 2.0   # points between a drawn origin and pdfium's


def read_chars(pdf_path: str) -> list[dict]:
    """Per page: width, height (points) and the non-blank characters with loose boxes and origins."""
    out = []
    pdf = pdfium.PdfDocument(pdf_path)
    x = ctypes.c_double()
    y = ctypes.c_double()
    try:
        for page in pdf:
            w, h = page.get_size()
            tp = page.get_textpage()
            chars = []
            for i in range(tp.count_chars()):
                code = pdfium_c.FPDFText_GetUnicode(tp.raw, i)
                ch = chr(code) if code else ""
                if not ch or ch.isspace() or code < 32 or pdfium_c.FPDFText_IsGenerated(tp.raw, i) == 1:
                    continue
                pdfium_c.FPDFText_GetCharOrigin(tp.raw, i, x, y)
                chars.append((ch, tp.get_charbox(i, loose=True), (x.value, y.value)))
            out.append({"width": w, "height": h, "chars": chars})
            tp.close()
            page.close()
    finally:
        pdf.close()
    return out


def _norm_box(box, w: float, h: float) -> list[int]:
    l, b, r, t = box

    def clamp(v):
        return max(0, min(1000, int(round(v))))
    return [clamp(l / w * 1000), clamp((h - t) / h * 1000), clamp(r / w * 1000), clamp((h - b) / h * 1000)]


def _match(want: list[tuple], got: list[tuple]) -> tuple[list[str], bool]:
    """Pair each read character with the drawn one of the same text nearest its origin."""
    buckets: dict[str, list[int]] = {}
    for k, (ch, _, _, _) in enumerate(want):
        buckets.setdefault(ch, []).append(k)
    used = [False] * len(want)
    roles = []
    exact = True
    for ch, _, (ox, oy) in got:
        best, best_d = None, TOLERANCE
        for k in buckets.get(ch, ()):
            if used[k]:
                continue
            d = abs(want[k][2] - ox) + abs(want[k][3] - oy)
            if d < best_d:
                best, best_d = k, d
        if best is None:
            roles.append("O")
            exact = False
        else:
            used[best] = True
            roles.append(want[best][1])
    return roles, exact and all(used)


def label_pages(doc_id: str, drawn: list[list[tuple]], read: list[dict],
                kind: str = "digital_pdf") -> tuple[list[dict], bool]:
    """One example per page in the docs/token-dataset.md format; and whether every character paired."""
    exact = len(drawn) == len(read)
    examples = []
    for pno, page in enumerate(read):
        want = drawn[pno] if pno < len(drawn) else []
        got = page["chars"]
        roles, ok = _match(want, got)
        exact = exact and ok
        examples.append({
            "doc_id": doc_id, "page": pno + 1, "width": float(page["width"]), "height": float(page["height"]),
            "kind": kind, "tokens": [c for c, _, _ in got],
            "bboxes": [_norm_box(b, page["width"], page["height"]) for _, b, _ in got],
            "roles": roles,
        })
    return examples, exact


def transform_examples(examples: list[dict], scan_info: list[dict], kind: str = "scanned_pdf") -> list[dict]:
    """Carry digital-page tokens onto the degraded scan: each box's corners go through the page's
    pixel transform (the skew's affine, or the homography of a tilted, photographed or turned
    page), and the new box is their bounding box in the scan image's frame (0-1000 of its size;
    `width`/`height` become the scan page's size in points when the image is not the page's)."""
    import numpy as np

    out = []
    for ex, info in zip(examples, scan_info):
        if "homography" in info:
            hom = np.asarray(info["homography"], dtype=np.float64)
        else:
            hom = np.vstack([np.asarray(info["affine"], dtype=np.float64), [0, 0, 1]])
        pw, ph = info.get("page_px", info["px"])
        iw, ih = info["px"]
        boxes = []
        for x0, y0, x1, y1 in ex["bboxes"]:
            corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64)
            corners[:, 0] *= pw / 1000
            corners[:, 1] *= ph / 1000
            m = corners @ hom.T
            xs, ys = m[:, 0] / m[:, 2] / iw * 1000, m[:, 1] / m[:, 2] / ih * 1000
            boxes.append([max(0, min(1000, int(round(v)))) for v in (xs.min(), ys.min(), xs.max(), ys.max())])
        size = {}
        if "page_px" in info:
            size = {"width": round(iw / info["dpi"] * 72, 2), "height": round(ih / info["dpi"] * 72, 2)}
        out.append({**ex, **size, "kind": kind, "bboxes": boxes})
    return out


def value_centres(examples: list[dict]) -> list[list[tuple[float, float]]]:
    """Per page, the centres (0-1000) of printed table values: where a seal over a table lands."""
    out = []
    for ex in examples:
        out.append([((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for b, r in zip(ex["bboxes"], ex["roles"])
                    if r.startswith("VAL:")])
    return out

"""Scans: rasterise a rendered PDF and degrade it like a photocopier or a phone camera.

Degradations are done with OpenCV/numpy: augraphy was measured at 1-9 s per A4 page at
200 dpi for its lighting, bleed-through and photocopy effects (plus 5 s to import), which
does not fit 500 documents in 30 minutes on two cores. Each profile below combines skew
(±2°), blur, noise, uneven lighting, bleed-through and JPEG artefacts at 150-300 dpi. Two more
are pages as they arrive (capture.py): `stamped_scan` (a colour flatbed scan with red or blue
seals over tables and signatures, fed crooked up to ±15° or turned a quarter) and
`phone_capture` (a colour phone photo: the page a quadrilateral on a desk, shadow, uneven
light, tilt up to ±15°, JPEG q40-70, seals on some pages). The JPEG bytes go into the PDF
unchanged, so the scan PDF has images and no text layer.
"""
from __future__ import annotations

import random

import cv2
import numpy as np
import pypdfium2 as pdfium

from . import capture

# the first four are plain scans; a corpus of only those is made as before (generate.plan)
PLAIN = ("light_scan", "photocopy", "phone_photo", "worn_copy")
CAPTURED = ("stamped_scan", "phone_capture")
DEGRADATIONS = PLAIN + CAPTURED
cv2.setNumThreads(1)   # the corpus runs one process per core already


def _params(name: str, rng: random.Random) -> dict:
    if name == "light_scan":
        return dict(dpi=rng.choice([240, 300]), skew=rng.uniform(-0.6, 0.6), blur=rng.uniform(0, 0.5),
                    noise=rng.uniform(1, 4), light=0.0, bleed=0.0, speckle=0.0, quality=rng.randint(75, 92),
                    contrast=1.0, color=False)
    if name == "photocopy":
        return dict(dpi=rng.choice([200, 240]), skew=rng.uniform(-2, 2), blur=rng.uniform(0.4, 0.9),
                    noise=rng.uniform(4, 9), light=rng.uniform(0.0, 0.08), bleed=rng.uniform(0.04, 0.1),
                    speckle=rng.uniform(0.0005, 0.002), quality=rng.randint(55, 80), contrast=1.35, color=False)
    if name == "phone_photo":
        return dict(dpi=rng.choice([150, 180, 200]), skew=rng.uniform(-2, 2), blur=rng.uniform(0.6, 1.2),
                    noise=rng.uniform(5, 12), light=rng.uniform(0.15, 0.3), bleed=0.0, speckle=0.0,
                    quality=rng.randint(40, 70), contrast=0.9, color=True)
    if name == "worn_copy":
        return dict(dpi=rng.choice([150, 200]), skew=rng.uniform(-2, 2), blur=rng.uniform(0.7, 1.1),
                    noise=rng.uniform(6, 10), light=rng.uniform(0.05, 0.15), bleed=rng.uniform(0.08, 0.16),
                    speckle=rng.uniform(0.001, 0.003), quality=rng.randint(35, 60), contrast=1.15, color=False)
    if name == "stamped_scan":
        return dict(dpi=rng.choice([200, 240, 300]), skew=0.0, blur=rng.uniform(0.2, 0.7), noise=rng.uniform(2, 6),
                    light=rng.uniform(0.0, 0.06), bleed=0.0, speckle=0.0, quality=rng.randint(50, 85), contrast=1.0,
                    color=True, tilt=_tilt(rng), turn=_turn(rng), seal_rate=0.8, photo=False)
    if name == "phone_capture":
        return dict(dpi=rng.choice([150, 180, 200]), skew=0.0, blur=rng.uniform(0.4, 1.0), noise=rng.uniform(4, 10),
                    light=rng.uniform(0.1, 0.3), bleed=0.0, speckle=0.0, quality=rng.randint(40, 70), contrast=0.95,
                    color=True, tilt=_tilt(rng), turn=_turn(rng), seal_rate=0.4, photo=True)
    raise ValueError(f"unknown degradation {name!r}; expected one of {DEGRADATIONS}")


def _tilt(rng: random.Random) -> float:
    """A document's tilt: half crooked anywhere up to ±15°, half nearly straight."""
    return rng.uniform(-15, 15) if rng.random() < 0.5 else rng.uniform(-2, 2)


def _turn(rng: random.Random) -> int:
    """Counter-clockwise quarter turns of a document's pages (most are upright)."""
    return rng.choices((0, 1, 2, 3), (0.7, 0.1, 0.1, 0.1))[0]


def _photometric(img: np.ndarray, back: np.ndarray | None, p: dict, nrng: np.random.Generator) -> np.ndarray:
    """Bleed-through, contrast, uneven light, blur, noise, speckle (grey or colour, float32 in, uint8 out)."""
    h, w = img.shape[:2]
    out = img.astype(np.float32)
    if p["bleed"] and back is not None:
        ghost = cv2.GaussianBlur(cv2.flip(back, 1), (0, 0), 2.0).astype(np.float32)
        out -= (255.0 - ghost) * p["bleed"]
    if p["contrast"] != 1.0:
        out = (out - 128.0) * p["contrast"] + 128.0
    if p["light"]:
        # lighting varies slowly: compute it on a coarse grid and scale up
        gh, gw = 64, max(2, int(64 * w / h))
        yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
        cx, cy = nrng.uniform(0, gw), nrng.uniform(0, gh)
        d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(gw, gh)
        gain = 1.0 - p["light"] * d * 1.6 - p["light"] * 0.3 * (xx / gw)
        gain = cv2.resize(gain, (w, h), interpolation=cv2.INTER_LINEAR)
        out *= gain[..., None] if out.ndim == 3 else gain
    if p["blur"] > 0.05:
        out = cv2.GaussianBlur(out, (0, 0), p["blur"])
    # OpenCV's generator is several times faster than numpy's here; seed it per page.
    cv2.setRNGSeed(int(nrng.integers(0, 2**31 - 1)))
    noise = np.empty(out.shape, np.float32)
    cv2.randn(noise, 0.0, float(p["noise"]))
    out += noise
    if p["speckle"]:
        k = int(p["speckle"] * h * w)
        idx = nrng.integers(0, h * w, size=k)
        out.reshape(-1)[idx] = nrng.uniform(0, 90, size=k).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def _degrade(img: np.ndarray, back: np.ndarray | None, p: dict, nrng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    h, w = img.shape
    out = _photometric(img, back, p, nrng)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), p["skew"], 1.0)
    border = 235 if p["color"] else 250
    out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)
    if p["color"]:
        out = cv2.merge([(out * 0.93).astype(np.uint8), (out * 0.97).astype(np.uint8), out])  # warm paper under a lamp
    return out, m


def _capture(g: np.ndarray, p: dict, rng: random.Random, nrng: np.random.Generator,
             anchors: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray, dict]:
    """A stamped or photographed page (RGB), the homography page px → image px, and what was done."""
    h, w = g.shape
    img = np.repeat(g[:, :, None], 3, axis=2)
    seals = capture.add_seals(img, p["dpi"], rng, anchors, 1) if rng.random() < p["seal_rate"] else []
    if seals and rng.random() < 0.3:
        seals += capture.add_seals(img, p["dpi"], rng, anchors, 1)
    tilt = p["tilt"] + rng.uniform(-1.0, 1.0)
    if p["photo"]:
        hom, size = capture.perspective(w, h, rng, tilt)
        page = cv2.warpPerspective(img, hom, size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), hom, size, flags=cv2.INTER_LINEAR)
        m = mask.astype(np.float32)[..., None] / 255.0
        out = page.astype(np.float32) * m + capture.desk(size, rng, nrng) * (1 - m)
        out *= np.array([1.0, 0.97, 0.92], np.float32)  # warm indoor light
        capture.shadow(out, rng)
    else:
        hom, size = capture.tilt(w, h, tilt)
        bed = (rng.randint(238, 250),) * 3
        out = cv2.warpPerspective(img, hom, size, flags=cv2.INTER_LINEAR, borderValue=bed).astype(np.float32)
        out *= np.array([1.0, 0.99, 0.96], np.float32)  # off-white paper in a colour scan
    out = _photometric(out, None, p, nrng)
    turn = p["turn"] if rng.random() < 0.9 else _turn(rng)
    q, size = capture.quarter_turn(size[0], size[1], turn)
    out = np.ascontiguousarray(np.rot90(out, turn))
    return out, q @ hom, {"tilt": round(tilt, 2), "turn": 90 * turn, "seals": seals}


def _pdf_from_jpegs(pages: list[tuple[bytes, int, int, float, float, bool]]) -> bytes:
    """A minimal PDF: one DCTDecode image per page, filling the page."""
    objs: list[bytes] = []
    kids = []
    for i, (jpg, pw, ph, wpt, hpt, color) in enumerate(pages):
        base = 3 + i * 3
        kids.append(f"{base} 0 R")
        content = f"q {wpt:.2f} 0 0 {hpt:.2f} 0 0 cm /Im0 Do Q".encode()
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {wpt:.2f} {hpt:.2f}] "
                    f"/Resources << /XObject << /Im0 {base + 2} 0 R >> >> /Contents {base + 1} 0 R >>".encode())
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        cs = "/DeviceRGB" if color else "/DeviceGray"
        objs.append(f"<< /Type /XObject /Subtype /Image /Width {pw} /Height {ph} /ColorSpace {cs} "
                    f"/BitsPerComponent 8 /Filter /DCTDecode /Length {len(jpg)} >>\nstream\n".encode()
                    + jpg + b"\nendstream")
    head = [b"<< /Type /Catalog /Pages 2 0 R >>",
            f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()]
    allobjs = head + objs
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(allobjs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(allobjs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(allobjs) + 1, xref)
    return bytes(out)


def scan(pdf_path: str, degradation: str, rng: random.Random,
         anchors: list[list[tuple[float, float]]] | None = None) -> tuple[bytes, list[dict]]:
    """The degraded image-only PDF, and per page the parameters and the pixel transform used
    ("affine" 2 × 3 for the plain scans; "homography" 3 × 3 for stamped and photographed pages, whose
    image can be larger than the page or turned). `anchors`: per page, centres of table numbers
    (0-1000 page coordinates) where seals may land."""
    nrng = np.random.default_rng(rng.getrandbits(64))
    doc = pdfium.PdfDocument(pdf_path)
    try:
        p = _params(degradation, rng)
        grays = []
        sizes = []
        for page in doc:
            sizes.append(page.get_size())
            bmp = page.render(scale=p["dpi"] / 72, grayscale=True)
            grays.append(np.array(bmp.to_numpy()).reshape(bmp.height, bmp.width).copy())
            bmp.close()
            page.close()
    finally:
        doc.close()
    pages, info = [], []
    if degradation in CAPTURED:
        for i, g in enumerate(grays):
            h, w = g.shape
            pts = [(x / 1000 * w, y / 1000 * h) for x, y in (anchors[i] if anchors and i < len(anchors) else [])]
            img, hom, done = _capture(g, p, rng, nrng, pts)
            ok, jpg = cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, p["quality"]])
            assert ok
            ih, iw = img.shape[:2]
            pages.append((jpg.tobytes(), iw, ih, iw / p["dpi"] * 72, ih / p["dpi"] * 72, True))
            info.append({"dpi": p["dpi"], "quality": p["quality"], "homography": hom.tolist(), "px": [iw, ih],
                         "page_px": [w, h], **done})
        return _pdf_from_jpegs(pages), info
    for i, g in enumerate(grays):
        back = grays[i + 1] if i + 1 < len(grays) and grays[i + 1].shape == g.shape else None
        pp = dict(p, skew=p["skew"] + rng.uniform(-0.3, 0.3))
        img, m = _degrade(g, back, pp, nrng)
        ok, jpg = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, pp["quality"]])
        assert ok
        h, w = img.shape[:2]
        pages.append((jpg.tobytes(), w, h, sizes[i][0], sizes[i][1], pp["color"]))
        info.append({"dpi": pp["dpi"], "skew": round(pp["skew"], 3), "quality": pp["quality"],
                     "affine": m.tolist(), "px": [w, h]})
    return _pdf_from_jpegs(pages), info

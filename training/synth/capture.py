"""Pages as they arrive: red or blue seals (公章) stamped over the tables or the signature, pages fed
crooked (tilts up to ±15°) or turned a quarter, and phone photos (the page a quadrilateral on a
desk, a shadow, uneven light, colour JPEG).

Everything is colour (H × W × 3, RGB, uint8) and every geometric change is one 3 × 3 homography
from the rendered page's pixels to the output image's pixels, so token boxes can follow
(tokens.transform_examples).
"""
from __future__ import annotations

import functools
import math
import random

import cv2
import numpy as np

SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
SEAL_WORDS = ("人民政府办公室", "政务服务管理局", "政府信息公开专用章", "人民政府", "信息公开办公室", "司法局",
              "生态环境局", "自然资源和规划局", "教育局", "财政局")
STAMP_WORDS = ("已核对", "已审核", "存档", "原件相符", "此件公开发布")


@functools.cache
def _font(size: int):
    from PIL import ImageFont
    return ImageFont.truetype(SEAL_FONT, size)


def _glyph(ch: str, size: int) -> np.ndarray:
    """One character as ink coverage (float32 0..1), square, `size` px."""
    from PIL import Image, ImageDraw
    im = Image.new("L", (size, size), 0)
    ImageDraw.Draw(im).text((size / 2, size / 2), ch, fill=255, font=_font(max(6, int(size * 0.9))), anchor="mm")
    return np.asarray(im, dtype=np.float32) / 255.0


def _paste_max(dst: np.ndarray, src: np.ndarray, cx: float, cy: float) -> None:
    h, w = src.shape
    x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
    a0, b0 = max(0, x0), max(0, y0)
    a1, b1 = min(dst.shape[1], x0 + w), min(dst.shape[0], y0 + h)
    if a1 > a0 and b1 > b0:
        sub = dst[b0:b1, a0:a1]
        np.maximum(sub, src[b0 - y0:b1 - y0, a0 - x0:a1 - x0], out=sub)


def seal_alpha(diameter: int, rng: random.Random, shape: str = "round") -> np.ndarray:
    """Ink coverage of a seal: ring, star and the agency's name along the arc ("round"/"oval"), or a
    framed rectangular stamp with a short phrase ("rect"). Float32 0..1, uneven like real stamping."""
    if shape == "rect":
        w, h = diameter, int(diameter * rng.uniform(0.36, 0.5))
        a = np.zeros((h, w), np.float32)
        t = max(2, int(h * 0.07))
        cv2.rectangle(a, (t, t), (w - t - 1, h - t - 1), 1.0, t)
        word = rng.choice(STAMP_WORDS)
        size = int(min(h * 0.55, (w - 4 * t) / len(word)))
        for i, ch in enumerate(word):
            _paste_max(a, _glyph(ch, size), w / 2 + (i - (len(word) - 1) / 2) * size, h / 2)
    else:
        d = diameter
        a = np.zeros((d, d), np.float32)
        r = d / 2
        t = max(2, int(d * rng.uniform(0.025, 0.04)))
        cv2.circle(a, (d // 2, d // 2), int(r - t), 1.0, t, lineType=cv2.LINE_AA)
        star = [(d / 2 + 0.17 * d * (1 if k % 2 == 0 else 0.4) * math.sin(k * math.pi / 5),
                 d / 2 - 0.17 * d * (1 if k % 2 == 0 else 0.4) * math.cos(k * math.pi / 5)) for k in range(10)]
        cv2.fillPoly(a, [np.array(star, np.int32)], 1.0, lineType=cv2.LINE_AA)
        name = rng.choice(("某某县", "某某市", "某某区", "某某镇")) + rng.choice(SEAL_WORDS)
        size = int(d * 0.14)
        span = math.radians(rng.uniform(220, 260))
        for i, ch in enumerate(name):
            ang = -span / 2 + span * (i + 0.5) / len(name)  # 0 = top, clockwise
            g = _glyph(ch, size)
            m = cv2.getRotationMatrix2D((size / 2, size / 2), -math.degrees(ang), 1.0)
            g = cv2.warpAffine(g, m, (size, size))
            rr = r - t - size * 0.62
            _paste_max(a, g, d / 2 + rr * math.sin(ang), d / 2 - rr * math.cos(ang))
        if rng.random() < 0.5:
            word = rng.choice(("专用章", "公章", "办公室"))
            s2 = int(d * 0.1)
            for i, ch in enumerate(word):
                _paste_max(a, _glyph(ch, s2), d / 2 + (i - (len(word) - 1) / 2) * s2, d * 0.74)
        if shape == "oval":
            a = cv2.resize(a, (int(d * 1.3), int(d * 0.9)), interpolation=cv2.INTER_LINEAR)
    # uneven pressure: a slowly varying strength, with patches where little ink took
    h, w = a.shape
    nrng = np.random.default_rng(rng.getrandbits(32))
    low = cv2.resize(nrng.uniform(0.45, 1.0, (5, 5)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(nrng.uniform(0.7, 1.0, (h, w)).astype(np.float32), (0, 0), 1.0)
    a = np.clip(a * low * grain * rng.uniform(0.75, 1.0), 0, 1)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-30, 30), 1.0)
    return cv2.warpAffine(a, m, (w, h))


def seal_colour(rng: random.Random) -> tuple[float, float, float]:
    """RGB of stamp ink: mostly red (印泥), sometimes blue."""
    if rng.random() < 0.2:
        return (rng.uniform(20, 70), rng.uniform(50, 110), rng.uniform(170, 230))
    return (rng.uniform(190, 235), rng.uniform(20, 80), rng.uniform(30, 90))


def stamp(img: np.ndarray, alpha: np.ndarray, cx: float, cy: float, colour) -> None:
    """Multiply stamp ink onto an RGB page in place (ink absorbs light: printed black stays black)."""
    h, w = alpha.shape
    x0, y0 = int(cx - w / 2), int(cy - h / 2)
    a0, b0 = max(0, x0), max(0, y0)
    a1, b1 = min(img.shape[1], x0 + w), min(img.shape[0], y0 + h)
    if a1 <= a0 or b1 <= b0:
        return
    al = alpha[b0 - y0:b1 - y0, a0 - x0:a1 - x0, None]
    ink = np.array(colour, np.float32) / 255.0
    sub = img[b0:b1, a0:a1].astype(np.float32)
    img[b0:b1, a0:a1] = np.clip(sub * (1 - al * (1 - ink)), 0, 255).astype(np.uint8)


def add_seals(img: np.ndarray, dpi: float, rng: random.Random, anchors: list[tuple[float, float]],
              n: int) -> list[dict]:
    """Stamp `n` seals: over table numbers (`anchors`, pixel centres) when the page has them, over
    the signature block (lower right) or anywhere; returns where, for the manifest."""
    h, w = img.shape[:2]
    out = []
    for _ in range(n):
        shape = rng.choices(("round", "oval", "rect"), (0.7, 0.15, 0.15))[0]
        d = int(rng.uniform(36, 46) / 25.4 * dpi) if shape != "rect" else int(rng.uniform(35, 55) / 25.4 * dpi)
        where = rng.random()
        if anchors and where < 0.6:
            cx, cy = rng.choice(anchors)
            cx += rng.uniform(-0.3, 0.3) * d
            cy += rng.uniform(-0.3, 0.3) * d
            place = "table"
        elif where < 0.85:
            cx, cy = w * rng.uniform(0.6, 0.8), h * rng.uniform(0.7, 0.9)
            place = "signature"
        else:
            cx, cy = w * rng.uniform(0.15, 0.85), h * rng.uniform(0.1, 0.9)
            place = "anywhere"
        col = seal_colour(rng)
        stamp(img, seal_alpha(d, rng, shape), cx, cy, col)
        out.append({"shape": shape, "place": place, "centre": [round(cx), round(cy)], "px": d,
                    "colour": [round(c) for c in col]})
    return out


def tilt(w: int, h: int, degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """Rotation about the page centre onto a canvas that holds the whole turned page (a crooked
    feed on a larger scanner bed): the homography and the canvas size."""
    a = math.radians(degrees)
    cw = int(math.ceil(abs(w * math.cos(a)) + abs(h * math.sin(a))))
    ch = int(math.ceil(abs(w * math.sin(a)) + abs(h * math.cos(a))))
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    m[0, 2] += (cw - w) / 2
    m[1, 2] += (ch - h) / 2
    return np.vstack([m, [0, 0, 1]]), (cw, ch)


def perspective(w: int, h: int, rng: random.Random, degrees: float) -> tuple[np.ndarray, tuple[int, int]]:
    """A phone's view of the page: the page a quadrilateral (corners pulled in unevenly, turned by
    `degrees`) inside a frame with a margin of desk around it."""
    margin = rng.uniform(0.04, 0.1)
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    pull = rng.uniform(0.02, 0.08)
    top_narrow = rng.choice((1, -1)) * rng.uniform(0, pull)  # keystone: one edge further away
    jit = [(rng.uniform(-pull, pull) * 0.5 * w, rng.uniform(-pull, pull) * 0.5 * h) for _ in range(4)]
    dst = np.array([[top_narrow * w + jit[0][0], jit[0][1]], [w - top_narrow * w + jit[1][0], jit[1][1]],
                    [w + jit[2][0], h + jit[2][1]], [jit[3][0], h + jit[3][1]]], np.float32)
    # turn the quadrilateral about its centre, then fit it in the frame
    c = dst.mean(axis=0)
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]], np.float32)
    dst = (dst - c) @ rot.T
    # the frame grows with the turned page, so the page keeps its resolution
    span = dst.max(axis=0) - dst.min(axis=0)
    fw, fh = int(span[0] * (1 + 2 * margin)), int(span[1] * (1 + 2 * margin))
    dst = dst - (dst.max(axis=0) + dst.min(axis=0)) / 2 + np.array([fw / 2, fh / 2], np.float32)
    return cv2.getPerspectiveTransform(src, dst), (fw, fh)


def quarter_turn(w: int, h: int, k: int) -> tuple[np.ndarray, tuple[int, int]]:
    """np.rot90(img, k) (counter-clockwise quarter turns) as a homography, and the new size."""
    k %= 4
    if k == 0:
        return np.eye(3), (w, h)
    if k == 1:
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float), (h, w)
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float), (w, h)
    return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float), (h, w)


def desk(size: tuple[int, int], rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A background for a photographed page: dark wood, grey or a dark cloth, slightly textured."""
    fw, fh = size
    base = rng.choice(((95, 65, 40), (70, 70, 75), (40, 45, 60), (120, 100, 80), (55, 40, 30)))
    img = np.empty((fh, fw, 3), np.float32)
    img[:] = base
    tex = cv2.resize(nrng.normal(0, 12, (max(2, fh // 40), max(2, fw // 8))).astype(np.float32), (fw, fh))
    img += tex[..., None]
    return img


def shadow(img: np.ndarray, rng: random.Random) -> None:
    """A soft shadow (hand, phone) over part of the frame, in place."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:64, 0:64].astype(np.float32) / 63
    ang = rng.uniform(0, 2 * math.pi)
    d = (xx - 0.5) * math.cos(ang) + (yy - 0.5) * math.sin(ang) - rng.uniform(0.05, 0.35)
    soft = rng.uniform(0.03, 0.12)
    dark = rng.uniform(0.15, 0.35)
    gain = 1 - dark / (1 + np.exp(-d / soft))
    img *= cv2.resize(gain.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)[..., None]

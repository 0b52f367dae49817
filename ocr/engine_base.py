"""What every OCR engine shares: the line it returns, the interface, and the image and box
conversions (engine.py's RapidOCR, paddle_engine.py's PaddleOCR). Kept apart from engine.py so
an engine module needs nothing of the others (engine.py picks among them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from nianbao.document import Token


@dataclass
class OcrLine:
    text: str
    conf: float
    box: tuple[float, float, float, float]  # pixels, x0 y0 x1 y1
    chars: list[Token]  # one per character, pixel boxes; empty when the engine gives none


class OcrEngine(Protocol):
    name: str

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        """Detect and read all text in an RGB or grey image."""

    def read_crop(self, image: np.ndarray) -> tuple[str, float, list[tuple[str, float]]]:
        """Read one already-cropped text line: (text, confidence, per-character (char, conf))."""

    # optional: read_crops(images) -> [read_crop(image) for image in images], batched


def to_rgb(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        import cv2
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)  # what np.repeat gives, in a fifth of the time
    if image.shape[2] == 4:
        return image[:, :, :3]
    return image


def box_of(points) -> tuple[float, float, float, float]:
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    return float(p[:, 0].min()), float(p[:, 1].min()), float(p[:, 0].max()), float(p[:, 1].max())

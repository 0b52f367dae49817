"""OCR engines behind one small interface: an image in, character tokens with pixel boxes out.

The default engine is RapidOCR 3.x on ONNX Runtime, whose wheel ships the PP-OCR detection,
recognition and orientation models, so nothing is fetched at run time (tests check this with
sockets blocked). Only the wheel's bundled models are allowed: naming another model version
would make rapidocr download it, so `RapidEngine` refuses to start when a model file is missing.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np

from nianbao.document import Token
from nianbao.errors import OcrModelsMissing, UnknownEngine
from nianbao.extras import requires_extra
from nianbao.options import ExtractOptions

# the shared interface (engine_base.py); `_rgb`, `_box`: the names this module used
from .engine_base import OcrEngine, OcrLine, box_of as _box, to_rgb as _rgb  # noqa: F401

BACKENDS = ("onnxruntime", "openvino")


def _bundled_models() -> tuple[Path, Path]:
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    det, rec = sorted(models.glob("*det*.onnx")), sorted(models.glob("*rec*.onnx"))
    if not det or not rec:
        raise OcrModelsMissing(f"rapidocr's bundled models are missing in {models} (reinstall rapidocr: "
                               "pip install --force-reinstall 'nianbao[ocr]'); nianbao never downloads models",
                               stage="ocr")
    return det[-1], rec[-1]


def _rapid_params(backend: str, threads: int, rec_min_width: int) -> dict:
    """Settings shared by the page engine and the crop re-reader."""
    from rapidocr import EngineType

    det, rec = _bundled_models()
    kind = EngineType.OPENVINO if backend == "openvino" else EngineType.ONNXRUNTIME
    return {
        "Global.log_level": "error",
        # explicit paths: rapidocr has no download entry for PP-OCRv6 on OpenVINO, and a
        # path never falls back to a download on onnxruntime either
        "Det.model_path": str(det), "Rec.model_path": str(rec),
        "Det.engine_type": kind, "Rec.engine_type": kind,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.openvino.inference_num_threads": threads,
        # rapidocr pads every recognition batch to at least 48×320 pixels; table pages are
        # mostly one-to-four-digit cells ~40 px wide, so much recognition time went on padding
        # (eval/ocr_bench.py). Batches are sorted by width, so a small floor pads a batch only
        # to its widest crop. Not below 96: at 48 lone "0" cells were lost (81 → 53 on a page).
        "Rec.rec_img_shape": [3, 48, rec_min_width],
    }


# Recognition costs time in proportion to the width of each crop once scaled to the model's
# 48 px height (~46 µs per pixel column on this 2-core machine), and long prose lines hold most
# of a page's columns. PP-OCR recognisers are trained on lines squeezed into 48×320, so
# narrower characters are in their range: long crops are narrowed by this factor, but never
# below LONG_RATIO × height, and short crops (table cells, lone numbers) are left alone
# (eval/ocr_bench.py and docs/ocr.md: the accuracy and time at each factor).
REC_SQUEEZE = 0.6
LONG_RATIO = 4.0


def squeeze_crops(crops: list[np.ndarray], factor: float) -> list[np.ndarray]:
    """Long text-line crops narrowed by `factor` (see REC_SQUEEZE); others unchanged."""
    import cv2

    if factor >= 1:
        return crops
    out = []
    for im in crops:
        h, w = im.shape[:2]
        target = max(round(w * factor), round(LONG_RATIO * h))
        out.append(cv2.resize(im, (target, h), interpolation=cv2.INTER_AREA) if target < w else im)
    return out


@functools.cache
def _rapid_class():
    """RapidOCR with its crops narrowed before recognition (per-character boxes are still
    right: rapidocr places them by fractions of the recognised width on the unsqueezed crop),
    and per-character boxes mapped back to the page in one matrix product per line."""
    import cv2
    from rapidocr import EngineType, RapidOCR
    from rapidocr.cal_rec_boxes import CalRecBoxes
    from rapidocr.cal_rec_boxes.main import Direction
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class FastCharBoxes(CalRecBoxes):
        # rapidocr maps each corner of each character box through the inverse perspective
        # transform one point at a time and then re-orders the corners: ~8 % of a page's time.
        # Only the corners' extent is used (engine._box), so the order is not needed.
        def reverse_rotate_crop_image(self, bbox_points, word_points_list, direction):
            if direction == Direction.VERTICAL or not word_points_list:
                return super().reverse_rotate_crop_image(bbox_points, word_points_list, direction)
            box = np.asarray(bbox_points, dtype=np.float32)
            left, top = int(box[:, 0].min()), int(box[:, 1].min())
            box = box - np.array([left, top], dtype=np.float32)
            w, h = int(np.linalg.norm(box[0] - box[1])), int(np.linalg.norm(box[0] - box[3]))
            std = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
            _, inverse = cv2.invert(cv2.getPerspectiveTransform(box, std))
            pts = np.asarray(word_points_list, dtype=np.float64).reshape(-1, 2)
            mapped = np.c_[pts, np.ones(len(pts))] @ inverse.T
            xy = (mapped[:, :2] / mapped[:, 2:3] + np.array([left, top])).astype(int)
            return xy.reshape(len(word_points_list), -1, 2).tolist()

    class LutDetPreProcess(DetPreProcess):
        # rapidocr normalises the detector's input in float64 (its mean and std are float64
        # arrays), ~0.02 s per page; the same arithmetic on the 256 possible values, looked up,
        # gives the same float32 input bit for bit
        def normalize(self, img):
            if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != len(self.mean):
                return super().normalize(img)
            lut = ((np.arange(256, dtype=np.float32) * self.scale)[:, None] - self.mean) / self.std
            return cv2.LUT(img, lut.astype(np.float32).reshape(1, 256, -1))

    class SqueezedRapidOCR(RapidOCR):
        squeeze = 1.0
        rec_queue = True

        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.cal_rec_boxes = FastCharBoxes()

        def recognize_txt(self, img):
            return super().recognize_txt(squeeze_crops(img, self.squeeze))

        def _load_det_model(self):
            fresh = self.text_det is None
            det = super()._load_det_model()
            if fresh:  # rapidocr builds a DetPreProcess per call through this method
                det.get_preprocess = lambda: LutDetPreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)
            return det

        def _load_rec_model(self):
            # on OpenVINO the recogniser is compiled for throughput and fed from a queue
            # (rec_queue.py); detection keeps the latency settings: it is one call per page
            if self.text_rec is None and self.rec_queue and self.cfg.Rec.engine_type == EngineType.OPENVINO:
                from omegaconf import OmegaConf

                from .rec_queue import QueuedRecognizer
                with self._rec_model_lock:
                    if self.text_rec is None:
                        rec = self.cfg.Rec
                        # not pinned: batch workers are separate processes, each of which
                        # would pin its first stream to the same core
                        rec.engine_cfg = OmegaConf.merge(self.cfg.EngineConfig.openvino,
                                                         {"performance_hint": "THROUGHPUT",
                                                          "enable_cpu_pinning": False})
                        rec.font_path = self.cfg.Global.font_path
                        rec.model_root_dir = self.cfg.Global.model_root_dir
                        self.text_rec = QueuedRecognizer(rec)
            return super()._load_rec_model()

    return SqueezedRapidOCR


class RapidEngine:
    """RapidOCR 3.x with its bundled PP-OCR models (PP-OCRv6 small det/rec in rapidocr 3.10),
    on onnxruntime or OpenVINO (`backend`; OpenVINO needs the `openvino` package)."""

    name = "rapidocr"

    def __init__(self, det_limit_side_len: int = 960, det_limit_type: str = "max", max_side_len: int = 2000,
                 threads: int | None = None, use_cls: bool = False, backend: str = "onnxruntime",
                 rec_min_width: int = 96, rec_squeeze: float | None = None, params: dict | None = None,
                 rec_queue: bool = True):
        requires_extra("ocr", "rapidocr", purpose="the rapidocr OCR engine")
        if backend not in BACKENDS:
            raise UnknownEngine(f"unknown rapidocr backend {backend!r}; available: {', '.join(BACKENDS)}", stage="ocr")
        if backend == "openvino":
            requires_extra("openvino", "openvino", purpose="rapidocr's OpenVINO backend (engine rapidocr-openvino)")
        threads = threads or int(os.environ.get("NIANBAO_OCR_THREADS", "0")) or -1
        self.backend = backend
        self.shared = _rapid_params(backend, threads, rec_min_width)
        params = {
            **self.shared,
            # rapidocr shrinks pages to this many pixels on the long side before anything else;
            # 2000 (its default) read digits better than full 200 dpi pages (eval/ocr_bench.py)
            "Global.max_side_len": max_side_len,
            "Det.limit_side_len": det_limit_side_len,
            "Det.limit_type": det_limit_type,
            # the 0/180° line classifier turns lone digits upside down (9 → 6, 999 → 666) on
            # table pages; pages are deskewed instead (eval/ocr_bench.py, docs/ocr.md)
            "Global.use_cls": use_cls,
            **(params or {}),
        }
        if rec_squeeze is None:
            rec_squeeze = float(os.environ.get("NIANBAO_OCR_SQUEEZE", REC_SQUEEZE))
        self.rec_squeeze = min(1.0, max(0.3, rec_squeeze))
        self.engine = _rapid_class()(params=params)
        self.engine.squeeze = self.rec_squeeze
        self.engine.rec_queue = rec_queue
        self.use_cls = use_cls
        self.crop_engine = None

    def recognize(self, image: np.ndarray) -> list[OcrLine]:
        res = self.engine(_rgb(image), use_cls=self.use_cls, return_word_box=True, return_single_char_box=True)
        if res.txts is None or res.boxes is None:
            return []
        words = res.word_results or [()] * len(res.txts)
        out = []
        for text, score, box, chars in zip(res.txts, res.scores, res.boxes, words):
            toks = [Token(c, _box(b), conf=float(s)) for c, s, b in (chars or ()) if c]
            if "".join(t.text for t in toks) != text.replace(" ", ""):
                toks = []  # per-char split disagrees with the line: trust the line only
            out.append(OcrLine(text, float(score), _box(box), toks))
        return out

    def _crop_reader(self):
        if self.crop_engine is None:
            from rapidocr import RapidOCR
            # a second instance because use_det is instance state in rapidocr; it shares the
            # page engine's recogniser (same backend, threads and padding; never squeezed here)
            self.crop_engine = RapidOCR(params={**self.shared, "Global.use_det": False, "Global.use_cls": False})
            self.crop_engine.text_rec = self.engine._load_rec_model()
        return self.crop_engine

    def read_crop(self, image: np.ndarray):
        return self.read_crops([image])[0]

    def read_crops(self, images: list[np.ndarray]):
        """Cropped lines read in shared recognition batches (one rapidocr call per crop cost
        ~10 ms of overhead each, and a worn page can have a dozen doubtful cells)."""
        if not images:
            return []
        eng = self._crop_reader()
        # the same loading and resizing that rapidocr's own call applies to a single crop
        prepared = [eng.preprocess_img(eng.load_img(_rgb(im)))[0] for im in images]
        res = eng.recognize_txt(prepared)
        floor = float(eng.cfg.Global.text_score)
        out = []
        for text, conf in zip(res.txts, res.scores):
            conf = float(conf)
            if not text.strip() or conf < floor:  # what rapidocr's call drops as no reading
                out.append(("", 0.0, []))
            else:
                out.append((text, conf, [(ch, conf) for ch in text]))
        return out


ENGINES = {
    "rapidocr": RapidEngine,
    "rapidocr-openvino": functools.partial(RapidEngine, backend="openvino"),
}


def default_engine() -> str:
    """OpenVINO when installed (the `openvino` extra, part of dev): it read the same cells as
    onnxruntime with less CPU per page (docs/ocr.md); onnxruntime otherwise."""
    import importlib.util

    return "rapidocr-openvino" if importlib.util.find_spec("openvino") else "rapidocr"


def engine_name() -> str:
    """The engine the settings ask for (nianbao.options: NIANBAO_OCR_ENGINE), else the measured default."""
    return ExtractOptions.build().engine or default_engine()


def get_engine(name: str | None = None) -> OcrEngine:
    """One engine per process: model loading costs more than a page. Ingest's page OCR and
    the grid's crop re-reads ask without a name, so both use the configured engine."""
    from .ocr_cache import cached
    return cached(_engine(name or engine_name()))  # NIANBAO_OCR_CACHE: eval's variants share the OCR


@functools.cache
def _engine(name: str) -> OcrEngine:
    if name == "paddle":
        from .paddle_engine import PaddleEngine
        return PaddleEngine()
    try:
        factory = ENGINES[name]
    except KeyError:
        raise UnknownEngine(f"unknown OCR engine {name!r} (NIANBAO_OCR_ENGINE); available: "
                            f"{', '.join(ENGINES)}, paddle", stage="ocr") from None
    return factory()

"""Page images: reading image files (PNG/JPEG/TIFF, multi-page TIFF), rendering PDF pages, deskewing.

Pixel counts are capped before decoding, so a decompression bomb (a tiny file that claims a
huge canvas) is refused instead of exhausting memory.
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import tempfile
import threading
import warnings
import weakref
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from nianbao.errors import Corrupt, TooLarge

MAX_PIXELS = 60_000_000  # per page: A4 at 600 dpi is ~35 MP
MAX_FRAMES = 500  # pages in one multi-page TIFF
DEFAULT_DPI = 200  # assumed when an image file does not say


def check_pixels(width: int, height: int, what: str = "image") -> None:
    if width <= 0 or height <= 0:
        raise Corrupt(f"{what} has no pixels ({width}x{height})", stage="ocr")
    if width * height > MAX_PIXELS:
        raise TooLarge(f"{what} too large: {width}x{height} pixels exceeds the cap of {MAX_PIXELS:,}"
                         " (decompression bomb?)", stage="ocr")


def image_frames(path: Path) -> tuple[int, Iterator[tuple[np.ndarray, float]]]:
    """The number of pages of an image file and an iterator over them, decoded one at a time:
    (page, dpi) for every frame of a multi-page TIFF, the page grey or RGB when the file is in
    colour (stamp removal, prep.py). Only the frame being read is held decoded, so a 40-frame
    scan costs one frame's memory, not forty."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(path)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise Corrupt(f"unreadable image: {e}", stage="ocr") from e
    try:
        n = getattr(im, "n_frames", 1)
        if n > MAX_FRAMES:
            raise TooLarge(f"image has {n} frames; at most {MAX_FRAMES} pages are read", stage="ocr")
        for i in range(n):  # every frame's size is checked before any is decoded
            im.seek(i)
            check_pixels(*im.size, what=f"image page {i + 1}")
    except BaseException:
        im.close()
        raise

    def frames():
        try:
            for i in range(n):
                im.seek(i)
                dpi = im.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
                dpi = float(dpi) if 50 <= float(dpi) <= 1200 else DEFAULT_DPI
                try:
                    # colour is kept for stamp removal (prep.py); grey and bilevel pages stay grey
                    grey = np.asarray(im.convert("L" if im.mode in ("1", "L", "I", "I;16", "F") else "RGB"))
                except (OSError, ValueError) as e:
                    raise Corrupt(f"image page {i + 1} cannot be decoded: {e}", stage="ocr") from e
                yield grey, dpi
        finally:
            im.close()
    return n, frames()


def open_image_pages(path: Path) -> list[tuple[np.ndarray, float]]:
    """Every page of an image file decoded at once (tests, tools); readers use image_frames."""
    return list(image_frames(path)[1])


def has_colour_image(page) -> bool:
    """Whether a PDF page shows a colour raster (a colour scan or photo, where stamps can be told
    from print by colour); grey scans are rendered grey, which is cheaper."""
    import pypdfium2.raw as raw

    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            if obj.get_metadata().bits_per_pixel >= 24:
                return True
        except Exception:  # noqa: BLE001 - an image pdfium cannot describe: render it grey
            continue
    return False


def render_page(page, dpi: float, colour: bool = False) -> tuple[np.ndarray, float]:
    """A pypdfium2 page as a grey (or RGB) array; dpi is lowered if the page would exceed the pixel cap."""
    w, h = page.get_size()
    scale = dpi / 72
    if w * h * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / (w * h)) ** 0.5
    bitmap = page.render(scale=scale, grayscale=not colour, rev_byteorder=colour)
    arr = bitmap.to_numpy()  # a view of pdfium's bitmap
    if arr.ndim == 3 and not colour:
        arr = arr[:, :, 0]
    # always a copy: the bitmap is then freed here, in the thread that renders (pdf.py renders one
    # page ahead in a thread; pdfium must not be called from two threads at once)
    return np.array(arr, order="C", copy=True), scale * 72


MAX_SKEW = 15.0  # degrees either way: pages fed crooked, photos taken askew


def _profile_score(ink: np.ndarray, angle: float) -> float:
    """How sharp the row and column ink profiles are with the page turned by `angle`: text lines,
    the character grid of CJK text and table rules all line up at the page's true angle."""
    import cv2

    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rot = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST)
    # integer sums: float64 sums of a uint8 raster cost three times as much (as much as the warp)
    rows = rot.sum(axis=1, dtype=np.int32).astype(np.float64)
    cols = rot.sum(axis=0, dtype=np.int32).astype(np.float64)
    return float(np.square(np.diff(rows)).sum() + np.square(np.diff(cols)).sum())


def _ink(grey: np.ndarray, width: int) -> np.ndarray:
    import cv2

    f = width / grey.shape[1] if grey.shape[1] > width else 1.0
    img = cv2.resize(grey, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f != 1.0 else grey
    _, ink = cv2.threshold(img, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


def skew_angle(grey: np.ndarray, max_deg: float = MAX_SKEW, step: float = 0.1) -> float:
    """Skew in degrees (positive = content rotated counter-clockwise), modulo quarter turns, by
    projection-profile sharpness: 1° steps over ±max_deg on a 400 px copy, then `step` within
    ±0.6° of the best on an 800 px copy."""
    coarse_ink = _ink(grey, 400)
    if coarse_ink.mean() < 0.5:
        return 0.0
    coarse = np.arange(-max_deg, max_deg + 1e-9, 1.0)
    best = max(coarse, key=lambda a: _profile_score(coarse_ink, a))
    fine = np.arange(best - 0.6, best + 0.6 + 1e-9, step)
    ink = _ink(grey, 800)
    best = max(fine, key=lambda a: _profile_score(ink, a))
    return -float(best)


def deskew(grey: np.ndarray, min_deg: float = 0.15) -> tuple[np.ndarray, float]:
    """The page rotated upright, and the angle that was corrected. Beyond a small angle the canvas
    grows to hold the whole turned page (a page fed 15° crooked keeps its corners)."""
    import cv2

    a = skew_angle(grey)
    if abs(a) < min_deg:
        return grey, 0.0
    m, (cw, ch) = deskew_transform(grey.shape, a)
    paper = int(np.percentile(grey[::16, ::16], 90))
    out = cv2.warpAffine(grey, m, (cw, ch), flags=cv2.INTER_LINEAR, borderValue=paper)
    return out, a


def deskew_transform(shape: tuple[int, ...], a: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 2×3 matrix that turns a page of `shape` by the skew `a` (degrees), and the canvas size:
    beyond a small angle the canvas grows to hold the whole turned page."""
    import cv2

    h, w = shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -a, 1.0)
    cw, ch = w, h
    if abs(a) > 2:
        r = np.radians(a)
        cw = int(np.ceil(abs(w * np.cos(r)) + abs(h * np.sin(r))))
        ch = int(np.ceil(abs(w * np.sin(r)) + abs(h * np.cos(r))))
        m[0, 2] += (cw - w) / 2
        m[1, 2] += (ch - h) / 2
    return m, (cw, ch)


KEEP_RAW_PIXELS = 4_500_000  # a kept page raster larger than this (A4 past ~200 dpi) is held PNG-compressed
# memory that kept page rasters of this process may hold at once; pages past it are kept on disk
# (an A4 page at 200 dpi is 3.9 MB raw: a 500-page scan once held 1.9 GB of them)
PAGE_MEMORY_MB = int(os.environ.get("NIANBAO_PAGE_MEMORY_MB", "256"))


class _Spill:
    """Where kept page rasters live: memory up to PAGE_MEMORY_MB, then files in a folder of this
    process under the temp folder, each removed when its page is dropped, the folder at exit;
    a folder whose process is gone (kill -9) is removed by the next process that spills."""

    lock = threading.Lock()
    held = 0  # bytes of rasters in memory
    folder: str | None = None
    serial = itertools.count()

    @classmethod
    def reserve(cls, n: int) -> bool:
        with cls.lock:
            if cls.held + n > PAGE_MEMORY_MB * (1 << 20):
                return False
            cls.held += n
            return True

    @classmethod
    def release(cls, n: int) -> None:
        with cls.lock:
            cls.held -= n

    @classmethod
    def write(cls, data: np.ndarray) -> str:
        with cls.lock:
            if cls.folder is None or not os.path.isdir(cls.folder):
                cls._clean_dead()
                cls.folder = tempfile.mkdtemp(prefix=f"nianbao-pages-{os.getpid()}-")
                atexit.register(shutil.rmtree, cls.folder, True)
            path = os.path.join(cls.folder, f"{next(cls.serial)}.raw")
        with open(path, "wb") as f:
            f.write(np.ascontiguousarray(data).data)
        return path

    @staticmethod
    def _clean_dead() -> None:
        base = tempfile.gettempdir()
        try:
            names = os.listdir(base)
        except OSError:
            return
        for name in names:
            parts = name.split("-")
            if len(parts) == 4 and name.startswith("nianbao-pages-") and parts[2].isdigit():
                try:
                    os.kill(int(parts[2]), 0)
                except ProcessLookupError:
                    shutil.rmtree(os.path.join(base, name), ignore_errors=True)
                except (PermissionError, OverflowError):
                    pass


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


class PageImage:
    """A page raster kept for later stages (table grids, digit re-reads): grey pixels and pixels per point.

    Rasters are kept for every page of a document until the grid stage has read them; a large
    one is held PNG-compressed (a scan compresses several-fold, blank paper far more) and
    decoded again when a stage asks for `grey`; the most recently decoded page is cached. Once
    this process holds PAGE_MEMORY_MB of them, further pages are written to disk as they are
    and read back when asked for, so memory does not grow with the page count."""

    _cache: tuple[int, np.ndarray] | None = None  # (serial of the PageImage, its decoded pixels)
    _serials = itertools.count()

    def __init__(self, grey: np.ndarray, scale: float, skew: float = 0.0, rotation: int = 0,
                 notes: list[str] | None = None, stamps: list | None = None):
        self._serial = next(PageImage._serials)
        self._raw, self._png, self._file = grey, None, None
        self.shape, self._dtype = grey.shape, grey.dtype
        if grey.size > KEEP_RAW_PIXELS:
            import cv2
            ok, buf = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 1])
            if ok:
                self._raw, self._png = None, buf.tobytes()
        held = len(self._png) if self._png is not None else grey.nbytes
        if _Spill.reserve(held):
            weakref.finalize(self, _Spill.release, held)
        else:
            self._file = _Spill.write(grey)
            self._raw = self._png = None
            weakref.finalize(self, _unlink, self._file)
        self.scale = scale  # pixels per PDF point
        self.skew = skew  # degrees corrected before OCR; boxes are in the corrected frame
        self.rotation = rotation  # clockwise quarter turns (0/90/180/270) applied to the scan before OCR
        self.notes = notes or []  # what was repaired before OCR (stamps, a photo's perspective, light)
        self.stamps = stamps or []  # boxes (px, this frame) where stamp ink was removed before OCR
        # 3×3 row-major: points of this page (as read) → points of the page as given, when they differ
        self.to_source: tuple[float, ...] | None = None

    @property
    def grey(self) -> np.ndarray:
        if self._raw is not None:
            return self._raw
        cached = PageImage._cache
        if cached is not None and cached[0] == self._serial:
            return cached[1]
        if self._file is not None:
            grey = np.fromfile(self._file, dtype=self._dtype).reshape(self.shape)
        else:
            import cv2
            grey = cv2.imdecode(np.frombuffer(self._png, np.uint8), cv2.IMREAD_GRAYSCALE)
        PageImage._cache = (self._serial, grey)
        return grey

    def __getstate__(self) -> dict:
        # a raster kept on disk travels as its pixels: the file is this process's, removed when
        # the page is dropped or the process ends, so a copy or a pickle must not point at it
        state = self.__dict__.copy()
        if state.get("_file") is not None:
            grey = self.grey
            state["_raw"], state["_file"] = (grey, None) if grey.size <= KEEP_RAW_PIXELS else (None, None)
            if state["_raw"] is None:
                import cv2
                state["_png"] = cv2.imencode(".png", grey, [cv2.IMWRITE_PNG_COMPRESSION, 1])[1].tobytes()
        return state

    def __setstate__(self, state: dict) -> None:
        # a fresh serial: the decoded-page cache is keyed by it, and the serial a pickle carries
        # was counted in the process that made the page. An evaluation reading kept Documents
        # (eval.readers --cache) met another report's page under the same serial and read its
        # grid from that page's pixels (a stamped scan of seed 2575: 1 read as 22 and 29)
        self.__dict__.update(state)
        self._serial = next(PageImage._serials)

    def size_points(self) -> tuple[float, float]:
        """Width and height of the page as read, in points."""
        h, w = self.shape[:2]
        return w / self.scale, h / self.scale

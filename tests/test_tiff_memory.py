"""A multi-page TIFF is decoded frame by frame, and the page rasters kept for the grid stage
are held compressed: memory does not grow with the number of frames (12 frames of 7700² px
once peaked at 1.3 GB, 40 at 2.9 GB)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("cv2")

PROBE = r"""
import sys
from pathlib import Path
from nianbao.document import Source
from nianbao.ocr.pdf import load_image

class Blank:  # an OCR engine that reads nothing: only the image handling is measured
    name = "blank"
    def recognize(self, grey):
        return []

def peak_kb():  # VmHWM: this process's own peak (ru_maxrss would count the forking parent's)
    with open("/proc/self/status") as f:
        return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM:"))

path = Path(sys.argv[1])
base = peak_kb()
doc = load_image(path, Source(path=str(path)), engine=Blank())
grown = peak_kb() - base
assert len(doc.pages) == int(sys.argv[2]) and doc.pages[-1].image.grey.shape == (3600, 3600)
print(grown // 1024)
"""


def ruled_tiff(path: Path, frames: int, side: int = 3600) -> Path:
    from PIL import Image, ImageDraw
    pages = []
    for i in range(frames):
        im = Image.new("L", (side, side), 255)
        d = ImageDraw.Draw(im)
        for y in range(100 + i, side - 100, 110):
            d.line((100, y, side - 100, y), fill=0, width=3)
        pages.append(im)
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(300, 300))
    return path


def growth_mb(path: Path, frames: int) -> int:
    r = subprocess.run([sys.executable, "-c", PROBE, str(path), str(frames)], capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return int(r.stdout.split()[-1])


def test_memory_does_not_grow_with_the_frames(tmp_path):
    few = growth_mb(ruled_tiff(tmp_path / "few.tif", 2), 2)
    many = growth_mb(ruled_tiff(tmp_path / "many.tif", 12), 12)
    assert few > 10  # the probe sees at least the one frame it decodes
    # ten more frames of 13 MB each decoded: 130 MB more if they were all held at once
    assert many - few < 40, (few, many)


def test_a_kept_page_reads_back_exactly(tmp_path):
    from nianbao.ocr.images import KEEP_RAW_PIXELS, PageImage
    rng = np.random.default_rng(0)
    grey = (rng.random((2500, 2500)) * 255).astype(np.uint8)
    assert grey.size > KEEP_RAW_PIXELS
    a, b = PageImage(grey.copy(), 300 / 72), PageImage(grey[::-1].copy(), 300 / 72)
    assert np.array_equal(a.grey, grey) and np.array_equal(b.grey, grey[::-1]) and np.array_equal(a.grey, grey)
    assert a.size_points() == (2500 * 72 / 300, 2500 * 72 / 300)

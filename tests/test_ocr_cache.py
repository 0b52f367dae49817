"""NIANBAO_OCR_CACHE: eval's variants read a scan's pixels once; the answers are the engine's own."""
import numpy as np

from nianbao.ocr.ocr_cache import CachedEngine, cached


class CountingEngine:
    name = "fake"

    def __init__(self):
        self.pages = self.crops = 0

    def recognize(self, image):
        self.pages += 1
        return [("line", float(image.sum()))]

    def read_crops(self, images):
        self.crops += len(images)
        return [(str(int(im.sum())), 0.9, []) for im in images]


def test_the_same_pixels_are_read_once_across_engines(tmp_path):
    a = np.zeros((4, 5), np.uint8)
    b = a.copy()
    b[1, 1] = 7
    first, second = CountingEngine(), CountingEngine()
    assert CachedEngine(first, tmp_path).recognize(a) == [("line", 0.0)]
    assert CachedEngine(first, tmp_path).read_crops([a, b]) == [("0", 0.9, []), ("7", 0.9, [])]
    # another process's engine (the next variant) gets the stored answers without reading
    again = CachedEngine(second, tmp_path)
    assert again.recognize(a) == [("line", 0.0)]
    assert again.read_crops([b, a]) == [("7", 0.9, []), ("0", 0.9, [])]
    assert again.read_crop(b) == ("7", 0.9, [])
    assert (second.pages, second.crops) == (0, 0)
    # other pixels are the engine's to read
    assert again.recognize(b) == [("line", 7.0)] and second.pages == 1
    assert again.name == "fake"  # anything else is the engine's


def test_off_unless_asked(monkeypatch, tmp_path):
    eng = CountingEngine()
    monkeypatch.delenv("NIANBAO_OCR_CACHE", raising=False)
    assert cached(eng) is eng
    monkeypatch.setenv("NIANBAO_OCR_CACHE", str(tmp_path))
    assert isinstance(cached(eng), CachedEngine)

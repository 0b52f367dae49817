"""The scan-speed changes keep results: queued recognition, the detector's lookup-table input,
and pages straightened one ahead of the OCR in a thread (ocr/rec_queue.py, engine.py, ahead.py)."""
import threading
import time

import numpy as np
import pytest

from nianbao.ocr.ahead import ahead


def test_ahead_yields_everything_in_order_from_another_thread():
    seen = []

    def items():
        for i in range(7):
            seen.append(threading.get_ident())
            yield i

    assert list(ahead(items())) == list(range(7))
    assert set(seen) == {seen[0]} and seen[0] != threading.get_ident()


def test_ahead_works_on_the_next_item_while_this_one_is_used():
    produced = []
    started_second = threading.Event()

    def items():
        for i in range(3):
            if i == 1:
                started_second.set()
            produced.append(i)
            yield i

    it = ahead(items())
    assert next(it) == 0
    # the consumer is busy with item 0: item 1 is made meanwhile, without being asked for
    assert started_second.wait(5)
    deadline = time.monotonic() + 5
    while 1 not in produced and time.monotonic() < deadline:
        time.sleep(0.01)
    assert 1 in produced
    assert list(it) == [1, 2]


def test_ahead_raises_the_producers_error_at_its_place():
    def items():
        yield "a"
        yield "b"
        raise ValueError("page 3 is broken")

    got = []
    with pytest.raises(ValueError, match="page 3"):
        for x in ahead(items()):
            got.append(x)
    assert got == ["a", "b"]


def test_ahead_stops_the_producer_when_the_consumer_stops():
    closed = threading.Event()
    made = []

    def items():
        try:
            for i in range(1000):
                made.append(i)
                yield i
        finally:
            closed.set()

    it = ahead(items())
    assert next(it) == 0
    it.close()
    # close() returns after the producer ended and closed its source: a PDF can be closed next
    assert closed.is_set()
    assert not [t for t in threading.enumerate() if t.name == "nianbao-ahead"]
    assert len(made) <= 3


def test_pdf_pages_error_is_raised_and_the_thread_ends(monkeypatch, tmp_path):
    pytest.importorskip("rapidocr")
    pytest.importorskip("reportlab")
    from nianbao.document import Source
    from nianbao.eval.ocr_pages import report_pdf, scan
    from nianbao.ocr import page_ocr
    from nianbao.ocr.pdf import load_pdf

    data, _ = report_pdf(seed=22)
    pages = [scan(data, i, dpi=100).convert("RGB") for i in range(2)]
    pdf = tmp_path / "two.pdf"
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=100)
    calls = []

    def failing(image, dpi):
        calls.append(dpi)
        if len(calls) == 2:
            raise RuntimeError("straightening page 2 failed")
        return real(image, dpi)

    real = page_ocr.straighten
    monkeypatch.setattr(page_ocr, "straighten", failing)
    with pytest.raises(RuntimeError, match="page 2"):
        load_pdf(pdf, Source(path=str(pdf)))
    assert len(calls) == 2
    assert not [t for t in threading.enumerate() if t.name == "nianbao-ahead"]


@pytest.fixture(scope="module")
def engines():
    pytest.importorskip("rapidocr")
    pytest.importorskip("openvino")
    from nianbao.ocr.engine import RapidEngine

    return RapidEngine(backend="openvino"), RapidEngine(backend="openvino", rec_queue=False)


@pytest.fixture(scope="module")
def page():
    pytest.importorskip("reportlab")
    from nianbao.eval.ocr_pages import report_pdf, scan

    data, _ = report_pdf(seed=22)
    return np.asarray(scan(data, 0, dpi=200))


def _lines(lines):
    return [(ln.text, ln.conf, ln.box, [(t.text, t.bbox, t.conf) for t in ln.chars]) for ln in lines]


def test_queued_recognition_reads_exactly_what_rapidocr_reads(engines, page):
    from nianbao.ocr.rec_queue import QueuedRecognizer

    queued, plain = engines
    a, b = queued.recognize(page), plain.recognize(page)
    assert isinstance(queued.engine.text_rec, QueuedRecognizer)
    assert not isinstance(plain.engine.text_rec, QueuedRecognizer)
    # more batches than requests, so requests are reused within one page
    assert len(a) > queued.engine.text_rec.rec_batch_num * len(queued.engine.text_rec.requests)
    assert _lines(a) == _lines(b)


def test_queued_crop_rereads_match_and_share_the_recogniser(engines, page):
    queued, plain = engines
    crops = [page[y:y + 60, x:x + w] for y, x, w in ((300, 200, 300), (700, 150, 90), (900, 400, 700),
                                                      (1200, 100, 40), (1500, 300, 1200))] * 3
    assert queued.read_crops(crops) == plain.read_crops(crops)
    assert queued._crop_reader().text_rec is queued.engine.text_rec  # one compiled recogniser


def test_detector_input_by_lookup_equals_rapidocrs_arithmetic(engines):
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    queued, _ = engines
    pre = queued.engine._load_det_model().get_preprocess()
    assert type(pre) is not DetPreProcess  # the lookup-table subclass is in use
    ref = DetPreProcess(pre.limit_side_len, pre.limit_type, pre.mean, pre.std)
    img = np.random.default_rng(3).integers(0, 256, (96, 160, 3), dtype=np.uint8)
    got = pre(img)
    want = ref(img)
    assert got.dtype == want.dtype == np.float32 and np.array_equal(got, want)

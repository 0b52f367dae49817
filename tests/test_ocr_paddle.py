"""The PaddleOCR engine (`nianbao[paddle]`, part of `dev`, so `make test` runs this): offline,
and reads a generated table page; its install leaves one consistent cv2."""
import importlib.metadata
import multiprocessing
import socket

import numpy as np

from nianbao.document import Source
from nianbao.eval.ocr_pages import report_pdf, scan
from nianbao.ocr.assemble_grid import assemble_grid
from nianbao.ocr.pdf import ocr_images


def _refuse(*a, **k):
    raise OSError("network disabled in this test")


def _read_offline() -> tuple[bool, dict, dict]:
    """In a child process: paddle's runtime (its signal handlers, its threads) must not stay in
    the test process, whose later tests fork batch workers from it."""
    socket.socket.connect = _refuse
    socket.create_connection = _refuse
    from nianbao.ocr.paddle_engine import PaddleEngine

    engine = PaddleEngine()
    data, gold = report_pdf(seed=22, prose=False, tables=("appeals", "active"))
    doc = ocr_images([(np.asarray(scan(data, 0, 200)), 200)], Source(path="p"), engine)
    tokens_match = all(len(ln.tokens) == len(ln.text) for ln in doc.lines())
    fields = assemble_grid(doc, fmt="2021", engine=engine)
    return tokens_match, {k: fields[k].value for k in gold if k in fields}, gold


def test_paddle_engine_offline_reads_cells():
    # a bound on the child: once, in a full run beside a long evaluation, the spawned child sat
    # in a futex wait for 8 minutes and the whole run with it (it reads in 8 s)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        tokens_match, read, gold = pool.apply_async(_read_offline).get(timeout=600)
    assert tokens_match
    assert read == gold


def test_one_opencv_release_and_the_headless_build():
    """paddleocr pulls opencv-python and opencv-contrib-python beside opencv-python-headless; all
    three write cv2/, so they must be one release, and setup lays the headless build last."""
    import cv2

    names = ("opencv-python-headless", "opencv-python", "opencv-contrib-python")
    versions = {}
    for n in names:
        try:
            versions[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            pass
    assert len(set(versions.values())) == 1, versions
    assert cv2.__version__ == next(iter(versions.values())).rsplit(".", 1)[0]
    gui = [ln for ln in cv2.getBuildInformation().splitlines() if ln.strip().startswith("GUI:")]
    assert gui and gui[0].split(":", 1)[1].strip() == "NONE", gui

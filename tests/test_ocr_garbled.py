"""Untrustworthy text layers (no ToUnicode, scrambled ToUnicode) are detected and OCR'd instead."""
import pytest

pytest.importorskip("reportlab")

from ocr_fixtures import report_2021  # noqa: F401  (fixture)

from nianbao.document import Source
from nianbao.eval.ocr_pages import break_text_layer
from nianbao.ocr import pdf as pdfmod
from nianbao.ocr.engine import OcrLine
from nianbao.ocr.garbled import judge
from nianbao.ocr.textlayer import page_chars


def layer_text(data: bytes, page: int = 0):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        tl = page_chars(doc[page])
    finally:
        doc.close()
    return "".join(t.text for t in tl.tokens), tl.map_errors


def test_good_layer_is_trusted(report_2021):
    v = judge(*layer_text(report_2021[0]))
    assert v.ok, v
    assert v.vocab_hits >= 5 and v.common_share > 0.95


@pytest.mark.parametrize("how", ["strip", "scramble"])
def test_broken_layer_is_detected(report_2021, how):
    bad = break_text_layer(report_2021[0], how)
    for page in (0, 1):
        v = judge(*layer_text(bad, page))
        assert not v.ok, (how, page, v)


def test_judge_rules():
    assert not judge("").ok  # a scan: nothing to read
    assert not judge("\ue000\ue001\ue002" * 10 + "政府信息公开").ok  # private-use glyphs
    assert not judge("ÄÅÇÉÑÖÜáàâäãåçäéèê" * 3).ok  # glyph codes read as Latin-1
    assert not judge("蚿糱涩謀萮綋熍灛窓萮綋滐罞灛緯糔湋絣綕膔猹泯缪湂羴炤蜨艝").ok  # rare hanzi
    assert judge("本年新收政府信息公开申请数量 13 0 0 0 0 0 13").ok
    assert judge("1 2 3 4 5 6 7 8 9 10 11 12 13 14 15").ok  # a page of numbers is not garbage


class RecordingEngine:
    """Stands in for OCR to check which pages get routed to it (real OCR is tested in test_ocr_engine)."""
    name = "recording"

    def __init__(self):
        self.calls = 0

    def recognize(self, image):
        self.calls += 1
        h, w = image.shape[:2]
        return [OcrLine("政府信息公开", 0.99, (w * 0.1, h * 0.1, w * 0.4, h * 0.12), [])]

    def read_crop(self, image):
        return "", 0.0, []


@pytest.mark.parametrize("how", ["strip", "scramble"])
def test_broken_pages_go_to_ocr(tmp_path, report_2021, how):
    path = tmp_path / "bad.pdf"
    path.write_bytes(break_text_layer(report_2021[0], how))
    eng = RecordingEngine()
    doc = pdfmod.load_pdf(path, Source(path=str(path)), engine=eng, dpi=72)
    assert eng.calls == len(doc.pages)
    assert all(p.source == "ocr" for p in doc.pages)
    assert all("text layer not trusted" in w for w in doc.warnings) and len(doc.warnings) == len(doc.pages)
    assert doc.lines()[0].text == "政府信息公开" and len(doc.lines()[0].tokens) == 6


def test_good_pages_do_not_touch_ocr(tmp_path, report_2021):
    path = tmp_path / "ok.pdf"
    path.write_bytes(report_2021[0])
    eng = RecordingEngine()
    doc = pdfmod.load_pdf(path, Source(path=str(path)), engine=eng)
    assert eng.calls == 0 and not doc.warnings


@pytest.mark.parametrize("how", ["strip", "scramble"])
def test_garble_corpus_breaks_compressed_pdfs(tmp_path, report_2021, how):
    """The benchmark's garbled corpus (pypdf rewrite, compressed PDFs too) is refused by judge."""
    from pypdf import PdfReader, PdfWriter

    from nianbao.eval.garble_corpus import break_pdf

    src, dst = tmp_path / "in.pdf", tmp_path / "out.pdf"
    writer = PdfWriter(clone_from=PdfReader(__import__("io").BytesIO(report_2021[0])))
    for page in writer.pages:
        page.compress_content_streams()
    writer.write(str(src))
    assert judge(*layer_text(src.read_bytes())).ok
    assert break_pdf(src, dst, how) >= 1
    for page in (0, 1):
        v = judge(*layer_text(dst.read_bytes(), page))
        assert not v.ok, (how, page, v)

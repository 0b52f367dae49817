"""Real OCR (RapidOCR, bundled PP-OCR models) on generated pages, with the network blocked."""
import io
import socket
import struct
import zlib

import numpy as np
import pytest

pytest.importorskip("reportlab")
pytest.importorskip("rapidocr")

from nianbao import schema
from nianbao.document import Source
from nianbao.eval.ocr_pages import break_text_layer, report_pdf, scan
from nianbao.ingest import InputError, load
from nianbao.ocr.assemble_grid import assemble_grid
from nianbao.ocr.digits import read_crops, tight_crop
from nianbao.ocr.engine import RapidEngine
from nianbao.ocr.pdf import load_image, load_pdf


def _refuse(*a, **k):
    raise OSError("network disabled in this test")


@pytest.fixture(scope="module")
def engine():
    """Built with every socket connection refused: the models must come from the wheel."""
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _refuse)
    mp.setattr(socket.socket, "connect_ex", _refuse)
    mp.setattr(socket, "create_connection", _refuse)
    try:
        eng = RapidEngine()
        # first recognition also runs with the network off (lazy downloads would happen here)
        eng.recognize(np.full((64, 200), 255, dtype=np.uint8))
        yield eng
    finally:
        mp.undo()


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)


@pytest.fixture(scope="module")
def small_report():
    return report_pdf(seed=21, prose=False, tables=("active", "appeals"))


def _check(fields, gold):
    wrong = {k: (fields[k].value if k in fields else None, v) for k, v in gold.items()
             if k not in fields or fields[k].value != v}
    assert not wrong


def test_scanned_page_image_to_cells(tmp_path, engine, offline, small_report):
    data, gold = small_report
    path = tmp_path / "page.png"
    scan(data, 0, dpi=200).save(path, dpi=(200, 200))
    doc = load_image(path, Source(path=str(path)), engine=engine)
    assert doc.source.kind == "image" and doc.pages[0].source == "ocr"
    # page size comes back in points from the image's dpi
    assert abs(doc.pages[0].width - 595) < 2
    texts = [ln.text for ln in doc.lines()]
    assert any("行政复议" in t for t in texts)
    assert all(len(ln.tokens) == len(ln.text) for ln in doc.lines())
    fields = assemble_grid(doc, fmt="2021", engine=engine)
    _check(fields, gold)
    c = fields["appeals.review.total"]
    assert c.page == 1 and c.bbox is not None and 0 < c.confidence <= 1


def test_broken_text_layer_is_ocrd(tmp_path, engine, offline):
    data, gold = report_pdf(seed=22, prose=False, tables=("appeals",))
    path = tmp_path / "stripped.pdf"
    path.write_bytes(break_text_layer(data, "strip"))
    doc = load_pdf(path, Source(path=str(path)), engine=engine, dpi=200)
    assert doc.pages[0].source == "ocr" and doc.warnings
    assert any("行政诉讼" in ln.text for ln in doc.lines())
    _check(assemble_grid(doc, fmt="2021", engine=engine), gold)


def test_multipage_tiff(tmp_path, engine, offline, small_report):
    data, _ = small_report
    page = scan(data, 0, dpi=150)
    w, h = page.size
    a = page.crop((0, 0, w, h // 6))  # the title band
    b = page.crop((0, h // 6, w, h // 3))
    path = tmp_path / "two.tif"
    a.save(path, save_all=True, append_images=[b], dpi=(150, 150))
    doc = load(path)  # through ingest's sniffing
    assert doc.source.kind == "image" and len(doc.pages) == 2 and doc.source.pages == 2
    assert "年度报告" in "".join(ln.text for ln in doc.pages[0].lines)
    assert doc.pages[1].lines and doc.pages[1].lines[0].number == len(doc.pages[0].lines) + 1


def test_reread_of_a_cell_crop(engine, small_report):
    from nianbao.ocr.images import PageImage

    data, gold = small_report
    img = np.asarray(scan(data, 0, dpi=200))
    # find the 规章 row's 现行有效件数 cell from the digital layer of the same page
    doc = load_pdf_bytes(data)
    fields = assemble_grid(doc, fmt="2021")
    cell = fields["active.rules.in_force"]
    crop = tight_crop(PageImage(img, 200 / 72), cell.bbox)
    got = read_crops(engine, [crop])[0] if crop is not None else None
    assert got is not None and got[0] == str(gold["active.rules.in_force"])


def load_pdf_bytes(data):
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.pdf"
        p.write_bytes(data)
        return load_pdf(p, Source(path=str(p)))


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize("size", [(9000, 8000), (60000, 60000)])
def test_decompression_bomb_is_refused(tmp_path, size):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(*size))
    assert path.stat().st_size < 1000
    with pytest.raises(InputError) as e:
        load(path)
    assert e.value.stage == "ocr"
    assert "too large" in str(e.value) or "decompression" in str(e.value).lower()


def test_not_an_image(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    with pytest.raises(InputError, match="unreadable image"):
        load(path)


@pytest.mark.parametrize("turn", [90, 180])
def test_turned_scan_is_read_upright(tmp_path, engine, offline, small_report, turn):
    data, gold = small_report
    path = tmp_path / f"turned{turn}.png"
    scan(data, 0, dpi=200).rotate(turn, expand=True).save(path, dpi=(200, 200))
    doc = load_image(path, Source(path=str(path)), engine=engine)
    assert doc.pages[0].image.rotation in ((270, 90) if turn == 90 else (180,))
    assert any("turned" in w for w in doc.warnings)
    # boxes and page size are those of the upright page
    assert abs(doc.pages[0].width - 595) < 2 and abs(doc.pages[0].height - 842) < 2
    _check(assemble_grid(doc, fmt="2021", engine=engine), gold)


def test_engine_setting_is_honoured(monkeypatch):
    from nianbao.errors import UnknownEngine
    from nianbao.ocr.engine import engine_name, get_engine

    monkeypatch.setenv("NIANBAO_OCR_ENGINE", "no-such-engine")
    assert engine_name() == "no-such-engine"
    with pytest.raises(UnknownEngine, match="no-such-engine"):
        get_engine()  # the grid's re-reads ask without a name and must get the configured engine
    with pytest.raises(UnknownEngine, match="backend"):
        RapidEngine(backend="tensorflow")


def test_openvino_backend_offline(tmp_path, small_report):
    pytest.importorskip("openvino")
    mp = pytest.MonkeyPatch()
    mp.setattr(socket.socket, "connect", _refuse)
    mp.setattr(socket.socket, "connect_ex", _refuse)
    mp.setattr(socket, "create_connection", _refuse)
    try:
        eng = RapidEngine(backend="openvino")
        data, gold = small_report
        path = tmp_path / "page.png"
        scan(data, 0, dpi=200).save(path, dpi=(200, 200))
        doc = load_image(path, Source(path=str(path)), engine=eng)
        _check(assemble_grid(doc, fmt="2021", engine=eng), gold)
    finally:
        mp.undo()


def test_squeeze_narrows_only_long_crops():
    from nianbao.ocr.engine import LONG_RATIO, squeeze_crops

    long_line = np.zeros((40, 1200), np.uint8)
    short = np.zeros((40, 100), np.uint8)
    just_long = np.zeros((40, 180), np.uint8)
    a, b, c = squeeze_crops([long_line, short, just_long], 0.6)
    assert a.shape == (40, 720)          # narrowed by the factor
    assert b is short                    # a table cell stays as printed
    assert c.shape == (40, int(LONG_RATIO * 40))  # never below LONG_RATIO × height
    assert squeeze_crops([long_line], 1.0)[0] is long_line


def test_squeezed_engine_reads_prose_and_keeps_char_boxes(engine):
    """The default engine squeezes long lines before recognition; a line of prose must come
    back with its characters and per-character boxes across the unsqueezed line."""
    from PIL import Image, ImageDraw, ImageFont

    from nianbao.eval.ocr_pages import font_path

    text = "本机关全年主动公开政府信息4061条，其中规章12件"
    img = Image.new("L", (1400, 90), 255)
    ImageDraw.Draw(img).text((20, 25), text, font=ImageFont.truetype(font_path(), 40), fill=0)
    assert engine.rec_squeeze < 1
    lines = engine.recognize(np.asarray(img))
    assert len(lines) == 1 and lines[0].text == text
    xs = [t.bbox[0] for t in lines[0].chars]
    assert len(xs) == len(text) and xs == sorted(xs)
    assert xs[0] < 60 and lines[0].chars[-1].bbox[2] > 900  # spread over the printed line


def test_batched_crop_reads_match_single_reads(engine, small_report):
    from nianbao.ocr.digits import tight_crop
    from nianbao.ocr.images import PageImage

    data, gold = small_report
    page = PageImage(np.asarray(scan(data, 0, dpi=200)), 200 / 72)
    fields = assemble_grid(load_pdf_bytes(data), fmt="2021")
    keys = [k for k in gold if k.startswith("active.") and k in fields and fields[k].bbox][:10]
    crops = [tight_crop(page, fields[k].bbox) for k in keys]
    keys, crops = zip(*[(k, c) for k, c in zip(keys, crops) if c is not None])
    together = engine.read_crops(list(crops))
    alone = [engine.read_crop(c) for c in crops]
    assert [t[0] for t in together] == [a[0] for a in alone]
    assert [t[0] for t in together] == [str(gold[k]) for k in keys]


def test_fast_char_boxes_equal_rapidocrs_own(engine):
    """The per-character boxes mapped in one matrix product are rapidocr's, corner extents equal
    (a rapidocr upgrade that changes its box code fails here, not silently in the cells)."""
    from PIL import Image, ImageDraw, ImageFont
    from rapidocr.cal_rec_boxes import CalRecBoxes

    from nianbao.eval.ocr_pages import font_path

    img = Image.new("L", (900, 260), 255)
    d = ImageDraw.Draw(img)
    d.text((30, 20), "政府信息公开工作年度报告", font=ImageFont.truetype(font_path(), 36), fill=0)
    d.text((30, 110), "12  345  6789", font=ImageFont.truetype(font_path(), 30), fill=0)
    d.text((500, 180), "行政复议 3 件", font=ImageFont.truetype(font_path(), 28), fill=0)
    page = np.asarray(img.rotate(1.2, fillcolor=255))  # slightly tilted boxes
    fast = engine.recognize(page)
    own = engine.engine.cal_rec_boxes
    try:
        engine.engine.cal_rec_boxes = CalRecBoxes()
        ref = engine.recognize(page)
    finally:
        engine.engine.cal_rec_boxes = own
    assert [ln.text for ln in fast] == [ln.text for ln in ref] and len(fast) >= 3
    assert [[t.bbox for t in ln.chars] for ln in fast] == [[t.bbox for t in ln.chars] for ln in ref]
    assert sum(len(ln.chars) for ln in fast) >= 20

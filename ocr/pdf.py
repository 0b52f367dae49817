"""PDF and image inputs into a Document: per page, the text layer when it can be trusted, else OCR.

Digital pages keep pdfium's characters with their boxes; pages without a text layer or with
a garbled one (see garbled.py) are rendered and OCR'd. Either way lines come out in reading
order with one token per character, the same shape as the text path's lines.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from nianbao import extras
from nianbao.document import Document, Page, Source
from nianbao.errors import CorruptPdf, Encrypted, NeedsOcr, NoOcrEngine, NoPages, TooLarge
from nianbao.extras import MissingExtra
from nianbao.options import OCR_DPI, ExtractOptions  # noqa: F401 - OCR_DPI: old import path

from .ahead import ahead
from .garbled import judge
from .layout import build_lines
from .textlayer import page_chars

GRID_DPI = 100  # raster kept for digital pages so table grids can be found from ruling lines
MAX_PAGES = 2000
# what rendering a page to a raster needs (images.py, prep.py): of the optional 'ocr' extra
RASTER_MODULES = ("numpy", "cv2")


def _settings() -> tuple[int, str | None]:
    """DPI and engine name when the caller gives none: the defaults of nianbao.options (the one
    place the environment is read); engine None is the OCR engine's measured default."""
    options = ExtractOptions.build()
    return options.dpi, options.engine


def _engine(name):
    from .engine import get_engine

    if name is not None and not isinstance(name, str):
        return name  # an OcrEngine instance (benchmarks, tests)
    try:
        return get_engine(name)
    except NoOcrEngine as e:  # its code (unknown_engine, ocr_models_missing) is what the batch counts
        raise type(e)(f"page needs OCR but no OCR engine is available: {e}", stage="ocr") from e
    except MissingExtra as e:
        raise NeedsOcr(f"page needs OCR but no OCR engine is available: {e}", stage="ocr") from e


def load_pdf(path: Path, source: Source, dpi: int | None = None, engine: str | None = None,
             force_ocr: bool = False) -> Document:
    import pypdfium2 as pdfium

    env_dpi, env_engine = _settings()
    dpi, engine = dpi or env_dpi, engine or env_engine
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        # the file's own bytes say why, not pdfium's message: that comes from FPDF_GetLastError, one
        # code per process, and under load a batch worker's zero-page PDF was refused with the
        # "password" code of another file (the fixture batch of tests/test_robust_inputs.py)
        msg = str(e)
        if _has_no_pages(path):  # pdfium refuses these with a bare "Success" code
            raise NoPages("PDF has no pages") from e
        if _declares_encryption(path):
            raise Encrypted(f"encrypted PDF: {msg}") from e
        raise CorruptPdf(f"unreadable PDF: {msg}") from e
    doc = Document(source=source)
    try:
        n = len(pdf)
        if n == 0:
            raise NoPages("PDF has no pages")
        if n > MAX_PAGES:
            raise TooLarge(f"PDF has {n} pages; at most {MAX_PAGES} are read")
        source.pages = n
        line_no, ocr_pages = 1, 0
        with closing(ahead(_pdf_pages(pdf, n, dpi, force_ocr))) as pages:
            for pg in pages:
                i, verdict = pg.index, pg.verdict
                if pg.straight is None:
                    p = Page(number=i + 1, width=pg.size[0], height=pg.size[1],
                             lines=build_lines(pg.layer.tokens, i + 1, line_no), source="text_layer", image=pg.image)
                else:
                    _, ocr_page = _ocr_parts()
                    if verdict.chars >= 10 and not force_ocr:
                        doc.warnings.append(f"page {i + 1}: text layer not trusted ({verdict.reason}); OCR used")
                    lines, image = ocr_page(_engine(engine), pg.raster, pg.dpi, i + 1, line_no, straight=pg.straight)
                    # token boxes are in the frame of the page as read (turned upright, flattened, deskewed)
                    width, height = image.size_points()
                    doc.warnings.extend(f"page {i + 1}: {note}" for note in image.notes)
                    if image.rotation in (90, 270):
                        doc.warnings.append(f"page {i + 1}: scanned sideways; turned {image.rotation}° before OCR")
                    elif image.rotation == 180:
                        doc.warnings.append(f"page {i + 1}: scanned upside down; turned 180° before OCR")
                    p = Page(number=i + 1, width=width, height=height, lines=lines, source="ocr", image=image,
                             stamps=image.stamps, to_source=image.to_source,
                             source_size=pg.size if image.to_source else None)
                    ocr_pages += 1
                line_no += len(p.lines)
                doc.pages.append(p)
        source.kind = "scanned_pdf" if ocr_pages == n and not any(
            "text layer not trusted" in w for w in doc.warnings) else "digital_pdf"
        return doc
    finally:
        pdf.close()


@dataclass
class _PdfPage:
    index: int
    size: tuple[float, float]  # points
    layer: object  # textlayer.Layer
    verdict: object  # garbled.Verdict
    image: object = None  # a trusted page's grid raster (PageImage)
    raster: object = None  # a page to OCR: its rendering, and that made ready to read
    dpi: float = 0.0
    straight: object = None  # page_ocr.Straightened


def _pdf_pages(pdf, n: int, dpi: int, force_ocr: bool) -> Iterator[_PdfPage]:
    """Everything about each page that needs pdfium but not the OCR engine: its text layer and
    verdict, and for a page to OCR its rendering straightened (stamps, photo, skew, sideways).
    Run by `ahead` in one thread, one page ahead of the OCR; pdfium is not thread-safe, so
    nothing else touches `pdf` while it runs."""
    for i in range(n):
        page = pdf[i]
        layer = page_chars(page)
        verdict = judge("".join(t.text for t in layer.tokens), layer.map_errors)
        out = _PdfPage(i, page.get_size(), layer, verdict)
        if verdict.ok and not force_ocr:
            out.image = _grid_raster(page)
        else:
            render_page, _ = _ocr_parts()
            from .images import has_colour_image
            from .page_ocr import straighten

            out.raster, out.dpi = render_page(page, dpi, colour=has_colour_image(page))
            out.straight = straighten(out.raster, out.dpi)
        yield out


def _declares_encryption(path: Path) -> bool:
    """The trailer names an /Encrypt dictionary: a PDF pdfium cannot open without its password."""
    import re
    return re.search(rb"/Encrypt\s*(\d+\s+\d+\s+R|<<)", path.read_bytes()) is not None


def _has_no_pages(path: Path) -> bool:
    import re
    data = path.read_bytes()
    return bool(re.search(rb"/Count\s+0\b", data)) and not re.search(rb"/Type\s*/Page(?![a-zA-Z])", data)


def _ocr_parts():
    missing = extras.missing("ocr", *RASTER_MODULES, purpose="page OCR")
    if missing:
        raise NeedsOcr(f"page needs OCR, which needs the 'ocr' extra (pip install 'nianbao[ocr]'): {missing}",
                       stage="ocr") from missing
    from .images import render_page  # deferred: numpy, OpenCV and Pillow are the optional 'ocr' extra
    from .page_ocr import ocr_page
    return render_page, ocr_page


def _grid_raster(page):
    """A low-resolution raster of a digital page for finding ruling lines; None without numpy."""
    if extras.missing("ocr", *RASTER_MODULES, purpose="table grids"):
        return None  # the `ocr` extra is not installed: lines still work, grids do not
    from .images import PageImage, render_page  # deferred: the optional 'ocr' extra
    grey, dpi = render_page(page, GRID_DPI)
    return PageImage(grey, dpi / 72)


def load_image(path: Path, source: Source, engine=None) -> Document:
    """A page image or multi-page TIFF, OCR'd page by page."""
    _ocr_parts()
    from .images import image_frames

    source.kind = "image"
    n, frames = image_frames(Path(path))
    source.pages = n
    return ocr_images(frames, source, engine)


def ocr_images(pages, source: Source, engine=None) -> Document:
    """A Document from page rasters, any iterable of (grey array, dpi) (decoded one at a time
    when it is an iterator, one page ahead of the OCR); `engine` is a name or an OcrEngine."""
    from .page_ocr import ocr_page

    eng = _engine(engine or _settings()[1])  # None: get_engine's default
    doc = Document(source=source)
    line_no = 1
    with closing(ahead(_straightened(pages))) as ready:
        for i, (grey, dpi, straight) in enumerate(ready):
            lines, image = ocr_page(eng, grey, dpi, i + 1, line_no, straight=straight)
            doc.warnings.extend(f"page {i + 1}: {note}" for note in image.notes)
            if image.rotation:
                doc.warnings.append(f"page {i + 1}: turned {image.rotation}° before OCR (scanned sideways or upside down)")
            w, h = image.size_points()
            doc.pages.append(Page(number=i + 1, width=w, height=h, lines=lines, source="ocr", image=image,
                                  stamps=image.stamps, to_source=image.to_source,
                                  source_size=(grey.shape[1] / image.scale, grey.shape[0] / image.scale)
                                  if image.to_source else None))
            line_no += len(lines)
    return doc


def _straightened(pages):
    from .page_ocr import straighten

    for grey, dpi in pages:
        yield grey, dpi, straighten(grey, dpi)

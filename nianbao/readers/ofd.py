"""OFD (GB/T 33190, the national fixed-layout format), read with ofdkit (Apache-2.0, standard
library only): every text run of a page with its position, split into character tokens with
boxes in points, then grouped into lines as a PDF text layer is (nianbao.ocr.layout), so the
text path places blank cells by their columns. docs/inputs.md says what was measured.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

from nianbao.document import Document, Page, Source, Token
from nianbao.errors import Corrupt, MissingTool, NeedsOcr, NoPages, TooLarge
from nianbao.options import ExtractOptions

MM = 72 / 25.4  # OFD units are millimetres; the Document's are PDF points
MAX_PAGES = 500


def _advance(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def run_tokens(run) -> list[Token]:
    """A run's characters with boxes: the run's width shared out by character width."""
    chars = [ch for ch in run.text]
    units = sum(_advance(ch) for ch in chars) or 1.0
    per = run.width / units if run.width > 0 else run.size
    size = run.size or 3.5
    x = run.x
    out = []
    for ch in chars:
        w = per * _advance(ch)
        if not ch.isspace():
            out.append(Token(ch, ((x) * MM, (run.y - 0.86 * size) * MM, (x + w) * MM, (run.y + 0.14 * size) * MM)))
        x += w
    return out


def load(path: Path, source: Source) -> Document:
    try:
        import ofdkit
    except ImportError as e:
        raise MissingTool("reading OFD needs the ofdkit package (pip install 'ofdkit>=0.2'), "
                         "which is not installed") from e
    from nianbao.ocr.layout import build_lines

    try:
        od = ofdkit.open(str(path))
    except ofdkit.OFDError as e:
        raise Corrupt(f"unreadable OFD: {e}") from e
    with od:
        if not od.pages:
            raise NoPages("OFD has no pages")
        if len(od.pages) > MAX_PAGES:
            raise TooLarge(f"OFD has {len(od.pages)} pages; at most {MAX_PAGES} are read")
        doc = Document(source=source)
        line_no = 1
        for i, page in enumerate(od.pages):
            try:
                runs, box = page.runs, page.box
            except ofdkit.OFDError as e:
                doc.warnings.append(f"page {i + 1}: unreadable ({e})")
                runs, box = [], (0, 0, 210, 297)
            tokens = [t for run in runs for t in run_tokens(run)]
            lines = build_lines(tokens, i + 1, line_no)
            line_no += len(lines)
            doc.pages.append(Page(number=i + 1, width=box[2] * MM, height=box[3] * MM, lines=lines,
                                  source="text_layer"))
        doc.warnings += [f"OFD: {w}" for w in od.warnings]
    if not any(p.lines for p in doc.pages):
        raise NeedsOcr("OFD has no text (an image-only OFD: convert it to PDF or images for OCR)")
    source.kind = "ofd"
    source.pages = len(doc.pages)
    return doc


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    """The reader protocol's entry (nianbao.readers.Reader): no option changes how an OFD is read."""
    return load(path, source)

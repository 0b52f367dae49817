"""HTML and Word reports as annotation pages: rendered in headless Chromium, cut into page-high
images, with every table cell's box and every character's box read from the rendered page.

The page rendered is the reader's own view of the document (nianbao.readers.marked): each cell
carries the (table, row, col) grid coordinate that `Cell.table_cell` holds, so a value's box is
its cell's box in the browser's layout, found by coordinate, never guessed from text or
geometry. The page is laid out at A4's width (794 CSS px) and cut into A4-high slices, each
cut moved up above the first line or table row it would pass through; a slice is one task.
Boxes are in points (3/4 of a CSS px, as a PDF's) from the top left of their slice, and the
slice's width and height are the page's size.

The browser loads nothing: the page's Content-Security-Policy allows inline styles and data:
images only (no script, no request), and the file is opened from a private temp folder.
"""
from __future__ import annotations

import html as _html
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from nianbao.document import STRUCTURED_KINDS, Document, Line, Metric, Page, Token  # noqa: F401 - re-exported

from .images import DPI

PAGE_W = 794          # CSS px: A4's width at 96 px per inch
PT = 72 / 96          # points per CSS px: pages and boxes are in points, as a PDF's
PAGE_RATIO = 297 / 210
CHROMIUM_PACKAGE = "chromium"

STYLE = """
html{background:#fff}
body{margin:36px 48px;font:15px/1.7 "AR PL SungtiL GB","AR PL UMing CN","WenQuanYi Zen Hei",serif;color:#000}
p{margin:3px 0}
table{border-collapse:collapse;margin:8px 0;max-width:100%}
td,th{border:1px solid #666;padding:2px 4px;vertical-align:middle}
td.nb-hole{min-width:1.5em}
img{max-width:100%}
.nb-head{text-align:center;font-weight:bold}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

# the content's size: its height, not the viewport's (a document is never shorter than its viewport)
SIZE = r"""(() => {
  const d = document.documentElement, b = document.body, bottom = b.getBoundingClientRect().bottom + window.scrollY;
  return {width: Math.max(d.scrollWidth, b.scrollWidth),
          height: Math.ceil(bottom + parseFloat(getComputedStyle(b).marginBottom || "0"))};
})()"""
# every non-blank character's rectangle, and every marked cell's, in page coordinates
PROBE = r"""(() => {
  const sx = window.scrollX, sy = window.scrollY, chars = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), rg = document.createRange();
  let n;
  while ((n = w.nextNode())) {
    const s = n.data;
    for (let i = 0; i < s.length; i++) {
      let j = i + 1;
      const code = s.charCodeAt(i);
      if (code >= 0xD800 && code <= 0xDBFF && i + 1 < s.length) j++;
      const ch = s.slice(i, j);
      if (!/\S/.test(ch)) continue;
      rg.setStart(n, i); rg.setEnd(n, j);
      const r = rg.getClientRects()[0];
      if (r && (r.width > 0 || r.height > 0)) chars.push([ch, r.left + sx, r.top + sy, r.right + sx, r.bottom + sy]);
      i = j - 1;
    }
  }
  const cells = [...document.querySelectorAll('[data-nb]')].map(el => {
    const r = el.getBoundingClientRect();
    return [el.dataset.nb, el.dataset.nbspan, r.left + sx, r.top + sy, r.right + sx, r.bottom + sy];
  });
  return {chars, cells};
})()"""


class RenderError(RuntimeError):
    pass


@dataclass
class GridBox:
    """A table cell as rendered: its grid extent and its box on its page."""
    table: int
    row: int
    col: int
    rows: int
    cols: int
    page: int
    box: tuple[float, float, float, float]   # the cell's box, CSS px of its page
    text: str = ""                            # its characters, in reading order
    text_box: tuple[float, float, float, float] | None = None  # the box of those characters
    chars: list[tuple[str, tuple]] = field(default_factory=list)  # (character, box) inside the cell


@dataclass
class Rendered:
    pages: list[Page]                     # one per slice: its characters as tokens, points
    images: list[dict]                    # {path, width_px, height_px} per page
    cells: dict[tuple[int, int, int], GridBox] = field(default_factory=dict)


def page_html(fragment: str) -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{_html.escape(CSP)}\">"
            f"<style>{STYLE}</style></head><body>{fragment}</body></html>")


def _cuts(height: float, page_h: float, keep: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Slices of the page, each at most `page_h` high, cut where no kept span (a line of text,
    a table row) is crossed when one can be found in the slice's lower half."""
    out, top = [], 0.0
    while top < height - 1:
        cut = min(top + page_h, height)
        if cut < height:
            for _ in range(len(keep)):
                crossing = [a for a, b in keep if a < cut - 0.5 and b > cut + 0.5]
                if not crossing:
                    break
                lower = min(crossing)
                if lower <= top + page_h / 2:
                    break
                cut = lower
        out.append((top, cut))
        top = cut
    return out


def _lines(chars: list[tuple[str, tuple]]) -> list[Line]:
    """Characters in reading order grouped into lines (a new line where a character starts
    left of the last one or off its line)."""
    lines: list[Line] = []
    for ch, b in chars:
        last = lines[-1].tokens[-1].bbox if lines else None
        h = max(b[3] - b[1], 1)
        if last is None or abs((last[1] + last[3]) - (b[1] + b[3])) / 2 > h * 0.5 or b[0] < last[0] - h:
            lines.append(Line(text="", number=len(lines) + 1))
        lines[-1].tokens.append(Token(ch, b))
        lines[-1].text += ch
    for ln in lines:
        ln.bbox = (min(t.bbox[0] for t in ln.tokens), min(t.bbox[1] for t in ln.tokens),
                   max(t.bbox[2] for t in ln.tokens), max(t.bbox[3] for t in ln.tokens))
    return lines


def browser():
    """A headless Chromium to render with (close it when done); RenderError when there is none."""
    from .cdp import Browser, CDPError, chromium_path

    if chromium_path() is None:
        raise RenderError("rendering HTML and Word reports to page images needs Chromium, which is not "
                          f"installed: install the Debian package {CHROMIUM_PACKAGE}")
    try:
        return Browser(width=PAGE_W, height=round(PAGE_W * PAGE_RATIO))
    except (CDPError, OSError) as e:
        raise RenderError(f"Chromium did not start: {e}") from e


def render(path: str | Path, kind: str, dest: Path, browser_=None) -> Rendered:
    """Render the report (source.kind html, docx or word) into PNG pages under `dest`, in
    `browser_` (one of `browser()`, kept for several documents) or a browser of its own."""
    from nianbao.errors import InputError
    from nianbao.readers.marked import fragment

    from .cdp import CDPError

    try:
        html = page_html(fragment(path, kind))
    except InputError as e:
        raise RenderError(f"cannot lay the report out for rendering: {e}") from e
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nianbao-render-") as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        own = browser_ is None
        b = browser() if own else browser_
        try:
            return _render(b, page, dest)
        except CDPError as e:
            raise RenderError(f"Chromium could not render the page: {e}") from e
        finally:
            if own:
                b.close()


def _metrics(b, width: int, height: int, scale: float) -> None:
    b.call("Emulation.setDeviceMetricsOverride",
           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})


def _pt(box) -> tuple:
    return tuple(v * PT for v in box)


def _render(b, page: Path, dest: Path) -> Rendered:
    import base64
    import bisect
    import io

    from PIL import Image

    scale = DPI / 96
    width = PAGE_W
    b.call("Emulation.setScrollbarsHidden", {"hidden": True})  # a scrollbar would narrow the layout
    _metrics(b, width, round(width * PAGE_RATIO), scale)
    b.goto(page.as_uri())
    size = b.js(SIZE)
    if size["width"] > width + 1:  # a table wider than A4: widen the page rather than cut it off
        width = int(size["width"]) + 1
    # the whole document in the viewport (screenshots need no scrolling), measured as shot
    for _ in range(3):
        height = float(size["height"])
        _metrics(b, width, int(height) + 1, scale)
        size = b.js(SIZE)
        if abs(float(size["height"]) - height) < 1:
            break
    page_h = width * PAGE_RATIO
    height = float(size["height"])
    probe = b.js(PROBE, timeout=300)
    chars = [(c[0], tuple(c[1:])) for c in probe["chars"]]
    rows = [tuple(c[2:]) for c in probe["cells"] if c[1].split(",")[0] == "1"]
    keep = [(bx[1], bx[3]) for _, bx in chars] + [(r[1], r[3]) for r in rows if r[3] - r[1] < page_h / 2]
    slices = _cuts(height, page_h, keep)
    order = sorted(range(len(chars)), key=lambda i: (chars[i][1][1] + chars[i][1][3]) / 2)
    centres = [(chars[i][1][1] + chars[i][1][3]) / 2 for i in order]
    pages, images = [], []
    for i, (top, bottom) in enumerate(slices, 1):
        # the viewport holds the whole document: nothing beyond it to capture (and capturing
        # beyond it re-renders the page for every shot)
        shot = b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False,
                                                 "clip": {"x": 0, "y": top, "width": width,
                                                          "height": bottom - top, "scale": 1}})
        img = Image.open(io.BytesIO(base64.b64decode(shot["data"])))
        out = dest / f"page-{i:03d}.png"
        img.save(out, format="PNG", optimize=True)
        images.append({"path": out, "width_px": img.width, "height_px": img.height})
        a, z = bisect.bisect_left(centres, top), bisect.bisect_left(centres, bottom)
        mine = [(ch, _pt((bx[0], bx[1] - top, bx[2], bx[3] - top)))
                for ch, bx in (chars[i] for i in sorted(order[a:z]))]  # in document order
        pages.append(Page(number=i, width=width * PT, height=(bottom - top) * PT, lines=_lines(mine),
                          source="text_layer"))
    on_page = [[(t_.text, t_.bbox) for ln in p.lines for t_ in ln.tokens] for p in pages]
    cells = {}
    for nb, nbspan, x0, y0, x1, y1 in probe["cells"]:
        t, r, c = map(int, nb.split(","))
        rs, cs = map(int, nbspan.split(","))
        cy = (y0 + y1) / 2
        k = next((k for k, (a, z) in enumerate(slices) if a <= cy < z), len(slices) - 1)
        top, bottom = slices[k]
        box = _pt((x0, max(y0, top) - top, x1, min(y1, bottom) - top))
        inside = [(ch, bx) for ch, bx in on_page[k]
                  if box[0] <= (bx[0] + bx[2]) / 2 <= box[2] and box[1] <= (bx[1] + bx[3]) / 2 <= box[3]]
        text_box = (min(bx[0] for _, bx in inside), min(bx[1] for _, bx in inside),
                    max(bx[2] for _, bx in inside), max(bx[3] for _, bx in inside)) if inside else None
        cells[(t, r, c)] = GridBox(t, r, c, rs, cs, k + 1, box, "".join(ch for ch, _ in inside), text_box,
                                 inside)
    return Rendered(pages=pages, images=images, cells=cells)


@dataclass
class View:
    """A Document seen on its rendered pages: what push makes tasks of."""
    doc: Document
    images: list[dict]
    labels: dict[int, list[tuple[str, tuple, str]]]   # page → (role, box, text) of row/column labels
    unboxed: list[str]                                  # keys with a grid coordinate the page lacks
    cells: dict = field(default_factory=dict)           # (table, row, col) → GridBox


def view(doc: Document, dest: Path, browser_=None) -> View:
    """The document's cells and metrics placed on its rendered pages, and the row and column
    label boxes its grid gives (grid_labels)."""
    from .grid_labels import label_regions

    r = render(doc.source.path, doc.source.kind, dest, browser_)
    fields, unboxed = {}, []
    for key, c in doc.fields.items():
        g = r.cells.get(tuple(c.table_cell)) if c.table_cell is not None else None
        if g is None:
            if c.table_cell is not None:
                unboxed.append(key)
            fields[key] = replace(c, page=None, line=None, bbox=None)
        else:
            fields[key] = replace(c, page=g.page, line=None, bbox=g.box)
    metrics = {mid: _place_metric(m, r.pages) for mid, m in doc.metrics.items()}
    v = replace(doc, pages=r.pages, fields=fields, metrics=metrics)
    return View(doc=v, images=r.images, labels=label_regions(v, r.cells), unboxed=unboxed, cells=r.cells)


def _place_metric(m: Metric, pages: list[Page]) -> Metric:
    """A metric placed on the rendered pages by its evidence clause: the box of the number's
    characters (of the whole clause for a yes/no metric, as on PDF pages); none when the
    clause is not found as printed."""
    import re
    import unicodedata

    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))

    ev = norm(m.evidence or "")
    toks = [(p.number, t) for p in pages for ln in p.lines for t in ln.tokens]
    text = "".join((norm(t.text) or " ")[0] for _, t in toks)  # one character per token
    at = text.find(ev) if ev else -1
    if at < 0 or m.value is None:
        return replace(m, page=None, line=None, bbox=None)
    a, z = 0, len(ev)
    if not isinstance(m.value, bool):
        nums = list(re.finditer(r"\d[\d,]*(?:\.\d+)?", ev))
        same = [n for n in nums if _number(n.group(0)) == m.value]
        if not (same or nums):
            return replace(m, page=None, line=None, bbox=None)
        a, z = (same or nums)[0].span()
    span = toks[at + a:at + z]
    page = span[0][0]
    span = [t for p, t in span if p == page]
    box = (min(t.bbox[0] for t in span), min(t.bbox[1] for t in span),
           max(t.bbox[2] for t in span), max(t.bbox[3] for t in span))
    return replace(m, page=page, line=None, bbox=box)


def _number(s: str) -> float | None:
    try:
        return float(s.replace(",", ""))
    except ValueError:
        return None

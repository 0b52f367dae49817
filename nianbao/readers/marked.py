"""An HTML or Word report as one HTML fragment whose table cells name their grid coordinate:
what the annotation tasks' page images are rendered from (nianbao.annotations.render).

Every table cell the reader placed carries `data-nb="table,row,col"` and `data-nbspan="rows,cols"`:
the coordinate `Cell.table_cell` holds, by construction, because the document is walked by
the reader's own walker into the reader's own LineSink (so tables are counted and skipped as
the reader counts them) and placed by the same grid layout (grid.layout). A grid slot no cell
covers (trailing cells a page or a Word row left out) gets an empty cell of its own, appended to
its row, which the browser's table model puts in that slot; so a blank zero cell has a box too.

A web page keeps its own markup: the article the reader reads (scripts, styles and site chrome
dropped as the reader drops them), with the title and 发布机构 lines the reader puts first. A
Word file is written out as its paragraphs and tables (text, merged cells; not Word's fonts).
Nothing here runs on the extraction path.
"""
from __future__ import annotations

import html as _html
import tempfile
from pathlib import Path

from .grid import MAX_SPAN, GridCell, LineSink, clean, layout

HOLE = "nb-hole"  # class of the cells added for slots no printed cell covers


def _spans(cell: GridCell, r: int, n_rows: int) -> tuple[int, int]:
    """A cell's extent as grid.layout places it (rowspan 0: to the table's end; clamped)."""
    rs = cell.rowspan or (n_rows - r)
    return min(rs, n_rows - r), max(1, min(cell.colspan, MAX_SPAN))


def _attrs(t: int, r: int, c: int, rs: int, cs: int) -> dict[str, str]:
    return {"data-nb": f"{t},{r},{c}", "data-nbspan": f"{rs},{cs}"}


class _MarkingSink(LineSink):
    """The reader's sink; each table it numbers has its cell elements marked."""

    element = None  # the <table> being read (set by the walker)

    def table(self, rows: list[list[GridCell]]) -> None:
        t = self.tables
        super().table(rows)
        if self.tables == t:  # a table with no text: the reader does not count it
            return
        from lxml import etree

        from .html import table_cells
        trs = list(self.element.iter("tr"))
        elements = {id(cell): el for row, els in zip(rows, table_cells(self.element)) for cell, el in zip(row, els)}
        for r, row in enumerate(layout(rows)):
            for c, cell in row:
                if cell is None:
                    el = etree.SubElement(trs[r], "td")
                    el.set("class", HOLE)
                    rs = cs = 1
                else:
                    el = elements[id(cell)]
                    rs, cs = _spans(cell, r, len(rows))
                for k, v in _attrs(t, r, c, rs, cs).items():
                    el.set(k, v)


def html_fragment(text: str) -> str:
    """A web page's article with its cells marked, the reader's head lines first."""
    import lxml.html

    from .html import Walker, is_data_table, parse_article

    class MarkingWalker(Walker):
        def walk(self, el) -> None:
            if el.tag == "table" and is_data_table(el):
                self.sink.element = el
            super().walk(el)

    body, head = parse_article(text, _MarkingSink(), MarkingWalker)
    if body.tag in ("body", "html"):
        body.tag = "div"
    return "".join(f"<p class='nb-head'>{_html.escape(clean(h))}</p>" for h in head) + \
        lxml.html.tostring(body, encoding="unicode")


class _HtmlSink(LineSink):
    """The reader's sink, writing the paragraphs and numbered tables out as HTML."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def text(self, s: str) -> None:
        super().text(s)
        self.parts += [f"<p>{_html.escape(clean(part))}</p>" for part in s.split("\n") if clean(part)]

    def table(self, rows: list[list[GridCell]]) -> None:
        t = self.tables
        super().table(rows)
        if self.tables == t:
            return
        out = ["<table>"]
        for r, row in enumerate(layout(rows)):
            out.append("<tr>")
            for c, cell in row:
                if cell is None:
                    out.append(f"<td class='{HOLE}' {_attr_text(_attrs(t, r, c, 1, 1))}></td>")
                    continue
                rs, cs = _spans(cell, r, len(rows))
                spans = (f" rowspan='{rs}'" if rs > 1 else "") + (f" colspan='{cs}'" if cs > 1 else "")
                out.append(f"<td{spans} {_attr_text(_attrs(t, r, c, rs, cs))}>{_html.escape(clean(cell.text))}</td>")
            out.append("</tr>")
        out.append("</table>")
        self.parts.append("".join(out))


def _attr_text(attrs: dict[str, str]) -> str:
    return " ".join(f"{k}='{v}'" for k, v in attrs.items())


def docx_fragment(path: Path) -> str:
    from .docx import walk

    sink = _HtmlSink()
    walk(path, sink)
    return "\n".join(sink.parts)


def fragment(path: str | Path, kind: str) -> str:
    """The marked HTML fragment of a report read as `kind` (source.kind: html, docx, word)."""
    path = Path(path)
    if kind == "html":
        from .html import page_text
        return html_fragment(page_text(path))
    if kind == "docx":
        return docx_fragment(path)
    if kind == "word":  # .doc/.wps/.rtf/.odt: converted as the reader converts them
        from .office import convert, office_suffix
        suffix = office_suffix(path)
        with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
            return docx_fragment(convert(path, suffix, Path(tmp)))
    raise ValueError(f"{path}: a {kind} input is not read as HTML or Word")

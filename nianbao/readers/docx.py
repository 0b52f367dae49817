"""Word documents (.docx): paragraphs and tables in document order, merged cells expanded.

python-docx gives the document's XML with Word's own table model: a cell spans grid columns
(`w:gridSpan`), a vertical merge is a first cell (`w:vMerge` restart) continued by empty cells
in the rows below (`w:vMerge` continue), and a row may skip leading grid columns
(`w:gridBefore`). These become the same grid as an HTML table's rowspan/colspan (grid.py).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from nianbao.document import Document, Source
from nianbao.errors import Corrupt, Empty, TooLarge
from nianbao.options import ExtractOptions

from .grid import GridCell, LineSink

MAX_DOCX_BYTES = 50 * 1024 * 1024


def walk(path: Path, sink: LineSink) -> None:
    """The document's paragraphs and tables, in order, into `sink`."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    if path.stat().st_size > MAX_DOCX_BYTES:
        raise TooLarge(f"Word document larger than {MAX_DOCX_BYTES // (1 << 20)} MiB")
    try:
        d = docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as e:
        raise Corrupt(f"unreadable Word document: {type(e).__name__}: {e}") from e
    _Walker(d).blocks(d.element.body, sink)


def load(path: Path, source: Source, kind: str = "docx") -> Document:
    sink = LineSink()
    walk(path, sink)
    if not sink.lines:
        raise Empty("empty input: the Word document has no text")
    return sink.document(source, kind)


class _Walker:
    def __init__(self, d):
        from docx.oxml.ns import qn

        self.P, self.TBL, self.SDT, self.SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
        self.TR, self.TC = qn("w:tr"), qn("w:tc")
        self.T, self.TAB, self.BR, self.CR, self.DEL = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:del")
        self.FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"

    def text(self, p) -> str:
        """A paragraph's text, read from its XML in one pass (python-docx's Paragraph.text runs
        an XPath query per run, most of the reader's time): a tab aligns text and is not a field
        separator here; a break starts a new line; deleted text and the fallback copy of
        alternate content are left out."""
        out: list[str] = []

        def walk(el) -> None:
            for ch in el:
                tag = ch.tag
                if tag == self.T:
                    out.append(ch.text or "")
                elif tag == self.TAB:
                    out.append(" ")
                elif tag == self.BR or tag == self.CR:
                    out.append("\n")
                elif tag != self.FALLBACK and tag != self.DEL:
                    walk(ch)

        walk(p)
        return "".join(out)

    def blocks(self, el, sink: LineSink) -> None:
        for ch in el.iterchildren():
            if ch.tag == self.P:
                sink.text(self.text(ch))
            elif ch.tag == self.TBL:
                sink.table(self.rows(ch))
            elif ch.tag == self.SDT:  # content controls wrap ordinary paragraphs and tables
                content = ch.find(self.SDT_CONTENT)
                if content is not None:
                    self.blocks(content, sink)

    def cell_text(self, tc) -> str:
        # the paragraphs of one cell (and of a table nested in it) read as one field
        return "".join(self.text(p) for p in tc.iter(self.P))

    def rows(self, tbl) -> list[list[GridCell]]:
        # pass 1: every row's cells with their grid column and vertical-merge state
        layout: list[list[tuple[int, object, object]]] = []
        for tr in tbl.iterchildren(self.TR):
            col = tr.grid_before
            row = []
            if col:  # leading grid columns the row leaves out: one empty field spanning them
                row.append((0, None, col))
            for tc in tr.iterchildren(self.TC):
                vm = tc.vMerge
                row.append((col, tc, vm))
                col += tc.grid_span
            layout.append(row)
        starts = [{c: vm for c, tc, vm in row if tc is not None} for row in layout]
        out = []
        for r, row in enumerate(layout):
            cells = []
            for col, tc, vm in row:
                if tc is None:
                    cells.append(GridCell("", 1, vm))
                    continue
                if vm == "continue":
                    continue  # covered by the merged cell above
                span_rows = 1
                if vm == "restart":
                    while r + span_rows < len(layout) and starts[r + span_rows].get(col) == "continue":
                        span_rows += 1
                cells.append(GridCell(self.cell_text(tc), span_rows, tc.grid_span))
            out.append(cells)
        return out


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    """The reader protocol's entry (nianbao.readers.Reader): no option changes how a Word document is read."""
    return load(path, source)

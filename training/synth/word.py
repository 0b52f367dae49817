"""The report as a Word document (`report.docx`), and as a legacy `.doc` through LibreOffice.

Same content and gold as the PDF. Real Word tables (python-docx): merged cells are Word's own
gridSpan / vMerge merges, zeros printed as 0, blank or a dash by style; a page header and footer
(the agency's 文件 line, page numbers) that are not part of the body; the title as one or two
centred paragraphs; headings in bold.
"""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

from . import tables
from .content import Content
from .narrative import build
from .styles import Style

WORD_STYLES = ("word_plain", "word_blank", "word_dash")
ZERO = {"word_plain": "0", "word_blank": "blank", "word_dash": "dash"}


def _text(segs) -> str:
    return segs if isinstance(segs, str) else "".join(s for s, _ in segs)


def add_table(doc, t, rng: random.Random) -> None:
    """A layout.Table as a Word table: merge every span first, then write each cell's text."""
    n_cols = len(t.col_widths)
    table = doc.add_table(rows=t.n_rows, cols=n_cols)
    table.style = "Table Grid"
    for cell in t.cells:
        if cell.rowspan > 1 or cell.colspan > 1:
            table.cell(cell.row, cell.col).merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
    for cell in t.cells:
        text = _text(cell.segs)
        if not text:
            continue
        target = table.cell(cell.row, cell.col)
        p = target.paragraphs[0]
        if len(text) > 8 and rng.random() < 0.1:  # a label typed over two lines
            cut = rng.randrange(3, len(text) - 3)
            p.add_run(text[:cut]).add_break()
            p.add_run(text[cut:])
        else:
            p.add_run(text)


def write_docx(c: Content, style: Style, word: str, rng: random.Random, path: Path) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    style = replace(style, zero=ZERO[word], dash=rng.choice(["—", "-", "－", "/"]))
    d = docx.Document()
    sec = d.sections[0]
    sec.header.paragraphs[0].text = f"{c.agency.name}文件"
    sec.footer.paragraphs[0].text = "— 1 —"
    for kind, b in build(c, rng):
        if kind == "title":
            lines = b if rng.random() < 0.6 else ["".join(b)]
            for line in lines:
                p = d.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.add_run(line).bold = True
            if word == "word_blank":
                d.add_paragraph(f"{c.agency.name}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
                d.add_page_break()
        elif kind == "heading":
            d.add_paragraph().add_run(b).bold = True
        elif kind == "para":
            d.add_paragraph(("　　" if rng.random() < 0.5 else "") + _text(b))
        elif kind == "table":
            add_table(d, tables.BUILDERS[b](c, style), rng)
    tmp = path.with_name(path.name + ".tmp")
    d.save(str(tmp))
    tmp.replace(path)


def word_style(index: int, seed: int) -> str:
    return WORD_STYLES[(index + seed) % len(WORD_STYLES)]


def write_doc(docx_path: Path, doc_path: Path) -> None:
    """The .docx saved as a Word 97 .doc by LibreOffice (nianbao.readers.office runs it)."""
    import tempfile

    from nianbao.readers.office import convert

    with tempfile.TemporaryDirectory(prefix="nianbao-synth-lo-") as tmp:
        out = convert(docx_path, ".docx", Path(tmp), to="doc:MS Word 97", ext="doc")
        tmp_doc = doc_path.with_name(doc_path.name + ".tmp")
        tmp_doc.write_bytes(out.read_bytes())
        tmp_doc.replace(doc_path)

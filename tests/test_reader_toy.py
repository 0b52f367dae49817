"""A new input kind is one reader module and one `register` line (issue 27, docs/architecture.md):
this toy reader of Markdown tables touches nothing else, and its documents go through every
stage like the built-in kinds' (the grid and the token model skip it: no page geometry)."""
from __future__ import annotations

from pathlib import Path

import pytest

from nianbao import readers
from nianbao.document import Document, Source
from nianbao.errors import Empty
from nianbao.options import ExtractOptions
from nianbao.pipeline import extract_all
from nianbao.readers.grid import GridCell, LineSink

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


class MarkdownTables:
    """The toy reader, whole: `| a | b |` rows become table rows (with their grid coordinates),
    other lines text. What a module `nianbao/readers/markdown.py` would hold."""
    name = "markdown"
    kinds = ("markdown",)
    has_geometry = False

    def sniff(self, head: bytes, path: Path) -> bool:
        return path.suffix.lower() == ".md" and head.lstrip().startswith((b"#", b"|"))

    def read(self, path: Path, source: Source, options: ExtractOptions) -> Document:
        sink, table = LineSink(), []
        for line in path.read_text(encoding="utf-8").splitlines() + [""]:
            s = line.strip()
            if s.startswith("|"):
                cells = [c.strip() for c in s.strip("|").split("|")]
                if not all(set(c) <= set("-: ") for c in cells):  # not the |---| rule under a header
                    table.append([GridCell(c) for c in cells])
                continue
            if table:
                sink.table(table)
                table = []
            sink.text(s.lstrip("# "))
        if not sink.lines:
            raise Empty("empty input: the Markdown file has no text")
        return sink.document(source, "markdown")


@pytest.fixture
def toy(monkeypatch):
    monkeypatch.setattr(readers, "REGISTRY", list(readers.REGISTRY))
    readers.register(MarkdownTables())  # the one line of registration (before the text reader)
    return readers


def _as_markdown(html: Path, dest: Path) -> Path:
    """A real report published as a web page, written out as Markdown with its tables."""
    doc = readers.reader("html").read(html, Source(path=str(html)), ExtractOptions.build())
    out = []
    for ln in doc.lines():
        out.append("| " + " | ".join(ln.text.split("\t")) + " |" if ln.cells else ln.text)
    dest.write_text("# " + "\n".join(out) + "\n", encoding="utf-8")
    return dest


def test_a_markdown_report_reads_like_its_web_page(toy, tmp_path):
    html = REAL / "shanghai_office_2019.html"
    md = _as_markdown(html, tmp_path / "report.md")
    assert toy.sniff(md.read_bytes()[:4096], md) == "markdown"
    [doc] = extract_all(md, options=ExtractOptions.build(model=None))
    [ref] = extract_all(html, options=ExtractOptions.build(model=None))
    assert not doc.errors and doc.source.kind == "markdown" and not doc.has_geometry
    assert "grid" not in doc.timings_ms  # no page geometry: the grid stage did not run
    assert doc.format == ref.format and doc.year == ref.year
    values = {k: c.value for k, c in doc.fields.items()}
    assert values == {k: c.value for k, c in ref.fields.items()}
    assert sum(v is not None for v in values.values()) > 50
    # the evidence names the Markdown table's grid cell, as a web page's does
    assert any(c.table_cell is not None for c in doc.fields.values())


def test_without_the_registration_the_file_is_plain_text(tmp_path):
    md = _as_markdown(REAL / "shanghai_office_2019.html", tmp_path / "report.md")
    assert readers.sniff(md.read_bytes()[:4096], md) == "text"


def test_every_reader_keeps_the_protocol_and_the_core_kinds():
    from nianbao.document import GEOMETRY_KINDS, KINDS
    assert isinstance(MarkdownTables(), readers.Reader)
    for r in readers.REGISTRY:
        assert isinstance(r, readers.Reader), r.name
        assert set(r.kinds) <= set(KINDS), r.name  # one spelling of each kind, in the core
        assert all((k in GEOMETRY_KINDS) == r.has_geometry for k in r.kinds), r.name
    assert readers.REGISTRY[-1].name == "text"  # reads anything: asked last

"""Word documents: .docx read directly (merged cells, blank zero cells); .doc, .wps and .rtf
through LibreOffice, made here from a generated .docx."""
from __future__ import annotations

import shutil
import threading

import pytest

from nianbao.pipeline import extract
from nianbao.readers import office
from nianbao.training.synth.word import WORD_STYLES
from readers_fixtures import content, docx_file, wrong_cells

needs_soffice = pytest.mark.skipif(office.soffice() is None,
                                   reason=f"LibreOffice (soffice) not installed: apt-get install {office.PACKAGE}")


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("word_style", WORD_STYLES)
def test_docx_every_cell(tmp_path, word_style, fmt):
    c = content(f"word-{word_style}-{fmt}", fmt)
    gold = c.gold()
    doc = extract(docx_file(c, tmp_path / "报告 2021.docx", word_style))
    assert doc.errors == [] and doc.source.kind == "docx"
    assert wrong_cells(doc, gold) == []
    assert (doc.agency, doc.year, doc.format) == (gold["agency"], gold["year"], fmt)
    assert all(cell.table_cell is not None for cell in doc.fields.values())
    text = [ln.text for ln in doc.lines()]
    assert not any(t.endswith("文件") for t in text)  # the page header is not body text
    assert sum(t.count("三、本年度办理结果") for t in text) == 1  # vertically merged: printed once


def test_docx_merged_cells_become_grid_spans(tmp_path):
    from nianbao.ingest import load
    c = content("word-merge", "2021")
    doc = load(docx_file(c, tmp_path / "r.docx", "word_blank"))
    rows = [ln for ln in doc.lines() if ln.cells]
    assert len({ln.cells[0][0] for ln in rows}) == 3  # three tables
    req = [ln for ln in rows if ln.cells[0][0] == 1]
    header = req[0]
    # 10 grid columns: three label columns, seven values; the group label spans three columns
    assert header.cells[0][2] == 0 and header.cells[1][2] == 3
    last = req[-1]
    assert last.cells[-1][2] == 9 and len(last.text.split("\t")) == len(last.cells)


@needs_soffice
def test_doc_wps_rtf_odt_through_libreoffice(tmp_path):
    c = content("word-legacy", "2019")
    gold = c.gold()
    src = docx_file(c, tmp_path / "src.docx", "word_dash")
    doc_file = office.convert(src, ".docx", tmp_path / "a", to="doc:MS Word 97", ext="doc")
    rtf_file = office.convert(src, ".docx", tmp_path / "b", to="rtf", ext="rtf")
    odt_file = office.convert(src, ".docx", tmp_path / "c", to="odt", ext="odt")
    inputs = {"报告.doc": doc_file, "report.wps": doc_file, "report.rtf": rtf_file, "report.odt": odt_file,
              "noext": doc_file}
    for name, made in inputs.items():
        p = tmp_path / name
        shutil.copyfile(made, p)
        doc = extract(p)
        assert doc.errors == [], name
        assert doc.source.kind == "word", name
        assert wrong_cells(doc, gold) == [], name
        assert (doc.agency, doc.year) == (gold["agency"], gold["year"]), name
        assert all(cell.table_cell is not None for cell in doc.fields.values()), name


@needs_soffice
def test_concurrent_conversions_do_not_collide(tmp_path):
    c = content("word-concurrent", "2021")
    src = docx_file(c, tmp_path / "src.docx", "word_plain")
    made = office.convert(src, ".docx", tmp_path / "m", to="doc:MS Word 97", ext="doc")
    paths = []
    for i in range(3):
        p = tmp_path / f"r{i}.doc"
        shutil.copyfile(made, p)
        paths.append(p)
    results = [None] * len(paths)

    def run(i):
        results[i] = extract(paths[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for doc in results:
        assert doc is not None and doc.errors == [] and wrong_cells(doc, c.gold()) == []


def test_missing_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    p = tmp_path / "old.doc"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    doc = extract(p)
    assert doc.errors and office.PACKAGE in doc.errors[0]["message"] and "LibreOffice" in doc.errors[0]["message"]


def test_damaged_word_files_get_error_records(tmp_path):
    c = content("word-bad", "2021")
    good = docx_file(c, tmp_path / "good.docx", "word_plain").read_bytes()
    (tmp_path / "cut.docx").write_bytes(good[: len(good) // 2])
    (tmp_path / "sheet.docx").write_bytes(_zip({"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<Types/>"}))
    for name in ("cut.docx", "sheet.docx"):
        doc = extract(tmp_path / name)
        assert doc.errors and not doc.fields, name


def _zip(files: dict) -> bytes:
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in files.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_reader_benchmark_runs(capsys):
    from nianbao.eval import bench_readers
    assert bench_readers.main(["--n", "2", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "\nhtml " in out and "\ndocx " in out and "target" in out

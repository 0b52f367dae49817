"""Folders of page images as one report, OFD files, and folder walks that report what they skip."""
from __future__ import annotations

import json
import sys
import zipfile

import pytest

from nianbao.cli import main
from nianbao.pipeline import extract
from nianbao.readers.pages import natural_key
from ofdgen import pdf_to_ofd
from readers_fixtures import content, html_page, wrong_cells


@pytest.fixture(scope="module")
def synth_pdf(tmp_path_factory):
    from nianbao.training.synth.cli import generate_corpus
    out = tmp_path_factory.mktemp("readers-synth")
    generate_corpus(n=2, out=out, seed=41, kinds=("pdf",), workers=1, progress=False)
    docs = sorted((out / "docs").iterdir())
    return [(d / "report.pdf", json.loads((out / "gold" / f"{d.name}.gold.json").read_text("utf-8"))) for d in docs]


def test_folder_of_page_images_is_one_report(tmp_path, synth_pdf, capsys):
    import pypdfium2 as pdfium
    pdf, gold = synth_pdf[0]
    pages = tmp_path / "scans"
    pages.mkdir()
    doc = pdfium.PdfDocument(str(pdf))
    n = len(doc)
    assert n >= 3
    # named so that sorting by characters would put the last page second
    names = [f"p{i}.png" for i in range(1, n)] + ["p10.png"]
    for i, name in enumerate(names):
        doc[i].render(scale=200 / 72).to_pil().convert("L").save(pages / name, dpi=(200, 200))
    doc.close()
    assert sorted(names, key=lambda s: natural_key(pages / s)) == names
    (pages / "notes.txt").write_text("scanned by the office", encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["extract", "--pages", str(pages), "--pages", *[str(pages / s) for s in names], "-o", str(out)])
    assert rc == 0
    a = json.loads((out / "scans.json").read_text("utf-8"))
    b = json.loads((out / "p1-pages.json").read_text("utf-8"))
    for d in (a, b):
        assert d["source"]["kind"] == "image" and d["source"]["pages"] == n
        right = sum(1 for k, v in gold["fields"].items() if d["fields"][k]["value"] == v)
        assert right >= 0.99 * len(gold["fields"]), right
        assert (d["agency"], d["year"]) == (gold["agency"], gold["year"])
    assert any("notes.txt" in w for w in a["warnings"])  # not a page: said so, not dropped silently


def test_ofd_text_with_positions(tmp_path, synth_pdf):
    for pdf, gold in synth_pdf:
        ofd = pdf_to_ofd(pdf, tmp_path / f"{gold['doc']}.ofd")
        doc = extract(ofd)
        assert doc.errors == [] and doc.source.kind == "ofd"
        assert doc.source.pages == len(doc.pages) >= 3
        assert any(ln.tokens and ln.tokens[0].bbox for ln in doc.lines())
        assert wrong_cells(doc, gold) == []
        assert (doc.agency, doc.year) == (gold["agency"], gold["year"])


def test_ofd_without_text_or_reader_is_a_clear_error(tmp_path, synth_pdf, monkeypatch):
    pdf, _ = synth_pdf[0]
    ofd = pdf_to_ofd(pdf, tmp_path / "r.ofd")
    image_only = tmp_path / "image.ofd"
    with zipfile.ZipFile(ofd) as src, zipfile.ZipFile(image_only, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith("Content.xml"):
                data = data.split(b"<ofd:Layer")[0] + b'<ofd:Layer ID="3"></ofd:Layer></ofd:Content></ofd:Page>'
            dst.writestr(name, data)
    doc = extract(image_only)
    assert doc.errors and "no text" in doc.errors[0]["message"]
    monkeypatch.setitem(sys.modules, "ofdkit", None)
    doc = extract(ofd)
    assert doc.errors and "ofdkit" in doc.errors[0]["message"]


def test_folder_walk_reads_new_kinds_and_reports_what_it_skips(tmp_path, capsys):
    from readers_fixtures import docx_file
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    c = content("walk", "2021")
    (src / "a.html").write_bytes(html_page(c, "portal"))
    docx_file(c, src / "sub" / "b.docx", "word_plain")
    (src / "notes.md").write_text("not a report", encoding="utf-8")
    (src / "sub" / "table.xlsx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    rc = main(["extract", str(src), "-o", str(out), "-q"])
    err = capsys.readouterr().err
    assert rc == 4  # every report read; files of other types named (exit_codes.SKIPPED)
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.json")) == ["a.json", "sub/b.json"]
    for name in ("a.json", "sub/b.json"):
        d = json.loads((out / name).read_text("utf-8"))
        right = sum(1 for k, v in c.fields.items() if d["fields"][k]["value"] == v)
        assert right == len(c.fields)
    assert "skipped:" in err and "notes.md" in err and "table.xlsx" in err
    assert "2 extracted, 0 failed, 2 skipped" in err

"""Which printed variant a requests table is — whether it prints the aggregate （六）其他处理 row —
is decided in one place, nianbao.variants.decide_aggregate, for the text path, the grid and the
token model alike (issue 27)."""
from __future__ import annotations

from nianbao import variants
from nianbao.document import Cell, Document, Source


def _doc() -> Document:
    doc = Document(source=Source(path="r.pdf", kind="digital_pdf"))
    doc.format = "2021"
    return doc


def test_the_text_path_marks_the_variant_and_writes_no_cell():
    doc = _doc()
    assert variants.decide_aggregate(doc, variants.TEXT, True) is True
    assert doc.aggregate and doc.fields == {}  # the text path writes the not-printed cells as it reads


def test_the_grid_marks_it_and_the_sub_rows_become_not_printed():
    doc = _doc()
    assert variants.decide_aggregate(doc, variants.GRID, True) is True
    hidden = variants.hidden_keys("2021")
    assert hidden and all(doc.fields[k].reason == variants.NOT_PRINTED for k in hidden)
    assert all(k in doc.fields for k in variants.aggregate_keys("2021"))


def test_the_model_never_overrules_sub_rows_the_rules_read():
    doc = _doc()
    doc.fields[variants.hidden_keys("2021")[0]] = Cell(value=3)
    assert variants.decide_aggregate(doc, variants.MODEL, True) is False
    assert not doc.aggregate and doc.fields[variants.hidden_keys("2021")[0]].value == 3
    alone = _doc()
    assert variants.decide_aggregate(alone, variants.MODEL, True) is True


def test_a_decision_is_not_taken_back():
    doc = _doc()
    variants.decide_aggregate(doc, variants.TEXT, True)
    for seen_by in (variants.GRID, variants.MODEL):
        assert variants.decide_aggregate(doc, seen_by, False) is True
    assert variants.decide_aggregate(_doc(), variants.GRID, False) is False

"""Cells no identity checks (issue 24, part B): the 2019 format's first table, the 2021 active
table's independent columns, procurement, fees. Nothing but the reading stands behind them, so
they claim 0.9 or more only when the reading is unambiguous by construction (a web or Word grid
cell, a PDF/scan cell located by position, in a row whose cells come from one printed row); a
grid row's own cells are never replaced by another row's numbers."""
import re

from nianbao.document import Cell, Document, Page, Source
from nianbao.pipeline import extract, extract_text
from nianbao.reconcile import reconcile
from readers_fixtures import content, html_page, wrong_cells
from reportgen import make_values, report_text


def _web_2019(tmp_path, edit=None):
    c = content("ug19", "2019", seed=3)
    page = html_page(c, "portal").decode("utf-8")
    if edit:
        page = edit(page)
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    return extract(path), c.gold()


def test_a_row_keeps_its_own_grid_cells_when_the_next_label_is_missed(tmp_path):
    """规章 printed blank, 规范性文件 with a slip the anchors cannot place: reading order gave
    规范性文件's numbers to 规章 at 0.99, overruling 规章's own (blank) grid cells."""
    def edit(page):
        page = re.sub(r"<tr><td>规章</td>(<td>[^<]*</td>)+</tr>", "<tr><td>规章</td><td></td><td></td><td></td></tr>", page)
        return page.replace("<tr><td>规范性文件</td>", "<tr><td>规范姓文件</td>")
    doc, gold = _web_2019(tmp_path, edit)
    for col in ("made", "published", "total_published"):
        cell = doc.fields[f"active.rules.{col}"]
        assert cell.value == 0 and cell.blank, cell
        assert cell.table_cell is not None  # its own grid cell
        assert doc.fields[f"active.normative_docs.{col}"].value is None  # unread, not guessed


def test_web_grid_cells_nothing_checks_keep_their_confidence(tmp_path):
    doc, gold = _web_2019(tmp_path)
    assert wrong_cells(doc, gold) == []
    active = {k: c for k, c in doc.fields.items() if k.startswith("active.")}
    assert all(c.verified is None for c in active.values())
    assert all(c.confidence >= 0.9 for c in active.values() if not c.blank)


def test_text_without_geometry_claims_less_than_0_9_where_nothing_checks():
    """A dump or scraped text keeps no table geometry: which row a number belongs to is the
    reader's inference, so a cell no identity checks claims at most 0.85, with the reason."""
    values = make_values("2019", seed=5)
    doc = extract_text(report_text("2019", values))
    active = {k: c for k, c in doc.fields.items() if k.startswith("active.")}
    assert active and all(c.value == values[k] for k, c in active.items())
    for k, c in active.items():
        assert c.verified is None and c.confidence <= 0.85, (k, c)
        assert "no identity checks it" in c.reason
    # cells an identity vouches for keep theirs
    assert all(c.confidence >= 0.9 for k, c in doc.fields.items() if c.verified is True and not c.blank)


def _pdf_doc():
    doc = Document(source=Source(path="r.pdf", kind="digital_pdf"), format="2019",
                   pages=[Page(number=1, source="text_layer")])
    doc.fields = {k: Cell(value=v, text=str(v), confidence=0.99, page=1, bbox=(100.0, 500.0, 120.0, 510.0))
                  for k, v in make_values("2019", seed=6).items()}
    return doc


def test_a_row_read_from_more_cells_or_from_another_line_claims_at_most_0_85():
    doc = _pdf_doc()
    doc.fields["active.licensing.prev_items"].reason = "row printed 6 cells for 3 columns; dropped 0, 0, 0"
    doc.fields["active.penalty.decisions"].bbox = (300.0, 530.0, 320.0, 540.0)  # the line below its row
    doc.fields["active.fees.change"] = Cell(value=0, text="", confidence=0.9, page=1, blank=True)  # no box
    reconcile(doc)
    assert doc.fields["active.licensing.prev_items"].confidence <= 0.85
    assert "more cells than columns" in doc.fields["active.licensing.prev_items"].reason
    for col in ("prev_items", "change", "decisions"):
        assert doc.fields[f"active.penalty.{col}"].confidence <= 0.85
        assert "different printed rows" in doc.fields[f"active.penalty.{col}"].reason
    assert doc.fields["active.fees.change"].confidence <= 0.85
    assert "without the table's geometry" in doc.fields["active.fees.change"].reason
    # a row located by position on one line keeps its reading's confidence
    assert all(doc.fields[f"active.enforcement.{c}"].confidence == 0.99 for c in ("prev_items", "change", "decisions"))


def test_eval_reports_calibration_apart_for_guarded_and_unguarded_cells():
    from nianbao.eval.aggregate import trust
    from nianbao.eval.score import score_cells
    gold = {"fields": {"a.x.y": 1, "a.x.z": 2, "r.x.total": 3, "r.x.part": 3}}
    pred = {"fields": {"a.x.y": {"value": 1, "confidence": 0.99, "verified": None},
                       "a.x.z": {"value": 5, "confidence": 0.95},  # wrong, nothing checks it
                       "r.x.total": {"value": 3, "confidence": 0.99, "verified": True},
                       "r.x.part": {"value": 3, "confidence": 0.85, "verified": False}}}
    c = score_cells(gold, pred)
    assert c["calibration_by_guard"] == {"guarded": {"0.99-1.00": [1, 1], "0.80-0.90": [1, 1]},
                                         "unguarded": {"0.99-1.00": [1, 1], "0.95-0.99": [0, 1]}}
    row = {"calibration": c["calibration"], "calibration_by_guard": c["calibration_by_guard"], "group": "pdf",
           "silent_errors": c["silent_errors"], "metrics": {"false_positives": 0}, "cells": {"total": 4},
           "wrong": c["wrong"], "input": "x"}
    t = trust([row])
    assert t["high_confidence_by_guard"]["unguarded"] == {"right": 1, "cells": 2, "wrong": 1, "accuracy": 0.5}
    assert t["high_confidence_by_guard"]["guarded"]["wrong"] == 0

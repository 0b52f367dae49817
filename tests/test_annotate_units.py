"""The annotation loop's pieces that need no server: labels from the schema, tasks from a
Document, regions → token roles and gold values, the pull store's merge rule."""
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from nianbao import schema
from nianbao.annotations import convert, label_config as labels, store, tasks
from nianbao.document import Cell, Document, Line, Metric, Page, Source, Token


def test_labels_cover_the_schema_and_nothing_else():
    got = set(labels.all_labels())
    for fmt in schema.FORMATS:
        assert {f"VAL:{k}" for k in schema.field_keys(fmt)} <= got
    assert {f"MET:{m}" for m in schema.metric_ids()} <= got
    assert "ROW:requests.new_received" in got and "COL:requests.natural_person" in got
    assert labels.check("VAL:requests.new_received.total")
    for bad in ("VAL:requests.new_received.totl", "requests.new_received.total", "MET:nope", "ROW:foo.bar"):
        with pytest.raises(labels.UnknownLabel):
            labels.check(bad)


def test_labelling_config_is_xml_listing_every_label_once():
    root = ET.fromstring(labels.labelling_config())
    shown = [e for e in root.iter("Label")]
    assert [e.get("alias") for e in shown] == list(labels.all_labels())  # the role is what is stored
    values = [e.get("value") for e in shown]
    assert len(set(values)) == len(values)  # no two roles read the same
    assert all(re.search(r"[\u4e00-\u9fff]", v) for v in values)  # every name in Chinese
    assert labels.display("VAL:requests.result.disclosed.natural_person") == "三（一）予以公开 · 自然人"
    assert "新收" in labels.display("VAL:requests.new_received.total")
    # an explicit blank hotkey on every label: Label Studio assigns single keys to those without
    assert {e.get("hotkey") for e in shown} == {labels.NO_HOTKEY}
    assert all(e.get("hotkey") for e in root.iter() if e.tag in ("Choice", "Filter"))
    names = {e.tag: e.get("name") for e in root.iter()}
    assert names["Image"] == labels.IMAGE and names["RectangleLabels"] == labels.LABEL
    assert names["TextArea"] == labels.TEXT and names["HyperText"] == "tables"
    area = next(root.iter("TextArea"))
    assert area.get("perRegion") == "true"


def _doc() -> Document:
    """One page, 600×800 pt: the row label 本年新收 and the value 17, and a metric clause."""
    toks = [Token(c, (100 + 10 * i, 100, 110 + 10 * i, 112)) for i, c in enumerate("本年新收")]
    toks += [Token("1", (500, 100, 505, 112), label="B-VAL"), Token("7", (505, 100, 510, 112), label="I-VAL")]
    mtoks = [Token(c, (100 + 10 * i, 300, 110 + 10 * i, 312)) for i, c in enumerate("收到申请23件")]
    row = [Token(c, (100 + 10 * i, 200, 110 + 10 * i, 212), label=("B-" if i == 0 else "I-") + "COL:requests.natural_person")
           for i, c in enumerate("自然人")]
    doc = Document(source=Source(path="x/report.pdf", sha256="ab" * 32, kind="digital_pdf", pages=1), format="2021")
    doc.pages = [Page(1, 600, 800, [Line("本年新收 17", 1, 1, tokens=toks), Line("自然人", 2, 1, tokens=row),
                                    Line("收到申请23件", 3, 1, tokens=mtoks)], "text_layer")]
    doc.fields = {"requests.new_received.total": Cell(17, "17", 0.99, 1, 1, (500, 100, 510, 112))}
    doc.metrics = {"requests_received": Metric(23, evidence="收到申请23件", page=1, bbox=(100, 300, 170, 312),
                                               confidence=0.9)}
    return doc


def test_page_task_holds_tokens_and_percent_boxes_with_known_labels():
    (task,) = tasks.page_tasks(_doc(), "x", [{"url": "/data/local-files/?d=x.png", "width_px": 1200, "height_px": 1600}])
    d = task["data"]
    assert d["doc_id"] == "x" and d["page"] == 1 and d["tokens"][:4] == list("本年新收")
    assert d["bboxes"][0] == [167, 125, 183, 140]
    assert d["predicted"]["fields"]["requests.new_received.total"] == 17
    pred = task["predictions"][0]
    assert pred["model_version"].startswith("nianbao-rules-")
    by = {}
    for r in pred["result"]:
        by.setdefault(r["id"], {})[r["from_name"]] = r
    got = {g["label"]["value"]["rectanglelabels"][0]: g for g in by.values()}
    # the column box from the model's labels, the row box proposed from the layout
    assert set(got) == {"VAL:requests.new_received.total", "MET:requests_received", "COL:requests.natural_person",
                        "ROW:requests.new_received"}
    assert got["ROW:requests.new_received"]["transcription"]["value"]["text"] == ["本年新收"]
    assert got["VAL:requests.new_received.total"]["label"]["meta"]["text"] == ["置信度 0.99 · 未核验 unchecked"]
    v = got["VAL:requests.new_received.total"]
    assert v["transcription"]["value"]["text"] == ["17"]
    assert v["label"]["value"]["x"] == pytest.approx(500 / 600 * 100)
    assert v["label"]["value"]["width"] == pytest.approx(10 / 600 * 100)
    m = got["MET:requests_received"]  # narrowed from the clause to the number's two characters
    assert m["transcription"]["value"]["text"] == ["23"]
    assert m["label"]["value"]["x"] == pytest.approx(140 / 600 * 100)
    assert m["label"]["value"]["width"] == pytest.approx(20 / 600 * 100)


def test_unknown_label_is_refused_before_it_reaches_the_server():
    with pytest.raises(labels.UnknownLabel):
        tasks.region("r", "VAL:requests.new_received.everyone", "1", {"x": 1, "y": 1, "width": 1, "height": 1}, 10, 10)


def _region(rid, label, text, x, y, w, h):
    box = {"x": x, "y": y, "width": w, "height": h, "rotation": 0}
    return [{"id": rid, "from_name": "label", "to_name": "image", "type": "rectanglelabels",
             "value": {**box, "rectanglelabels": [label]}},
            {"id": rid, "from_name": "transcription", "to_name": "image", "type": "textarea",
             "value": {**box, "text": [text]}}]


def test_token_roles_take_the_smallest_region_containing_the_centre():
    result = _region("a", "ROW:requests.new_received", "", 0, 0, 50, 10) + \
        _region("b", "VAL:requests.new_received.total", "17", 10, 0, 5, 10)
    regs, problems = convert.regions(result + _region("c", "VAL:no.such.key", "1", 0, 0, 1, 1))
    assert len(regs) == 2 and len(problems) == 1 and "no.such.key" in problems[0]
    roles = convert.token_roles([[20, 10, 40, 30], [110, 10, 130, 30], [600, 10, 620, 30]], regs)
    assert roles == ["ROW:requests.new_received", "VAL:requests.new_received.total", "O"]


@pytest.mark.parametrize("text,ctype,want", [("1,234", "int", 1234), ("", "int", 0), ("—", "int", 0),
                                              ("-3", "signed", -3), ("96171.6", "decimal", 96171.6),
                                              ("１２", "int", 12), ("12件", "int", 12)])
def test_parse_value(text, ctype, want):
    assert convert.parse_value(text, ctype) == want


def test_parse_value_refuses_words():
    with pytest.raises(ValueError):
        convert.parse_value("十二", "int")


def _rec(task, ann, updated, result=(), cancelled=False, created="2026-01-01T00:00:00+00:00", page=None):
    return {"project": "p", "task_id": task, "annotation_id": ann, "created_at": created, "updated_at": updated,
            "result": list(result), "was_cancelled": cancelled,
            "data": {"doc_id": "d", "sha256": "s", "page": task if page is None else page}}


def test_store_merge_keeps_newer_and_never_drops(tmp_path: Path):
    first = [_rec(1, 10, "2026-01-01T00:00:00+00:00", ["a"]), _rec(2, 20, "2026-01-01T00:00:00+00:00")]
    merged, c = store.merge({}, first)
    assert c["new"] == 2
    store.save(tmp_path, merged)
    # the server lost annotation 20 and returns an older version of 10: both stored ones stay
    merged, c = store.merge(store.load(tmp_path), [_rec(1, 10, "2025-12-31T00:00:00+00:00", ["old"])])
    assert c["kept_newer"] == 1 and len(merged) == 2
    assert store.current(merged)[("d", "s", 1)]["result"] == ["a"]
    merged, c = store.merge(merged, [_rec(1, 10, "2026-01-02T00:00:00+00:00", ["b"]),
                                     _rec(1, 11, "2026-01-03T00:00:00+00:00", ["c"], cancelled=True)])
    assert c == {"new": 1, "updated": 1, "unchanged": 0, "kept_newer": 0}
    cur = store.current(merged)
    assert cur[("d", "s", 1)]["result"] == ["b"]  # the cancelled (skipped) one does not count
    assert set(cur) == {("d", "s", 1), ("d", "s", 2)}


def test_store_survives_a_reset_server_reusing_ids(tmp_path: Path):
    """After a reset, task 1 / annotation 10 is another annotation (created later): both are
    kept, and the page's latest one counts."""
    merged, _ = store.merge({}, [_rec(1, 10, "2026-01-05T00:00:00+00:00", ["first server"])])
    merged, c = store.merge(merged, [_rec(1, 10, "2026-02-01T00:00:00+00:00", ["second server"],
                                          created="2026-02-01T00:00:00+00:00")])
    assert c["new"] == 1 and len(merged) == 2
    assert store.current(merged)[("d", "s", 1)]["result"] == ["second server"]


def test_rules_pages_get_row_and_column_boxes_from_the_layout(tmp_path):
    """A report printed with aligned column headers: the proposed row and column boxes hold
    exactly the printed labels (group captions and section headings stay out)."""
    from pdfgen import render_report
    from reportgen import make_values
    from nianbao.annotations.layout_roles import layout_regions
    from nianbao.pipeline import extract
    pdf = render_report(tmp_path / "r.pdf", "2021", make_values("2021", seed=3), aligned_header=True)
    doc = extract(pdf)
    found = {}
    for page in doc.pages:
        for label, _, text in layout_regions(doc, page):
            found.setdefault(label, text)
    assert found["ROW:active.fees"] == "行政事业性收费"  # not the next section's heading
    assert found["ROW:requests.new_received"] == "一、本年新收政府信息公开申请数量"
    assert found["ROW:requests.result.withheld.state_secret"] == "1.属于国家秘密"
    assert found["COL:requests.natural_person"] == "自然人"
    assert found["COL:requests.legal_service"] == "法律服务机构"
    assert not any(lb.startswith(("ROW:appeals", "COL:appeals")) for lb in found)
    assert all(lb in labels.all_labels() for lb in found)


def test_page_images_refuse_a_decompression_bomb_and_render_a_report(tmp_path):
    from pdf_fixtures import bomb_pdf, text_pdf
    from nianbao.annotations import images
    with pytest.raises(ValueError, match="pixels"):
        images.write_pages(bomb_pdf(tmp_path / "bomb.pdf"), "scanned_pdf", tmp_path / "b")
    pages = images.write_pages(text_pdf(tmp_path / "ok.pdf", ["第一页", "第二页"]), "digital_pdf", tmp_path / "ok")
    assert [p["path"].name for p in pages] == ["page-001.png", "page-002.png"]
    assert all(p["width_px"] > 500 and p["path"].read_bytes()[:4] == b"\x89PNG" for p in pages)
    with pytest.raises(ValueError, match="no pages"):
        images.write_pages(tmp_path / "x.txt", "text", tmp_path / "t")


def test_a_straightened_page_is_shown_as_read(tmp_path):
    """A scan straightened before reading (here turned a quarter) is pushed as the page the boxes
    and the token dataset are in, not as the file's page; other pages as the file has them."""
    import numpy as np
    from pdf_fixtures import text_pdf
    from nianbao.annotations import images
    from nianbao.ocr.images import PageImage
    pdf = text_pdf(tmp_path / "two.pdf", ["第一页", "第二页"])  # A4 portrait
    read = np.full((1190, 1684), 255, np.uint8)  # the page as read: landscape, 144 px per point
    turned = Page(number=2, width=842, height=595, source="ocr", image=PageImage(read, 2.0),
                  to_source=(0, -1, 595, 1, 0, 0, 0, 0, 1), source_size=(595, 842))
    doc = Document(source=Source(path=str(pdf), kind="scanned_pdf"), pages=[Page(number=1, width=595, height=842), turned])
    pages = images.write_pages(pdf, "scanned_pdf", tmp_path / "o", doc=doc)
    assert pages[0]["width_px"] < pages[0]["height_px"]  # as the file has it
    assert pages[1]["width_px"] > pages[1]["height_px"]  # as read
    assert pages[1]["width_px"] == round(842 * images.DPI / 72)
    assert turned.box_on_source((0, 0, 842, 595)) == pytest.approx((0, 0, 595, 842))


@pytest.mark.parametrize("cell,want", [
    (Cell(0, "一", 0.9), ""),          # a dash OCR read as the hanzi 一: blank, not 一
    (Cell(0, "-", 0.9), ""), (Cell(0, "", 0.9, blank=True), ""),
    (Cell(1234, "1,234", 0.9), "1,234"),  # as printed when it reads as the value
    (Cell(17, "l7", 0.6), "17"),          # else the value
    (Cell(None, "x", 0.0), "x"),          # unread: what was read, for the annotator to fix
])
def test_pushed_text_is_the_value_as_printed_and_a_dash_is_blank(cell, want):
    assert tasks.cell_text(cell) == want


def _page_rec(result, boxed=()):
    return {"project": "p", "task_id": 1, "annotation_id": 1, "updated_at": "2026-01-01T00:00:00+00:00",
            "result": result, "data": {"page": 1, "format": "2021", "doc_id": "d", "boxed": list(boxed),
                                       "predicted": {"fields": {k: 5 for k in schema.field_keys("2021")},
                                                     "metrics": {}}}}


def test_gold_blank_choice_and_deleted_box_mean_nothing_printed():
    a, b, c = ("requests.new_received.natural_person", "requests.new_received.enterprise",
               "requests.new_received.research")
    blank = _region("r1", f"VAL:{a}", "5", 1, 1, 1, 1)
    blank.append({"id": "r1", "from_name": labels.CELL, "to_name": "image", "type": "choices",
                  "value": {"x": 1, "y": 1, "width": 1, "height": 1, "choices": [labels.BLANK]}})
    kept = _region("r2", f"VAL:{b}", "5", 2, 1, 1, 1)
    # c was pushed with a box (boxed) and the annotator deleted it; `un` had no box and keeps 5
    gold, problems = convert.document_gold("d", [_page_rec(blank + kept, boxed=[a, b, c])])
    assert gold["fields"][a] == 0 and gold["fields"][c] == 0 and gold["fields"][b] == 5
    assert gold["fields"]["requests.new_received.total"] == 5
    assert gold["annotation"]["corrected"][f"VAL:{c}"]["how"].startswith("box deleted")
    assert not [p for p in problems if "not a number" in p]


def test_pull_reads_a_lone_hanzi_one_as_a_dash():
    assert convert.parse_value("一", "int") == 0

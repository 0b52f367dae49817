"""HTML and Word reports as annotation pages, without a server: the reader's cells marked with
their grid coordinates (nianbao.readers.marked), rendered in headless Chromium
(nianbao.annotations.render) into page slices with every value's box on its cell, blank cells
in their grid slots and row and column labels boxed (scored by nianbao.eval.annotate_boxes);
the browser fetches nothing; folders give HTML and Word files and records for the rest."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from nianbao.annotations import render
from nianbao.annotations.cdp import chromium_path
from nianbao.eval import annotate_boxes as AB
from nianbao.pipeline import extract
from nianbao.readers import office
from nianbao.readers.grid import clean
from nianbao.readers.marked import HOLE, fragment
from readers_fixtures import content, docx_file, html_page

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "shanghai_office_2019.html"
needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no chromium (Debian package chromium)")
needs_soffice = pytest.mark.skipif(office.soffice() is None, reason=f"no LibreOffice ({office.PACKAGE})")


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("structured")
    web = content("ann-editor-2021-1", "2021", seed=1)
    (d / "web.html").write_bytes(html_page(web, "editor"))  # trailing blank cells left out
    word = content("ann-word-2019", "2019", seed=3)
    docx_file(word, d / "word.docx", "word_blank")
    out = {"web": (d / "web.html", web.gold()), "word": (d / "word.docx", word.gold())}
    if REAL.is_file():
        out["real"] = (REAL, json.loads(REAL.with_name(REAL.stem + ".gold.json").read_text(encoding="utf-8")))
    return out


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        pytest.skip("no chromium")
    b = render.browser()
    yield b
    b.close()


def _marked(frag: str) -> dict[tuple, tuple[str, bool]]:
    root = lxml.html.fragment_fromstring(frag, create_parent="div")
    return {tuple(map(int, el.get("data-nb").split(","))): (clean(el.text_content()), HOLE in (el.get("class") or ""))
            for el in root.iter() if el.get("data-nb")}


@pytest.mark.parametrize("name", ["web", "word", "real"])
def test_every_cell_the_reader_read_is_marked_with_its_coordinate(docs, name):
    if name not in docs:
        pytest.skip(f"no {REAL}")
    path, _ = docs[name]
    doc = extract(path)
    marked = _marked(fragment(path, doc.source.kind))
    for key, cell in doc.fields.items():
        assert cell.table_cell is not None, key
        text, hole = marked[tuple(cell.table_cell)]
        assert text.replace(" ", "") == (cell.text or "").replace(" ", ""), (key, text, cell.text)
        assert not hole or cell.blank
    if name == "web":  # the editor style leaves out trailing blank cells: each gets a cell of its own
        assert sum(hole for _, hole in marked.values()) > 50


@needs_soffice
def test_a_doc_file_is_marked_through_libreoffice(docs, tmp_path):
    from nianbao.training.synth.word import write_doc
    doc_path = tmp_path / "word.doc"
    write_doc(docs["word"][0], doc_path)
    doc = extract(doc_path)
    assert doc.source.kind == "word"
    marked = _marked(fragment(doc_path, "word"))
    assert all(marked[tuple(c.table_cell)][0].replace(" ", "") == (c.text or "").replace(" ", "")
               for c in doc.fields.values())


@needs_chromium
@pytest.mark.parametrize("name", ["web", "word", "real"])
def test_rendered_value_boxes_sit_on_their_cells(docs, browser, tmp_path, name):
    if name not in docs:
        pytest.skip(f"no {REAL}")
    path, gold = docs[name]
    v = render.view(extract(path), tmp_path, browser)
    assert len(v.images) == len(v.doc.pages) >= 2
    assert all(abs(img["width_px"] / p.width - render.DPI / 72) < 0.01 for img, p in zip(v.images, v.doc.pages))
    assert all(p.height <= p.width * render.PAGE_RATIO + 1 for p in v.doc.pages)
    acc, detail = Counter(), []
    AB.score_rendered(v, gold, acc, detail)
    print(name, AB.report(acc))
    assert acc["VAL_values"] == len(gold["fields"]) and acc["VAL_values_right"] == acc["VAL_values"], detail
    assert acc["VAL_boxes_right"] == acc["VAL_boxes"] == acc["VAL_values"], detail
    assert acc["VAL_blank"] > 20 and acc["VAL_blank_right"] == acc["VAL_blank"], detail
    assert acc["ROW_boxes_right"] == acc["ROW_boxes"] and acc["ROW_labels_right"] == acc["ROW_labels"] > 20, detail
    assert acc["COL_labels"] > 15 and acc["COL_labels_right"] >= acc["COL_labels"] - (name == "real"), detail
    assert acc["VAL_not_a_number"] == 0
    if name == "real":  # 采购总金额 printed for the schema's 采购总金额（万元）: 5 of its 9 characters
        assert acc["VAL_other_unit"] == 1  # 251000元 under 万元, read as 25.1
        assert detail == ["page 4 COL:active.amount (列 二 本年收费金额（万元）): box text '采购总金额'",
                          "no box on the label of COL:active.amount (列 二 本年收费金额（万元）)"]
    metrics = [m for m in v.doc.metrics.values() if m.value is not None]
    assert metrics and all(m.bbox is not None for m in metrics)


@needs_chromium
def test_the_browser_fetches_nothing(browser, tmp_path):
    page = tmp_path / "r.html"
    page.write_text("<html><head><link rel='stylesheet' href='http://127.0.0.1:9/x.css'>"
                    "<script src='http://127.0.0.1:9/x.js'></script></head><body>"
                    "<h1>2023年某县人民政府办公室政府信息公开工作年度报告</h1><p>本年新收申请5件。</p>"
                    "<img src='http://127.0.0.1:9/a.png'><p style=\"background:url('http://127.0.0.1:9/b.png')\">"
                    "正文</p><table><tr><td>自然人</td></tr><tr><td>5</td></tr></table></body></html>",
                    encoding="utf-8")
    browser.events.clear()
    r = render.render(page, "html", tmp_path / "pages", browser)
    ev = browser.events
    asked = {e["params"]["requestId"]: e["params"]["request"]["url"] for e in ev
             if e.get("method") == "Network.requestWillBeSent"}
    blocked = {e["params"]["requestId"]: e["params"].get("blockedReason") for e in ev
               if e.get("method") == "Network.loadingFailed"}
    remote = {i for i, u in asked.items() if not u.startswith("file://")}
    assert remote and all(blocked.get(i) == "csp" for i in remote), (asked, blocked)  # refused before sending
    assert not any(e.get("method") == "Network.responseReceived" and not e["params"]["response"]["url"]
                   .startswith("file://") for e in ev)
    assert len(r.images) == 1 and set(r.cells) == {(0, 0, 0), (0, 1, 0)}
    assert r.cells[(0, 1, 0)].text == "5"


def test_page_cuts_pass_between_lines():
    lines = [(y, y + 20) for y in range(0, 3000, 25)]
    cuts = render._cuts(3000, 1000, lines)
    assert cuts[0][0] == 0 and cuts[-1][1] == 3000
    assert all(a[1] == b[0] for a, b in zip(cuts, cuts[1:]))
    for top, bottom in cuts:
        assert bottom - top <= 1000
        assert not any(a < bottom < b for a, b in lines), bottom
    # a block taller than half a page is cut through rather than left on a page of its own
    cuts = render._cuts(3000, 1000, [(400, 2500)])
    assert cuts[0] == (0, 1000)


def test_without_chromium_a_clear_error(monkeypatch):
    from nianbao.annotations import cdp
    monkeypatch.setattr(cdp, "chromium_path", lambda: None)
    with pytest.raises(render.RenderError, match="needs Chromium.*Debian package chromium"):
        render.browser()


def test_push_takes_html_and_word_from_a_folder_and_records_the_rest(tmp_path):
    from nianbao.annotations.push import collect_inputs
    (tmp_path / "a").mkdir()
    for name in ("a/r.pdf", "b.html", "c.docx", "d.doc", "e.mht", "notes.txt", "f.ofd", "x.gold.json", "y.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    src = tmp_path / "b.html"
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "b.json").write_text(json.dumps({"source": {"path": str(src)}}), encoding="utf-8")
    inputs, notes = collect_inputs([str(tmp_path)])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in inputs) == ["a/r.pdf", "b.html", "c.docx", "d.doc",
                                                                          "e.mht"]
    why = {Path(n.path).name: (n.reason, n.failing) for n in notes}
    assert why == {"notes.txt": ("not_pushed", False), "f.ofd": ("not_pushed", False),
                   "y.xlsx": ("unsupported_type", False)}

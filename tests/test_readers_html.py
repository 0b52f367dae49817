"""Web pages: site chrome dropped, tables read as grids (spans, blank zero cells), agency and
year from the title, cell coordinates as evidence, the page's encoding honoured."""
from __future__ import annotations

import email.mime.multipart
import email.mime.text
import re

import pytest

from nianbao.ingest import INPUT_SUFFIXES, load
from nianbao.pipeline import extract
from nianbao.readers import grid, sniff
from nianbao.training.synth.web import WEB_STYLES
from readers_fixtures import content, html_page, wrong_cells


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("web_style", WEB_STYLES)
def test_every_house_style_reads_every_cell(tmp_path, web_style, fmt):
    c = content(f"web-{web_style}-{fmt}", fmt)
    gold = c.gold()
    path = tmp_path / "report.html"
    path.write_bytes(html_page(c, web_style))
    doc = extract(path)
    assert doc.errors == []
    assert doc.source.kind == "html"
    assert wrong_cells(doc, gold) == []
    assert (doc.agency, doc.year, doc.format) == (gold["agency"], gold["year"], fmt)
    # every cell names its grid cell; printed cells come from a table-row line
    assert all(cell.table_cell is not None for cell in doc.fields.values())
    text = "\n".join(ln.text for ln in doc.lines())
    assert "<" not in text and "&nbsp;" not in text  # no markup in the evidence
    assert "_hmt" not in text and "siteId" not in text  # scripts
    assert "机构概况" not in text and "当前位置" not in text and "ICP备" not in text  # nav, breadcrumbs, footer
    assert "相关阅读" not in text
    # a label spanning the result rows is printed once, not once per row
    assert sum(ln.text.count("三、本年度办理结果") for ln in doc.lines()) == 1


def test_blank_zero_cells_are_placed_from_the_grid(tmp_path):
    c = content("web-blank", "2021")
    path = tmp_path / "r.html"
    path.write_bytes(html_page(c, "fragment"))  # zeros printed as empty &nbsp; cells
    doc = extract(path)
    blanks = [k for k, v in c.fields.items() if v == 0 and k.startswith("requests.")]
    assert blanks
    for k in blanks:
        cell = doc.fields[k]
        assert cell.value == 0 and cell.blank and cell.table_cell is not None, k
    printed = [k for k, v in c.fields.items() if v and k.startswith("requests.")]
    for k in printed:
        cell = doc.fields[k]
        assert cell.text == str(c.fields[k]) and cell.line is not None and cell.confidence >= 0.9, k
    # the coordinate is the cell's place in the table grid: one table row holds a row's cells
    rows = {doc.fields[k].table_cell[:2] for k in doc.fields if k.startswith("requests.new_received.")}
    assert len(rows) == 1


def test_grid_expands_spans_keeps_holes_and_prints_spanning_labels_once():
    G = grid.GridCell
    rows = [[G("组", rowspan=2), G("甲", colspan=2), G("合计")],
            [G("1"), G(""), G("1")],
            [G("乙"), G("2")]]  # the row leaves out its last two cells
    sink = grid.LineSink()
    sink.table(rows)
    texts = [ln.text for ln in sink.lines]
    assert texts == ["组\t甲\t合计", "1\t\t1", "乙\t2\t\t"]
    assert sink.lines[0].cells == [(0, 0, 0), (0, 0, 1), (0, 0, 3)]
    assert sink.lines[1].cells == [(0, 1, 1), (0, 1, 2), (0, 1, 3)]
    assert sink.lines[2].cells == [(0, 2, 0), (0, 2, 1), (0, 2, 2), (0, 2, 3)]
    assert grid.span("2px") == 2 and grid.span(None) == 1 and grid.span("99999") == grid.MAX_SPAN


def test_gbk_pages_and_mislabelled_encodings(tmp_path):
    c = content("web-gbk", "2019")
    gold = c.gold()
    page = html_page(c, "gbk_tables")
    assert b"charset=gb2312" in page
    (tmp_path / "gbk.htm").write_bytes(page)
    doc = extract(tmp_path / "gbk.htm")
    assert wrong_cells(doc, gold) == [] and doc.agency == gold["agency"]
    # a page that says utf-8 but is written in GBK still reads
    wrong = page.replace(b"charset=gb2312", b"charset=utf-8")
    (tmp_path / "mislabelled.html").write_bytes(wrong)
    doc = extract(tmp_path / "mislabelled.html")
    assert wrong_cells(doc, gold) == [] and doc.agency == gold["agency"]


def test_content_decides_not_the_name(tmp_path):
    c = content("web-names", "2021")
    page = html_page(c, "portal")
    for name in ("report.doc", "report.txt", "报告"):  # sites serve pages under any name
        p = tmp_path / name
        p.write_bytes(page)
        doc = extract(p)
        assert doc.errors == [] and doc.source.kind == "html", name
        assert wrong_cells(doc, c.gold()) == []
    assert sniff(b"plain report text, no markup", tmp_path / "x.html") == "text"
    assert {".html", ".htm", ".shtml", ".xhtml", ".mht", ".docx", ".doc", ".wps", ".rtf", ".odt", ".ofd"} <= INPUT_SUFFIXES


def test_mht_web_archive(tmp_path):
    c = content("web-mht", "2021")
    page = html_page(c, "portal").decode("utf-8")
    msg = email.mime.multipart.MIMEMultipart("related")
    msg.attach(email.mime.text.MIMEText(page, "html", "utf-8"))
    msg.attach(email.mime.text.MIMEText("body { color: red }", "css", "utf-8"))
    p = tmp_path / "saved.mht"
    p.write_bytes(msg.as_bytes())
    doc = extract(p)
    assert doc.source.kind == "html" and wrong_cells(doc, c.gold()) == []


def test_pages_without_a_report_or_without_text_get_error_records(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><ul class='nav'><li><a href='/'>首页</a></li>"
                                       "<li><a href='/a'>政务公开</a></li><li><a href='/b'>互动</a></li></ul>"
                                       "<script>var x=1</script></body></html>", encoding="utf-8")
    doc = extract(tmp_path / "nav.html")
    assert doc.errors and not doc.fields
    (tmp_path / "news.html").write_text("<html><body><p>" + "今天天气很好。" * 40 + "</p></body></html>", encoding="utf-8")
    doc = extract(tmp_path / "news.html")
    assert doc.errors and "not a 政府信息公开年度报告" in doc.errors[0]["message"]


def test_lines_keep_paragraphs_and_tables_in_reading_order(tmp_path):
    c = content("web-order", "2021")
    (tmp_path / "r.html").write_bytes(html_page(c, "portal"))
    lines = [ln.text for ln in load(tmp_path / "r.html").lines()]
    assert lines[0].endswith("年度报告") and c.agency.name in lines[0]
    order = [next(i for i, t in enumerate(lines) if t.startswith(h)) for h in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert order == sorted(order)
    assert all(re.search(r"\t", t) for t in lines[order[1] + 1:order[2]] if re.search(r"\d", t))


def test_section_headings_that_mention_a_report_are_not_the_title(tmp_path):
    page = ("<html><head><title>2023年某县人民政府政府信息公开工作年度报告 - 某县人民政府</title></head><body>"
            "<div class='TRS_Editor'><p>一、总体情况</p><h3>六、其他需要报告的事项</h3><p>无。</p></div></body></html>")
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    lines = [ln.text for ln in load(tmp_path / "p.html").lines()]
    assert lines[0] == "2023年某县人民政府政府信息公开工作年度报告"


def test_every_rendering_of_the_content_states_its_metrics(tmp_path):
    import random

    from nianbao.training.synth.narrative import build
    for i in range(12):
        c = content(f"web-metrics-{i}", "2021")
        texts = []
        for k in range(2):  # the PDF is rendered first, the web page and Word file after it
            blocks = build(c, random.Random(f"{i}:{k}"))
            texts.append("".join(s for kind, b in blocks if kind == "para" for s, _ in b))
        if "open_day_events" in c.metrics:
            assert all(str(c.metrics["open_day_events"]) in t for t in texts)
    page = html_page(content("web-metrics", "2021"), "portal")
    (tmp_path / "m.html").write_bytes(page)
    doc = extract(tmp_path / "m.html")
    gold = content("web-metrics", "2021").gold()["metrics"]
    for mid, v in gold.items():
        v = v["value"] if isinstance(v, dict) else v
        assert doc.metrics[mid].value == v, mid

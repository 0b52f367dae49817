"""Positions before identities (issue 24 item 7): a web page printed to PDF by a browser whose
appeals row falls on the next page, below no header. The PDF gives every cell's position; the
row's blank cells were nevertheless placed by the row identities (two 行政诉讼 cells swapped)."""
import re

import pytest

from nianbao.eval.real_forms import chromium, print_pdf
from nianbao.pipeline import extract
from readers_fixtures import content, html_page

CHROMIUM = chromium()


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/apt-packages.txt)")
def test_an_appeals_row_on_the_next_page_is_read_by_position(tmp_path):
    c = content("t19", "2019", seed=3)
    gold = c.gold()["fields"]
    appeals = {k: v for k, v in gold.items() if k.startswith("appeals.")}
    assert 0 < sum(1 for v in appeals.values() if v == 0) < 15  # blank zero cells among numbers
    page = html_page(c, "portal").decode("utf-8")
    # the table's last row (the 15 appeals cells) printed on a page of its own
    i = page.rfind("<tr>", 0, page.rfind("</table>"))
    page = page[:i] + '<tr style="break-before:page">' + page[i + 4:]
    html = tmp_path / "page.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    print_pdf(html, pdf)
    doc = extract(pdf)
    assert doc.source.kind == "digital_pdf"
    got = {k: doc.fields[k].value for k in appeals}
    assert got == appeals
    assert not any("identit" in (doc.fields[k].reason or "") for k in appeals)
    assert re.search(r"\d", "".join(doc.fields[k].text for k in appeals))


def test_the_synthetic_corpus_prints_the_appeals_row_apart(tmp_path):
    """`nianbao synth --variants` teaches the class: some documents print the appeals table's
    row of values on the next page, below no header; their digital PDFs read right."""
    import json
    import random

    from nianbao.training.synth import printed
    from nianbao.training.synth.content import generate as make_content
    from nianbao.training.synth.generate import make, plan

    tasks = plan(30, seed=24, out=str(tmp_path), kinds=("pdf",), variants=True)

    def apart(t):
        c = make_content(t.doc_id, t.seed, t.fmt, t.error_rate)
        return printed.choose(random.Random(f"{t.seed}:{t.doc_id}:printed"), c).appeals_apart
    chosen = [t for t in tasks if apart(t)]
    assert 0 < len(chosen) < len(tasks)
    task = chosen[0]
    make(task)
    gold = json.loads((tmp_path / "gold" / f"{task.doc_id}.gold.json").read_text(encoding="utf-8"))
    doc = extract(tmp_path / "docs" / task.doc_id / "report.pdf")
    # the header's 结果维持 … 尚未审结 (wrapped in narrow columns, a character or two a line)
    header = max(p.number for p in doc.pages for ln in p.lines if "维" in ln.text and "审" in "".join(
        x.text for x in p.lines))
    pages = {doc.fields[k].page for k in gold["fields"] if k.startswith("appeals.") and doc.fields[k].text}
    assert pages and min(pages) > header  # the row sits on a later page than its header
    wrong = {k: (v, doc.value(k)) for k, v in gold["fields"].items() if k.startswith("appeals.") and doc.value(k) != v}
    assert wrong == {}


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/apt-packages.txt)")
def test_an_appeals_row_on_the_next_page_whose_first_cells_are_blank_is_read_by_position(tmp_path):
    """The row continued below no header has no label cell: every column holds a number. Where
    its first cells are blank zeros (行政复议 all 0), the numbers do not start at the row's first
    number read; taken so, the row kept 10 of its 15 cells and no column fitted (a printed
    上海 2019 page rendered at 150 dpi lost its whole appeals row)."""
    c = content("t19", "2019", seed=3)
    gold = {k: v for k, v in c.gold()["fields"].items() if k.startswith("appeals.")}
    page = html_page(c, "portal").decode("utf-8")
    end = page.rfind("</table>")
    i = page.rfind("<tr>", 0, end)
    cells = re.findall(r"<td>(.*?)</td>", page[i:end])
    assert len(cells) == 15 and any(cells[:5]) and any(cells[5:])
    cells[:5] = [""] * 5  # 行政复议: nothing this year, left blank
    row = '<tr style="break-before:page">' + "".join(f"<td>{x}</td>" for x in cells) + "</tr></tbody>"
    page = page[:i] + row + page[end:]
    want = {k: (0 if k.startswith("appeals.review.") else v) for k, v in gold.items()}
    html = tmp_path / "page.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "page.pdf"
    print_pdf(html, pdf)
    doc = extract(pdf)
    header = max(p.number for p in doc.pages for ln in p.lines if "行政诉讼情况" in ln.text)
    assert {k: doc.fields[k].value for k in want} == want
    # every cell read at its place on the page after the table heading's, none placed by the identities
    pages = {doc.fields[k].page for k in want}
    assert len(pages) == 1 and min(pages) > header
    assert not any("identit" in (doc.fields[k].reason or "") for k in want)

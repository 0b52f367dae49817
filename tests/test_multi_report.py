"""A file that holds several reports gives one output per report, each naming its pages; a
single report is never split (running headers, contents pages, OCR slips)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.assemble.segment import page_marks, split_pages
from nianbao.batch import Options, run_batch
from nianbao.cli import main
from nianbao.document import Line, Page
from nianbao.pipeline import extract, extract_all

HERE = Path(__file__).resolve().parent
SYNTH = HERE / "eval_samples" / "synth" / "docs"
REAL = HERE.parents[1] / "shared" / "real" / "hongze_2024.pdf"
PARTS = [SYNTH / "synth1-00000" / "report.pdf", REAL, SYNTH / "synth1-00003" / "report.pdf"]


def join(target: Path, parts: list[Path]) -> Path:
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument.new()
    for p in parts:
        out.import_pages(pdfium.PdfDocument(str(p)))
    out.save(str(target))
    return target


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    if not REAL.is_file():
        pytest.skip(f"needs {REAL}")
    return join(tmp_path_factory.mktemp("multi") / "joined.pdf", PARTS)


def values(doc) -> dict:
    return {k: c.value for k, c in doc.fields.items()}


def test_each_report_of_a_joined_pdf_is_read_as_if_alone(joined):
    docs = extract_all(joined, model=None)
    assert [d.source.page_range for d in docs] == [(1, 3), (4, 8), (9, 11)]
    for d, part in zip(docs, PARTS):
        alone = extract(part, model=None)
        assert d.errors == [] and (d.agency, d.year, d.format) == (alone.agency, alone.year, alone.format)
        assert values(d) == values(alone)
        assert [f.identity for f in d.flags] == [f.identity for f in alone.flags]
        first, last = d.source.page_range
        assert all(first <= c.page <= last for c in d.fields.values() if c.page)
    # the single-report API names the others instead of dropping them
    assert any("holds 3 reports" in w for w in extract(joined, model=None).warnings)


def test_extract_writes_one_output_per_report(joined, tmp_path):
    assert main(["extract", str(joined), "-o", str(tmp_path / "o"), "-q", "--no-model"]) == 0
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == ["joined.p1-3.json", "joined.p4-8.json", "joined.p9-11.json"]
    d = json.loads((tmp_path / "o" / "joined.p4-8.json").read_text(encoding="utf-8"))
    assert d["source"]["page_range"] == [4, 8] and d["agency"] == "淮安市洪泽区人民政府"


def test_batch_manifest_exports_and_review_cope_with_several_outputs(joined, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "joined.pdf").write_bytes(joined.read_bytes())
    (folder / "single.pdf").write_bytes(PARTS[2].read_bytes())
    out = tmp_path / "out"
    s = run_batch(folder, out, Options(workers=1, progress=False, model=None))
    assert (s["done"], s["failed"], s["reports"]) == (2, 0, 4)
    reports = sorted(p.name for p in (out / "reports").glob("*.json"))
    assert len(reports) == 4 and sum(".p4-8." in n for n in reports) == 1
    again = run_batch(folder, out, Options(workers=1, progress=False, model=None))
    assert again["this_run"]["processed"] == 0  # every output of the file is there
    assert main(["batch", "export", str(out), "--format", "csv"]) == 0
    import csv
    with open(out / "exports" / "wide_2021.csv", encoding="utf-8-sig", newline="") as f:
        wide = list(csv.DictReader(f))
    assert sorted(r["agency"] for r in wide) == ["济南市卫生健康局", "淮安市洪泽区人民政府"]
    assert main(["review", str(out), "--no-images"]) == 0
    index = (out / "review" / "index.html").read_text(encoding="utf-8")
    assert index.count('href="') >= 4 and "4-8" in index


def page(number: int, *texts: str) -> Page:
    return Page(number=number, lines=[Line(text=t, number=i + 1, page=number) for i, t in enumerate(texts)])


TITLE = "某县人民政府2023年政府信息公开工作年度报告"
ONE_REPORT = [
    page(1, TITLE, "一、总体情况", "（一）主动公开", "二、主动公开政府信息情况"),
    page(2, TITLE, "三、收到和处理政府信息公开申请情况", "本年新收"),
    page(3, TITLE, "四、政府信息公开行政复议、行政诉讼情况"),
    page(4, TITLE, "五、存在的主要问题及改进情况", "六、其他需要报告的事项"),
]


def test_running_header_and_tail_pages_do_not_split():
    assert split_pages(ONE_REPORT) == ([(1, 4)], [])
    misread = [ONE_REPORT[0]] + [page(p.number, "某县人民政府2023年政府信忠公开工作年度报告", *[ln.text for ln in p.lines[1:]])
                                 for p in ONE_REPORT[1:]]
    assert split_pages(misread) == ([(1, 4)], [])


def test_contents_page_before_the_report_does_not_split():
    contents = page(1, TITLE, "目录", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况")
    body = [page(p.number + 1, *[ln.text for ln in p.lines]) for p in ONE_REPORT]
    assert split_pages([contents] + body) == ([(1, 5)], [])
    leaders = page(1, "一、总体情况……………1", "二、主动公开政府信息情况……2", "三、收到和处理政府信息公开申请情况……3")
    assert split_pages([leaders] + body) == ([(1, 5)], [])


def test_second_agency_restarts_and_ocr_slips_in_headings_still_count():
    other = [page(5, "另一局2023年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况"),
             page(6, "三、收到和处理政府信忠公开申请情况"),   # OCR read 息 as 忠
             page(7, "四、政府信息公开行政复议、行政诉讼情况")]
    assert page_marks(other[1]).tables == ["requests"]
    assert split_pages(ONE_REPORT + other) == ([(1, 4), (5, 7)], [])


def test_a_part_without_a_request_table_stays_with_the_report_before():
    appendix = page(5, "附件：另一局2023年政府信息公开工作年度报告（节选）", "一、总体情况", "照片若干")
    ranges, notes = split_pages(ONE_REPORT + [appendix])
    assert ranges == [(1, 5)] and notes and "pages 5-5" in notes[0]


def test_a_title_page_goes_with_the_report_it_opens():
    cover = page(5, "另一局", "2023年政府信息公开工作年度报告", "2024年1月")
    body = [page(6, "一、总体情况", "二、主动公开政府信息情况"), page(7, "三、收到和处理政府信息公开申请情况"),
            page(8, "四、政府信息公开行政复议、行政诉讼情况")]
    assert split_pages(ONE_REPORT + [cover] + body) == ([(1, 4), (5, 8)], [])


def test_titles_split_by_year_or_agency_not_by_how_the_header_is_printed():
    # the title printed under the agency on page 1, the running header printed whole
    first = [page(1, "某县人民政府", "2023年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况"),
             page(2, TITLE, "三、收到和处理政府信息公开申请情况"), page(3, "2023年政府信息公开工作年度报告", "正文"),
             page(4, TITLE, "四、政府信息公开行政复议、行政诉讼情况")]
    assert split_pages(first) == ([(1, 4)], [])
    next_year = [page(5, "某县人民政府2024年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况")]
    assert split_pages(first + next_year)[0] == [(1, 4), (5, 5)]
    other_agency = [page(5, "另一市教育局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况")]
    assert split_pages(first + other_agency)[0] == [(1, 4), (5, 5)]

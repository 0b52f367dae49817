"""Agency and year from a report's title as extractors print it (wrapped, split, year first)."""
import pytest

from nianbao.assemble.meta import detect_agency, detect_year
from nianbao.document import Line


def lines(*texts):
    return [Line(text=t, number=i) for i, t in enumerate(texts, 1)]


@pytest.mark.parametrize("texts,agency", [
    # pdftotext of a title page: a running line first, the title wrapped inside 报告
    (("根据新修订《中华人民共和国", "青羊区教育局2020年政府信息公开工作年度报", "告"), "青羊区教育局"),
    # wrapped inside the report words
    (("淮安市洪泽区人民政府2019年政府信息公", "开工作年度报告"), "淮安市洪泽区人民政府"),
    # the year first (a web page's heading)
    (("2019年上海市人民政府办公厅政府信息公开工作年度报告",), "上海市人民政府办公厅"),
])
def test_agency_from_wrapped_titles(texts, agency):
    assert detect_agency(lines(*texts)) == agency


def test_year_from_a_title_wrapped_inside_report():
    assert detect_year(lines("青羊区教育局2020年政府信息公开工作年度报", "告")) == 2020

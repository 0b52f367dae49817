"""The report's prose as evidence for the requests rows whose zeros print blank (issue 24): 收到
政府信息公开申请4件，其中自然人申请0件，法人或其他组织申请4件 removes the placements that put the 4
under 自然人, which the identities alone allow (and the guess takes: most reports' requests come
from 自然人)."""
import re

from nianbao.assemble import settle
from nianbao.pipeline import extract_text
from reportgen import report_text

from test_blank_zero_dumps import _blank_zeros, _values

SAID = re.compile(r"（二）依申请公开方面。[^\n]*")


def test_the_prose_counts_are_read_per_row_and_column():
    got = settle.request_statements(["2020年,共收到政府信息公开申请30件,", "其中自然人申请26件,",
                                     "法人或其他组织申请4件,", "予以公开12件。"])
    assert [(s.row, s.cols[0], len(s.cols), s.value) for s in got] == [
        ("new_received", "natural_person", 1, 26), ("new_received", "enterprise", 5, 4),
        ("result.disclosed", "natural_person", 6, 12)]


def test_two_rows_counted_at_once_or_all_the_years_say_nothing():
    # 上海 2019: 予以公开及部分公开258件 counts two rows; 累计 counts every year's requests
    assert settle.request_statements(["予以公开及部分公开258件,", "占33.9%。"]) == []
    assert settle.request_statements(["累计收到政府信息公开申请300件,", "其中自然人申请200件。"]) == []
    # a breakdown not about requests received is not one of new_received
    assert settle.request_statements(["其中自然人申请26件。"]) == []


def _doc(sentence: str):
    values = _values({"new_received": [0, 4, 0, 0, 0, 0, 4], "result.disclosed": [0, 4, 0, 0, 0, 0, 4],
                      "result.total": [0, 4, 0, 0, 0, 0, 4]})
    text = report_text("2019", values)
    assert SAID.search(text)
    return extract_text(_blank_zeros(SAID.sub("（二）依申请公开方面。" + sentence, text), "2019"))


def test_the_prose_removes_the_placements_it_contradicts():
    doc = _doc("共收到政府信息公开申请4件，其中自然人申请0件，法人或其他组织申请4件。")
    cell = doc.fields["requests.new_received.natural_person"]
    assert cell.value == 0 and cell.confidence == 0.85 and "the report's prose" in cell.reason
    assert "自然人申请0件" in cell.reason
    # which legal-person column the 4 is in the prose does not say: still a guess, saying so
    ent = doc.fields["requests.new_received.enterprise"]
    assert ent.value == 4 and ent.confidence == 0.5 and ent.reason.startswith("ambiguous:")


def test_without_the_prose_the_cell_stays_a_guess():
    doc = _doc("共收到政府信息公开申请4件。")
    cell = doc.fields["requests.new_received.natural_person"]
    assert cell.confidence == 0.5 and cell.reason.startswith("ambiguous:")


def test_a_count_that_fits_no_placement_removes_nothing():
    doc = _doc("共收到政府信息公开申请4件，其中自然人申请3件，法人或其他组织申请1件。")
    cell = doc.fields["requests.new_received.natural_person"]
    assert cell.confidence == 0.5 and "prose" not in cell.reason

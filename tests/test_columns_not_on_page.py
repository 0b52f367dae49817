"""A requests table with no number printed (a report that received no requests, zeros left blank)
is read as blank 0s; only a table whose columns are truly off the page leaves its cells null.
The photocopied scan that taught this (seed 2483 doc 15) OCR'd its vertical header column by
column, interleaved (然商科会律总业研公服其计人…), so no applicant column's name read whole — but
the spanning headers 申请人情况 and 法人或其他组织 did."""
from types import SimpleNamespace

from nianbao.assemble.tables import _columns_not_on_page

ROWS = "本年新收政府信息公开申请数量二、上年结转政府信息公开申请数量(一)予以公开(二)部分公开"


def _off(text: str) -> bool:
    return _columns_not_on_page(SimpleNamespace(text=text), 0, len(text), {"new_received": []})


def test_a_vertical_header_read_interleaved_still_puts_the_columns_on_the_page():
    header = "三、收到和处理政府信息公开申请情况申请人情况法人或其他组织然商科会律总业研公服其计人企机益务他业构组机织构"
    assert not _off(header + ROWS)


def test_row_labels_with_no_header_and_no_number_are_columns_off_the_page():
    assert _off("三、收到和处理政府信息公开申请情况" + ROWS)


def test_a_number_printed_puts_the_columns_on_the_page():
    assert not _columns_not_on_page(SimpleNamespace(text=ROWS), 0, len(ROWS), {"new_received": [object()]})

"""The oracle bound on text dumps (eval/dump_bound.py, issue 24 done-when 3): a cell is *open*
when the placements that satisfy every identity give it different values — no reader can know it
without guessing. Checked on hand-made dumps whose ambiguity is known: two result rows that can
swap a 1 between 科研机构 and 社会公益组织 (every row and column sum kept: the two readings print the
same text), and the same table with values that tell the columns apart."""
from nianbao.eval.dump_bound import bound_text, summary
from reportgen import report_text
from test_blank_zero_dumps import _blank_zeros, _values

SWAP = ("requests.result.disclosed.research", "requests.result.disclosed.nonprofit",
        "requests.result.unable.not_held.research", "requests.result.unable.not_held.nonprofit")


def _rows(disclosed: list[int], not_held: list[int]) -> dict:
    total = [a + b for a, b in zip(disclosed, not_held)]
    return _values({"new_received": total, "result.disclosed": disclosed, "result.unable.not_held": not_held,
                    "result.total": total})


def _gold(values: dict) -> dict:
    return {"fields": {k: v for k, v in values.items() if k.startswith("requests.")}}


def test_a_two_by_two_swap_is_open_and_the_bound_keeps_the_truth_among_its_alternatives():
    values = _rows([6, 2, 1, 0, 3, 4, 16], [4, 0, 0, 1, 0, 0, 5])
    swapped = _rows([6, 2, 0, 1, 3, 4, 16], [4, 0, 1, 0, 0, 0, 5])
    text = _blank_zeros(report_text("2019", values), "2019")
    # the two readings print the very same dump: nothing in the text can tell them apart
    assert text == _blank_zeros(report_text("2019", swapped), "2019")
    n, ours = bound_text(text, _gold(values))
    s = summary(n)
    assert s["open"] == 4 and s["open_truth_excluded"] == 0
    assert s["determined_wrong"] == s["no_enumeration"] == 0 and ours == []
    assert s["determined"] == s["determined_right"] == s["cells"] - 4


def test_the_open_cells_are_the_swapped_ones():
    from nianbao.pipeline import extract_text
    from nianbao.eval.dump_bound import is_open
    values = _rows([6, 2, 1, 0, 3, 4, 16], [4, 0, 0, 1, 0, 0, 5])
    doc = extract_text(_blank_zeros(report_text("2019", values), "2019"))
    assert {k for k, c in doc.fields.items() if is_open(c)} == set(SWAP)
    assert all(doc.fields[k].alternatives == [0, 1] for k in SWAP)


def test_values_that_tell_the_columns_apart_leave_nothing_open():
    # 科研机构 2 in 予以公开, 社会公益组织 1 in 不掌握: the 1 of 不掌握 cannot be 科研机构 (its total is
    # 2, all in 予以公开's row), so one placement fits
    values = _rows([6, 2, 2, 0, 3, 4, 17], [4, 0, 0, 1, 0, 0, 5])
    n, ours = bound_text(_blank_zeros(report_text("2019", values), "2019"), _gold(values))
    s = summary(n)
    assert s["open"] == 0 and ours == [] and s["determined_right"] == s["cells"]


def test_a_layout_dump_keeps_the_positions_and_nothing_is_open():
    # the same swap, printed at its columns' offsets under the header: positions decide
    values = _rows([6, 2, 1, 0, 3, 4, 16], [4, 0, 0, 1, 0, 0, 5])
    offsets = {0: 40, 1: 48, 2: 56, 3: 64, 4: 72, 5: 80, 6: 88}
    n, ours = bound_text(_blank_zeros(report_text("2019", values), "2019", offsets), _gold(values))
    s = summary(n)
    assert s["open"] == 0 and ours == [] and s["determined_right"] == s["cells"]

"""Short requests rows of a pdftotext -layout dump narrowed by their page's columns (issue 24,
done-when 3). pdftotext lays out each page on one character grid, so a column's numbers stand at
nearly one offset on every line of the page, while its header's wrapped labels, squeezed beside
the long row-label header (于第三项加第四项之和） 自然 … 社会 法律), may stand anywhere else. The
page's offsets fall into groups, each one column, left to right; which columns they are is one
choice for the whole page, which the identities (and then the prose and the header) make."""
import json
from pathlib import Path

from nianbao.assemble import short_rows
from nianbao.eval.dump_bound import is_open
from nianbao.pipeline import extract_text
from reportgen import report_text
from test_blank_zero_dumps import _blank_zeros
from test_dump_bound import _rows

DUMPS = Path(__file__).parent / "dumps"


def test_a_wrapped_header_at_other_offsets_than_its_numbers():
    """`nianbao synth --n 100 --seed 2837 --kinds pdf,text --variants`, doc 12's -layout dump: the
    header's labels stand 5–10 characters off their numbers, so no row was placed by them and the
    whole table (91 cells) was a 0.5 guess, 14 of them wrong. Every requests cell is now read."""
    doc = extract_text((DUMPS / "synth2837-00012.layout.txt").read_text(encoding="utf-8"))
    gold = json.loads((DUMPS / "synth2837-00012.requests.gold.json").read_text(encoding="utf-8"))
    wrong = {k: (v, doc.value(k)) for k, v in gold.items() if doc.value(k) != v}
    assert wrong == {}
    assert not [k for k in gold if is_open(doc.fields.get(k))]
    assert sum("page's columns" in (doc.fields[k].reason or "") for k in gold) >= 7 * 10


def test_a_table_too_large_to_search_with_a_row_squeezed_off_its_pages_grid():
    """`nianbao synth --n 100 --seed 2833 --kinds pdf,text --variants`, doc 82's -layout dump: 20
    short requests rows, 6–20 placements each, ran past the search bound (29 cells read row by
    row at 0.5, 84 open). Page 3's 申请人无正当理由逾期不补正… row prints its 4 ten characters left
    of its column (its wrapped label shares the line), a group of its own: the page's other rows
    still group, and with both pages' rows narrowed the identities read the whole table."""
    doc = extract_text((DUMPS / "synth2833-00082.layout.txt").read_text(encoding="utf-8"))
    gold = json.loads((DUMPS / "synth2833-00082.requests.gold.json").read_text(encoding="utf-8"))
    assert {k: (v, doc.value(k)) for k, v in gold.items() if doc.value(k) != v} == {}
    assert not [k for k in gold if is_open(doc.fields.get(k))]
    assert all(doc.fields[k].confidence > 0.5 for k in gold if k in doc.fields)


def test_the_columns_group_the_numbers_but_do_not_name_symmetric_columns():
    # the 1s of 科研机构 and 社会公益组织 swap between two rows with every sum kept, and no row prints
    # all seven columns (no table-wide centres). The offsets say the two 1s are in different
    # columns; which is which only the header can say, and a header squeezed off its numbers
    # cannot: the cells stay open (a guess with its alternatives), not read at 0.85
    at = {0: 40, 1: 48, 2: 56, 3: 64, 4: 72, 5: 80, 6: 88}
    squeezed = {0: 30, 1: 34, 2: 38, 3: 42, 4: 46, 5: 50, 6: 54}
    values = _rows([6, 0, 1, 0, 3, 4, 14], [4, 0, 0, 1, 0, 0, 5])
    doc = extract_text(_blank_zeros(report_text("2019", values), "2019", at, squeezed))
    for k in ("requests.result.disclosed.research", "requests.result.unable.not_held.nonprofit"):
        assert is_open(doc.fields[k]) and doc.fields[k].confidence <= 0.5


def test_offsets_that_do_not_part_into_columns_give_no_groups():
    # a chain of offsets spanning a column's width or more: no grouping, no narrowing
    assert short_rows._clusters([40, 42, 44.5, 47]) is None
    assert short_rows._clusters([36.5, 37, 40, 44, 44.5, 54]) == [36.5, 44, 54]


def test_header_labels_run_together_place_nothing():
    """`nianbao synth --n 100 --seed 2839 --kinds pdf,text --variants`, doc 31's -layout dump: the
    header's labels ran together one space apart (商业企 科研机 社会公 法律服: their wide characters
    overran the page's grid, a 4-character pitch over numbers 6–7 apart), so 法律服务机构 stood over
    社会公益组织's 1s and put them there at 0.85 (6 cells wrong). Such labels give no offsets: no
    requests cell is wrong above a guess's 0.5, and the guesses say what else they could be."""
    doc = extract_text((DUMPS / "synth2839-00031.layout.txt").read_text(encoding="utf-8"))
    gold = json.loads((DUMPS / "synth2839-00031.requests.gold.json").read_text(encoding="utf-8"))
    wrong = {k: (v, doc.value(k), doc.fields[k].confidence) for k, v in gold.items() if doc.value(k) != v}
    assert all(conf <= 0.5 for _, _, conf in wrong.values()), wrong
    assert all(is_open(doc.fields[k]) for k in wrong)

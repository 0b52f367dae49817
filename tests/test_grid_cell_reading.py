"""Which number goes to which cell on a scan (issue 24 done-when 3, worn copies of seed 2491):
what the grid read at a cell is not overruled by a guess the text path made without geometry."""
from nianbao.document import Token
from nianbao.ocr.assemble_grid import DataCell, _cell
from nianbao.ocr.grid import GridCell

CELL = (10.0, 10.0, 90.0, 40.0)


def _read(raw: str, table: str = "requests", col: str = "research", conf: float = 0.81):
    gc = GridCell(row=0, col=0, rowspan=1, colspan=1, bbox=CELL, tokens=[Token(text=raw, bbox=CELL, conf=conf)])
    return _cell(DataCell(cell=gc, text="", raw=raw), table, "2021", col, 1)


def test_a_speck_before_a_whole_number_read_as_a_point_keeps_the_digits():
    """'.1186', '.9', '.3': a speck left of a worn number read as a point. The cell was "not a
    number" and the text path's "1 blank cell(s) placed by position" put a 0 there (four cells
    of seed 2491's worn copies). The digits are the reading, below 0.9, saying why."""
    for raw, value in ((".1186", 1186), (".9", 9), (".0", 0), ("·3", 3)):
        c = _read(raw, conf=0.97)
        assert c.value == value and not c.blank and c.confidence <= 0.85, raw
        assert "speck" in c.reason and c.text == raw, raw
    # a money cell would print its leading 0 (0.5): a point there is no speck to drop
    assert _read(".5", table="active", col="amount").value is None
    # letters, words and a lone point stay what they were
    for raw in ("a", "合计", ".", ".1a"):
        assert _read(raw).value is None, raw

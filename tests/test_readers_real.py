"""The real published web page (../shared/real/shanghai_office_2019.html): the table grid is
read, blank zero cells are placed, agency and year come from the title, evidence names cells."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.output import to_dict
from nianbao.pipeline import extract

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
PAGE = REAL / "shanghai_office_2019.html"
# deviations of this report that the assembler (not the reader) handles: the amount is printed
# in 元 instead of 万元 (251000元 for 25.1万元)
ASSEMBLER_DEVIATIONS = {"active.procurement.amount"}


@pytest.fixture(scope="module")
def out():
    if not PAGE.is_file():
        pytest.skip(f"no real reports at {REAL}")
    return to_dict(extract(PAGE)), json.loads(PAGE.with_name("shanghai_office_2019.gold.json").read_text("utf-8"))


def test_every_cell_of_the_grid(out):
    d, gold = out
    assert d["source"]["kind"] == "html" and d["format"] == "2019"
    wrong = {k: (v, d["fields"][k]["value"]) for k, v in gold["fields"].items()
             if d["fields"][k]["value"] is None or abs(d["fields"][k]["value"] - v) > 1e-9}
    assert set(wrong) <= ASSEMBLER_DEVIATIONS, wrong


def test_agency_year_and_evidence(out):
    d, gold = out
    assert d["agency"] == "上海市人民政府办公厅" == gold["agency"]
    assert d["year"] == 2019
    for key, cell in d["fields"].items():
        assert set(cell["cell"]) == {"table", "row", "col"}, key
        assert "<" not in cell["text"] and "&" not in cell["text"], key
    # the first table row of the requests table: 821 自然人, 35 商业企业, blank 科研机构 …
    assert d["fields"]["requests.new_received.natural_person"]["text"] == "821"
    blank = d["fields"]["requests.new_received.research"]
    assert blank["value"] == 0 and blank.get("blank") and blank["cell"]["row"] == \
        d["fields"]["requests.new_received.natural_person"]["cell"]["row"]
    for m in d["metrics"].values():
        assert "<" not in m["evidence"]

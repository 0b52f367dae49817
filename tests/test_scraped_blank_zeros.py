"""Scraped text of a page whose tables print zeros as blank cells (issue 24, text forms of the
2019 format): a row's printed cells run together and one space stands where blank cells were
(上海 2019: 一、本年新收…82135 21859 is 821 | 35 | blank | blank | 2 | 1 | 859). The requests and
appeals rows are cut and placed by the identities (short_rows.glued_options); the active table,
which no identity checks, is split as run-together rows and never read as blank."""
import importlib.util
import json
from pathlib import Path

import pytest

from nianbao.assemble import short_rows
from nianbao.assemble.stream import Num
from nianbao.cli import main

from conftest import SHARED
from test_settle_splits import _scraped_page

REAL = SHARED / "real"
ROOT = Path(__file__).resolve().parents[1]


def _nums(*texts: str) -> list[Num]:
    out, x = [], 0
    for i, t in enumerate(texts):
        out.append(Num(seq=i, value=int(t), text=t, line=0, run=0, x0=float(x), x1=float(x + len(t))))
        x += len(t) + 1
    return out


def _vals(p):
    return [None if n is None else n.value for n in p]


def test_a_run_together_row_is_cut_and_its_spaces_read_as_blanks():
    opts = short_rows.glued_options(_nums("82135", "21859"), False, False, 7, False)
    assert [821, 35, None, None, 2, 1, 859] in [_vals(p) for p in opts]
    for p in opts:  # every placement keeps the row's identity and a blank where the space is
        v = [0 if x is None else x for x in _vals(p)]
        assert sum(v[:-1]) == v[-1]
        assert None in _vals(p)


def test_a_space_after_the_numbers_is_a_blank_total_on_a_result_row():
    opts = [_vals(p) for p in short_rows.glued_options(_nums("25812", "11"), False, True, 7, True)]
    assert [258, 12, None, None, 1, 1, None] in opts
    assert all(p[-1] is None for p in opts)


def test_the_appeals_row_run_together_is_placed_by_its_group_identities():
    got = short_rows.place_appeals_glued(_nums("5", "278", "19"), False, True)
    assert got is not None
    assert _vals(got.cells) == [5, None, None, 2, 7, 8, None, None, 1, 9, None, None, None, None, None]
    assert not any(got.guess)


@pytest.mark.skipif(not (REAL / "shanghai_office_2019.html").exists(), reason="needs ../shared/real")
def test_the_shanghai_2019_page_scraped_reads_its_requests_and_appeals(tmp_path):
    """Before: 56 of 198 cells (every requests row that printed a number unread, the active
    table read as blank 0 at 0.85 though it prints 13 | 13 | 524)."""
    (tmp_path / "in").mkdir()
    page = REAL / "shanghai_office_2019.html"
    (tmp_path / "in" / "p.txt").write_text(_scraped_page(page), encoding="utf-8")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"]) == 0
    gold = json.loads((REAL / "shanghai_office_2019.gold.json").read_text(encoding="utf-8"))["fields"]
    got = json.loads((tmp_path / "out" / "p.json").read_text(encoding="utf-8"))["fields"]
    for k, v in gold.items():
        c = got[k]
        if k.startswith(("requests.", "appeals.")):
            assert c["value"] == v, (k, c)
            if v:
                assert c["confidence"] <= short_rows.CONF and "run together" in c["reason"], (k, c)
        else:
            assert c["value"] in (v, None), (k, c)  # the active table: right, or unread with its reason
    assert got["active.licensing.prev_items"]["value"] == 0
    # 规章1313524 and 规范性文件6060368: settled by the prose's 主动公开规章13件，行政规范性文件60件
    # (本年新公开数量); 政府集中采购6251000元 has no such sentence and stays open
    assert [got[f"active.rules.{c}"]["value"] for c in ("made", "published", "total_published")] == [13, 13, 524]
    assert [got[f"active.normative_docs.{c}"]["value"] for c in ("made", "published", "total_published")] == [60, 60, 368]
    assert "主动公开规章13件" in got["active.rules.made"]["reason"]
    assert got["active.procurement.items"]["value"] is None and got["active.procurement.items"]["alternatives"]


def test_a_row_run_together_with_nothing_for_its_blanks_is_cut_anywhere():
    """8213521859 (scripts/printed_text_forms.py's scrape: blank cells leave nothing): its cells
    may be anywhere, so each number may be cut and placed in any columns in order."""
    opts = [_vals(p) for p in short_rows.loose_options(_nums("8213521859"), 7, False)]
    assert [821, 35, None, None, 2, 1, 859] in opts
    got = short_rows.place_appeals(_nums("527819"), loose=True)
    assert got is not None and "placed anywhere" in got.reason
    assert [5, 2, 7, 8, 1, 9] == [v for v in _vals(got.cells) if v is not None]


@pytest.mark.skipif(not (REAL / "shanghai_office_2019.html").exists(), reason="needs ../shared/real")
def test_the_shanghai_2019_page_scraped_with_nothing_for_its_blanks(tmp_path):
    """The page as scripts/printed_text_forms.py scrapes it (one row a line, a blank cell
    leaving nothing): the rows print 8213521859, 2581211, …; every requests and appeals cell is
    its gold value at most 0.85, or (appeals cells no sum places) a guess at 0.5 that lists the
    printed value among its alternatives. Before: 56 of 198."""
    pytest.importorskip("bs4")
    spec = importlib.util.spec_from_file_location("printed_text_forms", ROOT / "scripts" / "printed_text_forms.py")
    forms = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(forms)
    (tmp_path / "in").mkdir()
    text = forms.scraped((REAL / "shanghai_office_2019.html").read_text(encoding="utf-8"))
    assert "8213521859" in text
    (tmp_path / "in" / "p.txt").write_text(text, encoding="utf-8")
    assert main(["extract", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q"]) == 0
    gold = json.loads((REAL / "shanghai_office_2019.gold.json").read_text(encoding="utf-8"))["fields"]
    got = json.loads((tmp_path / "out" / "p.json").read_text(encoding="utf-8"))["fields"]
    for k, v in gold.items():
        c = got[k]
        if k.startswith("requests.") or (k.startswith("appeals.") and c["confidence"] > short_rows.CONF_GUESS):
            assert c["value"] == v, (k, c)
            if v:
                assert c["confidence"] <= short_rows.CONF, (k, c)
        elif k.startswith("appeals."):
            # which blank appeals cells are which no sum tells: a guess that says so, the value
            # printed among its alternatives
            assert c["value"] == v or v in c["alternatives"], (k, c)
        else:
            assert c["value"] in (v, None), (k, c)
        if c["confidence"] == short_rows.CONF_GUESS:
            assert c["reason"].startswith("ambiguous:") and c["alternatives"], (k, c)


def test_too_many_ways_to_cut_a_row_place_nothing():
    """Three runs of ten digits have 512³ cuts: past MAX_CUTS the row is not placed here (it
    stays unread, as before), rather than searched."""
    nums = _nums("1234567891", "1234567891", "1234567891")
    assert short_rows.loose_options(nums, 7, False) == []
    assert short_rows.glued_options(nums, True, True, 7, False) == []
    assert short_rows.place_appeals(nums, loose=True) is None

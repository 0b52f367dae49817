"""Run-together cells that more than one split fits, settled by the report's prose and by the same
agency's neighbouring years read in the same run (issue 24, item 9; assemble/settle.py), on the
平潭 pages scraped from the web (../shared/real/pingtan_*.txt)."""
import json
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.pipeline import extract

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"
pytestmark = pytest.mark.skipif(not (REAL / "pingtan_2019.txt").exists(), reason="needs ../shared/real")


def run_extract(tmp_path, *names):
    out = tmp_path / "out"
    assert main(["extract", *[str(REAL / n) for n in names], "-o", str(out), "-q"]) == 0
    return {n: json.loads((out / (Path(n).stem + ".json")).read_text(encoding="utf-8"))["fields"] for n in names}


def test_the_prose_settles_a_split_it_counts():
    """平潭 2022 prints 行政规范性文件8855698 (15 splits) and says 现行有效行政规范性文件698件 and
    本年度制发的规范性文件88件: 88 | 55 | 698."""
    d = extract(REAL / "pingtan_2022.txt")
    got = {c: d.fields[f"active.normative_docs.{c}"] for c in ("issued", "repealed", "in_force")}
    assert {c: x.value for c, x in got.items()} == {"issued": 88, "repealed": 55, "in_force": 698}
    assert all(x.confidence <= 0.85 and "prose" in x.reason for x in got.values())


def test_a_neighbouring_year_in_the_same_run_settles_a_split(tmp_path):
    alone = run_extract(tmp_path / "a", "pingtan_2019.txt")["pingtan_2019.txt"]
    assert alone["active.licensing.prev_items"]["value"] is None  # 3960181: 11 splits
    both = run_extract(tmp_path / "b", "pingtan_2019.txt", "pingtan_2020.txt")
    y19, y20 = both["pingtan_2019.txt"], both["pingtan_2020.txt"]
    lic = [y19[f"active.licensing.{c}"] for c in ("prev_items", "change", "decisions")]
    assert [c["value"] for c in lic] == [396, 0, 181]
    assert all(c["confidence"] <= 0.85 and "上一年项目数量(2020)" in c["reason"] for c in lic)
    assert y20["active.licensing.prev_items"]["value"] == 396


def test_what_is_settled_satisfies_the_identities_that_settled_it(tmp_path):
    names = [f"pingtan_{y}.txt" for y in (2019, 2020, 2021, 2022, 2023, 2025)]
    got = run_extract(tmp_path, *names)
    settled = ambiguous = 0
    for n in names:
        for c in got[n].values():
            settled += "settled by" in (c.get("reason") or "")
            ambiguous += c.get("reason") == "ambiguous_split"
    assert settled >= 20 and ambiguous <= 25  # 47 ambiguous cells before
    y = {n[8:12]: got[n] for n in names}
    for row in ("licensing", "other_services", "penalty", "fees"):
        a, b = y["2019"], y["2020"]
        assert b[f"active.{row}.prev_items"]["value"] == a[f"active.{row}.prev_items"]["value"] + \
            a[f"active.{row}.change"]["value"]
    nd = lambda yr, c: y[yr][f"active.normative_docs.{c}"]["value"]  # noqa: E731
    assert nd("2022", "in_force") == nd("2021", "in_force") + nd("2022", "issued") - nd("2022", "repealed")
    assert nd("2020", "total_published") == nd("2019", "total_published") + nd("2020", "published")


# ---------------------------------------------------------------- nianbao batch (batch/settle_years.py)

def run_batch(src, out):
    from nianbao.batch.runner import Options, run_batch as batch
    return batch(src, out, Options(workers=1, progress=False, model=None, timeout_s=None, max_memory_mb=None))


def batch_fields(out) -> dict[str, dict]:
    return {p.name.split(".")[0]: json.loads(p.read_text(encoding="utf-8"))["fields"]
            for p in sorted((out / "reports").glob("*.json"))}


def test_batch_settles_across_the_years_it_holds_as_extract_does(tmp_path):
    names = [f"pingtan_{y}.txt" for y in (2019, 2020, 2021, 2022, 2023, 2025)]
    src = tmp_path / "in"
    src.mkdir()
    for n in names:
        (src / n).write_bytes((REAL / n).read_bytes())
    run_batch(src, tmp_path / "b")
    got = batch_fields(tmp_path / "b")
    want = run_extract(tmp_path / "x", *names)
    assert got == {n[:-4]: want[n] for n in names}
    y19 = got["pingtan_2019"]
    assert y19["active.licensing.prev_items"]["value"] == 396
    assert "上一年项目数量(2020)" in y19["active.licensing.prev_items"]["reason"]


def test_a_batch_rerun_that_adds_the_neighbouring_year_settles_the_year_already_there(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "pingtan_2019.txt").write_bytes((REAL / "pingtan_2019.txt").read_bytes())
    run_batch(src, tmp_path / "b")
    alone = batch_fields(tmp_path / "b")["pingtan_2019"]
    assert alone["active.licensing.prev_items"]["value"] is None  # 3960181: no 2020 yet
    (src / "pingtan_2020.txt").write_bytes((REAL / "pingtan_2020.txt").read_bytes())
    run_batch(src, tmp_path / "b")
    first = {p.name: p.read_bytes() for p in (tmp_path / "b" / "reports").glob("*.json")}
    both = batch_fields(tmp_path / "b")
    assert [both["pingtan_2019"][f"active.licensing.{c}"]["value"] for c in ("prev_items", "change", "decisions")] \
        == [396, 0, 181]
    # the same as reading both in one run, and a rerun changes nothing (it starts again from the
    # reports as extracted, kept under held/, not from what it settled before)
    fresh = tmp_path / "in2"
    fresh.mkdir()
    for p in src.iterdir():
        (fresh / p.name).write_bytes(p.read_bytes())
    run_batch(fresh, tmp_path / "c")
    assert batch_fields(tmp_path / "c") == both
    run_batch(src, tmp_path / "b")
    assert {p.name: p.read_bytes() for p in (tmp_path / "b" / "reports").glob("*.json")} == first

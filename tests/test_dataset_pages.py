"""The dataset's HTML pages in headless Chromium (as the review page is tested): the agency
pages, the breaks page and a comparison load without console errors, draw their charts, and mark
the planted cross-year breaks; and a series rendered to PDF, extracted for real, still has its
planted breaks found."""
from __future__ import annotations

import json
import re

import pytest

duckdb = pytest.importorskip("duckdb")

from nianbao.cli import main  # noqa: E402
from nianbao.dataset.build import build  # noqa: E402
from nianbao.dataset.html import agency_file  # noqa: E402
from nianbao.dataset.report import write_report  # noqa: E402
from nianbao.training.synth.series import write_series  # noqa: E402
from test_review_page import chromium, console_messages, needs_chromium  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    gold = write_series(12, 5, tmp / "s", seed=2, break_rate=0.4)
    db = tmp / "d.duckdb"
    build([tmp / "s" / "outputs"], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        index = write_report(con, tmp / "site")
        aid_of = {}
        for path, aid in con.execute("SELECT m.path, r.agency_id FROM report_copies m JOIN reports r USING (report_id)").fetchall():
            aid_of[path.rsplit("/", 1)[-1]] = aid
    finally:
        con.close()
    return tmp, gold, db, index, aid_of


def test_pages_are_written_and_self_contained(site):
    tmp, gold, db, index, aid_of = site
    pages = sorted((tmp / "site").glob("*.html"))
    assert len(pages) == 12 + 2        # one per agency, the index, the breaks page
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"https?://", html) and "<link" not in html
    breaks = (tmp / "site" / "breaks.html").read_text(encoding="utf-8")
    assert breaks.count('data-identity="cross_year.') == len(gold["breaks"])


@needs_chromium
def test_agency_page_in_chromium(site, tmp_path):
    tmp, gold, db, index, aid_of = site
    p = gold["planted"][0]
    aid = aid_of[f"{p['agency']}-{p['year']}.json"]
    page = tmp / "site" / agency_file(aid)
    r = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    assert console_messages(r.stderr) == []
    dom = r.stdout
    assert 'data-ready="1"' in dom and 'data-charts="6"' in dom
    assert dom.count("<svg") == 6
    n = sum(1 for b in gold["breaks"] if b["agency"] == p["agency"])
    assert f'data-breaks="{n}"' in dom
    assert dom.count('class="break-mark"') >= 1          # the year of the break is marked on a chart
    years = {r["year"] for r in gold["reports"] if r["agency"] == p["agency"]}
    assert all(f"<td>{y}</td>" in dom for y in years)


@needs_chromium
def test_index_breaks_and_compare_pages_in_chromium(site, tmp_path):
    tmp, gold, db, index, aid_of = site
    for page, attr in ((index, 'data-agencies="12"'), (tmp / "site" / "breaks.html", f'data-breaks="{len(gold["breaks"])}"')):
        r = chromium(tmp_path, "--dump-dom", page.as_uri())
        assert r.returncode == 0 and console_messages(r.stderr) == [] and attr in r.stdout and 'data-ready="1"' in r.stdout
    p = gold["planted"][0]
    name = next(a["names"][0] for a in gold["agencies"] if a["id"] == p["agency"])
    out = tmp_path / "cmp.html"
    assert main(["compare", "--dataset", str(db), "--agency", name, "--years", str(p["prev_year"]), str(p["year"]),
                 "--html", str(out)]) == 0
    r = chromium(tmp_path, "--dump-dom", out.as_uri())
    assert r.returncode == 0 and console_messages(r.stderr) == []
    dom = r.stdout
    n = sum(1 for b in gold["breaks"] if b["agency"] == p["agency"] and b["year"] == p["year"])
    assert f'data-breaks="{n}"' in dom and dom.count('class="num brk"') >= n
    shot = tmp_path / "shot.png"
    r = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1300,1000", out.as_uri())
    assert r.returncode == 0 and shot.stat().st_size > 20_000


def test_rendered_series_extracted_for_real(tmp_path):
    """Two agencies × 3 years rendered to PDF, every pair with a planted break, extracted by the
    real pipeline: the dataset joins each agency's years and finds exactly the gold breaks."""
    gold = write_series(2, 3, tmp_path / "s", seed=5, start=2020, render=2, break_rate=1.0, copy_rate=0.0,
                        error_records=0)
    assert len(gold["rendered"]) == 6
    assert main(["extract", str(tmp_path / "s" / "docs"), "-o", str(tmp_path / "out"), "-q"]) == 0
    db = tmp_path / "d.duckdb"
    build([tmp_path / "out"], db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        agencies = con.execute("SELECT agency_id, list(year ORDER BY year) FROM reports GROUP BY 1").fetchall()
        flags = con.execute("SELECT r.agency_id, f.year, f.identity, f.keys[1] FROM flags f JOIN reports r "
                            "USING (report_id) WHERE f.scope = 'cross_year'").fetchall()
        paths = dict(con.execute("SELECT m.path, r.agency_id FROM report_copies m JOIN reports r USING (report_id)").fetchall())
    finally:
        con.close()
    assert sorted(y for _, y in agencies) == [[2020, 2021, 2022]] * 2
    to_aid = {p.rsplit("/", 1)[-1].split("-")[0]: aid for p, aid in paths.items()}
    want = {(to_aid[b["agency"]], b["year"], b["identity"], b["key"]) for b in gold["breaks"]}
    assert len(gold["planted"]) == 4 and want == set(flags), json.dumps(sorted(map(list, set(flags) ^ want)), ensure_ascii=False)

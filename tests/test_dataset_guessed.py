"""A figure built from a guessed cell (issue 24): short_rows leaves the cells the identities cannot
place as a guess at 0.5 whose reason starts `ambiguous`. The cell has a value, so the figure has
one, but the figure must not say `complete` as if every cell had been read."""
import json
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

from nianbao.cli import main  # noqa: E402
from nianbao.dataset.build import build  # noqa: E402

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


def _figure(db, figure):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT value, complete, verified, guessed, guessed_cells, reason FROM figure_values "
                           "WHERE figure = ?", [figure]).fetchall()[0]
    finally:
        con.close()


def test_a_figure_from_a_guessed_cell_is_not_complete(tmp_path):
    page = REAL / "shanghai_office_2019.html"
    if not page.is_file():
        pytest.skip("needs ../shared/real")
    out = tmp_path / "out"
    assert main(["extract", str(page), "-o", str(out), "-q"]) in (0, 1)
    db = tmp_path / "a.duckdb"
    build([out], db)
    value, complete, _, guessed, _, _ = _figure(db, "disclosed")
    assert value == 272 and complete and guessed == 0
    # the same report with one applicant cell of 予以公开 a guess, as a -raw dump reads it
    path = out / "shanghai_office_2019.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    cell = data["fields"]["requests.result.disclosed.research"]
    cell.update(confidence=0.5, verified=None, alternatives=[0, 1],
                reason="ambiguous: 3 blank cell(s) placed by the row, column and balance identities")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    db2 = tmp_path / "b.duckdb"
    build([out], db2)
    value, complete, verified, guessed, cells, reason = _figure(db2, "disclosed")
    # 予以公开's 总计 is blank on that page and derived from its applicant cells, one of them a guess
    assert value == 272 and not complete and not verified
    assert guessed == 1 and cells == ["requests.result.disclosed.total"] and "猜测" in reason
    con = duckdb.connect(str(db2), read_only=True)
    try:
        assert "disclosed" in con.execute("SELECT incomplete FROM figures").fetchall()[0][0]
    finally:
        con.close()

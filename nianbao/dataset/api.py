"""The dataset from Python: a DuckDB connection and pandas DataFrames of figures, indicators and
rankings (docs/dataset.md, "Python").

    import nianbao.dataset as nd
    con = nd.open("reports.duckdb")
    nd.indicators(con, province="江苏省", years=[2023, 2024], chinese=True)
"""
from __future__ import annotations

from pathlib import Path

from . import numbers as fg

PLACE_FILTERS = ("province", "city", "county", "adcode", "agency_id", "organ_type", "level")


def open(path: str | Path, read_only: bool = True):  # noqa: A001 - nianbao.dataset.open, as documented
    """A DuckDB connection to a dataset built by `nianbao dataset build` (read-only by default)."""
    import duckdb
    if not Path(path).is_file():
        raise FileNotFoundError(f"no such dataset: {path} (make one with `nianbao dataset build`)")
    return duckdb.connect(str(path), read_only=read_only)


def _where(years=None, prefix: str = "", **places) -> tuple[str, list]:
    conds, params = [], []
    for k, v in places.items():
        if v is None:
            continue
        if k not in PLACE_FILTERS:
            raise TypeError(f"unknown filter {k!r} (one of {', '.join(PLACE_FILTERS)})")
        if k == "adcode":   # a code's prefix: 320800 → the city and everything under it
            conds.append(f"{prefix}adcode LIKE ?")
            params.append(str(v).rstrip("0")[:6] + "%")
        else:
            conds.append(f"{prefix}{k} = ?")
            params.append(v)
    if years is not None:
        years = [years] if isinstance(years, int) else list(years)
        conds.append(f"{prefix}year IN ({', '.join('?' * len(years))})")
        params += years
    return (" WHERE " + " AND ".join(conds)) if conds else "", params


def _frame(con, sql: str, params: list, rename: dict | None):
    df = con.execute(sql, params).df()
    return df.rename(columns=rename) if rename else df


def figures(con, years=None, chinese: bool = False, **places):
    """One row per report: the figures (integers; null when a cell they need is unread), `complete`,
    `incomplete` (which are not), `derived` (which used a 总计 derived from its row)."""
    where, params = _where(years, **places)
    rename = {**dict(fg.ID_COLUMNS), **fg.FIGURE_ZH, "complete": "全部读出", "incomplete": "未读全的数",
              "derived": "由分项推出的数", "disclosed_share": "予以公开（含部分公开）比例"} if chinese else None
    return _frame(con, f"SELECT * FROM figures{where} ORDER BY year, agency_id, report_id", params, rename)


def indicators(con, years=None, chinese: bool = False, reasons: bool = False, **places):
    """One row per report: the indicators (null when a figure they need is incomplete or the
    denominator is 0). `reasons=True`: one row per report × indicator with numerator, denominator
    and the reason a value is null."""
    if reasons:
        where, params = _where(years, prefix="r.", **places)
        sql = (f"SELECT r.agency, i.* FROM indicator_values i JOIN reports r USING (report_id)"
               f"{where} ORDER BY i.year, i.agency_id, i.indicator")
        rename = {"indicator_zh": "指标", "value": "值", "numerator": "分子", "denominator": "分母", "reason": "说明",
                  **dict(fg.ID_COLUMNS)} if chinese else None
        return _frame(con, sql, params, rename)
    where, params = _where(years, **places)
    rename = {**dict(fg.ID_COLUMNS), **fg.INDICATOR_ZH} if chinese else None
    return _frame(con, f"SELECT * FROM indicators{where} ORDER BY year, agency_id, report_id", params, rename)


def rankings(con, jurisdiction: str, indicator: str = "substantive_disclosure_rate", year: int | None = None,
             chinese: bool = False):
    """The governments below a jurisdiction and its departments ranked by an indicator. `jurisdiction`:
    a 6-digit code (320800) or a name the dataset's agencies carry (淮安市, 洪泽区)."""
    code = jurisdiction_code(con, jurisdiction)
    if code is None:
        raise ValueError(f"no jurisdiction {jurisdiction!r} in the dataset")
    params = [code, indicator] + ([year] if year else [])
    sql = ("SELECT * FROM rankings WHERE jurisdiction = ? AND indicator = ?" + (" AND year = ?" if year else "")
           + ' ORDER BY year, "group", rank NULLS LAST, agency')
    rename = {"jurisdiction": "辖区代码", "group": "分组", "year": "年度", "indicator_zh": "指标", "agency": "机关",
              "value": "值", "numerator": "分子", "denominator": "分母", "reason": "说明", "rank": "名次",
              "included": "参与排名", "excluded": "未参与排名"} if chinese else None
    return _frame(con, sql, params, rename)


def jurisdiction_code(con, name: str) -> str | None:
    """A 6-digit division code from a code or a place name the dataset's agencies carry."""
    name = str(name).strip()
    if name.isdigit() and len(name) == 6:
        return name
    for level, digits in (("county", 6), ("city", 4), ("province", 2)):
        rows = con.execute(f"SELECT DISTINCT substr(adcode, 1, {digits}) FROM agencies WHERE {level} = ? "
                           "AND adcode IS NOT NULL", [name]).fetchall()
        if len(rows) == 1:
            return rows[0][0].ljust(6, "0")
    return None

"""Reports of many batches as one dataset (DuckDB, Parquet): agencies across years, cross-year
identities, figures, indicators and rankings, comparisons and per-agency pages. Needs the `dataset`
extra (duckdb, pyarrow).

    import nianbao.dataset as nd
    con = nd.open("reports.duckdb")
    nd.figures(con, province="江苏省"), nd.indicators(con, chinese=True), nd.rankings(con, "淮安市")
"""
from .api import figures, indicators, jurisdiction_code, open, rankings  # noqa: F401,A004

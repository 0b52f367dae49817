"""Reports of many batches as one dataset (DuckDB, Parquet): agencies across years, cross-year
identities, comparisons and per-agency pages. Needs the `dataset` extra (duckdb, pyarrow)."""

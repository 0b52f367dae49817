"""`nianbao dataset build`: folders of output JSON files → one DuckDB dataset (and Parquet).

Incremental: each file's content hash is kept; a rebuild parses only files that are new or
changed (a file whose size and mtime are unchanged is not even re-read), drops the rows of
files that are gone, then re-derives the user tables (agencies, joined copies, cross-year
checks) from everything kept. Each step is a transaction: a build that fails leaves the user
tables as they were.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pyarrow as pa

from . import derive, records, store

CHUNK = 200
MEMORY_LIMIT = "1GB"


def _parse_chunk(items: list[tuple[str, str]]):
    """Worker: parse (copy_id, path) files into Arrow tables (cheap to send back whole)."""
    loaded = []
    other = []
    for copy_id, path in items:
        try:
            loaded.append((copy_id, path, Path(path).read_bytes()))
        except OSError as e:
            other.append((copy_id, "unreadable", f"unreadable: {e.strerror or e}"))
    rows, bad = records.parse_files(loaded)
    tables = {name: store.arrow(getattr(rows, attr), types)
              for name, attr, types in (("copies", "copies", store.COPY_TYPES), ("copy_cells", "cells", store.CELL_TYPES),
                                        ("copy_metrics", "metrics", store.METRIC_TYPES),
                                        ("copy_flags", "flags", store.FLAG_TYPES))}
    return tables, other + bad


def _hash(path: Path) -> tuple[str | None, str | None]:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError as e:
        return None, f"unreadable: {e.strerror or e}"
    return h.hexdigest(), None


def scan(con, paths: list[Path]) -> tuple[dict, list[tuple]]:
    """Which files need parsing. Returns ({copy_id: path} to parse, file rows of every path)."""
    known = {r[0]: r[1:] for r in con.execute("SELECT path, size, mtime_ns, sha256, status, message FROM files").fetchall()}
    have = {r[0] for r in con.execute("SELECT copy_id FROM copies").fetchall()}
    to_parse: dict[str, str] = {}
    file_rows = []
    for p in paths:
        sp = str(p)
        try:
            st = p.stat()
        except OSError as e:
            file_rows.append((sp, None, None, None, "unreadable", f"unreadable: {e.strerror or e}"))
            continue
        old = known.get(sp)
        if old and old[0] == st.st_size and old[1] == st.st_mtime_ns and old[2] and (old[3] != "output" or old[2] in have):
            file_rows.append((sp, st.st_size, st.st_mtime_ns, old[2], old[3], old[4]))
            continue
        sha, err = _hash(p)
        if sha is None:
            file_rows.append((sp, st.st_size, st.st_mtime_ns, None, "unreadable", err))
            continue
        if sha not in have and sha not in to_parse:
            to_parse[sha] = sp
        file_rows.append((sp, st.st_size, st.st_mtime_ns, sha, "pending", None))
    return to_parse, file_rows


def parse_all(to_parse: dict[str, str], workers: int) -> tuple[list[dict], list[tuple]]:
    # pyarrow imports pandas on its first conversion (over a second): once here, not in every worker
    pa.array([], pa.string())
    items = sorted(to_parse.items(), key=lambda kv: kv[1])
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        results = [_parse_chunk(c) for c in chunks]
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as ex:
            results = list(ex.map(_parse_chunk, chunks))
    return [r[0] for r in results], [x for r in results for x in r[1]]


def _earlier_files(con, walked: set[str], drop_missing: bool) -> tuple[list[tuple], list[str], list[str]]:
    """Files an earlier build read that this one did not walk (other folders): kept, so that a build
    of a new folder adds to the dataset. A file no longer on disk is kept too unless `drop_missing`.
    Returns (file rows kept, paths gone but kept, paths dropped)."""
    kept, gone_kept, dropped = [], [], []
    for row in con.execute("SELECT path, size, mtime_ns, sha256, status, message FROM files ORDER BY path").fetchall():
        if row[0] in walked:
            continue
        if Path(row[0]).exists() or not drop_missing:
            kept.append(tuple(row))
            if not Path(row[0]).exists() and row[4] == "output":
                gone_kept.append(row[0])
        elif row[4] == "output":
            dropped.append(row[0])
    return kept, gone_kept, dropped


def build(folders: list[str | Path], db_path: str | Path, aliases: str | Path | None = None,
          parquet: str | Path | None = None, workers: int | None = None, drop_missing: bool = False) -> dict:
    """Add the output files under `folders` to the dataset at `db_path` (created when new). Reports
    read by earlier builds stay, also when their files are gone, unless `drop_missing` (the summary
    names what was dropped, and what is gone but kept)."""
    import duckdb
    from .agencies import read_overrides
    t0 = time.monotonic()
    for f in folders:
        if not Path(f).exists():
            raise FileNotFoundError(f"no such file or folder: {f}")
    overrides = read_overrides(aliases) if aliases else {}
    workers = workers or min(2, os.cpu_count() or 1)
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # a bounded memory: DuckDB spills to disk beyond it rather than take most of the machine
    con = duckdb.connect(str(db_path), config={"memory_limit": MEMORY_LIMIT})
    try:
        con.execute("BEGIN TRANSACTION")
        store.ensure_schema(con)
        t = time.monotonic()
        timings = {}
        paths = records.walk(folders)
        to_parse, file_rows = scan(con, paths)
        timings["scan"], t = time.monotonic() - t, time.monotonic()
        tables, other = parse_all(to_parse, workers)
        timings["parse"], t = time.monotonic() - t, time.monotonic()
        bad = {cid: (status, msg) for cid, status, msg in other}
        for name in ("copies", "copy_cells", "copy_metrics", "copy_flags"):
            for part in tables:
                store.insert(con, name, part[name])
        # file rows: which path holds which copy, and what the others are
        have = {r[0]: r[1] for r in con.execute("SELECT copy_id, path FROM copies").fetchall()}
        earlier, gone_kept, dropped = _earlier_files(con, {r[0] for r in file_rows}, drop_missing)
        rows, first = [], {}
        for sp, size, mtime, sha, status, msg in file_rows + earlier:
            if status == "pending":
                if sha in bad:
                    status, msg = bad[sha]
                elif sha in have:
                    status, msg = "output", None
            if status == "output":
                if sha in first:
                    status, msg = "same_content", f"same content as {first[sha]}"
                else:
                    first[sha] = sp
            rows.append((sp, size, mtime, sha, status, msg))
        con.execute("DELETE FROM files")
        store.insert(con, "files", pa.Table.from_pylist(
            [dict(zip(store.FILE_TYPES, r)) for r in rows], schema=pa.schema(list(store.FILE_TYPES.items()))))
        # copies no file holds any more, and copies now held under another first path
        con.execute("CREATE OR REPLACE TEMP TABLE _live AS SELECT sha256 AS copy_id, path FROM files WHERE status = 'output'")
        removed = con.execute("SELECT count(*) FROM copies WHERE copy_id NOT IN (SELECT copy_id FROM _live)").fetchone()[0]
        for table in ("copy_cells", "copy_metrics", "copy_flags", "copies"):
            con.execute(f"DELETE FROM {table} WHERE copy_id NOT IN (SELECT copy_id FROM _live)")
        con.execute("UPDATE copies SET path = _live.path FROM _live WHERE copies.copy_id = _live.copy_id "
                    "AND copies.path <> _live.path")
        timings["store"], t = time.monotonic() - t, time.monotonic()
        # the copies are kept (one transaction); the user tables are derived in a second one, so that
        # DuckDB reads committed rows. A build stopped between the two leaves the previous user tables
        # whole, and the next build derives them again (the stamp below no longer matches).
        con.execute("COMMIT")
        timings["commit"], t = time.monotonic() - t, time.monotonic()
        con.execute("BEGIN TRANSACTION")
        # nothing to derive again when the copies, the alias overrides and this code are what the
        # derived tables were made from (a rebuild over unchanged folders)
        ids = sorted(r[0] for r in con.execute("SELECT copy_id FROM copies").fetchall())
        stamp = hashlib.sha256(json.dumps([ids, sorted(overrides.items()), store.SCHEMA_VERSION, derive.VERSION],
                                          ensure_ascii=False).encode("utf-8")).hexdigest()
        row = con.execute("SELECT value FROM meta WHERE key = 'derived_from'").fetchone()
        summary = json.loads(con.execute("SELECT value FROM meta WHERE key = 'summary'").fetchone()[0]) \
            if row and row[0] == stamp else None
        if summary is None:
            summary = derive.derive(con, overrides)
            con.execute("DELETE FROM meta WHERE key IN ('derived_from', 'summary')")
            con.execute("INSERT INTO meta VALUES ('derived_from', ?), ('summary', ?)",
                        [stamp, json.dumps(summary, ensure_ascii=False)])
        con.execute("COMMIT")
        timings["derive"] = time.monotonic() - t
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # noqa: BLE001 - the connection may already be gone; the original error matters
            pass
        con.close()
        raise
    if parquet:
        export_parquet(con, parquet)
    con.close()
    status = Counter(r[4] for r in rows)
    summary.update({"files": len(rows), "files_by_status": dict(status.most_common()), "parsed": len(to_parse),
                    "reused": len(rows) - len(to_parse) - status.get("unreadable", 0), "removed_copies": removed,
                    "dropped_files": dropped, "gone_but_kept": gone_kept,
                    "seconds": round(time.monotonic() - t0, 2), "dataset": str(db_path),
                    "timings_s": {k: round(v, 2) for k, v in timings.items()}})
    if parquet:
        summary["parquet"] = str(parquet)
    return summary


def export_parquet(con, dest: str | Path) -> None:
    """The user tables as Parquet under DEST/<table>/, the per-year ones partitioned as year=YYYY
    (hive layout, which DuckDB, Spark, Polars and Ray Data read as a column). Written beside DEST
    and moved into place, so a reader never sees half a dataset."""
    dest = Path(dest)
    tmp = dest.with_name(f".{dest.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for t in store.PARQUET_TABLES:
        target = str(tmp / t).replace("'", "''")
        if t in store.BY_YEAR:
            # reports without a year (error records) go to year=0: a partition value every reader takes
            con.execute(f"COPY (SELECT * REPLACE (coalesce(year, 0) AS year) FROM {t}) TO '{target}' "
                        "(FORMAT PARQUET, PARTITION_BY (year), OVERWRITE_OR_IGNORE)")
        else:
            (tmp / t).mkdir()
            con.execute(f"COPY {t} TO '{target}/{t}.parquet' (FORMAT PARQUET)")
    old = dest.with_name(f".{dest.name}.old")
    if dest.exists():
        if old.exists():
            shutil.rmtree(old)
        dest.rename(old)
    tmp.rename(dest)
    if old.exists():
        shutil.rmtree(old)

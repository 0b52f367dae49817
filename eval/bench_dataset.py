"""Speed of `nianbao dataset build` on N extracted reports (synthetic output JSON files).

    python -m nianbao.eval.bench_dataset --n 10000 [--work DIR] [--workers 2] [--parquet]

Generates a series (`nianbao synth --series`) of N/5 distinct agencies' content once (kept in
--work for later runs; agencies past the series' few hundred distinct names repeat its content
under names of their own), then times: a cold build (every file parsed), a rebuild with nothing
changed, a rebuild after 1% of the files changed, and the Parquet export; then the numbers people publish over the whole dataset
(`--numbers`): figures, indicators and the rankings view derived again, every ranking computed, the
indicators as a DataFrame, one city's ranking. Timings depend on the machine and its load: measure
on an idle machine.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

YEARS = 5
DISTINCT = 200   # agencies whose content is generated; more are copies under other names
FORMAT = 4       # of the generated folder: another value regenerates it


def generate(n: int, out: Path, seed: int = 0) -> int:
    """N output files under OUT (skipped when OUT already holds them)."""
    from nianbao.dataset.agencies import parse
    from nianbao.output import write_atomic
    from nianbao.training.synth.series import make_series
    stamp = out / ".complete"
    if stamp.is_file() and stamp.read_text() == f"{n}:{FORMAT}":
        return n
    out.mkdir(parents=True, exist_ok=True)
    agencies = max(1, min(DISTINCT, n // YEARS))
    base = [(name, data) for name, data, c in make_series(agencies, YEARS, seed, copy_rate=0.0, error_records=0)]
    written, k = 0, 0
    while written < n:
        for name, data in base:
            if written >= n:
                break
            d = dict(data)
            if k:   # a place of its own (祥云3县): a distinct agency, its name variants and years intact
                printed = data.get("agency") or ""
                low = parse(printed).lowest or ""
                d["agency"] = printed.replace(low, f"{low[:-1]}{k}{low[-1:]}") if low else printed
                d["source"] = dict(data["source"], path=f"reports/r{k}-{name}", sha256=f"{k:08d}{data['source']['sha256'][8:]}")
            write_atomic(out / f"r{k}" / name, json.dumps(d, ensure_ascii=False, indent=1))
            written += 1
        k += 1
    stamp.write_text(f"{n}:{FORMAT}")
    return written


def time_numbers(db: Path) -> dict:
    """Seconds to derive figures, indicators and the rankings view over the whole dataset again, to
    compute every ranking, to read every indicator into pandas, and to rank one city's agencies."""
    import nianbao.dataset as nd
    from nianbao.dataset import numbers
    con = nd.open(db, read_only=False)
    try:
        out = {"reports_with_figures": con.execute("SELECT count(*) FROM figures").fetchone()[0]}
        t = time.monotonic()
        con.execute("BEGIN TRANSACTION")
        numbers.derive(con)
        con.execute("COMMIT")
        out["numbers_derive_s"] = round(time.monotonic() - t, 2)
        t = time.monotonic()
        n, ranked, juris = con.execute("SELECT count(*), count(rank), count(DISTINCT jurisdiction) FROM rankings").fetchone()
        out["rankings_all_s"] = round(time.monotonic() - t, 2)
        out.update(ranking_rows=n, ranked=ranked, jurisdictions=juris)
        t = time.monotonic()
        df = nd.indicators(con)
        out["indicators_df_s"], out["indicator_rows"] = round(time.monotonic() - t, 2), len(df)
        code = con.execute("SELECT jurisdiction FROM rankings GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        t = time.monotonic()
        one = nd.rankings(con, code)
        out["one_city_ranking_s"], out["one_city_rows"] = round(time.monotonic() - t, 2), len(one)
        out["numbers_total_s"] = round(out["numbers_derive_s"] + out["rankings_all_s"] + out["indicators_df_s"]
                                       + out["one_city_ranking_s"], 2)
    finally:
        con.close()
    return out


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.bench_dataset", description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--work", default=None, help="folder for the outputs and the dataset (default /tmp/nianbao-bench-dataset-N)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--parquet", action="store_true", help="also time the Parquet export")
    p.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    p.add_argument("--numbers", action="store_true", help="also time figures, indicators and rankings")
    p.add_argument("--only-numbers", action="store_true", help="time only those, on the dataset --work holds")
    a = p.parse_args(argv)
    from nianbao.dataset.build import build
    work = Path(a.work or f"/tmp/nianbao-bench-dataset-{a.n}")
    outputs, db = work / "outputs", work / "bench.duckdb"
    if a.only_numbers:
        print(json.dumps(time_numbers(db), indent=1))
        return 0
    t = time.monotonic()
    generate(a.n, outputs)
    gen_s = time.monotonic() - t
    for f in (db, db.with_name(db.name + ".wal")):
        f.unlink(missing_ok=True)
    res = {"n": a.n, "workers": a.workers, "generate_s": round(gen_s, 1)}
    cpu0 = _cpu()
    s = build([outputs], db, workers=a.workers)
    res["cold_s"], res["reports"], res["agencies"] = s["seconds"], s["reports"], s["agencies"]
    res["cold_cpu_s"] = round(_cpu() - cpu0, 1)   # all processes: on an idle 2-core machine wall ≥ cpu / 2
    res["cold_phases_s"] = s["timings_s"]
    res["cross_year_breaks"] = sum(s["cross_year"]["breaks"].values())
    res["warm_s"] = build([outputs], db, workers=a.workers)["seconds"]
    changed = sorted(outputs.rglob("*.json"))[:: 100]
    for f in changed:
        d = json.loads(f.read_text(encoding="utf-8"))
        d["warnings"] = list(d.get("warnings") or []) + ["touched by the benchmark"]
        f.write_text(json.dumps(d, ensure_ascii=False, indent=1), encoding="utf-8")
    s = build([outputs], db, workers=a.workers)
    res["incremental_files"], res["incremental_s"], res["incremental_parsed"] = len(changed), s["seconds"], s["parsed"]
    res["incremental_phases_s"] = s["timings_s"]
    if a.parquet:
        t = time.monotonic()
        s = build([outputs], db, workers=a.workers, parquet=work / "parquet")
        res["with_parquet_s"] = round(time.monotonic() - t, 2)
    if a.numbers:
        res.update(time_numbers(db))
    res["db_mb"] = round(db.stat().st_size / 1e6, 1)
    res["max_rss_mb"] = round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1)
    print(json.dumps(res, indent=1))
    if a.json:
        Path(a.json).write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Speed of reading run-together tables (spec variant run_together_cells), worst cases included.

    python -m nianbao.eval.bench_split --n 50 [--seed 0] [--digits 4] [--json out.json]

Each report is a scraped page whose three tables print every cell with no separator. The worst
case for the split is a table with no zero cell at all and many-digit numbers: every row's
digits then cut many ways, and the requests rows' cuts must be chosen together under the column
sums and the balance. This benchmark makes such tables (every applicant cell 1 to 10**digits - 1,
every identity holding) and times the whole text path per report (`assemble`, which holds the
split) and the extraction end to end. It also counts the cells read, left `ambiguous_split`, and
read wrong (never expected: a wrong split would mean the search accepted a split the identities
do not pin down). Timings on a shared machine are indicative; re-measure on an idle one.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from nianbao import schema
from nianbao.pipeline import extract_text

REQ_PARTS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")


def _num(rng: random.Random, digits: int) -> int:
    return rng.randint(1, 10 ** rng.randint(1, digits) - 1)


def values(rng: random.Random, fmt: str, digits: int) -> dict[str, int | float]:
    """Cells with no zero anywhere; every identity holds."""
    f: dict[str, int | float] = {}
    for r in schema.rows("active", fmt):
        for c in r.cols:
            typ = schema.col_type("active", fmt, c)
            f[r.key(c)] = round(_num(rng, digits) + rng.randint(1, 99) / 100, 2) if typ == "decimal" else _num(rng, digits)
    results = schema.request_result_rows(fmt)
    for c in REQ_PARTS:
        parts = {r: _num(rng, digits) for r in results}
        for r, v in parts.items():
            f[f"requests.{r}.{c}"] = v
        total = sum(parts.values())
        f[f"requests.result.total.{c}"] = total
        forward = _num(rng, digits)
        carried = rng.randint(1, total + forward - 1)
        f[f"requests.carried_forward.{c}"] = forward
        f[f"requests.carried_over.{c}"] = carried
        f[f"requests.new_received.{c}"] = total + forward - carried
    for r in schema.rows("requests", fmt):
        f[r.key("total")] = sum(f[r.key(c)] for c in REQ_PARTS)
    for r in ("review", "suit_direct", "suit_after_review"):
        for c in APPEAL_PARTS:
            f[f"appeals.{r}.{c}"] = _num(rng, digits)
        f[f"appeals.{r}.total"] = sum(f[f"appeals.{r}.{c}"] for c in APPEAL_PARTS)
    return f


def page(fmt: str, f: dict) -> str:
    """A scraped page: the tables' labels and cells in one line, nothing between the cells."""
    def cells(keys):
        return "".join(f"{f[k]:.2f}" if isinstance(f[k], float) else str(f[k]) for k in keys)

    year = 2023 if fmt == "2021" else 2020
    out = [f"标题: 某某县人民政府{year}年政府信息公开工作年度报告", "=" * 20 + " 正文 " + "=" * 20]
    body = ["一、总体情况本年度依法推进政务公开。二、主动公开政府信息情况"]
    for r in schema.rows("active", fmt):
        body.append(r.zh + cells([r.key(c) for c in r.cols]))
    body.append("三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
    for r in schema.rows("requests", fmt):
        body.append(r.zh.replace(" ", "") + cells([r.key(c) for c in r.cols]))
    body.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计")
    body.append(cells([f"appeals.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
                       for c in APPEAL_PARTS + ("total",)]))
    body.append("五、存在的主要问题及改进情况无。六、其他需要报告的事项无。")
    return "\n".join(out) + "\n" + "".join(body) + "\n"


def run(n: int, seed: int, digits: int) -> dict:
    rng = random.Random(seed)
    times, cpu, assemble, counts = [], [], [], {"read": 0, "ambiguous": 0, "wrong": 0, "cells": 0}
    extract_text(page("2021", values(random.Random(-1), "2021", 1)))  # warm the imports
    for i in range(n):
        fmt = schema.FORMATS[i % 2]
        f = values(rng, fmt, digits)
        t0, c0 = time.perf_counter(), time.process_time()
        doc = extract_text(page(fmt, f), name=f"bench-{i}")
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assemble.append(doc.timings_ms.get("assemble", 0.0) / 1000)
        for key in schema.field_keys(fmt):
            c = doc.fields.get(key)
            counts["cells"] += 1
            if c is None or c.value is None:
                counts["ambiguous"] += 1
            elif abs(c.value - f[key]) < 1e-6:
                counts["read"] += 1
            else:
                counts["wrong"] += 1
    return {"reports": n, "digits": digits, "seed": seed,
            "extract_wall_s": _stats(times), "extract_cpu_s": _stats(cpu), "assemble_wall_s": _stats(assemble),
            "cells": counts}


def _stats(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"p50": round(statistics.median(xs), 4), "p95": round(xs[min(len(xs) - 1, int(0.95 * len(xs)))], 4),
            "max": round(xs[-1], 4)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--digits", type=int, default=4, help="numbers of up to this many digits (default 4)")
    ap.add_argument("--json", help="also write the result here")
    a = ap.parse_args(argv)
    res = run(a.n, a.seed, a.digits)
    print(json.dumps(res, ensure_ascii=False, indent=1))
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

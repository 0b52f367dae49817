"""Benchmark: time a corpus, then score `nianbao extract` on its pdftotext/pdfium text dumps.

    python -m nianbao.training.synth.bench --n 500 --out data/synth --seed 0
    python -m nianbao.training.synth.bench --out data/synth --no-generate   # score an existing corpus

Cell accuracy is reported overall and by variant, style and format, with the keys that fail
most often, so extractor failures can be traced to a layout hazard.
"""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path

VARIANTS = ("layout", "raw", "pdfium")


def _val(x):
    return x.get("value") if isinstance(x, dict) else x


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    return a == b


def score(out: Path, variants=VARIANTS) -> dict:
    from nianbao.output import to_dict
    from nianbao.pipeline import extract
    manifest = [json.loads(x) for x in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    met: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    bad_keys: Counter = Counter()
    bad_metrics: Counter = Counter()
    t0 = time.time()
    n_out = 0
    for m in manifest:
        gold = json.loads((out / "gold" / f"{m['doc_id']}.gold.json").read_text(encoding="utf-8"))
        for v in variants:
            path = out / "docs" / m["doc_id"] / f"{v}.txt"
            if not path.exists():
                continue
            pred = to_dict(extract(path))
            n_out += 1
            pf, pm = pred.get("fields", {}) or {}, pred.get("metrics", {}) or {}
            for k, want in gold["fields"].items():
                ok = _same(_val(pf.get(k)), want)
                for group in (("all",), ("variant", v), ("style", m["style"]), ("format", m["format"]),
                              ("style×variant", m["style"], v)):
                    acc[group][0] += ok
                    acc[group][1] += 1
                if not ok:
                    bad_keys[(m["style"], v, k)] += 1
            for k, want in gold["metrics"].items():
                ok = _same(_val(pm.get(k)), want)
                met[("metric", k)][0] += ok
                met[("metric", k)][1] += 1
                if not ok:
                    bad_metrics[k] += 1
    return {
        "outputs": n_out, "extract_seconds": round(time.time() - t0, 1),
        "cell_accuracy": {" ".join(k): round(a / b, 5) for k, (a, b) in sorted(acc.items())},
        "metric_accuracy": {k[1]: f"{a}/{b}" for k, (a, b) in sorted(met.items())},
        "worst_keys": [[*k, n] for k, n in bad_keys.most_common(40)],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--out", default="data/synth")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--kinds", default="pdf,text,scan")
    ap.add_argument("--no-generate", action="store_true", help="score an existing corpus")
    ap.add_argument("--report", default=None, help="write the JSON summary here too")
    a = ap.parse_args(argv)
    out = Path(a.out)
    summary: dict = {}
    if not a.no_generate:
        from .cli import _kinds, generate_corpus
        t0 = time.time()
        rows = generate_corpus(a.n, out, a.seed, a.workers, _kinds(a.kinds))
        el = time.time() - t0
        summary["generate"] = {"docs": len(rows), "seconds": round(el, 1), "workers": a.workers,
                               "kinds": a.kinds, "pages": sum(r["pages"] for r in rows),
                               "by_style": Counter(r["style"] for r in rows),
                               "by_format": Counter(r["format"] for r in rows),
                               "by_degradation": Counter(str(r["degradation"]) for r in rows),
                               "tokens_exact": sum(r["tokens_exact"] for r in rows)}
        print(json.dumps(summary["generate"], ensure_ascii=False))
    summary["extract"] = score(out)
    text = json.dumps(summary, ensure_ascii=False, indent=1)
    print(text)
    if a.report:
        Path(a.report).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Speed of the structured readers: seconds to extract one HTML or Word report, end to end.

usage: python -m nianbao.eval.bench_readers [FILE …] [--n N] [--kinds html,docx,doc] [--repeat R]

Generates N reports per kind from the synthetic content (every web / Word house style, both
formats) in a temporary folder, plus any FILE given (e.g. ../shared/real/shanghai_office_2019.html),
and times `nianbao.pipeline.extract` on each: the cold first call apart (imports), then p50 / p95 /
max per kind over the warm calls, with the reader's share (`ingest`). `doc` goes through
LibreOffice, whose start-up dominates; it is reported, not held to the HTML/Word target.
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from nianbao.pipeline import extract

from .bench_text import pct

TARGET_S = 0.3  # an HTML or DOCX report on the 2-core machine


def make_inputs(out: Path, n: int, kinds: tuple[str, ...], seed: int = 0) -> list[tuple[str, Path]]:
    from nianbao.training.synth import styles, web, word
    from nianbao.training.synth.content import generate

    made = []
    for i in range(n):
        c = generate(f"bench{seed}-{i:04d}", seed, ("2021", "2019")[i % 2], error_rate=0.0)
        base = styles.get(styles.STYLE_NAMES[i % len(styles.STYLE_NAMES)])
        rng = random.Random(f"{seed}:{i}")
        if "html" in kinds:
            p = out / f"{c.doc_id}.html"
            p.write_bytes(web.page(c, base, web.WEB_STYLES[i % len(web.WEB_STYLES)], rng)[0])
            made.append(("html", p))
        if "docx" in kinds or "doc" in kinds:
            p = out / f"{c.doc_id}.docx"
            word.write_docx(c, base, word.WORD_STYLES[i % len(word.WORD_STYLES)], rng, p)
            if "docx" in kinds:
                made.append(("docx", p))
            if "doc" in kinds:
                d = out / f"{c.doc_id}.doc"
                word.write_doc(p, d)
                made.append(("doc", d))
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help="more inputs to time (any kind the readers read)")
    ap.add_argument("--n", type=int, default=20, help="generated reports per kind (default 20)")
    ap.add_argument("--kinds", default="html,docx", help="generated kinds: html,docx,doc (default html,docx)")
    ap.add_argument("--repeat", type=int, default=3, help="warm calls per input (default 3)")
    a = ap.parse_args(argv)
    kinds = tuple(k.strip() for k in a.kinds.split(",") if k.strip())
    bad = [k for k in kinds if k not in ("html", "docx", "doc")]
    if bad:
        ap.error(f"unknown kind(s) {bad}")
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-readers-") as tmp:
        inputs = make_inputs(Path(tmp), a.n, kinds) if a.n > 0 else []
        inputs += [(f"file:{Path(p).name}", Path(p)) for p in a.paths]
        if not inputs:
            ap.error("nothing to time: --n 0 and no FILE")
        t0 = time.perf_counter()
        extract(inputs[0][1])
        cold = time.perf_counter() - t0
        walls: dict[str, list[float]] = {}
        ingest: dict[str, list[float]] = {}
        for _ in range(max(1, a.repeat)):
            for kind, p in inputs:
                t = time.perf_counter()
                doc = extract(p)
                walls.setdefault(kind, []).append(time.perf_counter() - t)
                ingest.setdefault(kind, []).append(doc.timings_ms.get("ingest", 0.0) / 1000)
                if doc.errors:
                    raise SystemExit(f"{p}: {doc.errors}")
    print(f"readers: {len(inputs)} input(s) × {a.repeat} warm calls; cold first call {cold:.2f} s")
    print(f"{'kind':28} {'n':>4} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'mean s':>7} {'ingest p50':>10}")
    worst = 0.0
    for kind, xs in walls.items():
        print(f"{kind:28} {len(xs):4d} {pct(xs, .5):7.3f} {pct(xs, .95):7.3f} {max(xs):7.3f} "
              f"{statistics.mean(xs):7.3f} {pct(ingest[kind], .5):10.3f}")
        if kind in ("html", "docx"):
            worst = max(worst, pct(xs, .95))
    if worst:
        print(f"html/docx p95 {worst:.3f} s against the {TARGET_S} s target: {'met' if worst < TARGET_S else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

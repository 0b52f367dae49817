"""`nianbao eval --gold DIR (--inputs DIR | --preds DIR) [--variant NAME …] -o REPORT_DIR`.

Writes REPORT_DIR/summary.json (stable keys), summary.md, report.html (plots embedded),
documents.jsonl (every input's score and wrong cells) and preds/<variant>/<input>.json; prints
the summary tables. Exit status: 0 done; 1 a regression against --compare or a --gate failure;
2 a usage or corpus error.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from nianbao.output import write_atomic

from . import ablations as variant_registry
from .aggregate import build_summary
from .compare import check_gate, compare, format_compare, gate_sample, load_json
from .corpus import CorpusError, discover_many
from .runner import read_predictions, run_variant
from .tables import build as build_tables
from .tables import markdown, text

DEFAULT_VARIANT = "extract"  # the shipped pipeline, as `nianbao extract` runs it


def add_arguments(p) -> None:
    p.add_argument("--gold", required=True, action="append", metavar="DIR",
                   help="folder of <doc>.gold.json files (repeatable, paired in order with --inputs)")
    p.add_argument("--inputs", action="append", metavar="DIR",
                   help="folder of inputs: <doc>.txt, or docs/<doc>/{layout.txt,…}")
    p.add_argument("--preds", metavar="DIR", help="score existing output JSONs instead of (or besides) running")
    p.add_argument("--variant", action="append", metavar="NAME",
                   help=f"extractor variant to run (repeatable; default {DEFAULT_VARIANT} when --preds is not given); "
                        f"known: {', '.join(variant_registry.VARIANTS)}")
    p.add_argument("-o", "--out", required=True, metavar="REPORT_DIR", help="folder for the reports")
    p.add_argument("--kind", action="append", metavar="KIND", help="only inputs of this kind (repeatable)")
    p.add_argument("--split", metavar="NAME", help="only documents of this split (manifest or gold 'split', e.g. test)")
    p.add_argument("--limit", type=int, metavar="N", help="only the first N documents (each with all its inputs)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="S", help="seconds per input before it counts as failed")
    p.add_argument("--no-warmup", action="store_true",
                   help="time the first input cold (by default it is extracted once untimed first)")
    p.add_argument("--compare", metavar="OLD.json", help="print deltas against an earlier summary.json")
    p.add_argument("--tolerance", type=float, default=0.005,
                   help="largest drop of a score that --compare lets pass (default 0.005)")
    p.add_argument("--gate", metavar="GATE.json", help="fail unless the scores meet these minimums (eval/gate.json)")
    p.add_argument("--gate-sample", metavar="NAME", help="which sample of the gate file (default: its first)")
    p.add_argument("--note", help="free text stored in the summary (e.g. machine load)")
    p.add_argument("--no-html", action="store_true", help="skip report.html (and matplotlib)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def _git_commit() -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                           cwd=Path(__file__).resolve().parent)
        return r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _err(msg: str) -> int:
    print(f"nianbao eval: {msg}", file=sys.stderr)
    return 2


def run(args) -> int:
    if not args.inputs and not args.preds:
        return _err("give --inputs DIR (to run extraction) or --preds DIR (to score existing outputs)")
    names = args.variant or ([] if args.preds else [DEFAULT_VARIANT])
    try:
        for n in names:
            variant_registry.get(n)
    except variant_registry.UnknownVariant as e:
        return _err(str(e))
    if names and not args.inputs:
        return _err("--variant needs --inputs DIR to run on")
    try:
        old = load_json(args.compare) if args.compare else None
        gate = gate_sample(load_json(args.gate), args.gate_sample) if args.gate else None
        if args.inputs and len(args.inputs) != len(args.gold):
            raise CorpusError(f"{len(args.gold)} --gold but {len(args.inputs)} --inputs: give one --inputs per --gold")
        corpus = discover_many(list(zip(args.gold, args.inputs or [None] * len(args.gold))), args.kind, args.split)
    except (CorpusError, ValueError) as e:
        return _err(str(e))
    inputs = corpus.inputs
    if args.limit:
        keep = set(sorted({i.doc for i in inputs})[: args.limit])
        inputs = [i for i in inputs if i.doc in keep]
    if args.inputs and not inputs:
        return _err(f"no input under {args.inputs} matches a gold file in {args.gold} (see docs/eval.md)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    log = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    for p in corpus.unmatched_inputs[:5]:
        log(f"warning: no gold file for input {p}")
    if len(corpus.unmatched_inputs) > 5:
        log(f"warning: … {len(corpus.unmatched_inputs) - 5} more inputs without gold")

    for n in names:
        log(f"variant {n}: {variant_registry.get(n).description}")
    load_start = round(os.getloadavg()[0], 2)
    results, run_info = {}, {}
    if args.preds:
        try:
            stored = read_predictions(Path(args.preds), corpus)
        except FileNotFoundError as e:
            return _err(str(e))
        wanted = {i.doc for i in inputs} if args.inputs else set(corpus.gold)
        if args.limit and not args.inputs:
            wanted = set(sorted(wanted)[: args.limit])
        for name, res in stored.items():
            res = [r for r in res if r.input.doc in wanted and (not args.kind or r.input.kind in args.kind)]
            if res:
                results[name] = res
        if not results:
            return _err(f"no prediction in {args.preds} matches a gold file")
    t0 = time.perf_counter()
    for n in names:
        def progress(i, total, res, n=n):
            errs = res.pred.get("errors") or []
            first = errs[0].get("message") if errs and isinstance(errs[0], dict) else None
            status = f"{res.wall_ms:.0f} ms" if res.wall_ms is not None else "no time"
            if res.error or first:
                status += f"  error: {res.error or first}"
            log(f"[{n} {i}/{total}] {res.input.name}: {status}")
        try:
            results[n], run_info[n] = run_variant(n, inputs, out / "preds" / n, timeout_s=args.timeout,
                                                  progress=progress, warmup=not args.no_warmup)
        except RuntimeError as e:
            return _err(str(e))
    info = {
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "gold": args.gold, "inputs": args.inputs, "preds": args.preds, "split": args.split,
        "kinds": args.kind, "git": _git_commit(),
        "host": {"cpus": os.cpu_count(), "loadavg_1m_start": load_start, "loadavg_1m": round(os.getloadavg()[0], 2)},
        "note": args.note, "eval_wall_s": round(time.perf_counter() - t0, 3),
        "unmatched_inputs": len(corpus.unmatched_inputs), "gold_without_input": len(corpus.gold_without_input),
    }
    summary, rows = build_summary(results, corpus.gold, info, run_info, corpus.origin)
    tables = build_tables(summary)

    write_atomic(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    measured = "; ".join(f"`{n}` ({variant_registry.get(n).description})" if n in variant_registry.VARIANTS
                         else f"`{n}`" for n in results)
    write_atomic(out / "summary.md", "# nianbao evaluation\n\n"
                 + f"variant(s) measured: {measured}\n\n"
                 + f"gold `{', '.join(args.gold)}`, inputs `{', '.join(args.inputs or [])}`, preds `{args.preds}`, "
                   f"split `{args.split}`, commit `{info['git']}`, {info['created']}, "
                   f"{info['host']['cpus']} CPUs, load average {load_start} at start, {info['host']['loadavg_1m']} at end"
                 + (f"; note: {args.note}" if args.note else "") + "\n\n" + markdown(tables))
    write_atomic(out / "documents.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    if not args.no_html:
        from .html_report import render
        write_atomic(out / "report.html", render(summary, tables, rows))
    lines = [f"variant(s) measured: {', '.join(results)}"
             + (" (the default: what `nianbao extract` runs)" if names == [DEFAULT_VARIANT] and not args.variant else ""),
             text(tables), f"reports: {out / 'summary.json'}, {out / 'summary.md'}"
             + ("" if args.no_html else f", {out / 'report.html'}")]
    problems: list[str] = []
    status = 0
    if old is not None:
        rows_cmp, notes = compare(old, summary, args.tolerance)
        lines += [f"\nCompared with {args.compare} (tolerance {args.tolerance}):", format_compare(rows_cmp, notes)]
        regressions = [r for r in rows_cmp if r["regression"]]
        if regressions:
            problems.append(f"{len(regressions)} regression(s) beyond the tolerance")
            status = 1
    if gate is not None:
        failures = check_gate(summary, gate)
        problems += [f"gate: {f}" for f in failures]
        lines.append(f"gate {args.gate}: {'FAILED' if failures else 'passed'}")
        status = status or (1 if failures else 0)
    try:
        print("\n".join(lines), flush=True)
    except BrokenPipeError:  # `nianbao eval … | head`: the files are written; stop printing quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for p in problems:
        print(p, file=sys.stderr)
    return status

"""The rules, the token model alone and the merge, each as a reader in its own right, on the
SAME reading of each input: `python -m nianbao.eval.readers`.

`nianbao eval --variant rules --variant model --variant model+reconciler` runs each variant in
its own worker, so a scan is OCR'd once per variant (and once more per model directory
compared): ~1-3 s a page each on a 2-core machine. Here each input is loaded once (text layer or
OCR: `nianbao.ingest.load`) and every reader runs `nianbao.pipeline.process` on its own copy of
that Document, so the readers differ by their reading only, never by the OCR's (which is not
bit-for-bit repeatable across processes under load). Readers:
  rules                 the rules alone
  model[:NAME]          the token model's reading wins where it read a cell (policy `model`)
  merge[:NAME]          the default path: differences settled by the identities (`reconcile`)
NAME is a model directory (`--model NAME=DIR`; `default`: the shipped weights).

Cell accuracy per input kind (the manifest's degradation for scans) and per reader, wrong
cells, silent errors (eval/score.py's rule), in a JSON summary and a Markdown table; each
output is kept as OUT/preds/<input name>/<reader>.json.

    python -m nianbao.eval.readers --gold S/gold --inputs S/docs --kind scanned_pdf \\
        --model new=runs/model-x --model default=default -o out/readers [--limit N] [--jobs 2] [--cache DIR]
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from .corpus import discover_many
from .score import score_cells


def readers(models: dict[str, str]) -> list[tuple[str, str | None, str]]:
    """(reader name, model dir or None, policy) for the rules and each model's two readers."""
    out = [("rules", None, "reconcile")]
    for name, path in models.items():
        suffix = "" if name == "default" else f":{name}"
        out += [(f"model{suffix}", path, "model"), (f"merge{suffix}", path, "reconcile")]
    return out


def read_input(path: Path, plan: list[tuple[str, str | None, str]], cache: Path | None = None) -> dict[str, dict]:
    """Every reader's output for one input, from one load of it; an input that fails gives each
    reader an error record (scored as all wrong), never a traceback. `cache`: a file keeping the
    loaded Document (pickled), so that another model is compared later on the very same reading."""
    import pickle

    from nianbao.document import Document, Source
    from nianbao.ingest import load
    from nianbao.output import to_dict
    from nianbao.pipeline import _fail, process, split
    try:
        if cache is not None and cache.is_file():
            loaded = pickle.loads(cache.read_bytes())
        else:
            loaded = split(load(path))[0]
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                cache.with_suffix(".tmp").write_bytes(pickle.dumps(loaded))
                cache.with_suffix(".tmp").replace(cache)
    except Exception as e:  # noqa: BLE001
        d = Document(source=Source(path=str(path)))
        _fail(d, e)
        return {name: to_dict(d) for name, _, _ in plan}
    out = {}
    for name, model, policy in plan:
        d = copy.deepcopy(loaded)
        try:
            process(d, model=model, policy=policy)
        except Exception as e:  # noqa: BLE001
            _fail(d, e)
        out[name] = to_dict(d)
    return out


def _job(args):
    inp_name, path, plan, out_dir, cache = args
    target = out_dir / "preds" / inp_name
    if target.is_dir() and all((target / f"{n}.json").is_file() for n, _, _ in plan):
        return inp_name, {n: json.loads((target / f"{n}.json").read_text(encoding="utf-8")) for n, _, _ in plan}, 0.0
    t0 = time.time()
    preds = read_input(path, plan, cache / f"{inp_name}.pkl" if cache else None)
    target.mkdir(parents=True, exist_ok=True)
    for n, p in preds.items():
        (target / f"{n}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    return inp_name, preds, time.time() - t0


def tabulate(rows: list[dict], names: list[str]) -> dict:
    """Per group (kind or kind/degradation) and reader: right, cells, wrong, silent errors."""
    acc: dict = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for r in rows:
        for g in (r["group"], "all"):
            for n in names:
                s = r["scores"][n]
                a = acc[g][n]
                a[0] += s["correct"]
                a[1] += s["total"]
                a[2] += s["silent_errors"]
    return {g: {n: {"correct": a[0], "total": a[1], "wrong": a[1] - a[0], "silent": a[2],
                    "accuracy": round(a[0] / a[1], 6) if a[1] else None} for n, a in by.items()}
            for g, by in acc.items()}


def markdown(table: dict, names: list[str], docs: dict[str, int]) -> str:
    head = "| inputs | docs | cells | " + " | ".join(names) + " |\n|---|---|---|" + "---|" * len(names)
    lines = [head]
    for g in sorted(table, key=lambda g: (g == "all", g)):
        by = table[g]
        cells = next(iter(by.values()))["total"]
        lines.append(f"| {g} | {docs.get(g, '')} | {cells} | " + " | ".join(
            f"{100 * by[n]['accuracy']:.2f} % ({by[n]['wrong']} wrong, {by[n]['silent']} silent)" for n in names) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.readers", description=__doc__.split("\n\n")[0])
    p.add_argument("--gold", action="append", required=True)
    p.add_argument("--inputs", action="append", required=True)
    p.add_argument("--kind", action="append", help="only inputs of these kinds (e.g. scanned_pdf)")
    p.add_argument("--split")
    p.add_argument("--limit", type=int, help="only the first N documents")
    p.add_argument("--model", action="append", default=[], metavar="NAME=DIR",
                   help="a model to compare (repeatable); default: the shipped weights as `default`")
    p.add_argument("--jobs", type=int, default=1)
    p.add_argument("--cache", help="folder keeping each input's loaded Document: a later run with other "
                                   "models reads the same OCR without running it again")
    p.add_argument("-o", "--out", required=True)
    a = p.parse_args(argv)
    if len(a.gold) != len(a.inputs):
        p.error("--gold and --inputs pair up: give as many of each")
    models = dict(m.split("=", 1) for m in a.model) if a.model else {"default": "default"}
    plan = readers(models)
    names = [n for n, _, _ in plan]
    corpus = discover_many(list(zip(a.gold, a.inputs)), a.kind, a.split)
    docs = sorted({i.doc for i in corpus.inputs})[:a.limit]
    inputs = [i for i in corpus.inputs if i.doc in set(docs)]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    cache = Path(a.cache) if a.cache else None
    jobs = [(i.name, i.path, plan, out, cache) for i in inputs]
    t0 = time.time()
    if a.jobs > 1:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(a.jobs) as pool:
            done = list(pool.imap_unordered(_job, jobs))
    else:
        done = [_job(j) for j in jobs]
    by_name = {i.name: i for i in inputs}
    rows = []
    for name, preds, _ in done:
        inp = by_name[name]
        gold = corpus.gold[inp.doc]
        rows.append({"input": name, "group": inp.group,
                     "scores": {n: score_cells(gold, preds[n]) for n in names}})
    table = tabulate(rows, names)
    ndocs = defaultdict(int)
    for r in rows:
        ndocs[r["group"]] += 1
        ndocs["all"] += 1
    wrong = {r["input"]: {n: [(w["key"], w["gold"], w["pred"]) for w in r["scores"][n]["wrong"]] for n in names}
             for r in rows}
    summary = {"readers": {n: {"model": m, "policy": pol} for n, m, pol in plan}, "inputs": len(rows),
               "minutes": round((time.time() - t0) / 60, 2), "by_group": table}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "wrong.json").write_text(json.dumps(wrong, ensure_ascii=False, indent=1), encoding="utf-8")
    md = markdown(table, names, ndocs)
    (out / "summary.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`nianbao real-tokens`: real reports with gold files as annotated pages — a token dataset to
train on (weighted, `nianbao train --data DIR:4`) beside the synthetic corpus, with some
reports held out.

Each report goes through exactly what `nianbao annotate push` and `pull` do, with the person's
part played by the gold file:
  push   the pipeline extracts it (`push.extractor`, the model as `extract` runs it), its pages
         are made (`push.PageMaker`: PDF pages as they are, HTML and Word rendered in headless
         Chromium) and turned into page tasks with the extractor's reading as pre-annotation
         (`tasks.page_tasks`: value and metric boxes, row and column label boxes);
  correct  starting from the pre-annotation, as a person does in Label Studio: a value box
         whose text is not the gold value gets the gold value typed in (an empty text and the
         blank choice for a 0 the page prints nothing for), a metric box the gold says the
         report does not state is deleted (`corrections`);
  pull   the corrected pages become token examples by `annotations.convert.page_example` (each
         token the role of the smallest box around its centre) and the document's gold by
         `convert.document_gold`, which is checked against the gold file: a key they disagree on
         (a value printed where no box was pushed) is reported, never silently trained on.
A value the extractor read into the wrong box would keep its wrong box here (a person would
move it); such cells are counted (`moved`) — with the default pipeline at 100 % on these reports
there are none.

Held-out reports (`--holdout a,b`) are written to the `test` split, `--validation c` to the
`validation` split (the checkpoint `train` keeps is then the best on real pages too, not only on
synthetic ones, where a fine-tuned model scores 1.0 from its first evaluation), every other
report to `train`; page kinds are `real:<input kind>` (real:digital_pdf, real:html), so a model trained
with them reports its F1 on real pages per kind. Text inputs have no pages to draw boxes on
(push refuses them too) and are skipped, said so.

    nianbao real-tokens ../shared/real --out data/real --holdout hongze_2024,pingtan_gwh_2021
    nianbao train --data data/synth --data data/real:4 --init model:default --config finetune --out DIR
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

KIND_PREFIX = "real:"
TEXT_SUFFIXES = {".txt", ".text", ".md"}


def add_arguments(p) -> None:
    p.add_argument("inputs", nargs="+", help="reports (PDF, image, HTML, Word) or folders of them, each with "
                                             "<name>.gold.json beside it or in --gold")
    p.add_argument("--gold", action="append", default=[], help="folder of <name>.gold.json (default: beside each input)")
    p.add_argument("--out", required=True, help="dataset folder to write (OUT/tokens, OUT/gold, OUT/report.json)")
    p.add_argument("--holdout", default="", help="comma-separated report names (file stems) written to the test "
                                                 "split only: never trained on")
    p.add_argument("--validation", default="", help="comma-separated report names written to the validation "
                                                     "split: the checkpoint kept is the best on real pages too")
    p.add_argument("--no-model", action="store_true", help="pre-annotate with the rules alone (push's --no-model)")
    p.add_argument("--model-dir", help="pre-annotate with this model directory (push's --model-dir)")


def find_inputs(paths: list[str], gold_dirs: list[str]) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(input, its gold file) pairs, and what was skipped and why."""
    from nianbao.ingest import INPUT_SUFFIXES
    files: list[Path] = []
    for s in paths:
        p = Path(s)
        if p.is_dir():
            files += sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in INPUT_SUFFIXES)
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {s}")
    pairs, skipped = [], []
    for f in files:
        gold = next((g for g in [f.with_name(f"{f.stem}.gold.json")] + [Path(d) / f"{f.stem}.gold.json" for d in gold_dirs]
                     if g.is_file()), None)
        if gold is None:
            continue  # a report without gold teaches nothing here
        if f.suffix.lower() in TEXT_SUFFIXES:
            skipped.append(f"{f.name}: a text input has no pages to draw boxes on (annotate push refuses it too)")
            continue
        pairs.append((f, gold))
    return pairs, skipped


def _is_zero_text(text: str) -> bool:
    from nianbao.annotations.convert import parse_value
    try:
        return parse_value(text, "int") == 0
    except ValueError:
        return False


def corrections(result: list[dict], gold: dict, fmt: str) -> tuple[list[dict], dict]:
    """The pre-annotation as a person leaves it after checking it against the printed page
    (here: the gold file); what was changed, by kind."""
    from nianbao import schema
    from nianbao.annotations import label_config as labels
    from nianbao.annotations.convert import parse_metric, parse_value
    out = [copy.deepcopy(r) for r in result]
    label_of = {r["id"]: r["value"]["rectanglelabels"][0] for r in out if r.get("from_name") == labels.LABEL}
    changed = {"values": [], "metrics_deleted": [], "metrics": []}
    drop: set[str] = set()
    blank_ids = {r["id"] for r in out if r.get("from_name") == labels.CELL}
    add_blank: list[dict] = []
    for r in out:
        lab = label_of.get(r["id"], "")
        if r.get("from_name") != labels.TEXT:
            continue
        text = "".join(r["value"].get("text") or [])
        if lab.startswith("VAL:"):
            key = lab[4:]
            want = gold["fields"].get(key)
            if want is None:
                continue
            blank = r["id"] in blank_ids
            table, _, col = schema.parse_key(key)
            try:
                have = 0 if blank else parse_value(text, schema.col_type(table, fmt, col))
            except ValueError:
                have = None
            if have == want:
                continue
            changed["values"].append(key)
            if want == 0:  # nothing printed: empty text, blank ticked
                r["value"] = {**r["value"], "text": [""]}
                if not blank:
                    add_blank.append({k: v for k, v in r.items() if k not in ("from_name", "type", "value")}
                                     | {"from_name": labels.CELL, "type": "choices",
                                        "value": {**{k: r["value"][k] for k in ("x", "y", "width", "height", "rotation")
                                                     if k in r["value"]}, "choices": [labels.BLANK]}})
            else:  # a number typed in: the blank choice, if ticked, is unticked
                r["value"] = {**r["value"], "text": [str(want)]}
                drop.add(("cell", r["id"]))
        elif lab.startswith("MET:"):
            mid = lab[4:]
            if mid not in (gold.get("metrics") or {}):
                continue
            want = gold["metrics"][mid]
            if want is None:  # the report states no such figure: the box is deleted
                changed["metrics_deleted"].append(mid)
                drop.add(("all", r["id"]))
                continue
            try:
                have = parse_metric(text, mid)
            except ValueError:
                have = None
            if have != want:
                changed["metrics"].append(mid)
                r["value"] = {**r["value"], "text": ["是" if want is True else "否" if want is False else str(want)]}
    out = [r for r in out if ("all", r["id"]) not in drop
           and not (r.get("from_name") == labels.CELL and ("cell", r["id"]) in drop)]
    return out + add_blank, changed


def annotate_report(path: Path, gold: dict, make_pages, extract, work: Path, project: str = "gold") -> dict:
    """One report pushed, corrected to its gold and pulled: its page examples and the check."""
    from nianbao.annotations import convert
    from nianbao.annotations.tasks import doc_id_of, page_tasks
    doc_id = doc_id_of(path)
    doc = extract(path)
    if doc.errors or not doc.format:
        raise ValueError(doc.errors[0]["message"] if doc.errors else "no report format recognised")
    doc, images, label_boxes = make_pages(doc, work / doc_id)
    for img in images:
        img["url"] = str(img["path"])
    tasks = page_tasks(doc, doc_id, images, label_boxes)
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")
    recs, changed = [], {"values": [], "metrics_deleted": [], "metrics": []}
    for i, t in enumerate(tasks):
        result, ch = corrections(t["predictions"][0]["result"], gold, doc.format)
        for k in changed:
            changed[k] += ch[k]
        recs.append({"project": project, "project_id": 0, "task_id": i + 1, "annotation_id": i + 1,
                     "annotator": f"gold file {Path(gold.get('_path', '')).name}", "annotator_id": None,
                     "created_at": now, "updated_at": now, "lead_time": None, "was_cancelled": False,
                     "ground_truth": True, "result": result, "data": t["data"]})
    pages, problems = [], []
    for rec in recs:
        ex, probs = convert.page_example(rec)
        pages.append(ex)
        problems += [f"page {ex['page']}: {p}" for p in probs]
    pulled, probs = convert.document_gold(doc_id, recs)
    problems += probs
    disagree = sorted(k for k, v in gold["fields"].items() if pulled["fields"].get(k) != v)
    # a value whose box the extractor placed: right only if its reading was right (else the box
    # may sit at another cell: `moved`)
    return {"doc_id": doc_id, "kind": doc.source.kind, "pages": pages, "changed": changed,
            "disagree": disagree, "problems": problems,
            "roles": sum(r != "O" for p in pages for r in p["roles"]), "tokens": sum(len(p["tokens"]) for p in pages)}


def build(inputs: list[str], out: str | Path, holdout: list[str] = (), gold_dirs: list[str] = (),
          model: str | None = "auto", log=print, validation: list[str] = ()) -> dict:
    from nianbao.annotations.push import PageMaker, extractor
    out = Path(out)
    pairs, skipped = find_inputs(list(inputs), list(gold_dirs))
    if not pairs:
        raise ValueError("no report with a gold file among the inputs (text inputs are skipped)")
    for opt, names in (("--holdout", holdout), ("--validation", validation)):
        unknown = set(names) - {p.stem for p, _ in pairs}
        if unknown:
            raise ValueError(f"{opt} names no report given: {', '.join(sorted(unknown))}")
    if set(holdout) & set(validation):
        raise ValueError(f"held out and validation both: {', '.join(sorted(set(holdout) & set(validation)))}")
    extract = extractor(model)
    make_pages = PageMaker()
    examples: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    report = {"inputs": [], "skipped": skipped, "holdout": sorted(holdout), "validation": sorted(validation), "failed": {}}
    (out / "gold").mkdir(parents=True, exist_ok=True)
    try:
        with tempfile.TemporaryDirectory(prefix="nianbao-real-") as tmp:
            for path, gold_path in pairs:
                gold = json.loads(gold_path.read_text(encoding="utf-8"))
                gold["_path"] = str(gold_path)
                try:
                    r = annotate_report(path, gold, make_pages, extract, Path(tmp))
                except Exception as e:  # noqa: BLE001 - one report that cannot be read is reported, the rest go on
                    report["failed"][path.name] = f"{type(e).__name__}: {e}"
                    log(f"[real-tokens] {path.name}: {type(e).__name__}: {e}")
                    continue
                split = "test" if path.stem in holdout else "validation" if path.stem in validation else "train"
                for ex in r["pages"]:
                    ex["kind"] = KIND_PREFIX + r["kind"]
                    examples[split].append(ex)
                (out / "gold" / gold_path.name).write_text(gold_path.read_text(encoding="utf-8"), encoding="utf-8")
                row = {k: r[k] for k in ("doc_id", "kind", "changed", "disagree", "problems", "roles", "tokens")}
                row.update(split=split, pages=len(r["pages"]), source=str(path))
                report["inputs"].append(row)
                log(f"[real-tokens] {r['doc_id']} ({split}): {len(r['pages'])} page(s), {r['roles']}/{r['tokens']} "
                    f"tokens with a role; corrected {len(r['changed']['values'])} value(s), "
                    f"{len(r['changed']['metrics']) + len(r['changed']['metrics_deleted'])} metric(s); "
                    f"{len(r['disagree'])} key(s) the pages cannot give")
    finally:
        make_pages.close()
    save(out, examples, report)
    return report


def save(out: Path, examples: dict[str, list[dict]], report: dict) -> None:
    from nianbao.training.ocr_tokens import save as save_tokens
    save_tokens(out, examples, {"corpus": "real reports with gold (nianbao real-tokens)", **report})
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def run(args) -> int:
    model = None if args.no_model else (args.model_dir or "auto")
    try:
        rep = build(args.inputs, args.out, [h for h in args.holdout.split(",") if h], args.gold, model,
                    log=lambda s: print(s, file=sys.stderr), validation=[v for v in args.validation.split(",") if v])
    except (FileNotFoundError, ValueError) as e:
        print(f"nianbao real-tokens: {e}", file=sys.stderr)
        return 2
    for s in rep["skipped"]:
        print(f"[real-tokens] skipped {s}", file=sys.stderr)
    n = {s: sum(r["pages"] for r in rep["inputs"] if r["split"] == s) for s in ("train", "validation", "test")}
    print(f"[real-tokens] {len(rep['inputs'])} report(s): {n['train']} training page(s), {n['validation']} validation "
          f"page(s), {n['test']} held-out page(s) "
          f"→ {Path(args.out) / 'tokens'}", file=sys.stderr)
    return 1 if rep["failed"] else 0

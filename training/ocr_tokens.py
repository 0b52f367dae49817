"""`nianbao ocr-tokens`: a token dataset from the pipeline's OWN reading of a synthetic corpus's
scans — what the model sees at run time on a scan — with the gold roles mapped onto it.

The synthetic corpus's `scanned_pdf` examples are the digital page's characters carried through
the scan's transform: perfect characters at perfect places. At run time the model reads what
the OCR read instead: characters lost, misread or added (a seal's text), boxes from the
detector, the page straightened before it was read. So each scan here is read by
`nianbao.pipeline.extract` (rules only: the model's own tags play no part), its tokens taken as
the model stage takes them (`nianbao.model.stage.page_units`), and each token given the role of
the gold character under it by the code that scores push's boxes (`eval/annotate_boxes.py`:
gold boxes carried into the frame of the page as read, then same character, nearest centre).
A token the OCR misread has no gold character of its own text; it takes the role of the gold
run (a line's characters of one role) whose box holds its centre — the smallest, as
`annotate pull` gives tokens the role of the region around them (`annotations/convert.py`) —
so a value read as 3 where 8 was printed still teaches "a value stands here". Tokens outside
every run are `O`.

Each page's `kind` is `ocr:<degradation>` (ocr:light_scan, ocr:stamped_scan, …), so a model
trained on it reports a test F1 per degradation. `--kinds digital,ocr` adds each document's
digital pages as the corpus wrote them (kind `digital_pdf`) beside their OCR'd scan, so one
dataset holds every kind. Splits follow the corpus's manifest (by document) unless
`--test-per-kind K`: then each degradation's documents are split on their own (K to test,
`--validation-per-kind V` to validation, the rest to train), so the test split has a part of
every kind — the manifest's 80/10/10 draw leaves a degradation out of a small corpus's test
split, or puts all of a 2-document corpus in train. A document's digital pages go where its scan
goes (the same content is never in train and test). Pages are cached per document under
OUT/pages/, so an interrupted run resumes.

    nianbao synth --n 120 --out data/scans --seed 2801 --kinds scan --variants
    nianbao ocr-tokens data/scans --out data/ocr-tokens [--limit N] [--workers 2] [--cached-only]
        [--kinds digital,ocr] [--test-per-kind 8 [--validation-per-kind 2]]
    nianbao train --data data/synth --data data/ocr-tokens --out DIR
"""
from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

from nianbao.annotations.convert import Region, token_roles
from nianbao.eval.annotate_boxes import _gold_as_read, _match_gold

KIND_PREFIX = "ocr:"
DIGITAL = "digital_pdf"
KINDS = ("digital", "ocr")  # what `--kinds` may name: the corpus's digital pages, the OCR of its scans
LINE_TOL = 0.6  # a gold character whose centre is within this many line heights continues the line


def add_arguments(p) -> None:
    p.add_argument("corpus", help="a synthetic corpus made with `nianbao synth --kinds scan` "
                                  "(docs/<id>/scan.pdf, tokens.jsonl, manifest.jsonl)")
    p.add_argument("--out", required=True, help="dataset folder to write (OUT/tokens, OUT/gold, OUT/pages)")
    p.add_argument("--limit", type=int, help="only the first N documents of the manifest")
    p.add_argument("--workers", type=int, default=1, help="processes (OCR is the cost: ~1-3 s a page a core)")
    p.add_argument("--cached-only", action="store_true",
                   help="write the dataset from the documents already read (OUT/pages), reading none now")
    p.add_argument("--kinds", default="ocr",
                   help="comma-separated: ocr (the pipeline's OCR of each scan; default), digital (each "
                        "document's digital pages as the corpus wrote them, kind digital_pdf)")
    p.add_argument("--test-per-kind", type=int, metavar="K",
                   help="split each degradation's documents on their own: K to test (default: the manifest's split)")
    p.add_argument("--validation-per-kind", type=int, default=0, metavar="V",
                   help="with --test-per-kind: V of each degradation's documents to validation")
    p.add_argument("--seed", type=int, default=0, help="order of the documents drawn by --test-per-kind")


def gold_pages(doc_dir: Path) -> dict[int, dict]:
    """The scan's gold pages: its own `scanned_pdf` examples where the corpus wrote them (their
    boxes in the scan image's frame), else the digital pages (eval/annotate_boxes.py does the same)."""
    entries = [json.loads(s) for s in (doc_dir / "tokens.jsonl").read_text(encoding="utf-8").splitlines() if s]
    scans = {g["page"]: g for g in entries if g.get("kind") == "scanned_pdf"}
    return scans or {g["page"]: g for g in entries}


def gold_runs(gold: dict) -> list[Region]:
    """One region per run of gold characters of one role on one line (a wrapped label gives one
    region per line: a box over both lines would hold the values printed between them)."""
    out: list[Region] = []
    run: list[list[float]] = []
    role = None

    def close():
        if run and role and role != "O":
            out.append(Region(str(len(out)), role, "", (min(b[0] for b in run), min(b[1] for b in run),
                                                         max(b[2] for b in run), max(b[3] for b in run))))
    for r, b in zip(gold["roles"], gold["bboxes"]):
        if run and r == role:
            last = run[-1]
            h = max(1.0, last[3] - last[1], b[3] - b[1])
            if abs((b[1] + b[3]) / 2 - (last[1] + last[3]) / 2) <= LINE_TOL * h:
                run.append(b)
                continue
        close()
        run, role = [b], r
    close()
    return out


def page_example(doc_id: str, page, units: list, gold: dict | None, kind: str) -> dict | None:
    """The page as the model reads it, with gold roles; None for a page with no boxed tokens."""
    unit = next((u for u in units if u[0] == page.number), None)
    if unit is None or not unit[1]:
        return None
    _, toks, boxes = unit
    texts = [t.text for t in toks]
    ibox = [[max(0, min(1000, int(round(v)))) for v in b] for b in boxes]
    if gold is None:
        roles = ["O"] * len(texts)
    else:
        gold = _gold_as_read(gold, page)
        roles = _match_gold(list(zip(texts, ibox)), gold)
        missing = [i for i, r in enumerate(roles) if r is None]
        if missing:
            fill = token_roles([ibox[i] for i in missing], gold_runs(gold))
            for i, r in zip(missing, fill):
                roles[i] = r
    return {"doc_id": doc_id, "page": int(page.number), "width": float(page.width or 0),
            "height": float(page.height or 0), "kind": kind, "tokens": texts, "bboxes": ibox, "roles": roles}


def digital_pages(doc_dir: Path, doc_id: str) -> list[dict]:
    """The document's digital pages as the corpus wrote them (their own gold: kind digital_pdf)."""
    keep = ("doc_id", "page", "width", "height", "kind", "tokens", "bboxes", "roles")
    entries = [json.loads(s) for s in (doc_dir / "tokens.jsonl").read_text(encoding="utf-8").splitlines() if s]
    return [{**{k: g[k] for k in keep}, "doc_id": doc_id} for g in entries if g.get("kind") == DIGITAL]


def group_of(row: dict) -> str:
    """The kind a document stands for in a per-kind split: its scan's degradation (digital when none)."""
    return row.get("degradation") or "digital"


def per_kind_splits(rows: list[dict], test: int, validation: int = 0, seed: int = 0) -> dict[str, str]:
    """doc_id → split, each degradation's documents drawn on their own (seeded order): `test` of
    each to test, `validation` to validation, the rest to train. A kind with fewer documents
    fills test first: the point of the split is that every kind is measured."""
    import random
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(group_of(r), []).append(r["doc_id"])
    out: dict[str, str] = {}
    for g, ids in sorted(groups.items()):
        ids = sorted(ids)
        random.Random(f"ocr-tokens:{seed}:{g}").shuffle(ids)
        for i, d in enumerate(ids):
            out[d] = "test" if i < test else "validation" if i < test + validation else "train"
    return out


def read_document(corpus: Path, row: dict) -> list[dict]:
    """OCR one document's scan through the pipeline and label its pages."""
    from nianbao.model.stage import page_units
    from nianbao.pipeline import extract
    d = corpus / "docs" / row["doc_id"]
    doc = extract(d / "scan.pdf", model=None)
    gold = gold_pages(d)
    units = page_units(doc)
    kind = KIND_PREFIX + (row.get("degradation") or "scan")
    out = []
    for page in doc.pages:
        ex = page_example(row["doc_id"], page, units, gold.get(page.number), kind)
        if ex is not None:
            out.append(ex)
    return out


def _job(args) -> tuple[str, int, str | None]:
    corpus, out, row = args
    cache = out / "pages" / f"{row['doc_id']}.jsonl"
    if cache.is_file():
        return row["doc_id"], 0, None
    try:
        pages = read_document(corpus, row)
    except Exception as e:  # noqa: BLE001 - one unreadable scan is reported, the rest go on
        return row["doc_id"], 0, f"{type(e).__name__}: {e}"
    tmp = cache.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps({**p, "split": row.get("split", "train")}, ensure_ascii=False) + "\n"
                           for p in pages), encoding="utf-8")
    tmp.replace(cache)
    return row["doc_id"], len(pages), None


def build(corpus: str | Path, out: str | Path, limit: int | None = None, workers: int = 1, log=print,
          cached_only: bool = False, kinds=("ocr",), test_per_kind: int | None = None,
          validation_per_kind: int = 0, seed: int = 0) -> dict:
    """`cached_only`: the documents already read (OUT/pages), none read now — a dataset from
    an interrupted or still running build. `kinds`: "ocr" and/or "digital" (module docstring);
    `test_per_kind`: split each degradation's documents on their own instead of the manifest's split."""
    corpus, out = Path(corpus), Path(out)
    kinds = tuple(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(f"unknown kind(s) {bad or kinds}; expected some of {list(KINDS)}")
    ocr = "ocr" in kinds
    rows = [json.loads(s) for s in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if s]
    if ocr:  # a document without a scan has nothing for the OCR to read
        rows = [r for r in rows if (corpus / "docs" / r["doc_id"] / "scan.pdf").is_file()]
    rows = rows[:limit]
    if cached_only and ocr:
        rows = [r for r in rows if (out / "pages" / f"{r['doc_id']}.jsonl").is_file()]
    if not rows:
        raise ValueError(f"no scans in {corpus} (make them with `nianbao synth --kinds scan`)" if ocr
                         else f"no documents in {corpus}")
    split = {r["doc_id"]: r.get("split", "train") for r in rows}
    if test_per_kind is not None:
        split = per_kind_splits(rows, test_per_kind, validation_per_kind, seed)
    (out / "pages").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(exist_ok=True)
    t0 = time.time()
    errors: dict[str, str] = {}
    jobs = [(corpus, out, r) for r in rows] if ocr else []
    if workers > 1:
        import multiprocessing as mp
        with mp.get_context("spawn").Pool(workers) as pool:
            results = list(pool.imap_unordered(_job, jobs))
    else:
        results = [_job(j) for j in jobs]
    for doc_id, _, err in results:
        if err:
            errors[doc_id] = err
            log(f"[ocr-tokens] {doc_id}: {err}")
    examples: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for r in rows:
        pages = []
        if "digital" in kinds:
            pages += digital_pages(corpus / "docs" / r["doc_id"], r["doc_id"])
        cache = out / "pages" / f"{r['doc_id']}.jsonl"
        if ocr and cache.is_file():
            for s in cache.read_text(encoding="utf-8").splitlines():
                ex = json.loads(s)
                ex.pop("split")  # the manifest's split when it was read; `split` says where it goes now
                pages.append(ex)
        if not pages:
            continue
        examples[split[r["doc_id"]]] += pages
        g = corpus / "gold" / f"{r['doc_id']}.gold.json"
        if g.is_file():
            shutil.copyfile(g, out / "gold" / g.name)
    stats = summary(examples)
    stats.update(corpus=str(corpus), documents=len(rows), errors=errors, minutes=round((time.time() - t0) / 60, 2),
                 kinds=list(kinds), split="per kind" if test_per_kind is not None else "manifest",
                 test_per_kind=test_per_kind, validation_per_kind=validation_per_kind if test_per_kind is not None else None)
    save(out, examples, stats)
    log(f"[ocr-tokens] {sum(len(v) for v in examples.values())} pages of {len(rows)} documents "
        f"({len(errors)} unreadable) in {stats['minutes']} min → {out / 'tokens'}")
    return stats


def summary(examples: dict[str, list[dict]]) -> dict:
    """Pages per split and kind, and the share of tokens that got a role other than O."""
    out: dict = {"pages": {}, "labelled_tokens": {}}
    for split, pages in examples.items():
        for p in pages:
            k = p["kind"]
            out["pages"].setdefault(split, {}).setdefault(k, 0)
            out["pages"][split][k] += 1
            n, lab = out["labelled_tokens"].get(k, (0, 0))
            out["labelled_tokens"][k] = (n + len(p["roles"]), lab + sum(r != "O" for r in p["roles"]))
    out["labelled_tokens"] = {k: f"{lab}/{n}" for k, (n, lab) in out["labelled_tokens"].items()}
    return out


def save(out: Path, examples: dict[str, list[dict]], stats: dict) -> None:
    from nianbao.training.synth.dataset import features
    feats = features()  # sets the quiet cache before datasets is imported
    import datasets
    from datasets import Dataset, DatasetDict
    datasets.disable_progress_bars()
    dd = DatasetDict({s: Dataset.from_list(v, features=feats) for s, v in examples.items() if v})
    tmp = out / "tokens.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    dd.save_to_disk(str(tmp))
    shutil.rmtree(out / "tokens", ignore_errors=True)
    tmp.replace(out / "tokens")
    (out / "tokens" / "README.md").write_text(
        "# OCR'd scan tokens (nianbao ocr-tokens)\n\nThe pipeline's own OCR of the scans of "
        f"`{stats['corpus']}`, gold roles mapped onto its tokens (training/ocr_tokens.py; "
        "format: docs/token-dataset.md).\n\n```json\n" + json.dumps(stats, ensure_ascii=False, indent=1) + "\n```\n",
        encoding="utf-8")


def run(args) -> int:
    try:
        build(args.corpus, args.out, args.limit, args.workers, log=lambda s: print(s, file=sys.stderr),
              cached_only=args.cached_only, kinds=[k.strip() for k in args.kinds.split(",") if k.strip()],
              test_per_kind=args.test_per_kind, validation_per_kind=args.validation_per_kind, seed=args.seed)
    except (FileNotFoundError, ValueError) as e:
        print(f"nianbao ocr-tokens: {e}", file=sys.stderr)
        return 2
    return 0

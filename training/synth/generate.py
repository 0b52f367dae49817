"""Make one synthetic document end to end, and plan a corpus evenly over formats, styles
and degradations. Everything is a function of (seed, index), so a corpus is reproducible."""
from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from nianbao import schema
from nianbao.output import write_atomic

from . import render, scans, styles, textdump, tokens
from .content import generate as make_content
from .dataset import split_of

KINDS = ("pdf", "text", "scan")


@dataclass(frozen=True)
class Task:
    index: int
    n: int
    seed: int
    doc_id: str
    fmt: str
    style: str
    degradation: str
    split: str
    kinds: tuple[str, ...]
    error_rate: float
    out: str


def plan(n: int, seed: int, out: str, kinds=KINDS, error_rate: float = 0.15,
         degradations=scans.DEGRADATIONS) -> list[Task]:
    r = random.Random(f"plan:{seed}")
    st = list(styles.STYLE_NAMES)
    fm = list(schema.FORMATS)
    # in DEGRADATIONS' order whatever order they were asked in: the four plain scans alone give
    # the corpus that earlier versions made for a seed
    dg = [d for d in scans.DEGRADATIONS if d in degradations]
    for xs in (st, fm, dg):
        r.shuffle(xs)
    # Each factor cycles on its own (7 styles, 2 formats, 4 degradations), so any prefix of the
    # corpus is spread evenly; the i // 14 shift makes 56 consecutive documents cover every
    # combination once.
    tasks = []
    for i in range(n):
        f, s, d = fm[i % len(fm)], st[i % len(st)], dg[(i + i // (len(st) * len(fm))) % len(dg)]
        tasks.append(Task(i, n, seed, f"synth{seed}-{i:05d}", f, s, d, split_of(i, n, seed),
                          tuple(kinds), error_rate, str(out)))
    return tasks


def _write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def make(task: Task) -> dict:
    """Write OUT/docs/<id>/{report.pdf, scan.pdf, layout.txt, raw.txt, pdfium.txt, tokens.jsonl}
    and OUT/gold/<id>.gold.json; return the manifest row."""
    out = Path(task.out)
    ddir = out / "docs" / task.doc_id
    ddir.mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    c = make_content(task.doc_id, task.seed, task.fmt, task.error_rate)
    rng = random.Random(f"{task.seed}:{task.doc_id}:render")
    style = styles.jitter(styles.get(task.style), rng)
    pdf_path = ddir / "report.pdf"
    tmp_pdf = ddir / "report.pdf.tmp"
    drawn = render.render(c, style, str(tmp_pdf), rng)
    os.replace(tmp_pdf, pdf_path)
    read = tokens.read_chars(str(pdf_path))
    examples, exact = tokens.label_pages(task.doc_id, drawn, read)
    all_examples = list(examples)
    if "text" in task.kinds:
        write_atomic(ddir / "layout.txt", textdump.pdftotext(str(pdf_path), "layout"))
        write_atomic(ddir / "raw.txt", textdump.pdftotext(str(pdf_path), "raw"))
        write_atomic(ddir / "pdfium.txt", textdump.pdfium_text(str(pdf_path)))
    scan_info = None
    if "scan" in task.kinds:
        data, scan_info = scans.scan(str(pdf_path), task.degradation, random.Random(f"{task.seed}:{task.doc_id}:scan"),
                                     anchors=tokens.value_centres(examples))
        _write_bytes(ddir / "scan.pdf", data)
        all_examples += tokens.transform_examples(examples, scan_info)
    write_atomic(ddir / "tokens.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in all_examples))
    gold = c.gold()
    gold["synth"] = {"style": task.style, "degradation": task.degradation if scan_info else None,
                     "split": task.split, "seed": task.seed, "index": task.index}
    write_atomic(out / "gold" / f"{task.doc_id}.gold.json", json.dumps(gold, ensure_ascii=False, indent=1))
    return {"doc_id": task.doc_id, "index": task.index, "split": task.split, "format": c.fmt, "year": c.year,
            "agency": c.agency.name, "level": c.agency.level, "style": task.style,
            "degradation": task.degradation if scan_info else None, "kinds": list(task.kinds),
            "pages": len(read), "tokens_exact": exact, "injected": [e["kind"] for e in c.injected],
            "scan": [{k: v for k, v in i.items() if k not in ("affine", "homography")} for i in scan_info]
            if scan_info else None}


def task_dict(t: Task) -> dict:
    return asdict(t)

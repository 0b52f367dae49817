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

from . import printed, render, scans, scraped, styles, textdump, tokens, web, word
from .content import generate as make_content, say_appeals, say_issued_published, say_requests_breakdown
from .dataset import split_of

KINDS = ("pdf", "text", "scan", "html", "docx", "doc", "scraped")
# `doc` runs LibreOffice once per document (seconds each): made only when asked for
DEFAULT_KINDS = ("pdf", "text", "scan", "html", "docx")
WEB_SUFFIX = "-web"  # the scraped page of document <id> is document <id>-web: its own gold


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
    variants: bool = False  # print deviations of real reports (printed.py)


def plan(n: int, seed: int, out: str, kinds=DEFAULT_KINDS, error_rate: float = 0.15,
         variants: bool = False, degradations=scans.DEGRADATIONS) -> list[Task]:
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
                          tuple(kinds), error_rate, str(out), variants))
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
    if task.variants:
        c.printed = printed.choose(random.Random(f"{task.seed}:{task.doc_id}:printed"), c)
        say_issued_published(c)
        say_requests_breakdown(c)
        say_appeals(c)
        style = printed.style_for(c.printed, style)
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
    web_style = word_style = None
    if "html" in task.kinds:
        web_style = web.web_style(task.index, task.seed)
        data, _ = web.page(c, styles.get(task.style), web_style, random.Random(f"{task.seed}:{task.doc_id}:web"))
        _write_bytes(ddir / "report.html", data)
    if "docx" in task.kinds or "doc" in task.kinds:
        word_style = word.word_style(task.index, task.seed)
        word.write_docx(c, styles.get(task.style), word_style, random.Random(f"{task.seed}:{task.doc_id}:word"),
                        ddir / "report.docx")
        if "doc" in task.kinds:
            word.write_doc(ddir / "report.docx", ddir / "report.doc")
    gold = c.gold()
    gold["synth"] = {"style": task.style, "degradation": task.degradation if scan_info else None,
                     "split": task.split, "seed": task.seed, "index": task.index}
    write_atomic(out / "gold" / f"{task.doc_id}.gold.json", json.dumps(gold, ensure_ascii=False, indent=1))
    if "scraped" in task.kinds:
        _scraped(task, c, gold, out)
    return {"doc_id": task.doc_id, "index": task.index, "split": task.split, "format": c.fmt, "year": c.year,
            "agency": c.agency.name, "level": c.agency.level, "style": task.style,
            "degradation": task.degradation if scan_info else None, "kinds": list(task.kinds),
            "web_style": web_style, "word_style": word_style,
            "pages": len(read), "tokens_exact": exact, "injected": [e["kind"] for e in c.injected],
            "scan": [{k: v for k, v in i.items() if k not in ("affine", "homography")} for i in scan_info]
            if scan_info else None}


def _scraped(task: Task, c, gold: dict, out: Path) -> None:
    """OUT/docs/<id>-web/scraped.txt and its gold: the report as scraped from its web page, with
    its blank-total variant dropped (a scraped page loses where blank cells were)."""
    if c.printed is not None and c.printed.blank_totals:
        c = replace_printed(c, blank_totals=False)
        gold = dict(c.gold(), synth=gold["synth"])
    text, page = scraped.render(c, random.Random(f"{task.seed}:{task.doc_id}:scraped"))
    doc = task.doc_id + WEB_SUFFIX
    (out / "docs" / doc).mkdir(parents=True, exist_ok=True)
    write_atomic(out / "docs" / doc / "scraped.txt", text)
    web = dict(gold, doc=doc, fields=scraped.gold_fields(page, gold, text))
    # a scraped page prints its zeros as 0 and keeps no blank cells
    web["variants"] = sorted(set(web.get("variants", [])) - {"zero_marks", "blank_totals"} | {"run_together_cells"})
    write_atomic(out / "gold" / f"{doc}.gold.json", json.dumps(web, ensure_ascii=False, indent=1))


def replace_printed(c, **changes):
    from dataclasses import replace
    return replace(c, printed=replace(c.printed, **changes))


def task_dict(t: Task) -> dict:
    return asdict(t)

"""The extraction pipeline: ingest → assemble (tables, metrics, meta) → reconcile.

Each stage takes the Document and enriches it; timings go to doc.timings_ms.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from . import variants
from .document import Document, Source
from .ingest import InputError, load, text_document


@contextmanager
def timed(doc: Document, stage: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        doc.timings_ms[stage] = doc.timings_ms.get(stage, 0.0) + (time.perf_counter() - t0) * 1000


class NotAReport(InputError):
    def __init__(self, message: str):
        super().__init__(message, stage="assemble")


def grid_cells(doc: Document) -> None:
    """Ruled tables of PDF and image pages, read cell by cell (nianbao.ocr); the text path's
    value becomes an alternative where the two disagree, and fills what the grid cannot read."""
    try:
        from .ocr import apply_grid
        apply_grid(doc)
    except ImportError as e:  # the `ocr` extra (numpy, OpenCV) is not installed
        doc.warnings.append(f"table grids skipped: {e}")


def model_stage(doc: Document, model: str, policy: str) -> None:
    """Label the tokens with the token model and merge its cells and metrics with the rules'
    (nianbao.model.combine). `model` is a model directory or "default" (the shipped weights)."""
    from .model import combine, read_labels, stage
    from .model.infer import load
    tm = load(None if model == "default" else model)
    with timed(doc, "model"):
        stage.label_document(doc, tm)
    with timed(doc, "model_assemble"):
        ents = read_labels.entities(doc)
        if doc.format and not doc.aggregate and read_labels.prints_aggregate(doc.format, ents) \
                and not any(doc.value(k) is not None for k in variants.hidden_keys(doc.format)):
            variants.mark_aggregate(doc)  # the model alone never overrules sub-rows the rules read
        combine.combine(doc, read_labels.cells(doc, doc.format, ents), read_labels.metrics(doc, ents), policy)


# kinds whose lines carry no page geometry: the grid stage and the token model have nothing to read
TEXT_KINDS = ("text", "html", "docx", "word")


def auto_model(doc: Document) -> str | None:
    """The token model runs by default on PDF and image pages, where it reads the layout; on
    plain text (no geometry) it placed no cell and only added doubtful metrics, so it does not
    (docs/model.md). Without onnxruntime or the shipped weights: rules only, with a warning."""
    if doc.source.kind in TEXT_KINDS:
        return None
    try:
        import onnxruntime  # noqa: F401

        from .model.infer import DEFAULT_DIR
    except ImportError as e:
        doc.warnings.append(f"token model skipped: {e}")
        return None
    if not (DEFAULT_DIR / "model.onnx").is_file():
        doc.warnings.append(f"token model skipped: no weights at {DEFAULT_DIR}")
        return None
    return "default"


def process(doc: Document, grid: bool = True, model: str | None = None, policy: str = "reconcile") -> Document:
    """Run every stage after ingest on a loaded document; `grid=False` keeps the text path's
    cells for PDF and image pages (an ablation of the table-grid stage); `model` adds the
    token model's reading (a model directory, "default" for the shipped weights, "auto" for
    the shipped weights on PDF and image inputs, None for the rules alone)."""
    from .assemble import assemble
    from .reconcile import reconcile

    with timed(doc, "assemble"):
        assemble(doc)
    if not doc.format:
        raise NotAReport("not a 政府信息公开年度报告: none of its tables was found")
    if grid and doc.source.kind not in TEXT_KINDS:
        with timed(doc, "grid"):
            grid_cells(doc)
    if model == "auto":
        chosen = auto_model(doc)
        try:
            if chosen:
                model_stage(doc, chosen, policy)
        except Exception as e:  # the default path must not lose a report the rules can read
            doc.warnings.append(f"token model failed, rules only: {type(e).__name__}: {e}")
    elif model:
        model_stage(doc, model, policy)
    variants.money_in_yuan(doc)
    variants.signed_changes(doc)
    with timed(doc, "reconcile"):
        reconcile(doc)
    return doc


def _fail(doc: Document, e: Exception) -> None:
    doc.fields, doc.metrics, doc.flags, doc.format = {}, {}, [], None
    if isinstance(e, InputError):
        doc.error(e.stage, str(e))
    else:  # a bug must not sink a batch; report it against this file
        doc.error("internal", f"{type(e).__name__}: {e}")


def split(doc: Document) -> list[Document]:
    """A loaded file as one Document per report it holds (nianbao.assemble.segment)."""
    from .assemble.segment import split_pages, sub_document
    ranges, notes = split_pages(doc.pages)
    doc.warnings.extend(notes)
    if len(ranges) <= 1:
        return [doc]
    return [sub_document(doc, a, b) for a, b in ranges]


def extract_all(path: str | Path | list, grid: bool = True, model: str | None = "auto",
                policy: str = "reconcile") -> list[Document]:
    """Every report in one input file (a folder, or a list of page images: one report's pages),
    in page order, each with `source.page_range` when the
    file holds several; never raises for a bad input: a file that cannot be read or holds no
    report gives one Document whose `errors` say why. Options as for `process`."""
    t0 = time.perf_counter()
    with_timing = Document(source=Source(path=str(path[0] if isinstance(path, list) and path else path)))
    try:
        with timed(with_timing, "ingest"):
            if isinstance(path, list):
                from .readers import pages
                doc = pages.load([Path(p) for p in path], Source(path=with_timing.source.path))
            else:
                doc = load(path)
        doc.timings_ms.update(with_timing.timings_ms)
    except Exception as e:  # noqa: BLE001 - InputError, or a bug in a reader
        _fail(with_timing, e)
        with_timing.timings_ms["total"] = (time.perf_counter() - t0) * 1000
        return [with_timing]
    loaded = time.perf_counter() - t0
    try:
        docs = split(doc)
    except Exception as e:  # noqa: BLE001 - segmentation must not lose the file: read it as one report
        doc.warnings.append(f"could not look for several reports: {type(e).__name__}: {e}")
        docs = [doc]
    for d in docs:
        t1 = time.perf_counter()
        try:
            process(d, grid=grid, model=model, policy=policy)
        except Exception as e:  # noqa: BLE001
            _fail(d, e)
        d.timings_ms["total"] = (loaded + time.perf_counter() - t1) * 1000
    return docs


def extract(path: str | Path | list, grid: bool = True, model: str | None = "auto",
            policy: str = "reconcile") -> Document:
    """Extract one input file (or a list of one report's page images); never raises for a bad input: errors go to doc.errors. By default
    PDF and image inputs get the token model's reading too (`model="auto"`); None: rules only.
    A file that holds several reports gives the first, with a warning naming the others'
    pages (`extract_all` returns them all)."""
    docs = extract_all(path, grid=grid, model=model, policy=policy)
    first = docs[0]
    if len(docs) > 1:
        first.warnings.append(f"the file holds {len(docs)} reports (pages "
                              + ", ".join(f"{d.source.page_range[0]}-{d.source.page_range[1]}" for d in docs)
                              + "); this is the first: nianbao.pipeline.extract_all reads every one")
    return first


def extract_text(text: str, name: str = "<text>", model: str | None = None, policy: str = "reconcile") -> Document:
    """Extract from report text already in memory (tests, notebooks, benchmarks)."""
    doc = text_document(text, Source(path=name, kind="text"))
    return process(doc, model=model, policy=policy)

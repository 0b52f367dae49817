"""The extraction pipeline: ingest, then the stages of `STAGES` in order (assemble → grid →
model → printed variants → reconcile; docs/architecture.md).

Ingest (nianbao.ingest with a reader of nianbao.readers) makes the Document; each stage takes it
and enriches it, reading and writing the attributes it declares. One `ExtractOptions`
(nianbao.options) carries the settings to the readers and stages and into the output
(`settings`); timings go to doc.timings_ms. Only this module composes the stages.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import cell_writer, extras, variants
from .document import Document, Source
from .errors import InputError, NotAReport, code_of
from .ingest import load
from .options import ExtractOptions
from .readers.text import text_document


@contextmanager
def timed(doc: Document, stage: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        doc.timings_ms[stage] = doc.timings_ms.get(stage, 0.0) + (time.perf_counter() - t0) * 1000


def grid_cells(doc: Document, options: ExtractOptions | None = None) -> None:
    """Ruled tables of PDF and image pages, read cell by cell (nianbao.ocr); the text path's
    value becomes an alternative where the two disagree, and fills what the grid cannot read."""
    lacking = extras.missing("ocr", "numpy", "cv2", purpose="reading table grids")
    if lacking:
        doc.warnings.append(f"table grids skipped: {lacking}")
        return
    from .ocr import apply_grid  # deferred: numpy and OpenCV (the `ocr` extra)
    apply_grid(doc, engine=options.engine if options else None)


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
        if doc.format:
            variants.decide_aggregate(doc, variants.MODEL, read_labels.prints_aggregate(doc.format, ents))
        combine.combine(doc, read_labels.cells(doc, doc.format, ents), read_labels.metrics(doc, ents), policy)


def auto_model(doc: Document) -> str | None:
    """The token model runs by default on PDF and image pages, where it reads the layout; on
    plain text (no geometry) it placed no cell and only added doubtful metrics, so it does not
    (docs/model.md). Without onnxruntime or the shipped weights: rules only, with a warning."""
    if not doc.has_geometry:
        return None
    lacking = extras.missing("ocr", "onnxruntime", purpose="the token model's inference")
    if lacking:
        doc.warnings.append(f"token model skipped: {lacking}")
        return None
    from .model.infer import DEFAULT_DIR
    if not (DEFAULT_DIR / "model.onnx").is_file():
        doc.warnings.append(f"token model skipped: no weights at {DEFAULT_DIR}")
        return None
    return "default"


def assemble_stage(doc: Document, options: ExtractOptions) -> None:
    from .assemble import assemble  # stages are imported when first run: `import nianbao` stays light

    assemble(doc)
    if not doc.format:
        raise NotAReport("not a 政府信息公开年度报告: none of its tables was found")


def token_model(doc: Document, options: ExtractOptions) -> None:
    """The model stage as the options ask: "on" (every input; its failure fails the report), or
    "auto": where it reads layout, and a failure costs only the model's reading."""
    if options.model == "auto":
        chosen = auto_model(doc)
        try:
            if chosen:
                model_stage(doc, chosen, options.policy)
        except Exception as e:  # the default path must not lose a report the rules can read
            doc.warnings.append(f"token model failed, rules only: {type(e).__name__}: {e}")
    elif options.model == "on":
        model_stage(doc, options.model_dir or "default", options.policy)


def printed_variants(doc: Document, options: ExtractOptions) -> None:
    """Deviations the printed report makes from the national format (amounts in 元, signed
    changes) settled before the identities are checked (nianbao.variants)."""
    variants.money_in_yuan(doc)
    variants.signed_changes(doc)


def reconcile_stage(doc: Document, options: ExtractOptions) -> None:
    from .reconcile import reconcile

    reconcile(doc)


def _always(doc: Document, options: ExtractOptions) -> bool:
    return True


@dataclass(frozen=True)
class Stage:
    """One step after ingest: the Document attributes it reads and writes (docs/architecture.md),
    and when it runs. `timed`: its time goes to `timings_ms[name]` (the model stage times its
    two parts itself; the printed variants take no measurable time)."""
    name: str
    run: Callable[[Document, ExtractOptions], None]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    when: Callable[[Document, ExtractOptions], bool] = _always
    timed: bool = True


# The stage order, in one place. Ingest (nianbao.ingest, nianbao.readers) runs before them and
# makes the Document: source, pages of lines (tokens with boxes where the kind has geometry).
STAGES: tuple[Stage, ...] = (
    Stage("assemble", assemble_stage, reads=("pages",),
          writes=("fields", "metrics", "statements", "agency", "year", "format", "variants", "warnings")),
    Stage("grid", grid_cells, reads=("pages", "format", "variants", "fields"),
          writes=("fields", "variants", "warnings"), when=lambda doc, options: options.grid and doc.has_geometry),
    Stage("model", token_model, reads=("pages", "format", "variants", "fields", "metrics"),
          writes=("pages.tokens", "fields", "metrics", "variants", "model", "warnings"), timed=False),
    Stage("variants", printed_variants, reads=("format", "variants", "fields", "pages"),
          writes=("fields", "variants"), timed=False),
    Stage("reconcile", reconcile_stage, reads=("format", "variants", "fields", "metrics", "statements"),
          writes=("fields", "flags")),
)


def process(doc: Document, grid: bool = True, model: str | None = None, policy: str = "reconcile",
            options: ExtractOptions | None = None) -> Document:
    """Run every stage after ingest (`STAGES`, in order) on a loaded document. The settings come
    as `options`, or from older callers as keywords: `grid=False` keeps the text path's cells
    for PDF and image pages (an ablation of the table-grid stage); `model` adds the token
    model's reading (a model directory, "default" for the shipped weights, "auto" for the
    shipped weights on PDF and image inputs, None for the rules alone)."""
    options = options or ExtractOptions.build(grid=grid, model=model, policy=policy)
    doc.settings = options.settings()
    for stage in STAGES:
        if not stage.when(doc, options):
            continue
        if stage.timed:
            with timed(doc, stage.name):
                stage.run(doc, options)
        else:
            stage.run(doc, options)
    return doc


def _fail(doc: Document, e: Exception) -> None:
    cell_writer.clear(doc, stage="pipeline", why=f"a stage failed: {type(e).__name__}")
    doc.metrics, doc.flags, doc.format = {}, [], None
    if isinstance(e, InputError):
        doc.error(e.stage, str(e), e.code)
    else:  # a bug must not sink a batch; report it against this file
        doc.error("internal", f"{type(e).__name__}: {e}", code_of(e))


def split(doc: Document) -> list[Document]:
    """A loaded file as one Document per report it holds (nianbao.assemble.segment)."""
    from .assemble.segment import split_pages, sub_document
    ranges, notes = split_pages(doc.pages)
    doc.warnings.extend(notes)
    if len(ranges) <= 1:
        return [doc]
    return [sub_document(doc, a, b) for a, b in ranges]


def extract_all(path: str | Path | list, grid: bool = True, model: str | None = "auto",
                policy: str = "reconcile", options: ExtractOptions | None = None) -> list[Document]:
    """Every report in one input file (a folder, or a list of page images: one report's pages),
    in page order, each with `source.page_range` when the
    file holds several; never raises for a bad input: a file that cannot be read or holds no
    report gives one Document whose `errors` say why. Options as for `process`."""
    options = options or ExtractOptions.build(grid=grid, model=model, policy=policy)
    t0 = time.perf_counter()
    with_timing = Document(source=Source(path=str(path[0] if isinstance(path, list) and path else path)))
    with_timing.settings = options.settings()
    try:
        with timed(with_timing, "ingest"):
            if isinstance(path, list):
                from .readers import pages
                doc = pages.load([Path(p) for p in path], Source(path=with_timing.source.path), engine=options.engine)
            else:
                doc = load(path, options)
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
            process(d, options=options)
        except Exception as e:  # noqa: BLE001
            _fail(d, e)
        d.timings_ms["total"] = (loaded + time.perf_counter() - t1) * 1000
    return docs


def extract(path: str | Path | list, grid: bool = True, model: str | None = "auto",
            policy: str = "reconcile", options: ExtractOptions | None = None) -> Document:
    """Extract one input file (or a list of one report's page images); never raises for a bad input: errors go to doc.errors. By default
    PDF and image inputs get the token model's reading too (`model="auto"`); None: rules only.
    A file that holds several reports gives the first, with a warning naming the others'
    pages (`extract_all` returns them all)."""
    docs = extract_all(path, grid=grid, model=model, policy=policy, options=options)
    first = docs[0]
    if len(docs) > 1:
        first.warnings.append(f"the file holds {len(docs)} reports (pages "
                              + ", ".join(f"{d.source.page_range[0]}-{d.source.page_range[1]}" for d in docs)
                              + "); this is the first: nianbao.pipeline.extract_all reads every one")
    return first


def extract_text(text: str, name: str = "<text>", model: str | None = None, policy: str = "reconcile",
                 options: ExtractOptions | None = None) -> Document:
    """Extract from report text already in memory (tests, notebooks, benchmarks)."""
    doc = text_document(text, Source(path=name, kind="text"))
    return process(doc, model=model, policy=policy, options=options)

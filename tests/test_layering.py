"""The stages' layering (issue 27, docs/architecture.md "Layers"), read from the real import graph
(imports inside functions counted, tests/test_import_graph.py):

- the runtime stages ocr/, model/, reconcile/ import only the core `nianbao` modules (document,
  schema — identities, cue words —, options, errors, variants, …) and their own package: never each
  other, never the text stage (nianbao.assemble), never the pipeline; only nianbao.pipeline
  composes them (and the raster readers hand pages to the OCR package: reading a scan is OCR);
- the tools training/, annotations/, eval/ sit above the pipeline: they may run it, use the
  runtime stages as libraries (training trains model/, eval measures ocr/) and each other;
  nothing below them imports them.
"""
from __future__ import annotations

from test_import_graph import graph

RUNTIME = ("nianbao.ocr", "nianbao.model", "nianbao.reconcile")
TOOLS = ("nianbao.training", "nianbao.annotations", "nianbao.eval")
# nianbao modules that are not core: the composer and what it composes (ingest with its readers,
# the text stage), and the applications and commands on top of the pipeline
NOT_CORE = ("nianbao.pipeline", "nianbao.ingest", "nianbao.assemble", "nianbao.readers", "nianbao.batch",
            "nianbao.review", "nianbao.dataset", "nianbao.cli", "nianbao.extract_cli", "nianbao.model_options")
CORE_EXCEPTIONS = ("nianbao.readers.magic",)  # byte tests (sniffing), no reader in them
# who may import a runtime stage besides itself: the pipeline; the raster readers (pdf, image and
# the page images, OFD's layout) read their pages through the OCR package
MAY_USE_RUNTIME = {"nianbao.pipeline": RUNTIME, "nianbao.readers.pdf": ("nianbao.ocr",),
                   "nianbao.readers.image": ("nianbao.ocr",), "nianbao.readers.pages": ("nianbao.ocr",),
                   "nianbao.readers.ofd": ("nianbao.ocr",)}


def _in(mod: str, pkgs) -> str | None:
    return next((p for p in pkgs if mod == p or mod.startswith(p + ".")), None)


def is_core(mod: str) -> bool:
    return (not _in(mod, RUNTIME + TOOLS) and not _in(mod, NOT_CORE)) or mod in CORE_EXCEPTIONS


def runtime_violations(g: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, deps in sorted(g.items()):
        own = _in(mod, RUNTIME)
        if own:
            out += [f"{mod} -> {d}" for d in sorted(deps) if not _in(d, (own,)) and not is_core(d)]
    return out


def below_tools_violations(g: dict[str, set[str]]) -> list[str]:
    out = []
    for mod, deps in sorted(g.items()):
        if _in(mod, TOOLS):
            continue
        for d in sorted(deps):
            stage = _in(d, RUNTIME)
            if _in(d, TOOLS) or (stage and stage != _in(mod, RUNTIME)
                                 and stage not in MAY_USE_RUNTIME.get(mod, ())):
                out.append(f"{mod} -> {d}")
    return out


def test_runtime_stages_import_only_the_core():
    assert runtime_violations(graph()) == []


def test_only_the_pipeline_composes_the_runtime_stages_and_nothing_below_imports_the_tools():
    assert below_tools_violations(graph()) == []


def test_the_rule_sees_a_stage_reaching_into_another():
    # the rule is checked on the graph as read: a model module importing the reconciler, or the
    # core importing a tool, is caught
    g = {"nianbao.model.combine": {"nianbao.reconcile.identities", "nianbao.schema.equations"},
         "nianbao.ocr.apply": {"nianbao.assemble.metrics"},
         "nianbao.output": {"nianbao.training.synth"}, "nianbao.pipeline": {"nianbao.model.stage"}}
    assert runtime_violations(g) == ["nianbao.model.combine -> nianbao.reconcile.identities",
                                     "nianbao.ocr.apply -> nianbao.assemble.metrics"]
    assert below_tools_violations(g) == ["nianbao.model.combine -> nianbao.reconcile.identities",
                                         "nianbao.output -> nianbao.training.synth"]

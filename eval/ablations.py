"""Extractor variants that `nianbao eval --variant NAME` can run side by side (ablations).

A variant is a name bound to a function `fn(path, **options) -> dict` that returns the
output-contract dict for one input. Adding one is one line at the bottom, e.g.
    register("model", _pipeline, "rules + token model", use_model=True)
once `nianbao.pipeline.extract` accepts that option. Register only what exists.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


class UnknownVariant(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    name: str
    fn: Callable[..., dict]
    description: str = ""
    options: dict = field(default_factory=dict)
    warmup: tuple[str, ...] = ()  # modules imported before timing starts

    def extract(self, path: str | Path) -> dict:
        return self.fn(Path(path), **self.options)


VARIANTS: dict[str, Variant] = {}


def register(name: str, fn: Callable[..., dict], description: str = "",
             warmup: tuple[str, ...] = (), **options) -> Variant:
    if name in VARIANTS:
        raise ValueError(f"variant {name!r} is already registered")
    VARIANTS[name] = Variant(name, fn, description, dict(options), tuple(warmup))
    return VARIANTS[name]


def get(name: str) -> Variant:
    """A registered variant, or `package.module:function` for a one-off experiment."""
    if name in VARIANTS:
        return VARIANTS[name]
    if ":" in name:
        mod, _, attr = name.partition(":")
        try:
            fn = getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError) as e:
            raise UnknownVariant(f"variant {name!r}: cannot load {attr!r} from {mod!r}: {e}") from None
        if not callable(fn):
            raise UnknownVariant(f"variant {name!r}: {attr!r} is not callable")
        return Variant(name, fn, f"{mod}.{attr}")
    known = ", ".join(sorted(VARIANTS)) or "none"
    raise UnknownVariant(f"unknown variant {name!r}; known variants: {known} "
                         "(or give package.module:function)")


def _pipeline(path: Path, **options) -> dict:
    from nianbao.output import to_dict
    from nianbao.pipeline import extract
    options.setdefault("model", None)  # the rules alone unless the variant names a model
    return to_dict(extract(path, **options))


PIPELINE_MODULES = ("nianbao.pipeline", "nianbao.output", "nianbao.assemble", "nianbao.reconcile")

register("rules", _pipeline, "rule-based pipeline: nianbao.pipeline.extract", warmup=PIPELINE_MODULES)
MODEL_MODULES = PIPELINE_MODULES + ("nianbao.model.infer", "nianbao.model.stage", "onnxruntime")


def _with_model(path: Path, **options) -> dict:
    import os
    options.setdefault("model", os.environ.get("NIANBAO_EVAL_MODEL", "default"))
    return _pipeline(path, **options)


register("model", _with_model, "rules + token model, the model's reading wins where they differ "
         "(model dir: NIANBAO_EVAL_MODEL, default the shipped weights)", warmup=MODEL_MODULES, policy="model")
register("extract", _pipeline, "what `nianbao extract` runs: rules, plus the token model on PDF and image "
         "inputs (settled by the identities)", warmup=MODEL_MODULES, model="auto")
register("model+reconciler", _with_model, "rules + token model, differences settled by the identities",
         warmup=MODEL_MODULES, policy="reconcile")
register("text-path", _pipeline, "rules without the table-grid stage: PDF/image cells from text lines only",
         warmup=PIPELINE_MODULES, grid=False)


def _paddle(path: Path, **options) -> dict:
    import os
    os.environ["NIANBAO_OCR_ENGINE"] = "paddle"  # the worker process runs this variant alone
    return _pipeline(path, **options)


register("ocr-paddle", _paddle, "rules with PaddleOCR 2.10 as the OCR engine (needs the [paddle] extra)",
         warmup=PIPELINE_MODULES)


def _onnxruntime(path: Path, **options) -> dict:
    import os
    os.environ["NIANBAO_OCR_ENGINE"] = "rapidocr"  # rapidocr on onnxruntime even where OpenVINO is installed
    return _pipeline(path, **options)


register("ocr-onnxruntime", _onnxruntime, "rules with rapidocr on onnxruntime (the default is OpenVINO when installed)",
         warmup=PIPELINE_MODULES)

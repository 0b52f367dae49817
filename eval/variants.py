"""Extractor variants that `nianbao eval --variant NAME` can run side by side (ablations).

A variant is a name bound to a function `fn(path, **options) -> dict` that returns the
output-contract dict for one input. Adding one is one line at the bottom, e.g.
    register("model", _pipeline, "rules + token model", use_model=True)
once `nianbao.pipeline.extract` accepts that option. Register only what exists.
"""
from __future__ import annotations

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
    try:
        return VARIANTS[name]
    except KeyError:
        known = ", ".join(sorted(VARIANTS)) or "none"
        raise UnknownVariant(f"unknown variant {name!r}; known variants: {known}") from None


def _pipeline(path: Path, **options) -> dict:
    from nianbao.output import to_dict
    from nianbao.pipeline import extract
    return to_dict(extract(path, **options))


PIPELINE_MODULES = ("nianbao.pipeline", "nianbao.output", "nianbao.assemble", "nianbao.reconcile")

register("rules", _pipeline, "rule-based pipeline: nianbao.pipeline.extract", warmup=PIPELINE_MODULES)

"""The settings of one extraction, built once and handed to every reader and stage.

`ExtractOptions` is made here and only here: from command-line arguments (`from_args`), from
keyword arguments of the Python API (`build`), with environment variables as the defaults
beneath both (`NIANBAO_OCR_ENGINE`, `NIANBAO_OCR_DPI`). Readers and stages take the object and
read no environment of their own, and each output records it as `settings`, so a number can
be reproduced with the settings it was made with.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

OCR_DPI = 200  # chosen by eval/ocr_bench.py: see docs/ocr.md
DPI_RANGE = (72, 600)
MODEL_MODES = ("off", "auto", "on")
POLICIES = ("reconcile", "model")


@dataclass(frozen=True)
class ExtractOptions:
    # OCR engine name (rapidocr, rapidocr-openvino, paddle); None: the OCR stage's measured
    # default (OpenVINO where installed, docs/ocr.md)
    engine: str | None = None
    dpi: int = OCR_DPI  # render resolution of pages read by OCR
    # the layout token model: "off" (rules alone), "auto" (PDF and image inputs, where it reads the
    # layout; docs/model.md), "on" (every input)
    model: str = "auto"
    model_dir: str | None = None  # weights written by `nianbao train`; None: the shipped ones
    policy: str = "reconcile"  # with the model: settle differences by the identities, or let it win
    grid: bool = True  # read ruled tables cell by cell on PDF and image pages (False: an ablation)
    max_memory_mb: int | None = None  # what reading one input may use (extract and batch guard it)

    def __post_init__(self):
        if self.model not in MODEL_MODES:
            raise ValueError(f"model must be one of {MODEL_MODES}, not {self.model!r}")
        if self.policy not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, not {self.policy!r}")
        object.__setattr__(self, "dpi", max(DPI_RANGE[0], min(int(self.dpi), DPI_RANGE[1])))

    @classmethod
    def build(cls, environ: Mapping[str, str] | None = None, **given) -> ExtractOptions:
        """Environment defaults, then what the caller gives (None: not given). `model` also takes
        the older spellings of `nianbao.pipeline.extract`: None (rules alone), "auto",
        "default" (the shipped weights on every input) or a model directory."""
        env = os.environ if environ is None else environ
        values = {"engine": env.get("NIANBAO_OCR_ENGINE") or None,
                  "dpi": int(env.get("NIANBAO_OCR_DPI") or OCR_DPI)}
        if "model" in given:
            mode, folder = legacy_model(given.pop("model"))
            values["model"] = mode
            if folder is not None:
                values["model_dir"] = folder
        values.update({k: v for k, v in given.items() if v is not None})
        return cls(**values)

    @classmethod
    def from_args(cls, args, environ: Mapping[str, str] | None = None) -> ExtractOptions:
        """From the options of `nianbao extract` and `batch` (nianbao.model_options): --no-model,
        --model, --model-dir DIR, --policy, --max-memory-mb."""
        mode = "off" if getattr(args, "no_model", False) else \
            "on" if getattr(args, "model", False) or getattr(args, "model_dir", None) else "auto"
        made = cls.build(environ, policy=getattr(args, "policy", None), model_dir=getattr(args, "model_dir", None),
                         max_memory_mb=getattr(args, "max_memory_mb", None) or None)
        return replace(made, model=mode)

    @property
    def model_choice(self) -> str | None:
        """The older single-string spelling (None, "auto", "default" or a directory)."""
        if self.model == "off":
            return None
        if self.model == "auto":
            return "auto"
        return self.model_dir or "default"

    def settings(self) -> dict:
        """What an output records of the run that made it."""
        return asdict(self)


def legacy_model(model: str | None) -> tuple[str, str | None]:
    """(mode, model directory) from `model=` as `extract` took it: None, "auto", "default", a folder."""
    if model is None or model == "off":
        return "off", None
    if model in ("auto", "on"):
        return model, None
    if model == "default":
        return "on", None
    return "on", str(model)

"""Optional dependencies, declared once: which extra of pyproject.toml brings each module, and one
way to ask for them that fails with a message naming the extra.

A site that needs an optional package calls `requires_extra("ocr", "cv2", purpose="table grids")`
where it needs it (deferred, so `import nianbao` stays light) instead of its own `try/except
ImportError`; what it does without the package (a warning, a user error) stays the caller's, and
the message is the same everywhere: what needs it, the extra, the pip command, the import error.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import UserError

# extra → the modules (import names) it brings that nianbao imports only on demand
EXTRAS: dict[str, tuple[str, ...]] = {
    "ocr": ("numpy", "cv2", "PIL", "rapidocr", "onnxruntime"),
    "openvino": ("openvino",),
    "paddle": ("paddleocr", "rapidocr_paddle"),
    "batch": ("tqdm", "openpyxl", "pyarrow"),
    "ray": ("ray",),
    "dataset": ("duckdb", "pyarrow", "orjson"),
    "model": ("torch", "transformers", "onnx", "onnxruntime", "seqeval", "datasets"),
    "annotate": ("label_studio_sdk", "datasets"),
}


class MissingExtra(ImportError, UserError):
    """An optional dependency is not installed. An ImportError (callers that skip a step without
    it still catch it as one) and a UserError (a command that cannot go on without it prints
    the message and exits with a usage status instead of a traceback)."""

    def __init__(self, extra: str, module: str, purpose: str, cause: BaseException | None = None):
        self.extra, self.module, self.purpose = extra, module, purpose
        why = f" ({cause})" if cause else ""
        super().__init__(f"{purpose} needs the '{extra}' extra: pip install 'nianbao[{extra}]'{why}")


def requires_extra(extra: str, *modules: str, purpose: str) -> ModuleType:
    """Import `modules` of `extra` (declared in EXTRAS) and return the last; MissingExtra names
    the extra when one is not installed."""
    if extra not in EXTRAS or any(m.split(".")[0] not in EXTRAS[extra] for m in modules):
        raise ValueError(f"{modules} are not declared under the extra {extra!r} (nianbao.extras.EXTRAS)")
    mod = None
    for name in modules:
        try:
            mod = importlib.import_module(name)
        except ImportError as e:
            raise MissingExtra(extra, name, purpose, e) from e
    return mod


def missing(extra: str, *modules: str, purpose: str) -> MissingExtra | None:
    """For a step that is skipped without `extra` (with a warning): what is missing, or None."""
    try:
        requires_extra(extra, *modules, purpose=purpose)
    except MissingExtra as e:
        return e
    return None

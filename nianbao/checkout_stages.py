"""Import the stage packages from a plain checkout.

The stages live beside `nianbao/` (`ocr/`, `model/`, …, the project's layout) and are installed
as `nianbao.ocr`, `nianbao.model`, … by `pyproject.toml`'s package-dir mapping. Without the
install (a checkout on `PYTHONPATH`, a script run from the repository root) nothing maps them,
and `import nianbao.ocr` failed. This finder, appended last to `sys.meta_path`, maps only those
names to their folders, so an installed package (whose finders come first) is never shadowed
and no other folder of the checkout (tests, scripts) becomes part of the package.
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from pathlib import Path

# the [tool.setuptools.package-dir] mapping of pyproject.toml (tests/test_checkout_import.py
# keeps the two equal)
STAGE_DIRS = {"ocr": "ocr", "model": "model", "reconcile": "reconcile", "training": "training",
              "annotations": "annotations", "eval": "eval"}


class StageFinder(importlib.abc.MetaPathFinder):
    def __init__(self, root: Path):
        self.root = root

    def find_spec(self, fullname, path=None, target=None):
        pkg, _, rest = fullname.partition(".")
        name = rest.partition(".")[0]
        if pkg != "nianbao" or "." in rest or name not in STAGE_DIRS:
            return None  # submodules are found through the stage package's own __path__
        init = self.root / STAGE_DIRS[name] / "__init__.py"
        if not init.is_file():
            return None
        return importlib.util.spec_from_file_location(fullname, init, submodule_search_locations=[str(init.parent)])


def install(package_dir: Path) -> None:
    """Add the finder for a checkout whose `nianbao/` is `package_dir` (once)."""
    root = package_dir.parent
    if not (root / "pyproject.toml").is_file():
        return  # an installed copy: its stage packages sit inside it
    if not any(isinstance(f, StageFinder) for f in sys.meta_path):
        sys.meta_path.append(StageFinder(root))

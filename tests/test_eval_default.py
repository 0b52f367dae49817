"""`nianbao eval` without --variant measures what `nianbao extract` runs (the token model on
PDFs), and says which variant it measured."""
from __future__ import annotations

import json
from pathlib import Path

from nianbao.cli import main

SAMPLE = Path(__file__).resolve().parent / "eval_samples" / "synth"


def test_default_variant_is_the_shipped_pipeline(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["eval", "--gold", str(SAMPLE / "gold"), "--inputs", str(SAMPLE / "docs"), "--kind", "digital_pdf",
                 "--limit", "1", "--no-html", "--no-warmup", "-o", str(out)]) == 0
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(s["variants"]) == ["extract"]
    (pred,) = (out / "preds" / "extract").glob("*.json")
    assert json.loads(pred.read_text(encoding="utf-8"))["model"]  # the token model read this PDF, as extract does
    captured = capsys.readouterr()
    assert "variant(s) measured: extract (the default: what `nianbao extract` runs)" in captured.out
    assert "variant(s) measured: `extract`" in (out / "summary.md").read_text(encoding="utf-8")

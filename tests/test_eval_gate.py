"""CI regression gate: the current pipeline on the fixed samples of eval/gate.json must score at or
above the recorded minimums."""
import json
from pathlib import Path

import pytest

from nianbao.cli import main
from nianbao.eval.compare import check_gate

REPO = Path(__file__).parents[1]
SHARED = REPO.parent / "shared"
GATE = json.loads((REPO / "eval" / "gate.json").read_text(encoding="utf-8"))


def _path(p: str) -> Path:
    return Path(p.replace("{shared}", str(SHARED))) if "{shared}" in p else REPO / p


@pytest.mark.parametrize("name", list(GATE["samples"]))
def test_sample_meets_gate(name, tmp_path):
    sample = GATE["samples"][name]
    gold, inputs = _path(sample["gold"]), _path(sample["inputs"])
    if not gold.is_dir():
        pytest.skip(f"gate sample {name!r}: {gold} is missing (shared/ must sit beside the repo)")
    out = tmp_path / "report"
    rc = main(["eval", "--gold", str(gold), "--inputs", str(inputs), "--variant", sample["variant"],
               "-o", str(out), "-q", "--timeout", "300"])
    assert rc == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    failures = check_gate(summary, sample)
    assert not failures, "\n".join(failures)


def test_gate_detects_a_drop():
    sample = GATE["samples"]["seeds"]
    v = {"documents": 3, "failed": 0, "cells": {"overall": {"accuracy": 0.99}}}
    failures = check_gate({"variants": {sample["variant"]: v}}, sample)
    assert any("cells.overall.accuracy = 0.99" in f for f in failures)
    assert check_gate({"variants": {}}, sample) == [f"gate variant {sample['variant']!r} was not evaluated"]

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
               "-o", str(out), "-q", "--no-html", "--timeout", "300"])
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


def test_compare_and_lookup_handle_dotted_kinds_and_missing_scores():
    from nianbao.eval.compare import compare, lookup
    old = {"variants": {"rules": {"documents": 2, "cells": {"overall": {"accuracy": 0.9},
                                                            "by_kind": {"scanned_pdf/0.3": {"accuracy": 0.8}}},
                                  "flags": {"precision": None}}}}
    assert lookup(old["variants"]["rules"], "cells.by_kind.scanned_pdf/0.3.accuracy") == 0.8
    new = json.loads(json.dumps(old))
    new["variants"]["rules"]["cells"]["by_kind"]["scanned_pdf/0.3"]["accuracy"] = 0.7
    new["variants"]["rules"]["cells"]["overall"]["accuracy"] = 0.897
    rows, notes = compare(old, new, tolerance=0.005)
    by = {r["score"]: r for r in rows}
    assert by["cells.by_kind.scanned_pdf/0.3.accuracy"]["regression"]
    assert not by["cells.overall.accuracy"]["regression"]  # within the tolerance
    assert "flags.precision" not in by  # null then and now: nothing to compare
    rows, notes = compare(old, {"variants": {}}, tolerance=0.005)
    assert rows == [] and "not run now" in notes[0]

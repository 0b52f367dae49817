"""Our scorer agrees with the independent shared/tools/score.py on cell and metric counts, on
silent errors (wrong, non-null, confidence >= 0.9, no flag naming the key) and, on gold that
says a metric is not stated (null), on the false positives there.

The one documented difference: score.py counts a bool as equal to 0/1 (True == 1); ours calls
it a type error. The predictions here therefore contain no bools in number positions.
"""
import importlib.util
import json
import random
from pathlib import Path

import pytest

from nianbao.eval.score import score_document

SHARED = Path(__file__).parents[1].parent / "shared"
SCORE_PY = SHARED / "tools" / "score.py"
pytestmark = pytest.mark.skipif(not SCORE_PY.exists(), reason=f"{SCORE_PY} is missing (shared/ beside the repo)")


def shared_scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SCORE_PY)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def damaged(gold: dict, rng: random.Random) -> dict:
    fields = {}
    for k, v in gold["fields"].items():
        if v is None:
            fields[k] = {"value": rng.choice([None, 0]), "confidence": rng.choice([0.5, 0.95])}
            continue
        r = rng.random()
        if r < 0.05:
            continue  # missing key
        if r < 0.10:
            fields[k] = {"value": str(v)}  # string, not a number
        elif r < 0.15:
            fields[k] = {"value": None}
        elif r < 0.25:
            fields[k] = {"value": v + rng.choice([-1, 1, 10])}
            if rng.random() < 0.5:
                fields[k]["confidence"] = rng.choice([0.3, 0.89, 0.9, 0.997])
        elif r < 0.30:
            fields[k] = {"value": v + 1e-7}  # within tolerance
        elif r < 0.35:
            fields[k] = v  # a bare value
        else:
            fields[k] = {"value": v, "confidence": rng.random()}
    fields["requests.invented.total"] = {"value": 1}  # an extra key
    metrics = {k: {"value": (v if rng.random() < 0.7 else None) if not isinstance(v, bool) else v}
               for k, v in gold["metrics"].items()}
    for k in metrics:
        if metrics[k]["value"] is None and gold["metrics"][k] is None and rng.random() < 0.5:
            metrics[k]["value"] = 17  # a value the report does not state
    keys = sorted(gold["fields"])
    flags = [{"identity": "requests.column_sum", "keys": rng.sample(keys, 12)},
             {"identity": "x", "keys": [], "cells": rng.sample(keys, 3)}, rng.choice(keys)]
    return {"format": gold["format"], "fields": fields, "metrics": metrics, "flags": flags}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("corpus", ["seeds", "real"])
def test_counts_agree_on_the_seeds(seed, corpus):
    ref = shared_scorer()
    rng = random.Random(seed)
    golds = sorted((SHARED / corpus).glob("*.gold.json"))
    assert golds
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        pred = damaged(gold, rng)
        theirs = ref.score_one(gold, pred)
        ours = score_document(gold, pred)
        assert ours["cells"]["correct"] == theirs["fields_ok"]
        assert ours["cells"]["total"] == theirs["fields"]
        # the cells that print a number other than 0, counted the same way
        assert (ours["cells"]["nonzero"]["correct"], ours["cells"]["nonzero"]["total"]) == \
            (theirs["nonzero_ok"], theirs["nonzero"])
        assert ours["exact"] == theirs["exact"]
        gold_null = sum(1 for v in gold["metrics"].values() if v is None)
        # score.py counts a null metric predicted null as right; ours counts stated metrics only
        assert ours["metrics"]["correct"] + gold_null - ours["metrics"]["false_positives"] == theirs["metrics_ok"]
        assert ours["cells"]["silent_errors"] == theirs["silent"]
        fp = sum(1 for k, v in gold["metrics"].items() if v is None and pred["metrics"][k]["value"] is not None)
        assert ours["metrics"]["false_positives"] == fp
        for t, frac in theirs["by_table"].items():
            a, b = map(int, frac.split("/"))
            assert (ours["cells"]["by_table"][t]["correct"], ours["cells"]["by_table"][t]["total"]) == (a, b)

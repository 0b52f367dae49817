"""Our scorer agrees with the independent shared/tools/score.py on cell and metric counts.

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
        r = rng.random()
        if r < 0.05:
            continue  # missing key
        if r < 0.10:
            fields[k] = {"value": str(v)}  # string, not a number
        elif r < 0.15:
            fields[k] = {"value": None}
        elif r < 0.25:
            fields[k] = {"value": v + rng.choice([-1, 1, 10])}
        elif r < 0.30:
            fields[k] = {"value": v + 1e-7}  # within tolerance
        elif r < 0.35:
            fields[k] = v  # a bare value
        else:
            fields[k] = {"value": v}
    fields["requests.invented.total"] = {"value": 1}  # an extra key
    metrics = {k: {"value": (v if rng.random() < 0.7 else None) if not isinstance(v, bool) else v}
               for k, v in gold["metrics"].items()}
    return {"format": gold["format"], "fields": fields, "metrics": metrics, "flags": []}


@pytest.mark.parametrize("seed", range(4))
def test_counts_agree_on_the_seeds(seed):
    ref = shared_scorer()
    rng = random.Random(seed)
    golds = sorted((SHARED / "seeds").glob("*.gold.json"))
    assert golds
    for path in golds:
        gold = json.loads(path.read_text(encoding="utf-8"))
        pred = damaged(gold, rng)
        theirs = ref.score_one(gold, pred)
        ours = score_document(gold, pred)
        assert ours["cells"]["correct"] == theirs["fields_ok"]
        assert ours["cells"]["total"] == theirs["fields"]
        assert ours["exact"] == theirs["exact"]
        assert ours["metrics"]["correct"] == theirs["metrics_ok"]
        for t, frac in theirs["by_table"].items():
            a, b = map(int, frac.split("/"))
            assert (ours["cells"]["by_table"][t]["correct"], ours["cells"]["by_table"][t]["total"]) == (a, b)

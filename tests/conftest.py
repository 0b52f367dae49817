import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # tests import reportgen directly

SHARED = HERE.parents[1] / "shared"
SEEDS = SHARED / "seeds"


def seed_pairs():
    if not SEEDS.is_dir():
        return []
    return [(p, p.with_name(p.stem + ".gold.json")) for p in sorted(SEEDS.glob("*.txt"))]


@pytest.fixture
def seeds():
    pairs = seed_pairs()
    if not pairs:
        pytest.skip(f"no seeds at {SEEDS}")
    return [(p, json.loads(g.read_text(encoding="utf-8"))) for p, g in pairs]


from ls_fixtures import label_studio  # noqa: E402,F401 - session fixture of the annotation tests

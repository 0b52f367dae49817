"""The Ray engine on a local one-CPU Ray instance: same outputs and manifest as the local engine."""
from __future__ import annotations

import json
import os

import pytest

from batch_helpers import SEEDS, seed_copies
from nianbao.batch import Options, run_batch

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.skipif(not SEEDS, reason="needs ../shared/seeds")


def test_ray_engine_matches_local(tmp_path, monkeypatch):
    seed_copies(tmp_path / "in", 3)
    (tmp_path / "in" / "hang.txt").write_text("HANG", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    fake = "batch_helpers:fake_extract"
    local = run_batch(tmp_path / "in", tmp_path / "local",
                      Options(workers=1, extractor=fake, progress=False, timeout_s=3))
    # a Ray worker imports the test helpers through PYTHONPATH, as a cluster node would import nianbao
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([os.path.dirname(__file__), os.environ.get("PYTHONPATH", "")]))
    remote = run_batch(tmp_path / "in", tmp_path / "ray",
                       Options(workers=1, engine="ray", extractor=fake, progress=False, timeout_s=3))
    for key in ("files_total", "done", "failed", "failed_by_reason"):
        assert remote[key] == local[key], key
    assert local["failed_by_reason"] == {"timeout": 1, "empty": 1}
    names = sorted(p.name for p in (tmp_path / "local" / "reports").glob("*.json"))
    assert names == sorted(p.name for p in (tmp_path / "ray" / "reports").glob("*.json"))
    for n in names:
        a = json.loads((tmp_path / "local" / "reports" / n).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "ray" / "reports" / n).read_text(encoding="utf-8"))
        a.pop("timings_ms"), b.pop("timings_ms")
        assert a == b
    again = run_batch(tmp_path / "in", tmp_path / "ray",
                      Options(workers=1, engine="ray", extractor=fake, progress=False))
    assert again["this_run"]["processed"] == 0  # the manifest, not Ray, decides what is left

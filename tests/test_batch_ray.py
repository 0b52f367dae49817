"""The Ray engine on a local one-CPU Ray instance: the real pipeline, same outputs and manifest
as the local engine, and the manifest decides what a rerun does."""
from __future__ import annotations

import json

import pytest

import pdf_fixtures as F
from batch_helpers import SEEDS
from nianbao.batch import Options, run_batch
from pdfgen import render_report
from reportgen import make_values

ray = pytest.importorskip("ray")


def test_ray_engine_matches_local(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    values = make_values("2021", seed=11)
    values["requests.result.total.natural_person"] += 2
    render_report(folder / "flagged.pdf", "2021", values)
    render_report(folder / "clean 2019.pdf", "2019", make_values("2019", seed=12), year=2020)
    F.encrypted_pdf(folder / "locked.pdf", "secret")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    if SEEDS:
        (folder / "seed.txt").write_bytes(SEEDS[0].read_bytes())
    # the default memory guard is on: it must work inside Ray workers too
    local = run_batch(folder, tmp_path / "local", Options(workers=1, progress=False, timeout_s=60))
    remote = run_batch(folder, tmp_path / "ray", Options(workers=1, engine="ray", progress=False, timeout_s=60))
    assert local["failed_by_reason"] == {"encrypted": 1, "empty": 1}
    assert local["flags_by_identity"]
    for key in ("files_total", "done", "failed", "failed_by_reason", "flags_by_identity"):
        assert remote[key] == local[key], key
    names = sorted(p.name for p in (tmp_path / "local" / "reports").glob("*.json"))
    assert names == sorted(p.name for p in (tmp_path / "ray" / "reports").glob("*.json"))
    for n in names:
        a = json.loads((tmp_path / "local" / "reports" / n).read_text(encoding="utf-8"))
        b = json.loads((tmp_path / "ray" / "reports" / n).read_text(encoding="utf-8"))
        a.pop("timings_ms"), b.pop("timings_ms")
        assert a == b
    again = run_batch(folder, tmp_path / "ray", Options(workers=1, engine="ray", progress=False))
    assert again["this_run"]["processed"] == 0  # the manifest, not Ray, decides what is left

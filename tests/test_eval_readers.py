"""eval/readers.py: the rules, the model alone and the merge scored on one reading of each input,
and a second model compared later on the same reading (the cached Document), not a new OCR."""
from __future__ import annotations

import json

import pytest

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from nianbao.training.synth.cli import generate_corpus
    out = tmp_path_factory.mktemp("readers")
    generate_corpus(n=2, out=out, seed=21, kinds=("pdf",), workers=1, progress=False)
    return out


def test_every_reader_on_one_reading_and_again_from_the_cache(corpus, tmp_path, monkeypatch):
    from nianbao.eval import readers
    first = tmp_path / "first"
    argv = ["--gold", str(corpus / "gold"), "--inputs", str(corpus / "docs"), "--kind", "digital_pdf",
            "--cache", str(tmp_path / "cache")]
    assert readers.main(argv + ["-o", str(first)]) == 0
    s = json.loads((first / "summary.json").read_text(encoding="utf-8"))
    assert set(s["by_group"]["digital_pdf"]) == {"rules", "model", "merge"}
    assert s["by_group"]["all"]["rules"]["total"] == sum(
        len(json.loads(p.read_text(encoding="utf-8"))["fields"]) for p in (corpus / "gold").glob("*.json"))

    import nianbao.ingest

    def no_load(*a, **k):
        raise AssertionError("the input was read again instead of taken from the cache")
    monkeypatch.setattr(nianbao.ingest, "load", no_load)
    second = tmp_path / "second"
    assert readers.main(argv + ["-o", str(second), "--model", "again=default"]) == 0
    s2 = json.loads((second / "summary.json").read_text(encoding="utf-8"))
    assert set(s2["by_group"]["all"]) == {"rules", "model:again", "merge:again"}
    for a, b in (("rules", "rules"), ("model", "model:again"), ("merge", "merge:again")):
        assert s2["by_group"]["all"][b] == s["by_group"]["all"][a]

"""eval/compare_trees: the refactor check must see every difference in a reading and none in
what only describes the run (settings, timings)."""
import json

from nianbao.eval.compare_trees import compare, main


def _write(root, name, data):
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


DOC = {"source": {"path": "a.txt", "kind": "text"}, "fields": {"k": {"value": 3, "confidence": 0.99, "verified": True}},
       "flags": [], "errors": [], "timings_ms": {"total": 12.5}}


def test_identical_apart_from_settings_and_timings(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, "x/r.json", DOC)
    _write(b, "x/r.json", dict(DOC, settings={"dpi": 200}, timings_ms={"total": 99.0}))
    assert compare(a, b) == (1, [])
    assert main([str(a), str(b)]) == 0


def test_every_kind_of_difference_is_reported(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    _write(a, "r.json", DOC)
    changed = json.loads(json.dumps(DOC))
    changed["fields"]["k"].update(value=3.0, verified=None)
    changed["flags"].append({"identity": "x"})
    _write(b, "r.json", changed)
    _write(b, "extra.json", DOC)
    n, lines = compare(a, b)
    text = "\n".join(lines)
    assert n == 1
    assert "fields.k.value" in text and "fields.k.verified" in text and "flags" in text
    assert "extra.json: only in" in text
    assert main([str(a), str(b)]) == 1

"""Fuzzing the text parser: no crash on any text, and the output always has the contract's shape."""
from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from nianbao import schema
from nianbao.output import to_dict
from nianbao.pipeline import NotAReport, extract, extract_text

SEEDS = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "seeds").glob("*.txt"))
SEED_LINES = [ln for p in SEEDS for ln in p.read_text(encoding="utf-8").splitlines()] or ["一、总体情况"]
LABELS = [r.zh for t in schema.TABLES for f in schema.FORMATS for r in schema.rows(t, f)]

line = st.one_of(
    st.sampled_from(SEED_LINES),
    st.sampled_from(LABELS),
    st.lists(st.integers(-10, 10 ** 7).map(str), min_size=1, max_size=9).map(" ".join),
    st.text(max_size=40),
    st.text(alphabet="0123456789 .,-—（）()一二三四五六七八九十\t　", max_size=30),
)


def check_shape(doc) -> None:
    data = to_dict(doc)
    json.dumps(data, ensure_ascii=False)  # serialisable as it is
    assert data["format"] in schema.FORMATS
    assert list(data["fields"]) == list(schema.field_keys(data["format"]))
    for key, cell in data["fields"].items():
        assert cell["value"] is None or isinstance(cell["value"], (int, float)), key
        assert cell["value"] is not None or cell.get("reason"), key
        assert 0.0 <= cell["confidence"] <= 1.0
    assert set(data["metrics"]) == set(schema.metric_ids())
    identities = set(schema.identities())
    for f in data["flags"]:
        assert f["identity"] in identities and f["keys"] and f["message"]
    if data["year"] is not None:
        assert isinstance(data["year"], int)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, max_size=120), st.randoms(use_true_random=False))
def test_text_parser_never_crashes(lines, rnd):
    if SEEDS and rnd.random() < 0.5:  # a real report with lines dropped, duplicated and shuffled locally
        base = SEEDS[rnd.randrange(len(SEEDS))].read_text(encoding="utf-8").splitlines()
        for ln in lines:
            base.insert(rnd.randrange(len(base) + 1), ln)
        for _ in range(rnd.randrange(20)):
            if base:
                del base[rnd.randrange(len(base))]
        lines = base
    try:
        doc = extract_text("\n".join(lines))
    except NotAReport:
        return
    check_shape(doc)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".pdf", ".png", ""]))
def test_extract_of_any_bytes_never_raises(tmp_path_factory, data, suffix):
    p = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    p.write_bytes(data)
    doc = extract(p)
    if doc.errors:
        assert all(e["stage"] != "internal" for e in doc.errors), doc.errors
        assert not doc.fields
    else:
        check_shape(doc)


def test_seed_reports_have_the_shape():
    for p in SEEDS:
        check_shape(extract_text(p.read_text(encoding="utf-8")))

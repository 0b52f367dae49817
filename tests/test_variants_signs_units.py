"""Signed changes (spec variant signed_change) and units printed in a column header (issue 24,
items 1 and 2): 本年增/减 prints negative numbers, -72 however its minus is printed; a header
采购总金额（元） makes its bare numbers yuan."""
import json
import re

import pytest

from nianbao.pipeline import extract, extract_text

from reportgen import make_values, report_text

CHANGES = ("licensing", "other_services", "penalty", "enforcement", "fees")


def _negative_values(seed: int) -> dict:
    values = make_values("2019", seed=seed, big=True)
    for i, row in enumerate(CHANGES):
        values[f"active.{row}.prev_items"] = 80 + i
        values[f"active.{row}.change"] = -(70 + i)
    return values


def _active(doc, values):
    return {k: (doc.fields[k].value, values[k]) for k in values if k.startswith("active.")}


def test_a_minus_printed_apart_from_its_digits_is_a_negative_change():
    values = _negative_values(seed=3)
    text = report_text("2019", values)
    for row, minus in zip(CHANGES, ["- ", "－ ", "− ", "- ", "－ "]):
        v = values[f"active.{row}.change"]
        assert f" {v}" in text
        text = text.replace(f" {v}", f" {minus}{-v}", 1)
    doc = extract_text(text)
    got = _active(doc, values)
    assert all(a == b for a, b in got.values()), {k: v for k, v in got.items() if v[0] != v[1]}
    cell = doc.fields["active.licensing.change"]
    assert "minus" in cell.reason and cell.confidence < 0.9  # read, but not a plain reading


def test_a_glued_minus_in_any_form_is_a_plain_reading():
    """-72, －72, −72: no doubt of its own. (Text keeps no table geometry, so like every cell no
    identity checks it claims the unguarded cap, the same as its row's unsigned cells.)"""
    values = _negative_values(seed=4)
    text = report_text("2019", values)
    for row, minus in zip(CHANGES, ["-", "－", "−", "-", "－"]):
        v = values[f"active.{row}.change"]
        text = text.replace(f" {v}", f" {minus}{-v}", 1)
    doc = extract_text(text)
    for row in CHANGES:
        cell = doc.fields[f"active.{row}.change"]
        plain = doc.fields[f"active.{row}.prev_items"]
        assert cell.value == values[f"active.{row}.change"]
        assert "minus" not in (cell.reason or "") and cell.confidence == plain.confidence


def test_a_loose_minus_in_a_row_one_number_short_is_not_trusted():
    """`88 - 72` under three columns is 88 | 0 | 72 with a dash for zero, or 88 | -72 | (blank):
    the text cannot tell, so no reading of that row claims confidence."""
    values = _negative_values(seed=5)
    text = report_text("2019", values)
    v = values["active.licensing.change"]
    line = next(ln for ln in text.splitlines() if ln.startswith("行政许可"))
    text = text.replace(line, f"行政许可 80 - {-v}")
    doc = extract_text(text)
    for col in ("prev_items", "change", "decisions"):
        assert doc.fields[f"active.licensing.{col}"].confidence < 0.9


def test_a_header_naming_yuan_makes_bare_amounts_yuan():
    values = make_values("2019", seed=6)
    values["active.procurement.amount"] = 304.2532
    text = report_text("2019", values).replace("采购总金额", "采购总金额（元）").replace("304.2532", "3042532")
    doc = extract_text(text)
    cell = doc.fields["active.procurement.amount"]
    assert cell.value == 304.2532 and cell.text == "3042532"
    assert "采购总金额(元)" in cell.reason and "amounts_in_yuan" in doc.variants


def test_a_header_in_units_of_yuan_or_wan_yuan_in_2021():
    values = make_values("2021", seed=7)
    values["active.fees.amount"] = 1.5
    base = report_text("2021", values)
    yuan = extract_text(base.replace("（单位：万元）", "（单位：元）").replace(" 1.5\n", " 15000\n"))
    assert yuan.fields["active.fees.amount"].value == 1.5
    wan = extract_text(base)  # 本年收费金额（单位：万元）: already the canonical unit
    assert wan.fields["active.fees.amount"].value == 1.5 and "amounts_in_yuan" not in wan.variants
    assert re.search(r"行政事业性收费 1\.5\b", base)


# ---------------------------------------------------------------- the synthetic corpus prints both

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from nianbao.training.synth.generate import make, plan
    out = tmp_path_factory.mktemp("signs")
    # seed 33: among four documents, a 2019 report printing a full-width or typographic minus and
    # one whose money column's header names 元
    rows = [make(t) for t in plan(4, seed=33, out=str(out), kinds=("pdf", "text", "html", "scraped"), variants=True)]
    return out, rows


def _gold(out, doc_id):
    return json.loads((out / "gold" / f"{doc_id}.gold.json").read_text(encoding="utf-8"))


def test_synth_prints_signed_changes_and_units_in_headers(corpus):
    out, rows = corpus
    pages = {r["doc_id"]: (out / "docs" / r["doc_id"] / "raw.txt").read_text(encoding="utf-8") for r in rows}
    signed = [d for d in pages if "signed_change" in _gold(out, d)["variants"]]
    assert signed and all(any(v < 0 for k, v in _gold(out, d)["fields"].items() if k.endswith(".change")) for d in signed)
    assert any(re.search(r"[－−]\d", pages[d]) for d in signed)
    assert any(re.search(r"(采购总金额|本年收费金额)[（(](单位：)?元[)）]", t) for t in pages.values())


def test_synth_signed_changes_and_units_in_headers_read_back(corpus):
    out, rows = corpus
    for r in rows:
        for doc_id, name in ((r["doc_id"], "report.html"), (r["doc_id"], "raw.txt"), (r["doc_id"], "layout.txt"),
                             (r["doc_id"] + "-web", "scraped.txt")):
            g = _gold(out, doc_id)
            if name in ("raw.txt", "layout.txt") and g["synth"]["style"] == "kai_titlepage":
                continue  # blank zeros without positions: ambiguous in any reader (docs/synth.md)
            d = extract(out / "docs" / doc_id / name, model=None)
            wrong = {k: (v, d.value(k)) for k, v in g["fields"].items() if d.value(k) != v
                     and not (isinstance(v, float) and d.value(k) is not None and abs(d.value(k) - v) < 1e-6)}
            assert wrong == {}, (doc_id, name, g["variants"])


def test_a_report_printing_a_negative_change_shows_the_variant():
    values = _negative_values(seed=8)
    assert "signed_change" in extract_text(report_text("2019", values)).variants
    values = make_values("2019", seed=8)
    for row in CHANGES:
        values[f"active.{row}.change"] = abs(values[f"active.{row}.change"])
    assert "signed_change" not in extract_text(report_text("2019", values)).variants


def test_a_dash_for_zero_in_a_row_without_a_signed_column_is_no_doubt():
    """规范性文件 3 - 5: the dash is a zero mark; no column of the row takes a sign."""
    values = make_values("2019", seed=9)
    values.update({"active.normative_docs.made": 3, "active.normative_docs.published": 0,
                   "active.normative_docs.total_published": 5})
    line = next(ln for ln in report_text("2019", values).splitlines() if ln.startswith("规范性文件"))
    doc = extract_text(report_text("2019", values).replace(line, "规范性文件 3 - 5"))
    cells = [doc.fields[f"active.normative_docs.{c}"] for c in ("made", "published", "total_published")]
    plain = doc.fields["active.licensing.prev_items"].confidence  # a row with no dash in it
    assert [c.value for c in cells] == [3, 0, 5] and all(c.confidence == plain for c in cells)
    assert not any("minus" in (c.reason or "") for c in cells)

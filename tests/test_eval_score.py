"""The scorer on hand-made predictions: every rule of eval/score.py, one at a time."""

import pytest

from nianbao import schema
from nianbao.eval.aggregate import percentile, summarise_variant, doc_row
from nianbao.eval.confusions import classify
from nianbao.eval.corpus import Input
from nianbao.eval.inconsistencies import gold_inconsistencies, parse
from nianbao.eval.runner import Result
from nianbao.eval.score import same, score_document


def make_gold(fmt="2021"):
    fields = {k: (i * 7) % 23 for i, k in enumerate(schema.field_keys(fmt))}
    if fmt == "2021":
        fields["active.fees.amount"] = 96171.6
    return {"doc": "d1", "agency": "海原县人民政府办公室", "year": 2023, "format": fmt, "fields": fields,
            "metrics": {"requests_received": 17, "website_items": 6173, "fee_collected": False},
            "source_inconsistencies": []}


def as_pred(gold):
    return {"agency": gold["agency"], "year": gold["year"], "format": gold["format"],
            "fields": {k: {"value": v, "confidence": 1.0} for k, v in gold["fields"].items()},
            "metrics": {k: {"value": v, "approx": False} for k, v in gold["metrics"].items()},
            "flags": [], "errors": []}


def test_perfect_prediction_scores_everything_right():
    g = make_gold()
    s = score_document(g, as_pred(g))
    assert s["cells"]["correct"] == s["cells"]["total"] == 200
    assert s["exact"]
    assert s["metrics"]["correct"] == 3 and s["metrics"]["predicted"] == 3
    assert s["meta"] == {"format": True, "agency": True, "year": True}


def test_missing_keys_are_wrong():
    g = make_gold()
    p = as_pred(g)
    del p["fields"]["requests.new_received.total"]
    del p["fields"]["appeals.review.upheld"]
    s = score_document(g, p)
    assert s["cells"]["correct"] == 198 and not s["exact"]
    wrong = {w["key"]: w["confusion"] for w in s["cells"]["wrong"]}
    assert wrong == {"requests.new_received.total": "missing", "appeals.review.upheld": "missing"}
    assert s["cells"]["by_table"]["requests"]["correct"] == s["cells"]["by_table"]["requests"]["total"] - 1


def test_no_fields_at_all_scores_zero():
    g = make_gold()
    s = score_document(g, {"errors": [{"stage": "ingest", "message": "boom"}]})
    assert s["cells"]["correct"] == 0 and s["cells"]["total"] == 200
    assert s["errors"]


@pytest.mark.parametrize("pred_value", ["3", True, [3], None])
def test_wrong_types_are_wrong(pred_value):
    g = make_gold()
    key = "requests.new_received.natural_person"
    g["fields"][key] = 3 if pred_value is not True else 1
    p = as_pred(g)
    p["fields"][key]["value"] = pred_value
    s = score_document(g, p)
    assert s["cells"]["correct"] == 199
    assert s["cells"]["wrong"][0]["confusion"] == ("null" if pred_value is None else "type")


def test_bare_values_are_accepted_like_dicts():
    g = make_gold()
    p = as_pred(g)
    p["fields"] = {k: v["value"] for k, v in p["fields"].items()}
    assert score_document(g, p)["exact"]


def test_floats_compare_within_1e_6():
    g = make_gold()
    p = as_pred(g)
    p["fields"]["active.fees.amount"]["value"] = 96171.6 + 5e-7
    assert score_document(g, p)["exact"]
    p["fields"]["active.fees.amount"]["value"] = 96171.61
    assert not score_document(g, p)["exact"]
    assert same(3, 3.0) and not same(3, 3.01)


def test_extra_keys_are_counted_but_do_not_change_accuracy():
    g = make_gold()
    p = as_pred(g)
    p["fields"]["requests.bogus.total"] = {"value": 5}
    s = score_document(g, p)
    assert s["exact"] and s["cells"]["extra_keys"] == ["requests.bogus.total"]


def test_bool_metrics_need_bools_and_null_is_not_predicted():
    g = make_gold()
    p = as_pred(g)
    p["metrics"]["fee_collected"]["value"] = 0
    s = score_document(g, p)["metrics"]
    assert s["correct"] == 2 and s["predicted"] == 3 and s["both"] == 3
    p["metrics"]["fee_collected"]["value"] = None
    p["metrics"]["policy_interpretations"] = {"value": None}
    s = score_document(g, p)["metrics"]
    assert s["predicted"] == 2 and s["correct"] == 2 and s["gold"] == 3
    assert same(False, False) and not same(False, 0) and not same(0, False)


def test_metric_precision_counts_predictions_the_gold_lacks():
    g = make_gold()
    p = as_pred(g)
    p["metrics"]["wechat_items"] = {"value": 47}
    rows = [doc_row(Result(Input("d1", "x.txt", "text"), "v", p, 1.0), g)]
    m = summarise_variant(rows)["metrics"]
    assert m["precision"] == pytest.approx(3 / 4) and m["recall"] == 1.0 and m["value_accuracy"] == 1.0


def test_approx_flag_is_scored_when_gold_records_it():
    g = make_gold()
    g["metrics"]["website_items"] = {"value": 6173, "approx": True}
    p = as_pred(g)
    p["metrics"]["website_items"] = {"value": 6173, "approx": False}
    s = score_document(g, p)["metrics"]
    assert s["correct"] == 3 and s["approx_total"] == 1 and s["approx_correct"] == 0


def test_format_agency_year():
    g = make_gold()
    p = as_pred(g)
    p.update(format="2019", agency=" 海原县人民政府办公室 ", year="2023")
    assert score_document(g, p)["meta"] == {"format": False, "agency": True, "year": False}


SEED_STRINGS = [
    "requests row result.not_processed.duplicate: natural_person 1 but total 0 (row sum 1 != 0)",
    "requests column total: result rows sum to 12 but result.total.total is 13",
]


def test_parser_reads_row_and_column_inconsistencies():
    row = parse(SEED_STRINGS[0], "2021")
    assert row.keys == {f"requests.result.not_processed.duplicate.{c}" for c in schema.columns("requests", "2021")}
    assert row.identity == "requests.row_sum"
    col = parse(SEED_STRINGS[1], "2021")
    assert "requests.result.total.total" in col.keys
    assert "requests.result.disclosed.total" in col.keys
    assert "requests.new_received.total" not in col.keys
    assert all(k.endswith(".total") for k in col.keys)
    person = parse("requests column natural_person: result rows sum to 17 but result.total is 16", "2021")
    assert "requests.result.total.natural_person" in person.keys and len(person.keys) == 22
    assert parse("something odd happened", "2021").keys == frozenset()


def test_flags_match_gold_by_key_overlap():
    g = make_gold()
    g["source_inconsistencies"] = list(SEED_STRINGS) + ["appeals row review: upheld 1 but total 0"]
    p = as_pred(g)
    p["flags"] = [
        {"identity": "requests.row_sum", "keys": ["requests.result.not_processed.duplicate.total",
                                                   "requests.result.not_processed.duplicate.natural_person"]},
        {"identity": "requests.balance", "keys": ["requests.carried_over.research"]},  # matches nothing
    ]
    f = score_document(g, p)["flags"]
    # The duplicate row's total cell is in both the row and the column inconsistency.
    assert f["gold"] == 3 and f["matched_gold"] == 2 and f["predicted"] == 2 and f["matched_predicted"] == 1
    assert f["missed"] == ["appeals row review: upheld 1 but total 0"]
    # Identity-aware: the row_sum flag does not count for the column_sum inconsistency.
    assert f["strict_matched_gold"] == 1 and f["strict_matched_predicted"] == 1


def test_injected_errors_are_preferred_and_suggestions_scored():
    g = make_gold()
    g["source_inconsistencies"] = ["requests column total: result rows sum to 12 but result.total.total is 13"]
    g["injected_errors"] = [{"key": "requests.result.disclosed.enterprise", "printed": 8, "true": 3}]
    p = as_pred(g)
    p["flags"] = [{"identity": "requests.row_sum", "keys": ["requests.result.disclosed.enterprise"],
                   "suggested": {"requests.result.disclosed.enterprise": 3}},
                  {"identity": "requests.column_sum", "keys": ["requests.result.total.total"],
                   "suggested": {"requests.result.total.total": 12}}]
    golds = gold_inconsistencies(g)
    assert len(golds) == 1 and golds[0].true_values == {"requests.result.disclosed.enterprise": 3}
    f = score_document(g, p)["flags"]
    assert f["matched_gold"] == 1 and f["matched_predicted"] == 1
    assert f["suggested_total"] == 1 and f["suggested_correct"] == 1
    p["flags"][0]["suggested"] = {"requests.result.disclosed.enterprise": 8}
    assert score_document(g, p)["flags"]["suggested_correct"] == 0


def test_confusions():
    g = make_gold()["fields"]
    g["requests.result.disclosed.natural_person"] = 10
    g["requests.result.partially_disclosed.natural_person"] = 4
    g["requests.result.partially_disclosed.enterprise"] = 2
    k = "requests.result.disclosed.natural_person"
    assert classify(k, 10, 4, g, "2021") == "shifted_row"
    assert classify("requests.result.partially_disclosed.natural_person", 4, 2, g, "2021") == "shifted_col"
    assert classify(k, 10, 18, g, "2021") == "digit 0→8"
    assert classify(k, 10, 1, g, "2021") == "dropped_digit"
    assert classify(k, 10, 100, g, "2021") == "extra_digit"
    assert classify(k, 10, -10, g, "2021") == "sign"
    assert classify("active.fees.amount", 96171.6, 961716, g, "2021") == "scale"
    assert classify(k, 10, 77, g, "2021") == "other"
    assert classify(k, 7, 3, g, "2021") == "other"  # one digit: not called an OCR confusion
    assert classify(k, 0, 3, g, "2021") == "zero_mixup"
    assert classify(k, 12, 0, g, "2021") == "zero_mixup"
    row = {f"requests.carried_forward.{c}": v for c, v in zip(schema.columns("requests", "2021"), (3, 0, 0, 0, 1, 0, 4))}
    g.update(row)
    assert classify("requests.carried_forward.enterprise", 0, 3000104, g, "2021") == "merged_cells"
    assert classify("requests.carried_forward.legal_service", 1, 104, g, "2021") == "merged_cells"
    assert classify("requests.carried_forward.natural_person", 3, 104, g, "2021") == "other"


def test_percentile_interpolates():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10], 95) == 10
    assert percentile([], 50) is None
    assert percentile(list(range(101)), 95) == 95


def test_summary_groups_by_kind_format_and_table():
    g21, g19 = make_gold("2021"), make_gold("2019")
    p = as_pred(g21)
    p["fields"]["appeals.review.total"]["value"] = -1
    rows = [doc_row(Result(Input("a", "a/layout.txt", "pdftotext-layout"), "v", p, 10.0), g21),
            doc_row(Result(Input("b", "b.txt", "text"), "v", as_pred(g19), 30.0), g19)]
    s = summarise_variant(rows)
    assert s["cells"]["overall"] == {"correct": 397, "total": 398, "accuracy": round(397 / 398, 6)}
    assert s["cells"]["by_format"]["2019"]["accuracy"] == 1.0
    # beside all cells, the cells that print a number: the one wrong cell is non-zero in the gold
    nz = sum(1 for g in (g21, g19) for v in g["fields"].values() if v)
    assert s["cells"]["nonzero"] == {"correct": nz - 1, "total": nz, "accuracy": round((nz - 1) / nz, 6)}
    assert s["cells"]["nonzero_by_kind"]["pdftotext-layout"]["correct"] == \
        sum(1 for v in g21["fields"].values() if v) - 1
    assert s["cells"]["nonzero_by_format"]["2019"]["accuracy"] == 1.0
    assert s["metrics"]["by_kind"]["text"] == {"precision": 1.0, "recall": 1.0}
    assert s["cells"]["by_kind"]["pdftotext-layout"]["correct"] == 199
    assert s["cells"]["by_table"]["appeals"]["correct"] == 29
    assert s["exact_documents"] == {"exact": 1, "total": 2, "rate": 0.5}
    assert list(s["cells"]["by_kind"]) == ["text", "pdftotext-layout"]
    assert s["worst_documents"][0]["input"] == "a__pdftotext-layout"
    assert s["speed"]["per_doc_ms"]["p50"] == 20.0 and s["speed"]["per_doc_ms"]["max"] == 30.0
    assert [d["input"] for d in s["speed"]["slowest_documents"]] == ["b__text", "a__pdftotext-layout"]


def test_violations_are_preferred_and_carry_identities():
    g = make_gold()
    g["source_inconsistencies"] = ["prose says 93 requests received but table new_received.total is 96"]
    g["injected_errors"] = [{"kind": "prose_requests_mismatch", "keys": ["metrics.requests_received"]}]
    g["violations"] = [{"identity": "cross.requests_received", "text": g["source_inconsistencies"][0],
                        "keys": ["metrics.requests_received", "requests.new_received.total"]}]
    (gi,) = gold_inconsistencies(g)
    assert gi.identity == "cross.requests_received" and "requests.new_received.total" in gi.keys
    p = as_pred(g)
    p["flags"] = [{"identity": "requests.balance", "keys": ["requests.new_received.total"]}]
    f = score_document(g, p)["flags"]
    assert f["matched_gold"] == 1 and f["strict_matched_gold"] == 0
    g["violations"] = []
    assert gold_inconsistencies(g) == [] and score_document(g, p)["flags"]["predicted"] == 1


def test_flags_on_misread_cells_are_counted_and_their_fixes_scored():
    g = make_gold()
    g["source_inconsistencies"] = []
    p = as_pred(g)
    key = "requests.carried_forward.enterprise"
    p["fields"][key]["value"] = g["fields"][key] + 30
    p["fields"]["requests.new_received.research"]["value"] = None  # not read: not a misread
    p["flags"] = [{"identity": "requests.row_sum", "keys": [key, "requests.carried_forward.total"],
                   "suggested": {key: g["fields"][key]}},
                  {"identity": "requests.balance", "keys": ["requests.carried_over.total"],
                   "suggested": {"requests.carried_over.total": 99}}]
    f = score_document(g, p)["flags"]
    assert f["gold"] == 0 and f["matched_predicted"] == 0
    assert f["caught_misreads"] == 1 and f["false_alarms"] == 1
    assert f["misread_cells"] == 1 and f["misread_cells_flagged"] == 1
    assert f["fix_suggested_total"] == 1 and f["fix_suggested_correct"] == 1

"""Real reports with gold as training pages (`nianbao real-tokens`, training/real_pages.py), and
fine-tuning from a trained model's ONNX (`--init model:DIR`, training/onnx_start.py)."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import SHARED

REAL = SHARED / "real"


def _region(rid, label, text, blank=False):
    from nianbao.annotations.tasks import region
    box = {"x": 10.0, "y": 10.0, "width": 5.0, "height": 2.0, "rotation": 0}
    return region(rid, label, text, box, 1000, 1400, 0.9, blank=blank)


def test_corrections_type_the_gold_value_as_a_person_would():
    from nianbao.annotations import convert
    from nianbao.training.real_pages import corrections
    k1, k2, k3 = "active.rules.issued", "active.rules.repealed", "active.normative_docs.issued"
    result = (_region("v1", f"VAL:{k1}", "7") + _region("v2", f"VAL:{k2}", "", blank=True)
              + _region("v3", f"VAL:{k3}", "4") + _region("m1", "MET:policy_interpretations", "12"))
    gold = {"fields": {k1: 9, k2: 3, k3: 0}, "metrics": {"policy_interpretations": None}}
    fixed, changed = corrections(result, gold, "2021")
    assert sorted(changed["values"]) == sorted([k1, k2, k3])
    assert changed["metrics_deleted"] == ["policy_interpretations"]
    regs = {r.label: r for r in convert.regions(fixed)[0]}
    assert "MET:policy_interpretations" not in regs             # the unstated figure's box is deleted
    assert (regs[f"VAL:{k1}"].text, regs[f"VAL:{k1}"].blank) == ("9", False)
    assert (regs[f"VAL:{k2}"].text, regs[f"VAL:{k2}"].blank) == ("3", False)  # blank unticked
    assert (regs[f"VAL:{k3}"].text, regs[f"VAL:{k3}"].blank) == ("", True)    # nothing printed
    # untouched when the page already reads the gold value
    same, none = corrections(result, {"fields": {k1: 7}, "metrics": {}}, "2021")
    assert none["values"] == [] and same == result


@pytest.fixture(scope="module")
def real_tokens(tmp_path_factory):
    from nianbao.annotations.cdp import chromium_path
    if chromium_path() is None:
        pytest.skip("HTML reports are rendered in Chromium, which is not installed")
    from nianbao.training.real_pages import build
    out = tmp_path_factory.mktemp("real") / "real"
    rep = build([str(REAL / "pingtan_gaj_2022.html"), str(REAL / "pingtan_gwh_2021.html"), str(REAL / "pingtan_czj_2019.html"),
                 str(REAL / "pingtan_2019.txt")],
                out, holdout=["pingtan_gwh_2021"], gold_dirs=[str(REAL)], log=lambda *a: None, validation=["pingtan_czj_2019"])
    return out, rep


def test_real_reports_become_token_pages_with_the_gold_mapped_by_pull(real_tokens):
    from nianbao.training.train import read_splits
    out, rep = real_tokens
    assert rep["failed"] == {}
    # the text file has no gold and no pages to box: not an input here
    assert {r["doc_id"]: r["split"] for r in rep["inputs"]} == {"pingtan_gaj_2022": "train", "pingtan_gwh_2021": "test",
                                                                  "pingtan_czj_2019": "validation"}
    splits = read_splits(out / "tokens")
    assert {p["doc_id"] for p in splits["train"]} == {"pingtan_gaj_2022"}
    assert {p["doc_id"] for p in splits["test"]} == {"pingtan_gwh_2021"}   # held out: never trained on
    assert {p["doc_id"] for p in splits["validation"]} == {"pingtan_czj_2019"}
    assert {p["kind"] for s in splits.values() for p in s} == {"real:html"}
    for r in rep["inputs"]:
        gold = json.loads((REAL / f"{r['doc_id']}.gold.json").read_text(encoding="utf-8"))
        assert r["disagree"] == []   # pull's gold from the corrected pages is the gold file
        pages = [p for p in splits[r["split"]] if p["doc_id"] == r["doc_id"]]
        roles = {x for p in pages for x in p["roles"]}
        # every value the report prints is a VAL role on some token; row and column labels too
        printed = {k for k, v in gold["fields"].items() if v}
        assert printed <= {x[4:] for x in roles if x.startswith("VAL:")}
        assert any(x.startswith("ROW:") for x in roles) and any(x.startswith("COL:") for x in roles)


def test_holdout_and_validation_must_name_a_report_and_not_the_same(tmp_path):
    from nianbao.training.real_pages import build
    gaj = [str(REAL / "pingtan_gaj_2022.html")]
    with pytest.raises(ValueError, match="holdout"):
        build(gaj, tmp_path / "x", holdout=["nosuch"], log=lambda *a: None)
    with pytest.raises(ValueError, match="both"):
        build(gaj, tmp_path / "x", holdout=["pingtan_gaj_2022"], validation=["pingtan_gaj_2022"], log=lambda *a: None)


def test_the_shipped_onnx_read_back_as_torch_weights_labels_as_the_onnx():
    import numpy as np
    import onnxruntime as ort
    import torch

    from nianbao.model import bio_tags as L
    from nianbao.model.network import Arch, build
    from nianbao.model.vocab import CharVocab
    from nianbao.training.onnx_start import arch_of, load_into, model_dir
    d = model_dir("model:default")
    vocab = CharVocab.load(d / "vocab.txt")
    model = build(Arch(**arch_of(d)), len(vocab), len(L.labels()))
    load_into(model, d)
    model.eval()
    toks = list("三、收到和处理政府信息公开申请情况本年新收政府信息公开申请数量自然人商业企业总计1203412")
    ids = [2] + vocab.ids(toks) + [3]
    boxes = [[0, 0, 0, 0]] + [[40 + 22 * (i % 40), 100 + 30 * (i // 40), 60 + 22 * (i % 40), 120 + 30 * (i // 40)]
                              for i in range(len(toks))] + [[1000, 1000, 1000, 1000]]
    feed = {"input_ids": np.array([ids]), "bbox": np.array([boxes]), "attention_mask": np.ones((1, len(ids)), np.int64)}
    want = ort.InferenceSession(str(d / "model.onnx")).run(None, feed)[0].argmax(-1)
    with torch.no_grad():
        got = model(input_ids=torch.tensor([ids]), bbox=torch.tensor([boxes]),
                    attention_mask=torch.ones(1, len(ids), dtype=torch.long)).logits.numpy().argmax(-1)
    # the ONNX also quantises activations at run time (int8 dynamic): a token the model is unsure
    # of may tip either way; weights mapped to the wrong parameter would agree on next to none
    assert (got == want).mean() >= 0.95


def test_fine_tuning_keeps_the_start_vocabulary_and_shape(real_tokens, tmp_path):
    from nianbao.training import train as T
    from nianbao.training.onnx_start import model_dir
    out, _ = real_tokens
    cfg = replace(T.CONFIGS["finetune"], epochs=0.3, eval_every=4, max_val_pages=2)
    T.train([(str(out), 1.0)], tmp_path / "ft", cfg, log=lambda *a: None)
    shipped = model_dir("model:default")
    assert (tmp_path / "ft" / "vocab.txt").read_text(encoding="utf-8") == (shipped / "vocab.txt").read_text(encoding="utf-8")
    arch = lambda d: json.loads((Path(d) / "config.json").read_text(encoding="utf-8"))["arch"]  # noqa: E731
    assert arch(tmp_path / "ft") == arch(shipped)
    card = (tmp_path / "ft" / "README.md").read_text(encoding="utf-8")
    name = json.loads((shipped / "config.json").read_text(encoding="utf-8"))["name"]
    assert f"fine-tuned from {name}" in card and "real:html" in card


def test_a_report_printing_the_aggregate_other_row_keeps_it_through_pull(tmp_path):
    """洪泽 2024 prints the single （六）其他处理 row (schema: aggregate_other_in_2021): pull's gold
    held only the sub-rows' keys, so the row's values pushed with their boxes were reported as
    'not a key of format 2021' and the pulled gold lacked them."""
    from nianbao.training.real_pages import build
    rep = build([str(REAL / "hongze_2024.pdf")], tmp_path / "hz", log=lambda *a: None)
    (r,) = rep["inputs"]
    assert r["disagree"] == [] and not any("not a key" in p for p in r["problems"])

"""Write a trained model directory: ONNX (int8 where it keeps the F1), vocabulary, labels,
config, metrics and a model card. `nianbao.model.infer.TokenModel` reads exactly this."""
from __future__ import annotations

import contextlib
import json
import time
import warnings
from pathlib import Path

from nianbao import __version__
from nianbao.model import bio_tags as L
from nianbao.model.vocab import PAD

INT8_TOLERANCE = 0.005  # F1 the int8 model may lose against float32 and still be chosen


@contextlib.contextmanager
def quiet_libraries():
    """Keep the exporters' advice off the terminal: torch's TracerWarning about a traced branch
    (the model runs with a fixed mask), onnxruntime's 'consider pre-processing' and its C++
    logger's notices; they say nothing about this model."""
    import logging
    root = logging.getLogger()
    level = root.level
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root.setLevel(logging.ERROR)
        try:
            import onnxruntime as ort
            ort.set_default_logger_severity(3)
        except ImportError:
            pass
        try:
            yield
        finally:
            root.setLevel(level)


def export_onnx(model, path: Path, max_len: int) -> None:
    import torch
    model.eval()
    n = max_len
    ids = torch.full((2, n), PAD, dtype=torch.long)
    box = torch.zeros((2, n, 4), dtype=torch.long)
    mask = torch.ones((2, n), dtype=torch.long)
    torch.onnx.export(
        model, (ids, box, mask), str(path), input_names=["input_ids", "bbox", "attention_mask"],
        output_names=["logits"], opset_version=17, dynamo=False,
        dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "bbox": {0: "batch", 1: "seq"},
                      "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}})


def _onnx_scores(out: Path, onnx_name: str, pages: list[dict], gold: list[list[str]], by_kind: dict | None = None) -> tuple[dict, float]:
    from nianbao.model.infer import TokenModel

    from .scores import scores
    tm = TokenModel(out, onnx=onnx_name)
    t0 = time.perf_counter()
    pred = [tm.label(p["tokens"], p["bboxes"])[0] for p in pages]
    ms = (time.perf_counter() - t0) * 1000 / max(1, len(pages))
    if by_kind is not None:
        for kind in sorted({p.get("kind", "?") for p in pages}):
            idx = [i for i, p in enumerate(pages) if p.get("kind", "?") == kind]
            by_kind[kind] = scores([gold[i] for i in idx], [pred[i] for i in idx])
    return scores(gold, pred), ms


def save_model(model, cfg, vocab, out: Path, splits: dict, val_gold, val_pages, info: dict, log=print) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    vocab.save(out / "vocab.txt")
    (out / "labels.json").write_text(json.dumps(list(L.labels()), ensure_ascii=False), encoding="utf-8")
    config = {"name": f"nianbao-layoutlm-{cfg.name}", "version": __version__, "arch": cfg.arch.to_dict(),
              "config": cfg.name, "onnx": "model.onnx"}
    (out / "config.json").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    fp32 = out / "model.fp32.onnx"
    int8 = out / "model.int8.onnx"
    with quiet_libraries():
        export_onnx(model, fp32, cfg.arch.max_len)
        from onnxruntime.quantization import QuantType, quantize_dynamic
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        s32, ms32 = _onnx_scores(out, fp32.name, val_pages, val_gold)
        s8, ms8 = _onnx_scores(out, int8.name, val_pages, val_gold)
    chosen = "int8" if s8["f1"] >= s32["f1"] - INT8_TOLERANCE else "fp32"
    log(f"[train] validation F1 fp32 {s32['f1']:.4f} ({ms32:.1f} ms/page), int8 {s8['f1']:.4f} "
        f"({ms8:.1f} ms/page): exporting {chosen} as model.onnx")
    keep, drop = (int8, fp32) if chosen == "int8" else (fp32, int8)
    final = out / "model.onnx"
    keep.replace(final)
    drop.unlink()
    test_pages = splits.get("test") or []
    test_gold = [L.bio(p["roles"]) for p in test_pages]
    by_kind: dict = {}
    with quiet_libraries():
        test_scores, test_ms = _onnx_scores(out, final.name, test_pages, test_gold, by_kind) if test_pages else ({}, None)
    metrics = {"validation": {"fp32": s32, "int8": s8, "fp32_ms_per_page": round(ms32, 1),
                              "int8_ms_per_page": round(ms8, 1)},
               "shipped": chosen, "test": test_scores, "test_by_kind": by_kind,
               "test_pages": len(test_pages), "test_ms_per_page": None if test_ms is None else round(test_ms, 1),
               "size_mb": round(final.stat().st_size / 1e6, 2), **info}
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "README.md").write_text(model_card(config, metrics), encoding="utf-8")
    log(f"[train] wrote {out} ({metrics['size_mb']} MB); test F1 {test_scores.get('f1')}")
    return metrics


def model_card(config: dict, m: dict) -> str:
    a = config["arch"]
    test = m.get("test") or {}
    groups = " · ".join(f"{g} {test[g + '_f1']:.4f}" for g in ("ROW", "COL", "VAL", "MET") if g + "_f1" in test)
    kinds = "\n".join(f"| {k} | {v.get('f1', 0):.4f} | " + " | ".join(f"{v.get(g + '_f1', float('nan')):.4f}" for g in ("ROW", "COL", "VAL", "MET")) + " |"
                      for k, v in (m.get("test_by_kind") or {}).items())
    return f"""# {config['name']} (nianbao {config['version']})

LayoutLM (v1) token classification: each character of a page, with its box, gets a BIO tag
naming its role — a row label (which canonical row), a column label (which column), a cell
value, a narrative metric value (which metric), or other. Labels come from the schema
({len(L.labels())} tags).

- Architecture: {a['layers']} layers × {a['hidden']} hidden, {a['heads']} heads, windows of {a['max_len']} tokens (step {a['stride']}).
- Start: {m.get('init')}.
- Data: {', '.join(m.get('data', []))} (a source's `:WEIGHT` repeats its training pages).
- Recipe: config `{config['config']}`, seed {m.get('seed')}, {m.get('steps')} of {m.get('total_steps')} steps, {m.get('stopped')};
  bf16 autocast {m.get('bf16')}; {m.get('train_minutes')} min of training on {m.get('device', 'the CPU')}.
- Shipped: ONNX {m['shipped']} ({m['size_mb']} MB); validation entity F1 float32 {m['validation']['fp32']['f1']:.4f},
  int8 {m['validation']['int8']['f1']:.4f}.

## Test split ({m.get('test_pages')} pages)
Entity F1 (seqeval, exact spans) {test.get('f1', float('nan')):.4f}; by group: {groups or 'n/a'};
{m.get('test_ms_per_page')} ms per page with onnxruntime (on the training machine's CPU).

| kind | F1 | ROW | COL | VAL | MET |
|---|---|---|---|---|---|
{kinds}

Reproduce: `nianbao synth --n 400 --out data/synth --seed 0 --kinds pdf,text`, then
`nianbao train --data {' --data '.join(m.get('data', []))} --config {config['config']} --seed {m.get('seed')} --out DIR`
(a GPU is used when torch sees one; GPU runs are not bit-for-bit repeatable).

"""

"""Start training from a model directory's ONNX weights (`--init model:DIR`, `model:default` =
the shipped weights): fine-tuning the shipped model on new pages instead of training from nothing.

A model directory keeps only its ONNX (int8 where that kept the F1, training/export.py), not
torch weights, so the start is read back from the ONNX: every float initializer named after a
torch parameter is taken as it is; an int8 weight (dynamic quantisation: one scale and zero
point per tensor) is dequantised, (q - zero_point) × scale. A linear layer's quantised weight
has a generated name (onnx::MatMul_491); the MatMulInteger that reads it writes an output named
after its module (/layoutlm/encoder/layer.0/attention/self/query/MatMul_…), which names the
torch parameter; ONNX multiplies x·W, torch x·Wᵀ, so the matrix is transposed. The start costs
the int8 rounding (< 0.5 % of a weight's range), which fine-tuning absorbs.

The vocabulary and architecture are the directory's own (vocab.txt, config.json): a character
of the new pages that is not in it reads as its NFKC form or [UNK], as at inference.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

MODULE = re.compile(r"^/(.+)/MatMul(?:_\d+)?_output_0")


def model_dir(spec: str) -> Path:
    """`model:DIR` → DIR; `default` → the shipped weights."""
    from nianbao.model.infer import DEFAULT_DIR
    name = spec[len("model:"):] if spec.startswith("model:") else spec
    d = DEFAULT_DIR if name in ("", "default") else Path(name)
    if not (d / "config.json").is_file() or not (d / "vocab.txt").is_file():
        raise FileNotFoundError(f"no model directory at {d} (config.json, vocab.txt and the ONNX expected)")
    return d


def arch_of(d: Path) -> dict:
    return json.loads((d / "config.json").read_text(encoding="utf-8"))["arch"]


def state_dict(d: Path) -> dict:
    """torch parameter name → float32 numpy array, from DIR's ONNX."""
    import numpy as np
    import onnx
    from onnx import numpy_helper
    cfg = json.loads((d / "config.json").read_text(encoding="utf-8"))
    m = onnx.load(str(d / cfg.get("onnx", "model.onnx")))
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    out: dict = {}

    def deq(base: str):
        q, s, z = init[base + "_quantized"], init[base + "_scale"], init[base + "_zero_point"]
        return ((q.astype(np.float32) - z.astype(np.float32)) * s.astype(np.float32)).astype(np.float32)

    for name, arr in init.items():
        if name.startswith(("layoutlm.", "classifier.")):
            if name.endswith("_quantized"):
                out[name[:-len("_quantized")]] = deq(name[:-len("_quantized")])
            elif not name.endswith(("_scale", "_zero_point")):
                out[name] = arr.astype(np.float32)
    for node in m.graph.node:
        if node.op_type not in ("MatMulInteger", "MatMul"):
            continue
        hit = MODULE.match(node.output[0])
        weight = node.input[1]
        if not hit:
            continue
        param = hit.group(1).strip("/").replace("/", ".") + ".weight"
        if node.op_type == "MatMulInteger" and weight.endswith("_quantized"):
            out[param] = deq(weight[:-len("_quantized")]).T.copy()
        elif node.op_type == "MatMul" and weight in init:
            out[param] = init[weight].astype(np.float32).T.copy()
    return out


def load_into(model, d: Path) -> str:
    """Load DIR's weights into a torch model of DIR's architecture; every parameter must be found."""
    import torch
    sd = state_dict(d)
    own = model.state_dict()
    missing = [k for k in own if k not in sd and not k.endswith("position_ids") and ".pooler." not in k]  # the pooler is unused in token classification
    if missing:
        raise ValueError(f"{d}: the ONNX lacks {len(missing)} parameter(s) of the model, e.g. {missing[:3]}")
    bad = [k for k in own if k in sd and tuple(own[k].shape) != tuple(sd[k].shape)]
    if bad:
        raise ValueError(f"{d}: shapes differ for {bad[:3]}")
    model.load_state_dict({k: torch.tensor(sd[k]) for k in own if k in sd}, strict=False)
    name = json.loads((d / "config.json").read_text(encoding="utf-8")).get("name", d.name)
    return f"fine-tuned from {name} ({d}, its ONNX weights dequantised)"

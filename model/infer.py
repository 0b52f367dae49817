"""Inference with the exported ONNX model (onnxruntime, int8 where shipped).

`TokenModel.label(tokens, boxes)` returns a BIO tag and its probability per token. A model
directory holds model.onnx, vocab.txt, labels.json and config.json (written by training).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .network import read_page
from .vocab import CharVocab

DEFAULT_DIR = Path(__file__).with_name("weights")


class ModelError(RuntimeError):
    pass


class TokenModel:
    def __init__(self, path: str | Path = DEFAULT_DIR, threads: int | None = None, onnx: str | None = None):
        self.path = Path(path)
        cfg_path = self.path / "config.json"
        if not cfg_path.is_file():
            raise ModelError(f"no token model at {self.path} (config.json missing); train one with "
                             "'nianbao train --data data/synth --out DIR'")
        self.config = json.loads(cfg_path.read_text(encoding="utf-8"))
        self.vocab = CharVocab.load(self.path / "vocab.txt")
        self.labels = json.loads((self.path / "labels.json").read_text(encoding="utf-8"))
        self.name = f"{self.config.get('name', 'nianbao-layoutlm')}@{self.config.get('version', '?')}"
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or int(os.environ.get("NIANBAO_MODEL_THREADS", "0")) or min(4, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        onnx_path = self.path / (onnx or self.config.get("onnx", "model.onnx"))
        self.session = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        self.max_len = int(self.config["arch"]["max_len"])
        self.stride = int(self.config["arch"]["stride"])

    def logits(self, tokens: list[str], boxes: list) -> np.ndarray:
        if not tokens:
            return np.zeros((0, len(self.labels)), dtype=np.float32)

        def run(input_ids, bbox, mask):
            return self.session.run(None, {"input_ids": input_ids, "bbox": bbox, "attention_mask": mask})[0]
        return read_page(self.vocab.ids(tokens), boxes, self.max_len, self.stride, run)

    def label(self, tokens: list[str], boxes: list) -> tuple[list[str], list[float]]:
        lg = self.logits(tokens, boxes)
        if not len(lg):
            return [], []
        p = np.exp(lg - lg.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        best = p.argmax(1)
        return [self.labels[i] for i in best], [float(p[i, j]) for i, j in enumerate(best)]


_CACHE: dict[str, TokenModel] = {}


def load(path: str | Path | None = None) -> TokenModel:
    """The model at `path` (default: the shipped weights), loaded once per process."""
    key = str(Path(path or DEFAULT_DIR).resolve())
    if key not in _CACHE:
        _CACHE[key] = TokenModel(key)
    return _CACHE[key]

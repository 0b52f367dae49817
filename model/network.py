"""The network: transformers' LayoutLM (v1) for token classification, and its inputs.

Input per window: [CLS] characters [SEP], each with its box normalised to 0–1000 of the page
(origin top-left). The same encoding serves training, the ONNX export and inference.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from .vocab import CLS, PAD, SEP

CLS_BOX = (0, 0, 0, 0)
SEP_BOX = (1000, 1000, 1000, 1000)


@dataclass
class Arch:
    layers: int = 4
    hidden: int = 384
    heads: int = 12
    intermediate: int = 1536
    max_len: int = 256         # tokens per window, [CLS] and [SEP] included
    stride: int = 192          # window step; the overlap gives every token some context

    def to_dict(self) -> dict:
        return asdict(self)


def build(arch: Arch, vocab_size: int, num_labels: int):
    from transformers import LayoutLMConfig, LayoutLMForTokenClassification
    cfg = LayoutLMConfig(
        vocab_size=vocab_size, hidden_size=arch.hidden, num_hidden_layers=arch.layers,
        num_attention_heads=arch.heads, intermediate_size=arch.intermediate,
        max_position_embeddings=512, max_2d_position_embeddings=1024, type_vocab_size=2,
        num_labels=num_labels, pad_token_id=PAD, layer_norm_eps=1e-12,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1,
    )
    return LayoutLMForTokenClassification(cfg)


def clamp_box(b) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (max(0, min(1000, int(round(v)))) for v in b)
    return (x0, y0, max(x0, x1), max(y0, y1))


def window_inputs(ids: list[int], boxes: list, start: int, end: int) -> tuple[list[int], list[tuple]]:
    return ([CLS] + ids[start:end] + [SEP],
            [CLS_BOX] + [clamp_box(b) for b in boxes[start:end]] + [SEP_BOX])


def pad_batch(rows: list[tuple[list[int], list[tuple]]], labels: list[list[int]] | None = None):
    """numpy arrays input_ids, bbox, attention_mask (and labels with -100 on padding)."""
    import numpy as np
    n = max(len(r[0]) for r in rows)
    ids = np.full((len(rows), n), PAD, dtype=np.int64)
    box = np.zeros((len(rows), n, 4), dtype=np.int64)
    mask = np.zeros((len(rows), n), dtype=np.int64)
    lab = np.full((len(rows), n), -100, dtype=np.int64) if labels is not None else None
    for i, (r_ids, r_box) in enumerate(rows):
        ids[i, :len(r_ids)] = r_ids
        box[i, :len(r_box)] = r_box
        mask[i, :len(r_ids)] = 1
        if lab is not None:
            lab[i, 1:1 + len(labels[i])] = labels[i]
    return ids, box, mask, lab


def read_page(ids: list[int], boxes: list, max_len: int, stride: int, run, batch: int = 8):
    """Per-token logits for a page of any length: `run(input_ids, bbox, attention_mask)` scores
    a padded batch of windows; each token keeps the row of the window it sits most centrally in."""
    import numpy as np

    from . import windows
    n = len(ids)
    wins = windows.spans(n, max_len - 2, stride)
    own = np.asarray(windows.owner(n, wins))
    rows = [window_inputs(ids, boxes, a, b) for a, b in wins]
    out = None
    for k in range(0, len(rows), batch):
        lg = run(*pad_batch(rows[k:k + batch])[:3])
        if out is None:
            out = np.zeros((n, lg.shape[-1]), dtype=np.float32)
        for j, (a, b) in enumerate(wins[k:k + batch]):
            keep = own[a:b] == k + j
            out[a:b][keep] = lg[j, 1:1 + b - a][keep]
    return out

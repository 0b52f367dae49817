"""The token-model options shared by `nianbao extract` and `nianbao batch`."""
from __future__ import annotations


def add_model_arguments(p) -> None:
    which = p.add_mutually_exclusive_group()
    which.add_argument("--model", action="store_true",
                       help="the layout token model's reading (the shipped weights) on every input, plain "
                            "text too; by default it runs on PDF and image inputs only (docs/model.md)")
    which.add_argument("--no-model", action="store_true", help="the rules alone (no token model)")
    p.add_argument("--model-dir", metavar="DIR", help="a model DIR written by 'nianbao train' (implies --model)")
    p.add_argument("--policy", choices=("reconcile", "model"), default="reconcile",
                   help="with the model: settle differences by the identities (default) or let the model win")


def model_choice(args) -> str | None:
    """`model=` for nianbao.pipeline.extract: None (rules alone), a directory, "default" or "auto"
    (the spelling batch jobs carry; nianbao.options.ExtractOptions reads the arguments)."""
    from .options import ExtractOptions
    return ExtractOptions.from_args(args).model_choice

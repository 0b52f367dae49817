"""Entity F1 of token models on token datasets, per input kind: `python -m nianbao.eval.token_f1`.

The model card's test F1 is measured on the test split of the data a model was trained with;
two models trained on different data have different test splits. This scores any model
directories on the same pages — e.g. the OCR'd scans of `nianbao ocr-tokens` (kind
`ocr:<degradation>`), every page of which the shipped model never saw — with the training's own
scorer (seqeval, exact spans; overall and ROW/COL/VAL/MET).

    python -m nianbao.eval.token_f1 --data data/ocr-tokens --split test --split validation \\
        --model shipped=default --model new=runs/model-x [-o out.json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def evaluate(pages: list[dict], model_dir: str | None) -> dict:
    from nianbao.model import bio_tags as L
    from nianbao.model.infer import TokenModel, DEFAULT_DIR
    from nianbao.training.train import scores
    tm = TokenModel(DEFAULT_DIR if model_dir in (None, "default") else model_dir)
    pred = [tm.label(p["tokens"], p["bboxes"])[0] if p["tokens"] else [] for p in pages]
    gold = [L.bio(p["roles"]) for p in pages]
    out = {"all": {**scores(gold, pred), "pages": len(pages)}}
    for kind in sorted({p.get("kind") or "" for p in pages}):
        idx = [i for i, p in enumerate(pages) if (p.get("kind") or "") == kind]
        out[kind] = {**scores([gold[i] for i in idx], [pred[i] for i in idx]), "pages": len(idx)}
    return out


def main(argv=None) -> int:
    from nianbao.training.train import read_splits
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.token_f1", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", action="append", required=True, help="token dataset (DIR or DIR/tokens); repeatable")
    p.add_argument("--split", action="append", help="splits to score (default: test)")
    p.add_argument("--model", action="append", required=True, metavar="NAME=DIR", help="DIR `default`: shipped")
    p.add_argument("-o", "--out")
    a = p.parse_args(argv)
    pages: list[dict] = []
    for d in a.data:
        path = Path(d) / "tokens" if (Path(d) / "tokens").is_dir() else Path(d)
        splits = read_splits(path)
        for s in a.split or ["test"]:
            pages += splits.get(s, [])
    result = {name: evaluate(pages, path) for name, path in (m.split("=", 1) for m in a.model)}
    names = list(result)
    kinds = list(result[names[0]])
    print("| kind | pages | " + " | ".join(f"{n} F1 (ROW · COL · VAL · MET)" for n in names) + " |")
    print("|---|---|" + "---|" * len(names))
    for k in kinds:
        cells = []
        for n in names:
            s = result[n][k]
            groups = " · ".join(f"{s[g + '_f1']:.3f}" if g + "_f1" in s else "–" for g in ("ROW", "COL", "VAL", "MET"))
            cells.append(f"{s['f1']:.4f} ({groups})")
        print(f"| {k} | {result[names[0]][k]['pages']} | " + " | ".join(cells) + " |")
    if a.out:
        Path(a.out).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

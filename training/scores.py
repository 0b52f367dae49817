"""Entity F1 of token labels, overall and per label group: what training validates on and what
export checks the ONNX model against (both import it from here)."""
from __future__ import annotations

from nianbao.model import bio_tags as L


def scores(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Entity F1 overall and per label group (seqeval, exact spans)."""
    from seqeval.metrics import f1_score, precision_score, recall_score

    def only(tags, g):
        return [[t if L.group(t) == g else "O" for t in seq] for seq in tags]
    out = {"f1": f1_score(gold, pred), "precision": precision_score(gold, pred), "recall": recall_score(gold, pred)}
    for g in ("ROW", "COL", "VAL", "MET"):
        gg, pp = only(gold, g), only(pred, g)
        if any(t != "O" for s in gg for t in s):
            out[f"{g}_f1"] = f1_score(gg, pp)
    return {k: round(float(v), 4) for k, v in out.items()}

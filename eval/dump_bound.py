"""What a text dump carries: the cells no reader can know without guessing (issue 24, done-when 3).

    python -m nianbao.eval.dump_bound S/gold S/docs [--kind raw --kind pdfium --kind layout]

A dump with no positions (`pdftotext -raw`, pypdfium2 text) prints a row whose zeros were blank
cells as fewer numbers than columns; several placements of them can satisfy every identity and
every prose statement (two rows × two columns swapped keep every row and column sum). A cell is
*open* when those placements give it different values: the text cannot say which is right, and
any reader that fills it guesses. The placements are the reader's own — the enumeration and
feasibility search of `assemble/short_rows.py` (requests and appeals rows) and
`assemble/active_short.py` (active rows) — which leave every value such a cell could take in its
`alternatives` (no second placer here, whose disagreements with the first would be noise).

Per kind: cells; determined cells (not open) and how many of them we read right or wrong (those
are ours to close), and how many we missed with no enumeration behind them (unread, or a 0.5
guess without alternatives: a printing error leaves no placement that keeps every identity, or a
search ran past its bound — the bound cannot say whether the text determines those); open cells,
how many our guess got right, and how many whose gold value is not even among the alternatives
(the enumeration excluded the truth: the bound would be dishonest there). `determined / cells`
is the best accuracy any reader can reach without guessing — an upper bound, as the open count
is a lower one (cells with no enumeration count as determined). On a -layout dump the open
cells are those the reader could not place by the header's offsets: positions a better reader
might still use.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from nianbao.document import Document

from .score import is_number, same

DUMPS = {"raw": "raw.txt", "pdfium": "pdfium.txt", "layout": "layout.txt"}
TARGET_UNDETERMINED = 0.001  # done-when 3: ≥ 99.9 % of cells
GUESS = 0.5  # the reader's confidence in a cell it picked among several (short_rows.CONF_GUESS)


def is_open(cell) -> bool:
    """The reader's placements give the cell more than one value."""
    return cell is not None and len(set(cell.alternatives or [])) > 1


def classify(doc: Document, gold: dict) -> tuple[Counter, list[dict]]:
    """Count one document's gold cells by what the text determines and how we read them; also
    the determined cells we got wrong or left unread (the gap that is ours)."""
    n: Counter = Counter()
    ours: list[dict] = []
    for key, gv in (gold.get("fields") or {}).items():
        cell = doc.fields.get(key)
        pv = cell.value if cell is not None else None
        nz = is_number(gv) and gv != 0
        n["cells"] += 1
        n["nonzero"] += nz
        if is_open(cell):
            n["open"] += 1
            n["open_nonzero"] += nz
            if not any(same(gv, a) for a in cell.alternatives):
                n["open_truth_excluded"] += 1
            elif same(gv, pv):
                n["open_guessed_right"] += 1
            else:
                n["open_guessed_wrong"] += 1
            continue
        if same(gv, pv):
            n["determined_right"] += 1
            n["determined_right_nonzero"] += nz
            continue
        # unread, or a guess with no alternatives: no enumeration stands behind it (a printing
        # error leaves no placement that keeps every identity; a search ran past its bound) —
        # whether the text determines it, the bound cannot say
        how = "no_enumeration" if pv is None or cell.confidence <= GUESS else "determined_wrong"
        n[how] += 1
        ours.append({"key": key, "gold": gv, "pred": pv, "confidence": getattr(cell, "confidence", None),
                     "reason": getattr(cell, "reason", None), "class": how})
    return n, ours


def bound_text(text: str, gold: dict, name: str = "<dump>") -> tuple[Counter, list[dict]]:
    """classify() of a dump held in memory (tests)."""
    from nianbao.pipeline import extract_text
    return classify(extract_text(text, name=name), gold)


def bound_file(path: Path, gold: dict) -> tuple[Counter, list[dict]]:
    from nianbao.pipeline import extract
    return classify(extract(path, model=None), gold)


def summary(n: Counter) -> dict:
    cells = n["cells"] or 1
    determined = n["cells"] - n["open"]
    return {
        "cells": n["cells"], "determined": determined, "open": n["open"],
        "open_share": n["open"] / cells,
        "best_without_guessing": determined / cells,
        "best_nonzero_without_guessing": (n["nonzero"] - n["open_nonzero"]) / (n["nonzero"] or 1),
        "ours": (n["determined_right"] + n["open_guessed_right"]) / cells,
        "determined_right": n["determined_right"], "determined_wrong": n["determined_wrong"],
        "no_enumeration": n["no_enumeration"],
        "open_guessed_right": n["open_guessed_right"], "open_guessed_wrong": n["open_guessed_wrong"],
        "open_truth_excluded": n["open_truth_excluded"],
        "nonzero": n["nonzero"], "open_nonzero": n["open_nonzero"],
    }


def run(gold_dir: Path, docs_dir: Path, kinds: list[str]) -> tuple[dict[str, dict], dict[str, list]]:
    totals: dict[str, Counter] = {k: Counter() for k in kinds}
    gaps: dict[str, list] = {k: [] for k in kinds}
    for gpath in sorted(gold_dir.glob("*.gold.json")):
        stem = gpath.name[:-len(".gold.json")]
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        for kind in kinds:
            path = docs_dir / stem / DUMPS[kind]
            if not path.exists():
                continue
            n, ours = bound_file(path, gold)
            totals[kind] += n
            gaps[kind] += [dict(g, doc=stem) for g in ours]
    return {k: summary(v) for k, v in totals.items()}, gaps


def table(sums: dict[str, dict]) -> str:
    head = ("| kind | cells | determined | open (undetermined) | best without guessing (all · non-zero) | ours | "
            "not open, missed: wrong / no enumeration | open: guessed right / wrong / truth excluded |")
    lines = [head, "|" + "---|" * 8]
    for k, s in sums.items():
        lines.append(f"| {k} | {s['cells']} | {s['determined']} | {s['open']} ({100 * s['open_share']:.2f} %) | "
                     f"{100 * s['best_without_guessing']:.2f} % · {100 * s['best_nonzero_without_guessing']:.2f} % | "
                     f"{100 * s['ours']:.2f} % | {s['determined_wrong']} / {s['no_enumeration']} | "
                     f"{s['open_guessed_right']} / {s['open_guessed_wrong']} / {s['open_truth_excluded']} |")
    return "\n".join(lines)


def verdict(sums: dict[str, dict]) -> list[str]:
    out = []
    for k, s in sums.items():
        if k == "layout" and s["open"]:
            out.append(f"{k}: {s['open']} open cells ({100 * s['open_share']:.2f} %) that the reader could not place by "
                       f"the header's offsets — the dump keeps positions, so these are the reader's, not the text's")
        elif s["open_share"] > TARGET_UNDETERMINED:
            out.append(f"{k}: {s['open']} of {s['cells']} cells ({100 * s['open_share']:.2f} % > 0.1 %) are not "
                       f"determined by the text: ≥ 99.9 % of cells cannot be met by reading, only by guessing")
        else:
            out.append(f"{k}: {s['open']} open cells ({100 * s['open_share']:.3f} % ≤ 0.1 %): the gap to 99.9 % is the "
                       f"reader's ({s['determined_wrong']} wrong, {s['no_enumeration']} read without an enumeration)")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.dump_bound", description=__doc__.split("\n\n")[0])
    p.add_argument("gold", type=Path, help="folder of <doc>.gold.json (a synth corpus's gold/)")
    p.add_argument("docs", type=Path, help="folder of <doc>/{raw,pdfium,layout}.txt (a synth corpus's docs/)")
    p.add_argument("--kind", action="append", choices=sorted(DUMPS), help="dump kinds (default raw, pdfium, layout)")
    p.add_argument("-o", "--out", type=Path, help="write the sums and the determined cells we miss as JSON")
    args = p.parse_args(argv)
    kinds = args.kind or ["raw", "pdfium", "layout"]
    sums, gaps = run(args.gold, args.docs, kinds)
    print(table(sums))
    print("\n".join(verdict(sums)))
    if args.out:
        args.out.write_text(json.dumps({"sums": sums, "determined_missed": gaps}, ensure_ascii=False, indent=1),
                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

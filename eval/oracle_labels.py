"""How well the table assembly reads cells when every token label is right.

Gives each token of a digital PDF the role of the gold token (docs/token-dataset.md) at the
same place, runs `nianbao.model.read_labels` on those oracle labels and scores the cells
against the gold JSON. This separates assembly errors from model errors:
`python -m nianbao.eval.oracle_labels DATA_DIR [--limit N]`.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from nianbao.model import bio_tags as L


def oracle_label(doc, token_pages: list[dict]) -> None:
    by_page = {p["page"]: p for p in token_pages}
    for page in doc.pages:
        gold = by_page.get(page.number)
        if not gold or not page.width:
            continue
        tags = L.bio(gold["roles"])
        index: dict[str, list[int]] = {}
        for i, ch in enumerate(gold["tokens"]):
            index.setdefault(ch, []).append(i)
        for ln in page.lines:
            for t in ln.tokens:
                if not t.bbox or not t.text.strip():
                    continue
                cx = (t.bbox[0] + t.bbox[2]) / 2 / page.width * 1000
                cy = (t.bbox[1] + t.bbox[3]) / 2 / page.height * 1000
                best, bd = None, 15.0
                for i in index.get(t.text, ()):
                    b = gold["bboxes"][i]
                    d = abs((b[0] + b[2]) / 2 - cx) + abs((b[1] + b[3]) / 2 - cy)
                    if d < bd:
                        best, bd = i, d
                t.label, t.label_conf = (tags[best], 1.0) if best is not None else ("O", 1.0)


def main(argv=None) -> int:
    from nianbao.model import read_labels
    from nianbao.pipeline import extract
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--limit", type=int, default=20)
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args(argv)
    root = Path(a.data)
    ok = total = wrong = 0
    mok = mtotal = 0
    for d in sorted((root / "docs").iterdir())[:a.limit]:
        gold = json.loads((root / "gold" / f"{d.name}.gold.json").read_text(encoding="utf-8"))
        pages = [json.loads(x) for x in (d / "tokens.jsonl").read_text(encoding="utf-8").splitlines()]
        doc = extract(d / "report.pdf", grid=False, model=None)
        oracle_label(doc, pages)
        cells = read_labels.cells(doc, gold["format"])
        for k, v in gold["fields"].items():
            total += 1
            got = cells.get(k)
            if got is not None and got.value == v:
                ok += 1
            elif got is not None:
                wrong += 1
            if a.show and (got is not None or v != 0) and (got is None or got.value != v):
                print(d.name, k, v, None if got is None else got.value)
        mets = read_labels.metrics(doc)
        for k, v in gold["metrics"].items():
            mtotal += 1
            mok += mets.get(k) is not None and mets[k].value == v
    print(f"oracle-label cells {ok}/{total} = {ok / max(1, total):.4f} read right, {wrong} read wrong, "
          f"{total - ok - wrong} not read (blank cells where no row or column label crosses them); "
          f"metrics {mok}/{mtotal}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

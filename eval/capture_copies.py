"""Stamped, photographed (and plain-scanned) copies of real digital PDFs, for the eval: what a user
meets when a published report comes back printed, stamped and photographed.

    python -m nianbao.eval.capture_copies ../shared/real/hongze_2024.pdf --gold ../shared/real/hongze_2024.gold.json \\
        -o /tmp/realcap --copies 3 [--degradations stamped_scan,phone_capture,light_scan]

Writes OUT/docs/<stem>-<degradation>-<k>/scan.pdf, OUT/gold/<same>.gold.json (the original gold
under the copy's name)
and OUT/manifest.jsonl (degradation per copy), so `nianbao eval --gold OUT/gold --inputs OUT`
scores them by degradation. Seals land over the table numbers the PDF's text layer prints.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path


def number_centres(pdf_path: Path) -> list[list[tuple[float, float]]]:
    """Per page, centres (0-1000 of the page) of digits in the text layer: where seals go."""
    import pypdfium2 as pdfium

    from nianbao.ocr.textlayer import page_chars

    out = []
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        for page in pdf:
            w, h = page.get_size()
            pts = [((t.bbox[0] + t.bbox[2]) / 2 / w * 1000, (t.bbox[1] + t.bbox[3]) / 2 / h * 1000)
                   for t in page_chars(page).tokens if t.text.isdigit() and t.bbox]
            out.append(pts)
    finally:
        pdf.close()
    return out


def make(pdf: Path, gold: Path | None, out: Path, copies: int, degradations: list[str], seed: int = 0) -> list[dict]:
    from nianbao.training.synth import scans

    anchors = number_centres(pdf)
    rows = []
    for deg in degradations:
        for k in range(copies):
            doc = f"{pdf.stem}-{deg}-{k}"
            data, info = scans.scan(str(pdf), deg, random.Random(f"{seed}:{doc}"), anchors=anchors)
            d = out / "docs" / doc
            d.mkdir(parents=True, exist_ok=True)
            (d / "scan.pdf").write_bytes(data)
            if gold is not None:
                (out / "gold").mkdir(parents=True, exist_ok=True)
                g = json.loads(gold.read_text(encoding="utf-8"))
                g["doc"] = doc  # the eval pairs gold and input by this name
                (out / "gold" / f"{doc}.gold.json").write_text(json.dumps(g, ensure_ascii=False, indent=1),
                                                               encoding="utf-8")
            rows.append({"doc_id": doc, "degradation": deg, "source": str(pdf),
                         "scan": [{k2: v for k2, v in i.items() if k2 not in ("affine", "homography")} for i in info]})
    with open(out / "manifest.jsonl", "a", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.eval.capture_copies", description=__doc__.splitlines()[0])
    ap.add_argument("pdf", type=Path)
    ap.add_argument("--gold", type=Path, default=None)
    ap.add_argument("-o", "--out", type=Path, required=True)
    ap.add_argument("--copies", type=int, default=3)
    ap.add_argument("--degradations", default="stamped_scan,phone_capture")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    rows = make(a.pdf, a.gold, a.out, a.copies, [d.strip() for d in a.degradations.split(",") if d.strip()], a.seed)
    print(f"wrote {len(rows)} copies to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

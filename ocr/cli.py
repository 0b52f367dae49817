"""`nianbao ocr FILE`: show what the OCR stage reads — layout lines per page with their boxes and
confidence, or the grid cells as JSON."""
from __future__ import annotations

import json
import sys


def add_arguments(p) -> None:
    p.add_argument("path", help="a PDF or page image")
    p.add_argument("--cells", action="store_true", help="print canonical cells read from ruled tables (JSON)")
    p.add_argument("--dpi", type=int, help="render dpi for pages that need OCR (default 200)")
    p.add_argument("--force-ocr", action="store_true", help="OCR every PDF page even with a good text layer")


def run(args) -> int:
    from pathlib import Path

    from nianbao.document import Source
    from nianbao.errors import InputError, Missing, Unsupported
    from nianbao.readers.magic import sha256_of, sniff_kind

    from .pdf import load_image, load_pdf

    path = Path(args.path)
    try:
        if not path.is_file():
            raise Missing(f"no such file: {path}")
        with open(path, "rb") as f:
            kind = sniff_kind(f.read(4096), path.suffix.lower())
        source = Source(path=str(path), sha256=sha256_of(path))
        if kind == "pdf":
            doc = load_pdf(path, source, dpi=args.dpi, force_ocr=args.force_ocr)
        elif kind == "image":
            doc = load_image(path, source)
        else:
            raise Unsupported("not a PDF or image")
    except InputError as e:
        print(f"nianbao ocr: {e}", file=sys.stderr)
        return 1
    for w in doc.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if args.cells:
        from .assemble_grid import assemble_grid
        from .engine import get_engine

        engine = get_engine() if any(p.source == "ocr" for p in doc.pages) else None
        cells = assemble_grid(doc, engine=engine)
        out = {k: {"value": c.value, "text": c.text, "confidence": round(c.confidence, 4), "page": c.page,
                   "bbox": list(c.bbox) if c.bbox else None, "blank": c.blank, "reason": c.reason,
                   "alternatives": c.alternatives} for k, c in cells.items()}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    print("# per line: x0 y0 x1 y1 (PDF points, origin top-left), confidence, text")
    for p in doc.pages:
        size = f", {p.width:.0f} x {p.height:.0f} pt" if p.width and p.height else ""
        print(f"=== page {p.number} ({p.source}{size}) ===")
        for ln in p.lines:
            print(f"{box_text(ln.bbox)}  {ln.conf:.2f}  {ln.text}")
    return 0


def box_text(bbox) -> str:
    if not bbox:
        return " ".join(["      -"] * 4)
    return " ".join(f"{v:7.1f}" for v in bbox)

"""A corpus of digital PDFs whose text layer lies, for measuring the garbled-layer route.

    python -m nianbao.eval.garble_corpus data/synth /tmp/garbled --how strip --split test

Copies each document's digital PDF with its fonts' ToUnicode maps removed (`strip`: pdfium
then reports unmapped glyph codes) or rewritten to map every hanzi to a wrong one (`scramble`:
the layer reads as rare characters), plus its gold file, so `nianbao eval --inputs OUT --gold
OUT/gold` scores what the pipeline made of them. Works on compressed PDFs (pypdf), unlike
`ocr_pages.break_text_layer`, which edits the uncompressed test PDFs in place.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path


def _shift_hanzi(cmap: bytes) -> bytes:
    from .ocr_pages import wrong_hanzi

    def shift(m):
        return b"<%04X>" % wrong_hanzi(int(m.group(1), 16))
    # destination codes are the last hex string of each bfchar / bfrange entry
    return re.sub(rb"<([0-9A-Fa-f]{4})>(?=\s*(?:\n|\r|<|endbf))", shift, cmap)


def _fonts(reader):
    seen = set()
    for page in reader.pages:
        res = page.get("/Resources")
        fonts = res.get_object().get("/Font") if res else None
        for ref in (fonts.get_object().values() if fonts else ()):
            font = ref.get_object()
            for f in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                if id(f) not in seen:
                    seen.add(id(f))
                    yield f


def break_pdf(src: Path, dst: Path, how: str) -> int:
    """Write `src` with its text layer broken; returns how many fonts were changed."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(str(src))
    changed = 0
    for font in _fonts(reader):
        if "/ToUnicode" not in font:
            continue
        if how == "strip":
            del font[NameObject("/ToUnicode")]
        else:
            stream = font["/ToUnicode"].get_object()
            stream.set_data(_shift_hanzi(stream.get_data()))
        changed += 1
    if not changed:
        raise ValueError(f"{src}: no ToUnicode map to break")
    writer = PdfWriter(clone_from=reader)
    tmp = dst.with_suffix(".part")
    with open(tmp, "wb") as fh:
        writer.write(fh)
    tmp.replace(dst)
    return changed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m nianbao.eval.garble_corpus", description=__doc__.split("\n")[1])
    ap.add_argument("corpus", type=Path, help="a `nianbao synth` folder (docs/<id>/report.pdf, gold/)")
    ap.add_argument("out", type=Path)
    ap.add_argument("--how", choices=("strip", "scramble"), default="strip")
    ap.add_argument("--split", help="only documents of this split (manifest)")
    ap.add_argument("--limit", type=int)
    a = ap.parse_args(argv)
    rows = [json.loads(x) for x in (a.corpus / "manifest.jsonl").read_text().splitlines() if x.strip()]
    if a.split:
        rows = [r for r in rows if r.get("split") == a.split]
    rows = rows[:a.limit] if a.limit else rows
    (a.out / "gold").mkdir(parents=True, exist_ok=True)
    done = []
    for r in rows:
        doc = r["doc_id"]
        src = a.corpus / "docs" / doc / "report.pdf"
        if not src.exists():
            continue
        (a.out / "docs" / doc).mkdir(parents=True, exist_ok=True)
        break_pdf(src, a.out / "docs" / doc / "report.pdf", a.how)
        shutil.copy(a.corpus / "gold" / f"{doc}.gold.json", a.out / "gold" / f"{doc}.gold.json")
        done.append(json.dumps({**r, "garbled": a.how}, ensure_ascii=False))
    (a.out / "manifest.jsonl").write_text("".join(x + "\n" for x in done))
    print(f"{len(done)} PDFs with a {a.how}ped text layer in {a.out}".replace("scrambleped", "scrambled"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

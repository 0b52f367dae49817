"""Several page images as one report: a folder of scans, or page files named together
(`nianbao extract --pages p1.png p2.png`), in natural order (p2 before p10)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from nianbao.document import Document, Source
from nianbao.errors import Missing, NoPages, TooLarge
from nianbao.readers.magic import is_image as is_image_head

MAX_PAGES = 500


def natural_key(p: Path) -> list:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", p.name)]


def is_image(p: Path) -> bool:
    try:
        with open(p, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return is_image_head(head)


def page_files(paths: list[Path]) -> tuple[list[Path], list[Path]]:
    """(page images in natural order, files that are not images); folders give their files."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += sorted((f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")), key=natural_key)
        else:
            files.append(p)
    pages = [f for f in files if is_image(f)]
    return pages, [f for f in files if f not in pages]


def load(paths: list[Path], source: Source, engine: str | None = None) -> Document:
    from nianbao.ocr.images import open_image_pages
    from nianbao.ocr.pdf import ocr_images

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise Missing(f"no such file: {missing[0]}")
    pages, others = page_files(paths)
    if not pages:
        raise NoPages("no page images among the files named as pages")
    if len(pages) > MAX_PAGES:
        raise TooLarge(f"{len(pages)} page images; at most {MAX_PAGES} are read as one report")
    h = hashlib.sha256()
    rasters = []
    for p in pages:
        h.update(p.read_bytes())
        rasters += open_image_pages(p)
    source.sha256 = h.hexdigest()
    source.kind = "image"
    source.pages = len(rasters)
    doc = ocr_images(rasters, source, engine)
    doc.warnings += [f"not a page image, not read: {p.name}" for p in others]
    return doc

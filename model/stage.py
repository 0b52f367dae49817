"""The model stage: label every token of a Document with the token model.

Tokens with boxes (text layer, OCR) are read page by page with their boxes normalised to
0–1000; plain-text lines get one token per character on the text grid (model/textboxes.py).
Labels go to Token.label / Token.label_conf; doc.model names the model used.
"""
from __future__ import annotations

from nianbao.document import Document, Token

from . import textboxes


def page_units(doc: Document) -> list[tuple[int | None, list[Token], list]]:
    """(page number, tokens, 0–1000 boxes) for each unit the model reads."""
    units = []
    for page in doc.pages:
        toks, boxes = [], []
        has_boxes = any(t.bbox for ln in page.lines for t in ln.tokens)
        if has_boxes and page.width and page.height:
            w, h = page.width, page.height
            for ln in page.lines:
                for t in ln.tokens:
                    if t.bbox and t.text.strip():
                        x0, y0, x1, y1 = t.bbox
                        toks.append(t)
                        boxes.append((x0 / w * 1000, y0 / h * 1000, x1 / w * 1000, y1 / h * 1000))
            units.append((page.number, toks, boxes))
            continue
        # plain text: characters on the grid, a unit every LINES_PER_PAGE lines
        chunk: list[list[Token]] = []
        for ln in page.lines:
            if not ln.tokens:
                ln.tokens = [Token(c) for c in ln.text if c.strip()]
            chunk.append([t for t in ln.tokens if t.text.strip()])
            if len(chunk) == textboxes.LINES_PER_PAGE:
                units.append(_grid_unit(page.number, chunk))
                chunk = []
        if chunk:
            units.append(_grid_unit(page.number, chunk))
    return units


def _grid_unit(number, chunk):
    boxes = textboxes.grid_boxes([[t.text for t in ln] for ln in chunk])
    return (number, [t for ln in chunk for t in ln], boxes)


def label_document(doc: Document, model) -> Document:
    for _, toks, boxes in page_units(doc):
        tags, confs = model.label([t.text for t in toks], boxes)
        for t, tag, c in zip(toks, tags, confs):
            t.label, t.label_conf = tag, c
    doc.model = model.name
    return doc

"""Group positioned characters into text lines the way `pdftotext -layout` prints rows.

Text-layer characters and OCR characters both arrive as Tokens with boxes (points, origin
top-left) in no trusted order. Characters on the same visual row become one Line, left to
right; a horizontal gap wider than a fraction of the character height becomes a space, so a
table row's label and its numbers read as one line with the numbers separated. Every
character of Line.text has a Token (spaces get the gap's box), which is what the text-path
extractor needs to cite evidence boxes.
"""
from __future__ import annotations

from statistics import median

from nianbao.document import Line, Token

WORD_GAP = 0.25  # gap / char height above which a space is printed (Latin word spacing is ~0.25 em)
CELL_GAP = 1.2  # above this, two spaces: a column break, as pdftotext -layout shows it


def _height(t: Token) -> float:
    return max(t.bbox[3] - t.bbox[1], 1e-3)


def _rows(tokens: list[Token]) -> list[list[Token]]:
    """Cluster tokens into visual rows by vertical overlap with the row's core band."""
    toks = sorted(tokens, key=lambda t: ((t.bbox[1] + t.bbox[3]) / 2, t.bbox[0]))
    rows: list[dict] = []
    for t in toks:
        cy = (t.bbox[1] + t.bbox[3]) / 2
        h = _height(t)
        best = None
        # compare with the last few rows only: tokens come sorted by centre, so a match is recent
        for r in rows[-4:]:
            if abs(cy - r["cy"]) <= 0.5 * min(h, r["h"]):
                if best is None or abs(cy - r["cy"]) < abs(cy - best["cy"]):
                    best = r
        if best is None:
            rows.append({"cy": cy, "h": h, "toks": [t]})
        else:
            best["toks"].append(t)
            n = len(best["toks"])
            best["cy"] += (cy - best["cy"]) / n
            best["h"] += (h - best["h"]) / n
    rows.sort(key=lambda r: r["cy"])
    return [sorted(r["toks"], key=lambda t: t.bbox[0]) for r in rows]


def build_lines(tokens: list[Token], page: int, first_number: int = 1) -> list[Line]:
    """Lines in reading order (top to bottom, left to right) from character tokens."""
    toks = [t for t in tokens if t.bbox is not None and t.text and not t.text.isspace()]
    lines: list[Line] = []
    for row in _rows(toks):
        h = median(_height(t) for t in row)
        out: list[Token] = []
        for t in row:
            if out:
                prev = out[-1]
                gap = t.bbox[0] - prev.bbox[2]
                if gap > WORD_GAP * h:
                    n = 2 if gap > CELL_GAP * h else 1
                    top = min(prev.bbox[1], t.bbox[1])
                    bottom = max(prev.bbox[3], t.bbox[3])
                    step = gap / n
                    for k in range(n):
                        x0 = prev.bbox[2] + k * step
                        out.append(Token(" ", (x0, top, x0 + step, bottom), conf=1.0))
            out.append(t)
        text = "".join(t.text for t in out)
        bbox = (min(t.bbox[0] for t in row), min(t.bbox[1] for t in row),
                max(t.bbox[2] for t in row), max(t.bbox[3] for t in row))
        conf = min((t.conf for t in row), default=1.0)
        lines.append(Line(text=text, number=first_number + len(lines), page=page, bbox=bbox, conf=conf, tokens=out))
    return lines

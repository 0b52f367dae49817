"""Aligned plain-text tables for the terminal, counting CJK characters as two columns."""
from __future__ import annotations

import unicodedata


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:.4g}" if abs(v) < 1 else f"{v:,.2f}".rstrip("0").rstrip(".")
    if isinstance(v, (list, tuple)):
        return ", ".join(cell(x) for x in v)
    return str(v)


def render(header: list[str], rows: list[list], right: set[int] | None = None, max_width: int = 60) -> str:
    """`right`: indexes of columns aligned right (numbers)."""
    right = right or set()
    text = [[cell(v) for v in r] for r in rows]
    text = [[s if width(s) <= max_width else s[: max_width - 1] + "…" for s in r] for r in text]
    widths = [max([width(h)] + [width(r[i]) for r in text]) for i, h in enumerate(header)]

    def line(vals):
        out = []
        for i, v in enumerate(vals):
            pad = " " * (widths[i] - width(v))
            out.append(pad + v if i in right else v + pad)
        return "  ".join(out).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in text])

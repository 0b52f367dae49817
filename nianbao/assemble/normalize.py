"""Text normalisation shared by every text-reading step.

Extracted report text mixes full-width and half-width forms, several dash and bracket
variants, stray spaces inside Chinese words and page furniture (footers like -3-). Anchors
and numbers are matched only after this normalisation.
"""
from __future__ import annotations

import re
import unicodedata

_EXTRA = str.maketrans({
    "\u2212": "-",  # minus sign
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",  # hyphens, en dash
    "\u3000": " ",
    "\u00a0": " ",
    "\u200b": "", "\ufeff": "",
    "\u3010": "[", "\u3011": "]",
    "\u2474": "(", "\u2475": "(",
})

FOOTER_RES = [
    re.compile(r"^\s*[-—–]{1,2}\s*\d{1,4}\s*[-—–]{1,2}\s*$"),  # -3-  — 3 —
    re.compile(r"^\s*第\s*\d{1,4}\s*页\s*(?:[,/]?\s*共\s*\d{1,4}\s*页)?\s*$"),  # 第3页 共8页
    re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"),  # 3/8
    re.compile(r"^\s*(?:page|Page|PAGE)\s*\d{1,4}(?:\s*of\s*\d{1,4})?\s*$"),
]


def norm(s: str) -> str:
    """NFKC (full-width → ASCII digits, brackets, punctuation) plus the dash/space variants NFKC keeps."""
    return unicodedata.normalize("NFKC", s).translate(_EXTRA).replace("\f", " ")


GLUED_PAGE_NUMBER = re.compile(r"^\s*[-—–]{1,2}\s?\d{1,4}\s?[-—–]{1,2}(?=[\u4e00-\u9fff(])")


def strip_glued_page_number(s: str) -> str:
    """pypdfium2 glues a page number to the next page's first text ("— 1 —第二十条…"): blank it,
    keeping the positions of what follows."""
    return GLUED_PAGE_NUMBER.sub(lambda m: " " * len(m.group(0)), s)


def is_footer(line: str) -> bool:
    s = norm(line)
    return any(r.match(s) for r in FOOTER_RES)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def compact(s: str) -> str:
    """Remove whitespace; Chinese labels are often printed or extracted with spaces inside."""
    return re.sub(r"\s+", "", s)

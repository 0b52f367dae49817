"""Text normalisation shared by every text-reading step.

Extracted report text mixes full-width and half-width forms, several dash and bracket
variants, stray spaces inside Chinese words and page furniture (footers like -3-). Anchors
and numbers are matched only after this normalisation.
"""
from __future__ import annotations

import re

from nianbao.textnorm import FOOTER_RES, is_footer, norm  # noqa: F401 (the text stage's names)

GLUED_PAGE_NUMBER = re.compile(r"^\s*[-—–]{1,2}\s?\d{1,4}\s?[-—–]{1,2}(?=[\u4e00-\u9fff(])")


def strip_glued_page_number(s: str) -> str:
    """pypdfium2 glues a page number to the next page's first text ("— 1 —第二十条…"): blank it,
    keeping the positions of what follows."""
    return GLUED_PAGE_NUMBER.sub(lambda m: " " * len(m.group(0)), s)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def compact(s: str) -> str:
    """Remove whitespace; Chinese labels are often printed or extracted with spaces inside."""
    return re.sub(r"\s+", "", s)

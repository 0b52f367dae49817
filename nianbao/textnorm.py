"""Text normalisation and page numbers, shared by the text stage (nianbao.assemble) and the
token model's reader (nianbao.model): both must read the same characters the same way and drop
the same page furniture (a page number -3- is no table value), and the runtime stages import
only the core."""
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

# a speck beside a table cell's last digit, as the recogniser reads it ("0.", "1:"): no table cell
# prints a number followed by punctuation. A worn copy's zero mark / read '1:' was "not a number",
# so the cell went to the text path's position guess and no ink test judged its one mark (seed 2572)
SPECK_MARKS = ".,:;"

FOOTER_RES = [
    re.compile(r"^\s*[-—–]{1,2}\s*\d{1,4}\s*[-—–]{1,2}\s*$"),  # -3-  — 3 —
    re.compile(r"^\s*第\s*\d{1,4}\s*页\s*(?:[,/]?\s*共\s*\d{1,4}\s*页)?\s*$"),  # 第3页 共8页
    re.compile(r"^\s*\d{1,4}\s*/\s*\d{1,4}\s*$"),  # 3/8
    re.compile(r"^\s*(?:page|Page|PAGE)\s*\d{1,4}(?:\s*of\s*\d{1,4})?\s*$"),
]


def norm(s: str) -> str:
    """NFKC (full-width → ASCII digits, brackets, punctuation) plus the dash/space variants NFKC keeps."""
    return unicodedata.normalize("NFKC", s).translate(_EXTRA).replace("\f", " ")


def is_footer(line: str) -> bool:
    s = norm(line)
    return any(r.match(s) for r in FOOTER_RES)

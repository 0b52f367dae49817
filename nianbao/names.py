"""File names that fit: every file system limits a name to 255 bytes, and a Chinese character
takes three of them in UTF-8, so an input named with 80 characters cannot simply get a suffix.
A name too long keeps its beginning (what a person recognises) and a short hash of the whole
(what keeps two long names apart)."""
from __future__ import annotations

import hashlib
import os

# room left under the 255-byte limit for the `.NAME.XXXXXXXX.tmp` of an atomic write
MAX_NAME_BYTES = 200


def _bytes(s: str) -> int:
    return len(os.fsencode(s))


def fit_name(stem: str, tail: str = "", limit: int = MAX_NAME_BYTES) -> str:
    """`stem + tail`, or a cut `stem` + `~` + 8 hex digits of the full stem + `tail` when
    that is longer than `limit` bytes. `tail` (the suffixes) is always kept whole."""
    if _bytes(stem + tail) <= limit:
        return stem + tail
    tag = "~" + hashlib.sha1(os.fsencode(stem)).hexdigest()[:8]
    room = limit - _bytes(tag + tail)
    cut = stem
    while cut and _bytes(cut) > room:
        cut = cut[:-1]
    return cut + tag + tail

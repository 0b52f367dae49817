"""CJK TrueType fonts from Debian packages, registered with ReportLab on first use.

ReportLab embeds TrueType outlines only, so the CFF-based Noto CJK fonts are not used; the
fonts below give a 宋体-like, a 楷体-like, a 明体 and two 黑体 faces.
"""
from __future__ import annotations

import functools
import os

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# name -> (path, subfont index, Debian package)
FONTS: dict[str, tuple[str, int, str]] = {
    "gbsn": ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0, "fonts-arphic-gbsn00lp"),
    "gkai": ("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf", 0, "fonts-arphic-gkai00mp"),
    "uming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "fonts-arphic-uming"),
    "zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0, "fonts-wqy-microhei"),
}
FALLBACK = "zenhei"   # widest coverage


class FontMissing(RuntimeError):
    pass


def check_installed() -> None:
    missing = [pkg for path, _, pkg in FONTS.values() if not os.path.exists(path)]
    if missing:
        raise FontMissing("CJK fonts missing; install the Debian packages: apt-get install -y "
                          + " ".join(missing) + "  (listed in scripts/apt-packages.txt)")


@functools.cache
def register(name: str) -> TTFont:
    path, index, pkg = FONTS[name]
    if not os.path.exists(path):
        raise FontMissing(f"font {name} needs {path}: apt-get install -y {pkg}")
    font = TTFont(f"nb-{name}", path, subfontIndex=index)
    pdfmetrics.registerFont(font)
    return font


def covers(name: str, text: str) -> bool:
    cmap = register(name).face.charToGlyph
    return all(ord(ch) in cmap for ch in set(text) if not ch.isspace())


def face(name: str) -> str:
    """The ReportLab font name for one of FONTS (registered on first use)."""
    register(name)
    return f"nb-{name}"


@functools.lru_cache(maxsize=200_000)
def width(fontname: str, text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, fontname, size)

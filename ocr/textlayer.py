"""Characters with boxes from a PDF page's text layer (pypdfium2), in points with the origin top-left."""
from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

from nianbao.document import Token


@dataclass
class TextLayer:
    tokens: list[Token] = field(default_factory=list)  # one per printed (non-generated) character
    map_errors: int = 0  # characters pdfium could not map to Unicode (no or broken ToUnicode)


def page_chars(page) -> TextLayer:
    """Every printed character of a pypdfium2 page with its loose box (font ascent..descent)."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()  # as displayed, i.e. after /Rotate
    rotation = page.get_rotation() % 360
    if rotation in (90, 270):
        width, height = height, width  # pdfium's char boxes are in the unrotated page space
    textpage = page.get_textpage()
    out = TextLayer()
    try:
        n = textpage.count_chars()
        rect = pdfium_c.FS_RECTF()
        for i in range(n):
            if pdfium_c.FPDFText_IsGenerated(textpage, i) == 1:
                continue  # spaces and line breaks pdfium inferred, not printed
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            ch = _char(code)
            if pdfium_c.FPDFText_HasUnicodeMapError(textpage, i) == 1:
                out.map_errors += 1
            if ch.isspace() or not ch:
                continue
            if not pdfium_c.FPDFText_GetLooseCharBox(textpage, i, ctypes.byref(rect)):
                continue
            l, r = min(rect.left, rect.right), max(rect.left, rect.right)
            b, t = min(rect.bottom, rect.top), max(rect.bottom, rect.top)
            if r - l <= 0 or t - b <= 0:
                continue
            out.tokens.append(Token(ch, _display_box((l, height - t, r, height - b), rotation, width, height),
                                    conf=1.0))
    finally:
        textpage.close()
    return out


def _display_box(box, rotation: int, w: float, h: float):
    """A top-left-origin box of the unrotated page (w x h) as it sits on the page displayed with /Rotate."""
    if rotation == 0:
        return box
    u0, v0, u1, v1 = box
    if rotation == 90:  # clockwise: (u, v) -> (h - v, u)
        return (h - v1, u0, h - v0, u1)
    if rotation == 180:
        return (w - u1, h - v1, w - u0, h - v0)
    if rotation == 270:  # (u, v) -> (v, w - u)
        return (v0, w - u1, v1, w - u0)
    return box


def _char(code: int) -> str:
    if code == 0:
        return "\ufffd"
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"

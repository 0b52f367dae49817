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

    _, height = page.get_size()
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
            out.tokens.append(Token(ch, (l, height - t, r, height - b), conf=1.0))
    finally:
        textpage.close()
    return out


def _char(code: int) -> str:
    if code == 0:
        return "\ufffd"
    try:
        return chr(code)
    except (ValueError, OverflowError):
        return "\ufffd"

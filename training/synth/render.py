"""Render a report's content to a PDF with a text layer, in one house style."""
from __future__ import annotations

import random

from . import fonts, tables
from .content import Content
from .layout import PDF
from .narrative import build
from .styles import Style


def _all_text(blocks, c: Content) -> str:
    parts = []
    for kind, body in blocks:
        if kind == "para":
            parts += [s for s, _ in body]
        elif kind in ("heading",):
            parts.append(body)
        elif kind == "title":
            parts += body
    parts.append(c.agency.name)
    return "".join(parts)


def _font_for(name: str, text: str) -> str:
    # GB2312-only faces lack rare characters; fall back rather than print tofu (the minus sign −
    # of a signed change is only in microhei)
    return next((n for n in (name, fonts.FALLBACK, *fonts.FONTS) if fonts.covers(n, text)), fonts.FALLBACK)


def render(c: Content, style: Style, path: str, rng: random.Random) -> list[list[tuple[str, str]]]:
    """Write the PDF; return, per page, the drawn (char, role) pairs in drawing order."""
    blocks = build(c, rng)
    text = _all_text(blocks, c) + "第二十条第（一）项（九）信息内容本年增/减万—－0123456789.+-页"
    if c.printed is not None and c.printed.minus:
        text += c.printed.minus  # the minus its negative changes print (signed_change)
    body = fonts.face(_font_for(style.body_font, text))
    head = fonts.face(_font_for(style.head_font, text))
    tab = fonts.face(_font_for(style.table_font, text))
    pdf = PDF(path, style)
    for kind, b in blocks:
        if kind == "title":
            size = 22 if style.title_page else 17
            if style.title_page:
                pdf.y = pdf.top - 160
                pdf.numbered = False
            else:
                pdf.y -= 6
            for line in b:
                pdf.paragraph([(line, "O")], head, size, align="center", indent_chars=0)
            if style.title_page:
                pdf.y = pdf.bottom + 120
                pdf.paragraph([(f"{c.agency.name}", "O")], body, 14, align="center", indent_chars=0)
                pdf.paragraph([(f"{c.year + 1}年1月", "O")], body, 14, align="center", indent_chars=0)
                pdf.new_page()
                pdf.page_no = 1
            else:
                pdf.y -= 10
        elif kind == "heading":
            pdf.paragraph([(b, "O")], head, style.body_size + 0.5, space_after=2)
        elif kind == "para":
            pdf.paragraph(b, body, style.body_size)
        elif kind == "table":
            t = tables.BUILDERS[b](c, style)
            orient = "landscape" if b in style.landscape else None
            pdf.table(t, tab, style.table_size, orient)
            pdf.y -= 8
    pdf.finish()
    return pdf.pages

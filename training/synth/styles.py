"""House styles: how different agencies lay out the same report.

A style is a set of choices seen in real reports: fonts, zeros printed as 0 / blank / dash,
vertical one-character-per-line headers, tables split across pages with or without the header
repeated, landscape pages for wide tables, title pages, page-number shapes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Style:
    name: str
    body_font: str
    head_font: str
    table_font: str
    body_size: float = 12.0
    table_size: float = 9.5
    leading: float = 1.75          # line height as a multiple of the font size
    margin: tuple[float, float, float, float] = (72, 72, 72, 72)   # left, right, top, bottom
    title_page: bool = False
    page_number: str = "dash"      # dash "-3-" | emdash "— 3 —" | zh "第3页" | none
    # centre | outer: odd pages' number at the right, even pages' at the left (the 公文 habit of
    # GB/T 9704, as the real 洪泽 PDF prints it: `-3-` at the foot under the values column)
    page_number_at: str = "centre"
    zero: str = "0"                # 0 | blank | dash
    dash: str = "—"
    plus_sign: bool = True         # 本年增/减 printed as +12
    vertical_headers: bool = False  # 自然人 / 商业企业 one character per line
    repeat_header: bool = False
    landscape: tuple[str, ...] = ()  # tables printed on landscape pages
    justify: bool = True
    indent: bool = True
    keep_tables_whole: bool = False  # start a table on a new page if it would split
    amount_unit: bool = False      # "18336.88万" in the 2019 procurement cell
    flat_labels: bool = False      # requests labels in one column, group captions as rows of their own


BASE: tuple[Style, ...] = (
    Style("song_plain", "gbsn", "zenhei", "gbsn"),
    Style("kai_titlepage", "gkai", "zenhei", "gkai", title_page=True, page_number="emdash",
          zero="blank", repeat_header=True),
    Style("hei_landscape", "microhei", "zenhei", "microhei", body_size=11, page_number="zh",
          zero="dash", landscape=("appeals",), justify=False),
    Style("ming_dense", "uming", "zenhei", "uming", body_size=10.5, table_size=8.5, leading=1.6,
          margin=(56, 56, 60, 60), page_number="none", repeat_header=True, landscape=("requests",),
          plus_sign=False),
    Style("vertical_headers", "gbsn", "gkai", "zenhei", title_page=True, vertical_headers=True,
          amount_unit=True),
    Style("dash_split", "zenhei", "zenhei", "gbsn", body_size=12, table_size=10, page_number="dash",
          zero="dash", vertical_headers=True, keep_tables_whole=False, indent=False),
    Style("flat_rows", "gkai", "zenhei", "zenhei", body_size=11.5, table_size=9.5, page_number="emdash",
          flat_labels=True, repeat_header=True, keep_tables_whole=True),
)
STYLE_NAMES = tuple(s.name for s in BASE)


def get(name: str) -> Style:
    for s in BASE:
        if s.name == name:
            return s
    raise ValueError(f"unknown style {name!r}; expected one of {STYLE_NAMES}")


def jitter(style: Style, rng: random.Random) -> Style:
    """Small per-document variation so no two documents of a style share exact geometry."""
    m = tuple(max(40.0, v + rng.uniform(-10, 10)) for v in style.margin)
    return replace(style, body_size=style.body_size + rng.choice([-0.5, 0, 0, 0.5]),
                   table_size=style.table_size + rng.choice([-0.5, 0, 0, 0.5]),
                   leading=style.leading + rng.uniform(-0.1, 0.1), margin=m,
                   dash=rng.choice(["—", "-", "－"]) if style.zero == "dash" else style.dash)

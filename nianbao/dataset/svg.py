"""Small inline SVG line charts over years (no script, no network): a gap where a value is unread."""
from __future__ import annotations

import math
from html import escape

W, H = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 42, 34
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def nice_max(v: float) -> float:
    """The axis top: at least 4, and a number whose quarters are round (4 gridlines of whole counts)."""
    v = max(v, 4.0)
    exp = 10 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.6, 2, 2.4, 4, 6, 8, 10):
        if m * exp >= v:
            return m * exp
    return 10 * exp


def _fmt(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.0f}%" if v * 100 >= 10 or v == 0 else f"{v * 100:.1f}%"
    if abs(v) >= 10000:
        return f"{v / 10000:g}万"
    return f"{v:g}"


def line_chart(title: str, years: list[int], series: list[tuple[str, list[float | None]]], percent: bool = False,
               marks: dict[int, str] | None = None, absent: set[int] | frozenset = frozenset()) -> str:
    """`series`: (label, one value per year, None where unread, drawn as "?"); `absent`: years with no
    report (nothing drawn); `marks`: year → note, a red triangle under the axis (a cross-year break
    between that year and the one before)."""
    marks = marks or {}
    vals = [v for _, ys in series for v in ys if v is not None]
    top = 1.0 if percent and (not vals or max(vals) <= 1) else nice_max(max(vals) if vals else 0)
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = len(years)

    def x(i: int) -> float:
        return LEFT + (pw * (i + 0.5) / n if n else 0)

    def y(v: float) -> float:
        return TOP + ph - ph * (v / top if top else 0)

    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
           f'role="img" aria-label="{escape(title)}">',
           f'<text x="{LEFT}" y="15" font-size="13" font-weight="bold">{escape(title)}</text>']
    for k in range(5):
        v = top * k / 4
        yy = y(v)
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{yy:.1f}" y2="{yy:.1f}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{LEFT - 6}" y="{yy + 4:.1f}" font-size="11" text-anchor="end" fill="#555">'
                   f'{escape(_fmt(v, percent))}</text>')
    for i, yr in enumerate(years):
        out.append(f'<text x="{x(i):.1f}" y="{H - BOTTOM + 16}" font-size="11" text-anchor="middle">{yr}</text>')
        if yr in marks:
            xx, yy = x(i), H - BOTTOM + 22
            out.append(f'<path class="break-mark" d="M{xx - 5:.1f},{yy + 8} L{xx + 5:.1f},{yy + 8} L{xx:.1f},{yy} Z" '
                       f'fill="#d62728"><title>{escape(marks[yr])}</title></path>')
    for si, (label, ys) in enumerate(series):
        color = PALETTE[si % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate(ys + [None]):
            if v is None:
                if len(run) > 1:
                    out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(run)}"/>')
                run = []
                continue
            run.append(f"{x(i):.1f},{y(v):.1f}")
        for i, v in enumerate(ys):
            if v is not None:
                out.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                           f'<title>{escape(label)} {years[i]}: {escape(_fmt(v, percent))}</title></circle>')
            elif years[i] not in absent:
                out.append(f'<text x="{x(i):.1f}" y="{TOP + ph - 4:.1f}" font-size="10" text-anchor="middle" '
                           f'fill="#999">?<title>{escape(label)} {years[i]}: 未读出</title></text>')
        lx = LEFT + 8 + si * 130
        out.append(f'<rect x="{lx}" y="{TOP - 15}" width="10" height="3" fill="{color}"/>'
                   f'<text x="{lx + 14}" y="{TOP - 11}" font-size="11">{escape(label)}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(title: str, bars: list[tuple[str, float | None, str]], percent: bool = True, width: int = 720) -> str:
    """Horizontal bars, one per agency: (label, value or None, note). A None value is a grey "?"
    with its note (why it is not there), never a bar of 0."""
    row, left, top = 18, 260, 30
    height = top + row * len(bars) + 10
    vals = [v for _, v, _ in bars if v is not None]
    hi = 1.0 if percent and (not vals or max(vals) <= 1) else nice_max(max(vals) if vals else 0)
    pw = width - left - 60
    out = [f'<svg class="chart bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(title)}">',
           f'<text x="8" y="16" font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, v, note) in enumerate(bars):
        y = top + i * row
        out.append(f'<text x="{left - 6}" y="{y + 12}" font-size="11" text-anchor="end">{escape(label[:22])}</text>')
        if v is None:
            out.append(f'<text x="{left + 4}" y="{y + 12}" font-size="11" fill="#999">?<title>{escape(note)}</title></text>')
            continue
        w = pw * (v / hi if hi else 0)
        out.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{PALETTE[0]}">'
                   f'<title>{escape(label)}: {escape(_fmt(v, percent))} {escape(note)}</title></rect>'
                   f'<text x="{left + w + 4:.1f}" y="{y + 12}" font-size="11">{escape(_fmt(v, percent))}</text>')
    out.append("</svg>")
    return "".join(out)

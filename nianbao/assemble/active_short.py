"""Rows of the active table (主动公开) that print fewer numbers than columns in text without
character boxes (zeros printed blank, then dumped: `行政处罚 196 +25`, `行政许可 1267`). The 2019
format's first table has no identity to place them, so only what is printed can:

- a number printed with its sign (+25, -72) is a 本年增/减: the signed column. With one signed
  column, the numbers before it fill the columns before it and those after it the columns after
  it when each side prints as many numbers as it has columns (196 +25 → 196 | +25 | blank);
- in a pdftotext -layout dump the sub-header above the row prints its columns' labels (信息内容
  上一年项目数量 本年增/减 处理决定数量): each number goes under the label it sits nearest, when it
  sits within half the labels' spacing of it and no two numbers share a label.

Nothing here comes from geometry in points: at most 0.85 (tables.CONF_POSITIONAL), the reason says
how. A row neither rule places stays unread ("cannot tell which are blank").
"""
from __future__ import annotations

import re

from nianbao import schema

from .normalize import compact, norm
from .stream import Num, Stream

SIGNED = re.compile(r"^[+\-－−＋]\d")
HEADER_REACH = 12  # lines above a row that its sub-header may be on (rows of one group follow it)


def place(st: Stream, fmt: str, cols: tuple[str, ...], nums: list[Num],
          plus_signed: bool = False) -> tuple[list[Num | None], str] | None:
    """(cells per column, reason) for a short active row, or None when nothing printed places it.
    `plus_signed`: the table prints a rise in 本年增/减 with its plus (+22) elsewhere, so a number
    printed without a sign is not a change."""
    types = [schema.col_type("active", fmt, c) for c in cols]
    got = by_sign(nums, types)
    if got is not None:
        return got, f"{len(cols) - len(nums)} blank cell(s) placed by the printed sign of the 本年增/减"
    got = unsigned(nums, types) if plus_signed else None
    if got is not None:
        return got, (f"{len(cols) - len(nums)} blank cell(s) placed by the printed signs: the table prints "
                     "a rise in 本年增/减 with its plus, so a number without one is not a change")
    got = by_header(st, fmt, cols, nums)
    if got is not None:
        return got, f"{len(cols) - len(nums)} blank cell(s) placed by the header's column offsets"
    return None


def by_sign(nums: list[Num], types: list[str]) -> list[Num | None] | None:
    """The row placed around its one signed number: it goes to the one signed column; each side
    prints either as many numbers as it has columns or none (all blank). 196 +25 in 上一年项目数量 |
    本年增/减 | 处理决定数量 → 196 | +25 | blank; a side printing some but not all of its columns
    cannot say which are blank."""
    if types.count("signed") != 1:
        return None
    j = types.index("signed")
    signed = [i for i, n in enumerate(nums) if SIGNED.match(n.text or "")]
    if len(signed) != 1:
        return None
    i = signed[0]
    before, after = nums[:i], nums[i + 1:]
    if len(before) not in (0, j) or len(after) not in (0, len(types) - j - 1):
        return None
    out: list[Num | None] = [None] * len(types)
    for c, n in enumerate(before):
        out[c] = n
    out[j] = nums[i]
    for c, n in enumerate(after, start=j + 1):
        out[c] = n
    return out


def unsigned(nums: list[Num], types: list[str]) -> list[Num | None] | None:
    """A row printing no signed number where the table signs its changes: its numbers fill the
    unsigned columns when there are as many of them (42 3003 → 42 | blank | 3003)."""
    if types.count("signed") != 1 or any(SIGNED.match(n.text or "") for n in nums):
        return None
    free = [c for c, t in enumerate(types) if t != "signed"]
    if len(nums) != len(free):
        return None
    out: list[Num | None] = [None] * len(types)
    for c, n in zip(free, nums):
        out[c] = n
    return out


def _header_line(st: Stream, labels: list[str], line: int) -> dict[int, float]:
    """Column index → centre offset of its label, on the nearest line above `line` that prints
    at least two of the row's column labels, left to right."""
    for li in range(line - 1, max(-1, line - 1 - HEADER_REACH), -1):
        s = st.slines.get(li)
        if s is None:
            continue
        found: dict[int, float] = {}
        for m in re.finditer(r"\S+", s):
            tok = compact(norm(m.group()))
            own = [c for c, lab in enumerate(labels) if tok == lab]
            if len(own) == 1:
                found[own[0]] = (m.start() + m.end()) / 2
        if len(found) >= 2:
            order = sorted(found)
            if all(found[a] < found[b] for a, b in zip(order, order[1:])):
                return found
            return {}
    return {}


def by_header(st: Stream, fmt: str, cols: tuple[str, ...], nums: list[Num]) -> list[Num | None] | None:
    if not all(n.padded for n in nums) or len({n.line for n in nums}) != 1:
        return None  # a layout dump sets its cells apart; -raw and pypdfium2 text do not
    labels = [compact(norm(schema.columns("active", fmt)[c].zh)) for c in cols]
    off = _header_line(st, labels, nums[0].line)
    if len(off) < len(cols) - 1:
        return None
    xs = sorted(off.values())
    half = min(b - a for a, b in zip(xs, xs[1:])) / 2
    out: list[Num | None] = [None] * len(cols)
    last = -1
    for n in nums:
        x = (n.x0 + n.x1) / 2
        c = min(off, key=lambda j: abs(off[j] - x))
        if abs(off[c] - x) > half or c <= last:
            return None
        out[c], last = n, c
    return out

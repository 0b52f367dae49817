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
how. A row neither rule places is read where every placement the printed signs allow agrees (a
number without its sign is no 本年增/减 where the table signs its rises: that cell is 0 whichever
count column the number is in), and the rest is a guess at 0.5 with its alternatives (`guess`),
the placement real reports print most often taken (ACTIVE_PATTERNS).
"""
from __future__ import annotations

import itertools
import re

from nianbao import schema

from .normalize import compact, norm
from .short_rows import Placed
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


def _page_of(st: Stream, line: int) -> int:
    """The page a line is on: its own page where the reader set one, else (a text dump) the form
    feeds before it (pdftotext separates pages with them)."""
    if 0 <= line < len(st.lines) and st.lines[line].page is not None:
        return st.lines[line].page
    return sum(st.lines[i].text.count("\f") for i in range(min(line + 1, len(st.lines))))


def _labels_on(s: str, labels: list[str]) -> dict[int, float] | None:
    """Column index → centre offset of each of the row's column labels printed on line `s`; None
    unless at least two are, left to right ({} when they are out of order)."""
    found: dict[int, float] = {}
    for m in re.finditer(r"\S+", s):
        tok = compact(norm(m.group()))
        own = [c for c, lab in enumerate(labels) if tok == lab]
        if len(own) == 1:
            found[own[0]] = (m.start() + m.end()) / 2
    if len(found) < 2:
        return None
    order = sorted(found)
    return found if all(found[a] < found[b] for a, b in zip(order, order[1:])) else {}


def _header_line(st: Stream, labels: list[str], line: int) -> dict[int, float]:
    """Column index → centre offset of its label, on the nearest line above `line` that prints
    at least two of the row's column labels, left to right. pdftotext -layout lays out each page
    on its own character grid (the same column sits at 23 on one page, at 30 on the next), so the
    header must be on the row's page: a row carried over to a new page (its sub-header left on
    the page before) takes the first header below it on its page that prints the same labels (the
    next sub-table of the same columns, 第（六）项 under 第（五）项's last row)."""
    page = _page_of(st, line)
    for li in range(line - 1, max(-1, line - 1 - HEADER_REACH), -1):
        s = st.slines.get(li)
        if s is None:
            continue
        found = _labels_on(s, labels)
        if found is None:
            continue
        if _page_of(st, li) == page:
            return found
        break  # the page before's grid: no measure of this row
    for li in range(line + 1, min(len(st.lines), line + 1 + HEADER_REACH)):
        if _page_of(st, li) != page:
            break
        s = st.slines.get(li)
        found = _labels_on(s, labels) if s is not None else None
        if found is not None:
            return found
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


# Which columns of a three-column active row print a number other than 0, counted over the gold of
# the ten real reports the project has (../shared/real and ../shared/seeds, issue 24; rows printing
# nothing left out): pattern (1 = non-zero) → rows. The order a guess takes among the placements
# the text allows — one report's habit is not a fact about the next, so these stay guesses (0.5),
# and never tuned to the synthetic generator's draws. tests/test_active_short_rows.py recounts them.
ACTIVE_PATTERNS = {
    ("prev_items", "change", "decisions"): {(1, 0, 0): 2, (1, 1, 0): 1, (1, 1, 1): 3},
    ("issued", "repealed", "in_force"): {(1, 0, 1): 1, (1, 1, 1): 6},
    ("made", "published", "total_published"): {(1, 1, 1): 4},
}


def _signed(n: Num) -> bool:
    return bool(SIGNED.match(n.text or ""))


def _zero(n: Num | None) -> bool:
    return n is None or n.dash or not n.value


def options(nums: list[Num], types: list[str], plus_signed: bool) -> list[list[Num | None]]:
    """Every order-preserving placement of the row's numbers that its printed signs allow: a
    number printed with its sign only in the signed column (本年增/减); where the table signs its
    rises (`plus_signed`), a number without a sign other than 0 not there."""
    k = len(types)
    out = []
    def fits(n: Num, c: int) -> bool:
        if _signed(n):
            return types[c] == "signed"
        return types[c] != "signed" or not plus_signed or _zero(n)

    for cols in itertools.combinations(range(k), len(nums)):
        if not all(fits(n, c) for n, c in zip(nums, cols)):
            continue
        p: list[Num | None] = [None] * k
        for n, c in zip(nums, cols):
            p[c] = n
        out.append(p)
    return out


def _prior(cols: tuple[str, ...], p: list[Num | None]) -> tuple[int, int]:
    """How often real reports print this placement's pattern, then its columns' counts."""
    pats = ACTIVE_PATTERNS.get(tuple(cols), {})
    pat = tuple(int(not _zero(n)) for n in p)
    each = sum(v for q, v in pats.items() for j, on in enumerate(q) if on and pat[j])
    return pats.get(pat, 0), each


def guess(fmt: str, cols: tuple[str, ...], nums: list[Num], plus_signed: bool) -> Placed | None:
    """A short active row `place` cannot place: its cells where every placement the signs allow
    agrees (read, 0.85), the others a guess (0.5, `alternatives`) under the placement real reports
    print most often. None when no placement fits (the caller leaves the row unread)."""
    types = [schema.col_type("active", fmt, c) for c in cols]
    opts = options(nums, types, plus_signed)
    if not opts:
        return None
    pick = max(range(len(opts)), key=lambda j: (_prior(cols, opts[j]), -j))
    cells, alts, open_ = [], [], []
    for c in range(len(cols)):
        vals = sorted({0 if _zero(o[c]) else o[c].value for o in opts}, key=lambda v: (v != 0, v))
        one = len(vals) == 1
        cells.append(next((o[c] for o in opts if o[c] is not None), None) if one else opts[pick][c])
        alts.append([] if one else vals)
        open_.append(not one)
    why = f"{len(cols) - len(nums)} blank cell(s); {len(opts)} placements fit the printed signs"
    if any(open_):
        why += ", the one real reports print most often taken"
    return Placed(cells, alts, open_, why)

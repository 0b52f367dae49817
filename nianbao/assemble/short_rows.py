"""Requests rows that print fewer numbers than columns (zeros printed blank), in text with no
character boxes: a pdftotext -layout or -raw dump, a pypdfium2 text, scraped text.

Each such row's numbers go, in printed order, into some of its columns. All the short rows are
placed together: every choice must satisfy the column identities (办理结果之和 = 总计, 第一项 +
第二项 = 第三项 + 第四项) and each row's own identity (总计 = the applicant columns), or — when
the result rows leave their 总计 cell blank (spec variant blank_totals) — the applicant columns'
identities with those 总计 cells blank. A cell is read when every choice that satisfies them gives
it the same value. Columns that enter the identities alike (科研机构 and 社会公益组织 both 0 in
every other row) cannot be told apart by sums:

- where the text keeps a layout (pdftotext -layout), the header of the row's own page gives each
  column a character offset (its label's pieces pooled over the header's wrapped lines), the
  row's fixed numbers mark their own columns, and, among its placements that the identities
  allow, the one whose numbers all sit nearest their own columns' offsets is taken;
- a cell still open is a guess at 0.5, `ambiguous` in its reason, with the values it could take:
  the placement under the most common applicants (PREVALENCE).

Nothing read here comes from geometry, so no cell claims more than 0.85. The appeals row (three
groups of five) is placed the same way by its group identities, the report's prose on its appeals
(settle.appeal_statements) and a layout's header offsets (place_appeals).
"""
from __future__ import annotations

import dataclasses
import functools
import itertools
import operator
import re
from dataclasses import dataclass

from nianbao import schema
from nianbao.chains import chains

from . import blanks
from .normalize import compact, norm
from .stream import Num, Stream

CONF = 0.85  # placed by the identities (and offsets in a text dump): never certain
CONF_GUESS = 0.5  # one of several placements the identities allow
MAX_OPTIONS = 64  # placements of one row; beyond it the row is not placed here
BUDGET = 20000  # search nodes per feasibility query
WORK = 2_000_000  # rows summed in equation checks, over one table's queries; beyond it the search
# stops: before any answer the rows are read as before, after one its placements stand
AMBIGUOUS = "ambiguous"


@dataclass
class Placed:
    """One short row's cells as placed, with what the identities leave open."""
    cells: list  # per column: a Num, or None (blank)
    alternatives: list[list]  # per column, the values an ambiguous cell could take
    guess: list[bool]  # per column: the identities allow other values (`ambiguous`)
    reason: str
    said: list[str] | None = None  # per column: the prose that settled it ("" where none did)


def _val(n: Num | None):
    if n is None or n.dash or n.value is None:
        return 0
    v = n.value
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _row_ok(vals: list) -> bool:
    return abs(sum(vals[:-1]) - vals[-1]) < 1e-9


def _options(nums: list[Num], k: int, blank_total: bool) -> list[list[Num | None]]:
    """Order-preserving placements of the row's numbers: its total blank (blank_total), or its
    row identity holding."""
    out = []
    for cols in itertools.combinations(range(k), len(nums)):
        if blank_total and k - 1 in cols:
            continue
        p: list[Num | None] = [None] * k
        for n, c in zip(nums, cols):
            p[c] = n
        if blank_total or _row_ok([_val(x) for x in p]):
            out.append(p)
    return out


def header_offsets(st: Stream, fmt: str, t0: int, t1: int) -> list[tuple[int, dict[int, float]]]:
    """The column headers of a layout dump between text offsets t0 and t1 (a table broken over
    pages prints one per page), each as (its last line, column index → character offset of its
    printed label). A header's labels wrap over several lines (自然 / 人, 商业 / 企业, 社会 / 公益 /
    组织): a piece of text stands for a column only when it belongs to that column's label and no
    other's, and a column's offset is the mean of its pieces on the header's lines. A header
    needs three columns, left to right in column order."""
    if t0 >= t1 or not st.tline:
        return []
    labels = [compact(norm(c.zh)) for c in schema.columns("requests", fmt).values()]
    found: list[tuple[int, dict[int, list[float]]]] = []  # per line with label pieces
    for li in sorted(set(st.tline[t0:min(t1, len(st.tline))])):
        got: dict[int, list[float]] = {}
        pieces = []
        for m in re.finditer(r"\S+", st.slines.get(li, "")):
            own = [j for j, lab in enumerate(labels) if m.group() in lab]
            pieces.append((m.start(), m.end(), own[0] if len(own) == 1 else None))
        for i, (a, b, c) in enumerate(pieces):
            if c is None:
                continue
            # two labels one space apart were run together: their line of wide characters
            # overran the page's grid (商业企 科研机 社会公 法律服 at 4 characters' pitch over numbers
            # at 6–7: seed 2839 doc 31), so neither stands over its column
            if any(0 <= k < len(pieces) and pieces[k][2] is not None and pieces[k][2] != c and
                   (pieces[k][0] - b == 1 if k > i else a - pieces[k][1] == 1) for k in (i - 1, i + 1)):
                continue
            got.setdefault(c, []).append((a + b) / 2)
        if got and all(len(v) == 1 for v in got.values()):
            found.append((li, got))
    blocks: list[tuple[int, dict[int, list[float]]]] = []
    for li, got in found:
        if blocks and li - blocks[-1][0] <= HEADER_GAP:
            for c, xs in got.items():
                blocks[-1][1].setdefault(c, []).extend(xs)
            blocks[-1] = (li, blocks[-1][1])
        else:
            blocks.append((li, {c: list(xs) for c, xs in got.items()}))
    out = []
    for li, cols in blocks:
        off = {c: sum(xs) / len(xs) for c, xs in cols.items()}
        order = sorted(off)
        if len(off) >= 3 and all(off[a] < off[b] for a, b in zip(order, order[1:])):
            if 0 in off and 1 in off:
                # the first column's label shares its lines with the row labels' column, which
                # the dump squeezes: it stands far left of its numbers (自然 at 24, its 27 at 33,
                # 商业 at 38). Its numbers sit no further from the second column than the labels'
                # spacing
                off[0] = max(off[0], off[1] - _tolerance(off))
            out.append((li, off))
    return out


HEADER_GAP = 2  # lines: a header's wrapped label lines follow one another


def offsets_above(headers: list[tuple[int, dict[int, float]]], line: int) -> dict[int, float]:
    """The offsets of the nearest header above a row's line (the page's own header)."""
    above = [off for li, off in headers if li < line]
    return above[-1] if above else {}


def _calibrated(offsets: dict[int, float], p: list, known: list[bool]) -> dict[int, float]:
    """A row's column offsets: the header's, except that a column whose cell the identities fixed
    sits where that number is printed. A layout dump spaces a line of digits apart from a line of
    labels (the first column's label, squeezed beside the row labels' column, stands far left of
    its numbers), so a fixed number is the better mark for its column. None where the row has no
    fixed number, or where its numbers and the labels are not left to right in column order."""
    sure = {c: _centre(n) for c, (n, k) in enumerate(zip(p, known)) if k and n is not None}
    if not offsets or not sure:
        return {}
    off = {**offsets, **sure}
    order = sorted(off)
    if any(off[b] <= off[a] for a, b in zip(order, order[1:])):
        return {}
    return off


class _TooLarge(Exception):
    pass


class _Feasible:
    """The placements of each row that some choice satisfying every identity uses.

    Counts are whole and not negative, so what one side of an equation can add up to is a bit
    set (bit v: the sum v); a placement stays while, for every equation through its row, the
    two sides can still meet with the other rows anywhere in their remaining placements. The
    choices are then enumerated, each step checked the same way; too many of them (columns the
    sums cannot tell apart, over many rows) and the answer is unknown (None)."""

    def __init__(self, fmt: str, aggregate: bool, fixed: dict[str, list], blank_totals: bool):
        self.fixed = fixed
        self.work = 0  # over every query of one table: the reading's cost stays bounded
        cols = list(schema.columns("requests", fmt))
        eqs = [(l, r, cols.index(c)) for l, r, c in blanks._equations(fmt, aggregate, blank_totals)]
        # a row printed in full whose 总计 is not the sum of its cells (a printing error, which the
        # identities flag): no equation of the 总计 column through it can hold, and asking them to
        # left every short row unplaced; the applicant columns' equations still place them
        broken = {r for r, row in fixed.items() if None not in row and not _row_ok(row)}
        self.eqs = [(l, r, j) for l, r, j in eqs if not (j == len(cols) - 1 and broken & set(l + r))]

    def __call__(self, options: dict[str, list[list]], allowed: dict[str, list[int]],
                 prefer: dict[str, list[int]] | None = None):
        """The placements of each row some choice satisfying every identity uses (None: unknown).
        With `prefer` (row → its placements, most preferred first; rows in the order they are
        chosen in): instead, the first such choice in that order, row → placement ({} when none,
        None when the search runs past its bound)."""
        vals = {r: [[_val(n) for n in o] for o in opts] for r, opts in options.items()}
        if not all(isinstance(v, int) and v >= 0 for opts in vals.values() for o in opts for v in o) or \
                not all(v is None or (isinstance(v, int) and v >= 0) for row in self.fixed.values() for v in row):
            return None
        eqs = [e for e in self.eqs if any(x in allowed for x in e[0] + e[1]) and
               all(x in allowed or (x in self.fixed and self.fixed[x][e[2]] is not None) for x in e[0] + e[1])]
        touching = {r: [e for e in eqs if r in e[0] + e[1]] for r in allowed}

        def sums(side: list[str], j: int, dom: dict[str, list[int]], skip: str | None = None) -> int:
            reach = 1
            for x in side:
                if x == skip:
                    continue
                vs = {vals[x][i][j] for i in dom[x]} if x in dom else {self.fixed[x][j]}
                reach = functools.reduce(operator.or_, (reach << v for v in vs), 0)
            return reach

        def narrow(dom: dict[str, list[int]]) -> dict[str, list[int]] | None:
            dom = dict(dom)
            changed = True
            while changed:
                changed = False
                for row in dom:
                    # what the rest of each equation through the row can reach: once per row
                    pre = []
                    for left, right, j in touching[row]:
                        own, other = (left, right) if row in left else (right, left)
                        pre.append((sums(own, j, dom, row), sums(other, j, dom), j))
                    self.work += sum(len(e[0]) + len(e[1]) for e in touching[row]) + len(dom[row])
                    if self.work > WORK:
                        raise _TooLarge
                    keep = [i for i in dom[row] if all((a << vals[row][i][j]) & b for a, b, j in pre)]
                    if not keep:
                        return None
                    if len(keep) < len(dom[row]):
                        dom[row], changed = keep, True
            return dom

        try:
            if prefer is not None:
                self.work = 0  # its own bound: the table's queries before it may have spent WORK
                return self._first(allowed, narrow, prefer)
            return self._enumerate(allowed, narrow)
        except _TooLarge:
            return None

    @staticmethod
    def _first(allowed: dict[str, list[int]], narrow, prefer: dict[str, list[int]]) -> dict[str, int]:
        """Depth first, rows in `prefer`'s order and each row's placements in its order: the first
        choice whose every equation holds (once each row has one placement, narrow's sums are the
        equations' exact sums)."""
        nodes = 0

        def dfs(dom: dict[str, list[int]]) -> dict[str, int] | None:
            nonlocal nodes
            row = next((r for r in prefer if len(dom[r]) > 1), None)
            if row is None:
                return {r: js[0] for r, js in dom.items()}
            for i in sorted(dom[row], key=prefer[row].index):
                nodes += 1
                if nodes > BUDGET:
                    raise _TooLarge
                sub = narrow(dict(dom, **{row: [i]}))
                if sub is not None and (got := dfs(sub)) is not None:
                    return got
            return None

        start = narrow(allowed)
        return (dfs(start) if start is not None else None) or {}

    @staticmethod
    def _enumerate(allowed: dict[str, list[int]], narrow) -> dict[str, set[int]] | None:
        used: dict[str, set[int]] = {r: set() for r in allowed}
        start = narrow(allowed)
        if start is None:
            return used
        nodes = 0

        def dfs(dom: dict[str, list[int]]) -> bool:
            """False when the budget ran out."""
            nonlocal nodes
            open_ = [r for r in dom if len(dom[r]) > 1]
            if not open_:
                for r, js in dom.items():
                    used[r].add(js[0])
                return True
            row = min(open_, key=lambda r: len(dom[r]))
            for i in dom[row]:
                if i in used[row] and all(used[r2] >= set(dom[r2]) for r2 in dom if r2 != row):
                    continue  # every choice below is already known to be used
                nodes += 1
                if nodes > BUDGET:
                    return False
                sub = narrow(dict(dom, **{row: [i]}))
                if sub is not None and not dfs(sub):
                    return False
            return True

        if not dfs(start):
            return None
        return used


def _centre(n: Num) -> float:
    return (n.x0 + n.x1) / 2


def _tolerance(offsets: dict[int, float]) -> float:
    """How far a number may sit from its column's label: the median spacing of the labels."""
    xs = sorted(offsets.values())
    gaps = sorted(b - a for a, b in zip(xs, xs[1:]))
    return gaps[len(gaps) // 2] if gaps else 0.0


def _near(n: Num, c: int, offsets: dict[int, float]) -> bool:
    """n sits nearest column c's label, and close to it."""
    if c not in offsets:
        return False
    d = abs(offsets[c] - _centre(n))
    return min(offsets, key=lambda j: abs(offsets[j] - _centre(n))) == c and d <= _tolerance(offsets)


def _cost(p: list, offsets: dict[int, float]) -> float | None:
    if any(n is not None and c not in offsets for c, n in enumerate(p)):
        return None
    return sum(abs(_centre(n) - offsets[c]) for c, n in enumerate(p) if n is not None)


def place(fmt: str, aggregate: bool, fixed: dict[str, list], short: dict[str, list[Num]], k: int,
          offsets: dict[str, dict[int, float]] | None = None, gaps: dict[str, tuple[bool, bool]] | None = None,
          stated: list | None = None, loose: bool = False) -> dict[str, Placed] | None:
    """Cells of every short row, or None when no choice satisfies the identities (or the search
    is too large): the caller then reads them as before. With `gaps` (run-together text: row →
    whether a space precedes and follows its numbers), each number may be several cells run
    together and each space stands for blank cells (glued_options). `stated`: the report's prose
    on some rows (settle.request_statements), which removes the placements it contradicts.
    `loose`: the text keeps nothing where blank cells were (8213521859): each number may be
    several cells, in order, anywhere in the row (loose_options)."""
    results = set(schema.request_result_rows(fmt, aggregate))
    for blank_totals in (False, True):
        if loose:
            options = {r: loose_options(nums, k, blank_totals and r in results) for r, nums in short.items()}
        elif gaps is None:
            options = {r: _options(nums, k, blank_totals and r in results) for r, nums in short.items()}
        else:
            options = {r: glued_options(nums, *gaps.get(r, (False, False)), k, blank_totals and r in results)
                       for r, nums in short.items()}
        limit = MAX_LOOSE_OPTIONS if loose else MAX_OPTIONS if gaps is None else MAX_GLUED_OPTIONS
        if any(not o or len(o) > limit for o in options.values()):
            continue
        feasible = _Feasible(fmt, aggregate, fixed, blank_totals)
        allowed = {r: list(range(len(o))) for r, o in options.items()}
        # the page's columns first (a layout dump): fewer placements to search, and a table too
        # large for the identities alone may not be once its numbers' columns are pinned
        by_page, paged = by_columns(options, short, allowed, feasible) if gaps is None and not loose else (allowed, set())
        # the maps' queries had the table's search bound to themselves: the reading's own start
        # afresh, so a page that could not be narrowed leaves the identities the bound they had
        feasible.work = 0
        feas = feasible(options, by_page) if paged else None
        if feas is not None and all(feas.values()):
            allowed = by_page
        else:
            paged = set()
            feas = feasible(options, allowed)
        if feas is None:
            return None
        if any(not js for js in feas.values()):
            continue
        allowed, feas, said = _by_prose(fmt, options, allowed, feas, feasible, stated or [])
        by_position: set[str] = set()
        if offsets:
            # every row the offsets place, tried at once: one query with those rows fixed is
            # cheap, where a query per row can spend the table's search bound (WORK) before the
            # last rows are tried
            picks = {r: j for r in short if (j := _by_offsets_row(options[r], feas[r], offsets.get(r, {}), k)) is not None}
            trial = dict(allowed, **{r: [j] for r, j in picks.items()})
            got = feasible(options, trial) if picks else None
            if got is not None and all(got.values()):
                allowed, feas = trial, got
                by_position |= set(picks)
        changed = bool(offsets)
        while changed:
            changed = False
            for r in short:
                j = _by_offsets_row(options[r], feas[r], offsets.get(r, {}), k)
                if j is None:
                    continue
                trial = dict(allowed, **{r: [j]})
                got = feasible(options, trial)
                if got is None or any(not s for s in got.values()):
                    continue
                allowed, feas, changed = trial, got, True
                by_position.add(r)
        # where the identities leave several placements, the one that puts the numbers under
        # the most common applicants, row by row in table order, is taken as a guess; its cells
        # say so and list what else they could be
        open_ = dict(feas)
        rank = _prevalence(fmt)

        def prior(r: str, j: int):
            return sorted(rank.get(c, 0) for c, n in enumerate(options[r][j]) if _val(n)), j

        # one choice that satisfies every identity, rows in table order, each under the most
        # common applicants it can be (one search: guessing row by row, a query per row, can run
        # past the table's search bound and leave rows picked apart, breaking the sums)
        choice = feasible(options, {r: sorted(feas[r]) for r in short},
                          {r: sorted(feas[r], key=lambda j, r=r: prior(r, j)) for r in short})
        if choice and all(r in choice for r in short):
            feas = {r: {choice[r]} for r in short}
        for r in short:
            if len(feas[r]) < 2:
                continue
            pick = min(feas[r], key=lambda j, r=r: prior(r, j))
            trial = dict(allowed, **{r: [pick]})
            got = feasible(options, trial)
            if got is None or any(not s for s in got.values()):
                break
            allowed, feas = trial, got
        out = {r: _cells(options[r], sorted(open_[r]), min(feas[r]), k, blank_totals and r in results,
                         r in by_position, r in paged) for r in short}
        for r, texts in said.items():
            if r in out:
                out[r].reason += f"; the report's prose ({'; '.join(texts)}) removed the placements it contradicts"
        return out
    return None


APART_X = 4.0  # characters: numbers of one page this far apart are in different columns; closer, in one


def _page_rows(short: dict[str, list[Num]]) -> dict[str, tuple[int, list[float]]]:
    """Rows whose numbers keep a layout's columns (pdftotext -layout: set apart by 2+ spaces, on one
    line): row → (page, each number's centre)."""
    out = {}
    for r, nums in short.items():
        if nums and all(n.padded and n.bbox is None for n in nums) and len({n.line for n in nums}) == 1:
            out[r] = (nums[0].tpage, [_centre(n) for n in nums])
    return out


def _clusters(xs: list[float]) -> list[float] | None:
    """The page's column positions: its numbers' offsets chained while less than APART_X apart;
    None where a chain spans APART_X or more (two columns the offsets cannot part)."""
    groups = chains(xs, APART_X, touching=False)
    if any(g[-1] - g[0] >= APART_X for g in groups):
        return None
    return [g[0] for g in groups]


def _group_of(groups: list[float], x: float) -> float:
    return max(g for g in groups if g <= x)


def _page_maps(on: list[str], rows: dict, options: dict[str, list[list]], dom: dict[str, list[int]], k: int,
               feasible) -> dict[str, set[int]] | None:
    """Each of rows `on` (one page) → its placements under the maps of the page's offset groups to
    columns that the identities keep; None when the offsets do not group or no map is kept."""
    groups = _clusters([x for r in on for x in rows[r][1]])
    if groups is None or len(groups) > k:
        return None
    where = {r: [groups.index(_group_of(groups, x)) for x in rows[r][1]] for r in on}
    if any(len(set(w)) < len(w) for w in where.values()):
        return None  # two numbers of one row in one group: not a column
    index = {r: {tuple(c for c, n in enumerate(o) if n is not None): j for j, o in enumerate(options[r])}
             for r in on}
    kept: dict[str, set[int]] = {r: set() for r in on}
    for cmap in itertools.combinations(range(k), len(groups)):
        pick = {r: index[r].get(tuple(cmap[g] for g in where[r])) for r in on}
        if any(j is None or j not in dom[r] for r, j in pick.items()):
            continue
        got = feasible(options, dict(dom, **{r: [j] for r, j in pick.items()}))
        if got is not None and not all(got.values()):
            continue  # the identities rule this map out (unknown: it stays)
        for r, j in pick.items():
            kept[r].add(j)
    return kept if all(kept.values()) else None


def by_columns(options: dict[str, list[list]], short: dict[str, list[Num]], allowed: dict[str, list[int]],
               feasible) -> tuple[dict[str, list[int]], set[str]]:
    """The placements of the short rows that their page's columns allow. pdftotext -layout lays
    out each page on one character grid: a column's numbers stand at nearly one offset on every
    line of the page (the widest a few characters left), whatever the header's wrapped labels
    print (squeezed, at other offsets: seed 2835 doc 91, seed 2837 doc 12). The page's numbers
    fall into groups of offsets, each group one column, left to right in column order: which
    columns the groups are is one choice for the whole page (an increasing map, at most C(k, m)
    of them), not one per row. A map is kept when every row of the page has a placement under it
    and the identities still hold with those placements (the other pages' rows free); each row
    keeps the placements of the kept maps. Returns the narrowed placements and the rows narrowed
    (the unnarrowed ones where the offsets do not part into groups, or no map is kept)."""
    rows = _page_rows(short)
    k = len(next(iter(options.values()))[0]) if options else 0
    dom = {r: list(js) for r, js in allowed.items()}
    for page in sorted({pg for pg, _ in rows.values()}):
        on = [r for r, (pg, _) in rows.items() if pg == page]
        kept = _page_maps(on, rows, options, dom, k, feasible)
        if kept is None:
            # a line whose wrapped label shares it with its numbers can be squeezed off the page's
            # grid (a 4 ten characters left of its column: seed 2833 doc 82); such a row owns a
            # group of its own. The other rows still group: it stays free
            groups = _clusters([x for r in on for x in rows[r][1]]) or []
            alone = [g for g in groups if sum(_group_of(groups, x) == g for r in on for x in rows[r][1]) == 1]
            rest = [r for r in on if not any(_group_of(groups, x) in alone for x in rows[r][1])]
            if alone and len(rest) < len(on):
                kept = _page_maps(rest, rows, options, dom, k, feasible)
        if kept:
            dom.update({r: sorted(js) for r, js in kept.items()})
    return dom, {r for r in dom if len(dom[r]) < len(allowed[r])}


def _by_offsets_row(opts: list[list], feasible: set[int], offsets: dict[int, float], k: int) -> int | None:
    """The one of a row's placements still open whose numbers sit nearest their columns' offsets
    (the header's, calibrated by the row's fixed numbers), when every number of it sits at its own
    column and no other placement is as near; else None."""
    js = sorted(feasible)
    if len(js) < 2:
        return None
    known = [all(opts[j][c] is opts[js[0]][c] for j in js) for c in range(k)]
    off = _calibrated(offsets, opts[js[0]], known)
    if not off:
        return None
    costs = [(_cost(opts[j], off), j) for j in js]
    if any(c is None for c, _ in costs):
        return None
    costs.sort()
    best = opts[costs[0][1]]
    if costs[0][0] == costs[1][0] or not all(_near(n, c, off) for c, n in enumerate(best) if n):
        return None
    return costs[0][1]


def _by_prose(fmt: str, options: dict[str, list], allowed: dict[str, list[int]], feas: dict[str, set[int]],
              feasible, stated: list) -> tuple[dict, dict, dict[str, list[str]]]:
    """Keep, of each short row the prose counts, the placements whose cells add up to its count
    (其中自然人申请26件: natural_person 26), where some choice satisfying every identity is left;
    a count that fits none (the prose and the table disagree) removes nothing. Returns the rows
    each statement narrowed, directly or through the identities, with what was said."""
    cols = list(schema.columns("requests", fmt))
    before = {r: set(js) for r, js in feas.items()}
    used: list[str] = []
    for st in stated:
        if st.row not in feas or len(feas[st.row]) < 2 or any(c not in cols for c in st.cols):
            continue
        idx = [cols.index(c) for c in st.cols]
        keep = [j for j in sorted(feas[st.row]) if sum(_val(options[st.row][j][i]) for i in idx) == st.value]
        if not keep or len(keep) == len(feas[st.row]):
            continue
        trial = dict(allowed, **{st.row: keep})
        got = feasible(options, trial)
        if got is None or any(not s for s in got.values()):
            continue
        allowed, feas = trial, got
        used.append(st.text)
    said = {r: used for r in feas if used and len(feas[r]) < len(before[r])}
    return allowed, feas, said


# ---------------------------------------------------------------- run-together text, zeros blank

# A scraped page that prints zeros as blank cells runs a row's printed cells together and keeps
# one space where one or more blank cells were (上海 2019: 一、本年新收…82135 21859 is 821 | 35 |
# blank | blank | 2 | 1 | 859). Its placements are many more than a spaced row's, all still
# checked against every identity.
MAX_GLUED_OPTIONS = 512
MAX_GLUED_DIGITS = 10  # a longer run of digits has too many splits to place here


MAX_CUTS = 20000  # ways to cut one row's numbers into cells; beyond it the row is not placed here


def _cuts(nums: list[Num]):
    """Every way to cut each of the numbers into cells (itertools.product of _digit_splits), or
    nothing when there are more than MAX_CUTS (long runs of digits on several numbers)."""
    each = [_digit_splits(n) for n in nums]
    if functools.reduce(operator.mul, (len(e) for e in each), 1) > MAX_CUTS:
        return iter(())
    return itertools.product(*each)


def _digit_splits(n: Num) -> list[list[Num]]:
    """The ways a printed number may be several cells run together, each well formed (no
    leading zero): 82135 → [82135], [8, 2135], …, [821, 35], …"""
    t = n.text
    if n.dash or n.decimal or not t.isdigit() or len(t) > MAX_GLUED_DIGITS:
        return [[n]]
    out: list[list[Num]] = []

    def rec(a: int, acc: list[Num]) -> None:
        if a == len(t):
            out.append(list(acc))
            return
        for b in range(a + 1, len(t) + 1):
            piece = t[a:b]
            if len(piece) > 1 and piece[0] == "0":
                break
            acc.append(n if (a, b) == (0, len(t)) else
                       dataclasses.replace(n, value=int(piece), text=piece, x0=n.x0 + a, x1=n.x0 + b))
            rec(b, acc)
            acc.pop()

    rec(0, [])
    return out


MAX_LOOSE_OPTIONS = 2048


def loose_options(nums: list[Num], k: int, blank_total: bool) -> list[list[Num | None]]:
    """Placements of a row whose cells run together with nothing where its zeros were: its
    numbers cut into cells, in order, in any of its columns (its identity holding, or its total
    blank). More than MAX_LOOSE_OPTIONS: the row is not placed."""
    out: list[list[Num | None]] = []
    for cut in _cuts(nums):
        parts = [x for c in cut for x in c]
        if len(parts) > k:
            continue
        out += _options(parts, k, blank_total)
        if len(out) > MAX_LOOSE_OPTIONS:
            break
    return out


def _blank_runs(m: int, free: int, lead: bool, trail: bool):
    """Blank cells before, between and after m printed pieces: one or more where the text kept
    a space (between two pieces always), none where it kept none; `free` blanks in all."""
    lo = [1 if lead else 0] + [1] * (m - 1) + [1 if trail else 0]
    opens = [lead] + [True] * (m - 1) + [trail]
    rest = free - sum(lo)
    if rest < 0:
        return
    slots = [i for i, o in enumerate(opens) if o]
    if not slots:
        if rest == 0:
            yield lo
        return
    for extra in itertools.combinations_with_replacement(slots, rest):
        got = list(lo)
        for i in extra:
            got[i] += 1
        yield got


def glued_options(nums: list[Num], lead: bool, trail: bool, k: int, blank_total: bool) -> list[list[Num | None]]:
    """Placements of a run-together row whose zeros print nothing: each printed number cut into
    cells that sit side by side, each space one or more blank cells, a space before the first
    number (after the label) or after the last one blank cells there; the row's own identity
    holding, or its total blank (blank_total)."""
    def holds(p: list) -> bool:
        if blank_total:
            return p[-1] is None
        return _row_ok([_val(x) for x in p])

    return _glued(nums, lead, trail, k, holds)


def _glued(nums: list[Num], lead: bool, trail: bool, k: int, holds) -> list[list[Num | None]]:
    out = []
    for cut in _cuts(nums):
        cells = sum(len(c) for c in cut)
        if cells > k:
            continue
        for blanks_ in _blank_runs(len(cut), k - cells, lead, trail):
            p: list[Num | None] = [None] * blanks_[0]
            for piece, b in zip(cut, blanks_[1:]):
                p += list(piece) + [None] * b
            if holds(p):
                out.append(p)
            if len(out) > MAX_GLUED_OPTIONS:
                return out
    return out


# Applicants by how often real reports count requests from them: the requests rows (but 总计) of
# the gold of the ten real reports the project has (../shared/real and ../shared/seeds, counted
# for issue 24) print a number other than 0 under 自然人 52 times, 商业企业 9, 法律服务机构 3, 其他 2,
# 社会公益组织 and 科研机构 never (their order: as listed before the count). The order a guess
# fills the columns in — a prior of real reports, never of the synthetic generator's draws;
# tests/test_dump_guesses.py recounts it.
APPLICANT_COUNTS = {"natural_person": 52, "enterprise": 9, "legal_service": 3, "other_org": 2,
                    "nonprofit": 0, "research": 0}
PREVALENCE = tuple(APPLICANT_COUNTS)


def _prevalence(fmt: str) -> dict[int, int]:
    cols = list(schema.columns("requests", fmt))
    return {cols.index(c): i for i, c in enumerate(PREVALENCE) if c in cols}


def _cells(opts: list[list], js: list[int], pick: int, k: int, blank_total: bool, positioned: bool,
           paged: bool = False) -> Placed:
    cells, alts, guess = [], [], []
    for c in range(k):
        vals = {_val(opts[j][c]) for j in js}
        if len(vals) == 1:
            # one value however placed (a zero printed or left blank reads the same)
            cells.append(next((opts[j][c] for j in js if opts[j][c] is not None), None))
            alts.append([])
            guess.append(False)
        else:
            cells.append(opts[pick][c])
            alts.append(sorted(vals))
            guess.append(True)
    n = sum(1 for x in opts[pick] if x is not None)
    # reconcile.identities.chosen_by reads which identities placed a cell from the words after
    # the last " by the ": these cannot vouch for it
    how = "by the header's column offsets and the row, column and balance identities" if positioned \
        else "by the page's columns and the row, column and balance identities" if paged \
        else "by the row, column and balance identities"
    reason = f"{k - n} blank cell(s) placed {how}"
    if blank_total:
        reason += "; the result rows leave 总计 blank"
    if any(guess):
        reason += f"; {len(js)} placements fit them, the one under the most common applicants taken"
    return Placed(cells, alts, guess, reason)


# 行政复议/诉讼 results by how often real reports print a non-zero value (the gold of the ten real
# reports the project has: 维持 7, 其他 3, 尚未审结 2, 纠正 1), and the three groups as printed
# (复议 most often, 复议后起诉 least: 6, 4 and 3 non-zero results): the order a guess fills. A
# prior of many reports, not one page's answer: it must not be tuned to make a particular report
# come out right. tests/test_dump_guesses.py recounts it.
APPEAL_COUNTS = {"upheld": 7, "other": 3, "pending": 2, "corrected": 1}
APPEAL_PREVALENCE = tuple(APPEAL_COUNTS)
APPEAL_GROUPS = 3
APPEAL_WIDTH = 5


def _group_placements(part: list[Num]) -> list[list[Num | None]]:
    """Placements of one group's numbers whose total (the fifth column) is the sum of the rest."""
    return [p for p in _options(part, APPEAL_WIDTH, False) if p[-1] is not None or not part]


APPEAL_ROWS = ("review", "suit_direct", "suit_after_review")
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")


def _appeals_by_prose(full: list[list], stated: list) -> tuple[list[list], list[str]]:
    """Keep, statement by statement, the appeals placements whose cells add up to what the
    report's prose says (settle.appeal_statements: 行政复议7件 → 复议 总计 7; 均获维持 → 结果纠正 and
    其他结果 0 in the groups it speaks of); a statement no placement fits (the prose and the table
    disagree) removes nothing. Returns the placements left and the statements that removed some."""
    used: list[str] = []
    for st in stated:
        if any(r not in APPEAL_ROWS for r in st.rows) or any(c not in APPEAL_COLS for c in st.cols):
            continue
        idx = [APPEAL_ROWS.index(r) * APPEAL_WIDTH + APPEAL_COLS.index(c) for r in st.rows for c in st.cols]
        keep = [p for p in full if sum(_val(p[i]) for i in idx) == st.value]
        if keep and len(keep) < len(full):
            full = keep
            used.append(st.text)
    return full, used


# the words of the appeals header that name one result column (结果 heads three of them, 其他 one
# only: 其他结果); 总计 wraps to 总 / 计 in narrow columns
APPEAL_HEAD_WORDS = {"维持": "upheld", "结果维持": "upheld", "纠正": "corrected", "结果纠正": "corrected",
                     "其他": "other", "其他结果": "other", "尚未": "pending", "审结": "pending", "尚未审结": "pending",
                     "总计": "total", "总": "total", "计": "total"}


def appeal_offsets(st: Stream, first: int, last: int) -> dict[int, float]:
    """Cell index (of the fifteen) → character offset of its printed label, from the header lines
    [first, last) of a layout dump: each result's words (维持, 纠正, 其他, 尚未 / 审结, 总计) are
    printed once per group, left to right 行政复议, 未经复议直接起诉, 复议后起诉, on whichever of the
    wrapped header lines; a result whose words do not stand at exactly three places gives no
    offset. Too few offsets, or offsets not left to right in table order: none."""
    xs: dict[str, list[float]] = {}
    for li in range(first, last):
        for m in re.finditer(r"\S+", st.slines.get(li, "")):
            col = APPEAL_HEAD_WORDS.get(m.group())
            if col:
                xs.setdefault(col, []).append((m.start() + m.end()) / 2)
    out: dict[int, float] = {}
    for col, at in xs.items():
        places: list[list[float]] = []
        for x in sorted(at):
            if places and x - places[-1][-1] <= SAME_PLACE:
                places[-1].append(x)
            else:
                places.append([x])
        if len(places) == APPEAL_GROUPS:
            for g, p in enumerate(places):
                out[g * APPEAL_WIDTH + APPEAL_COLS.index(col)] = sum(p) / len(p)
    order = sorted(out)
    if len(out) < 2 * APPEAL_GROUPS or any(out[b] <= out[a] for a, b in zip(order, order[1:])):
        return {}
    return out


SAME_PLACE = 2.0  # characters: a word wrapped onto the next header line stands about where it did


def _by_offsets(full: list[list], offsets: dict[int, float]) -> list[list] | None:
    """The placement whose numbers sit nearest their columns' labels, when every number of it sits
    at its own column's label (nearest, within the labels' median spacing) and no other placement
    is as near; else None."""
    costs = sorted((c, j) for j, p in enumerate(full) if (c := _cost(p, offsets)) is not None)
    if not costs or (len(costs) > 1 and costs[0][0] == costs[1][0]):
        return None
    best = full[costs[0][1]]
    if not all(_near(n, c, offsets) for c, n in enumerate(best) if n is not None):
        return None
    return [best]


def appeals_as_printed(nums: list[Num], offsets: dict[int, float]) -> list[Num | None] | None:
    """A layout dump's appeals row that no split keeps the group totals (a printing error: 总计 1
    over blank results): each number under the label it sits at (nearest, within the labels'
    median spacing, left to right), so it is read as printed and the identities flag it. None
    when some number sits at no label of its own."""
    if not offsets or len(offsets) < APPEAL_GROUPS * APPEAL_WIDTH:
        return None
    out: list[Num | None] = [None] * (APPEAL_GROUPS * APPEAL_WIDTH)
    last = -1
    for n in nums:
        c = min(offsets, key=lambda j: abs(offsets[j] - _centre(n)))
        if not _near(n, c, offsets) or c <= last:
            return None
        out[c], last = n, c
    return out


def _pick_appeals(full: list[list], stated: list | None, offsets: dict[int, float] | None = None) -> Placed:
    """The cells every placement agrees on, the rest the guess under the most common groups and
    results; where the prose removed placements, the cells it settled say so. With `offsets` (a
    layout dump's header, appeal_offsets), the placement under the labels is taken where every
    number sits at its own column's label."""
    k = APPEAL_GROUPS * APPEAL_WIDTH
    before = full
    full, used = _appeals_by_prose(full, stated or [])
    placed = _by_offsets(full, offsets) if offsets and len(full) > 1 else None
    if placed is not None:
        out = _cells(placed, [0], 0, k, False, True)
        out.reason = out.reason.replace("the row, column and balance identities", "the row identities")
        if used:
            out.reason += f"; the report's prose ({'; '.join(used)}) removed the placements it contradicts"
        return out
    rank = [g * len(APPEAL_PREVALENCE) + APPEAL_PREVALENCE.index(c) if c in APPEAL_PREVALENCE else 0
            for g in range(APPEAL_GROUPS) for c in APPEAL_COLS]
    pick = min(range(len(full)), key=lambda j: (sorted(rank[i] for i, n in enumerate(full[j]) if _val(n)), j))
    out = _cells(full, list(range(len(full))), pick, k, False, False)
    out.reason = out.reason.replace("the row, column and balance identities", "the row identities").replace(
        "the most common applicants", "the most common groups and results")
    if used:
        said = "; ".join(used)
        out.said = [said if not g and len({_val(p[c]) for p in before}) > 1 else ""
                    for c, g in enumerate(out.guess)]
        out.reason += f"; the report's prose ({said}) removed the placements it contradicts"
    return out


def place_appeals(nums: list[Num], loose: bool = False, stated: list | None = None,
                  offsets: dict[int, float] | None = None, broken: bool = False) -> Placed | None:
    """The appeals row (three groups of five) printing fewer numbers than cells, in text without
    positions: every split of the numbers, in order, over the groups such that each group's
    total is the sum of its results. What the report's prose says of its appeals (`stated`,
    settle.appeal_statements) removes the splits it contradicts. A cell is read where all of them
    agree; elsewhere the one that puts the numbers in the most common groups and results is taken
    as a guess. `loose`: the cells ran together with nothing where blank ones were (527819), each
    number may be several cells. `offsets`: a layout dump's header (appeal_offsets).
    `broken`: no split keeps every group's total (a printing error: 4 1 3 9 under 总计 9), so the
    splits in which exactly one group breaks it are taken, that group's last number its 总计 (the
    identities then flag it).
    """
    full: list[list[Num | None]] = []
    for cut in (_cuts(nums) if loose else [[[n] for n in nums]]):
        got = _appeal_placements([x for c in cut for x in c], broken)
        if got is None:
            return None
        full += got
        if len(full) > MAX_GLUED_OPTIONS:
            return None
    if not full:
        return None
    out = _pick_appeals(full, stated, None if loose else offsets)
    if loose:
        out.reason = "cells run together split, blank cells placed anywhere; " + out.reason
    if broken:
        out.reason = "no split keeps every group's total: one group read as printed, its last number its 总计; " \
            + out.reason
    return out


def _broken_group(part: list[Num]) -> list[list[Num | None]]:
    """Placements of one group's numbers that break its total, the last number in 总计 (a printing
    error: the group is read as printed and its identity flags it)."""
    if not 0 < len(part) <= APPEAL_WIDTH:
        return []
    out = []
    for cols in itertools.combinations(range(APPEAL_WIDTH - 1), len(part) - 1):
        p: list[Num | None] = [None] * APPEAL_WIDTH
        for n, c in zip(part, cols):
            p[c] = n
        p[-1] = part[-1]
        if not _row_ok([_val(x) for x in p]):
            out.append(p)
    return out


def _appeal_placements(nums: list[Num], broken: bool = False) -> list[list[Num | None]] | None:
    """The splits of the numbers, in order, over the three groups, each group's total the sum of
    its results (`broken`: all but exactly one group's); None when there are too many to weigh."""
    k = APPEAL_GROUPS * APPEAL_WIDTH
    m = len(nums)
    if not 0 < m < k:
        return []
    full: list[list[Num | None]] = []
    for a in range(min(APPEAL_WIDTH, m) + 1):
        for b in range(min(APPEAL_WIDTH, m - a) + 1):
            c = m - a - b
            if c > APPEAL_WIDTH:
                continue
            parts = [nums[:a], nums[a:a + b], nums[a + b:]]
            groups = [_group_placements(p) if p else [[None] * APPEAL_WIDTH] for p in parts]
            tries = [groups] if not broken else \
                [[_broken_group(p) if i == j else g for j, (p, g) in enumerate(zip(parts, groups))]
                 for i in range(APPEAL_GROUPS)]
            for each in tries:
                if any(not g for g in each):
                    continue
                for combo in itertools.product(*each):
                    full.append([n for g in combo for n in g])
                    if len(full) > MAX_OPTIONS * 8:
                        return None
    return full


def _groups_hold(p: list) -> bool:
    vals = [_val(x) for x in p]
    return all(_row_ok(vals[g * APPEAL_WIDTH:(g + 1) * APPEAL_WIDTH]) for g in range(APPEAL_GROUPS))


def place_appeals_glued(nums: list[Num], lead: bool, trail: bool, stated: list | None = None) -> Placed | None:
    """The appeals row in run-together text whose zeros print nothing (上海 2019 scraped: 5 278 19
    is 5 | | | 2 | 7, 8 | | 1 | | 9 and a blank group): cut and placed as glued_options does, each
    group's total the sum of its results; what the placements agree on is read, the rest guessed
    as place_appeals does."""
    k = APPEAL_GROUPS * APPEAL_WIDTH
    full = _glued(nums, lead, trail, k, _groups_hold)
    if not full or len(full) > MAX_GLUED_OPTIONS:
        return None
    out = _pick_appeals(full, stated)
    out.reason = "cells run together split, spaces read as blank cells; " + out.reason
    return out

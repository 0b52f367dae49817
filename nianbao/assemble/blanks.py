"""Blank cells in text without positions, placed by the table's identities together.

When zeros are printed as blank cells and the text keeps no column positions (pdftotext
-raw, a pypdfium2 dump), a requests row like "信访举报投诉类申请 3 3" could put the 3 under any
applicant column. Each such row has the placements that satisfy its own row identity; this
module picks one placement per row so that the column identities (办理结果之和 = 总计, and
第一项+第二项 = 第三项+第四项) hold as well. It only chooses where printed numbers go; it never
changes a number.
"""
from __future__ import annotations

from nianbao import schema

MAX_TRIALS = 5000  # candidate trials (~0.15 s); beyond it the rows keep their row-identity placement


def _equations(fmt: str) -> list[tuple[list[str], list[str], str]]:
    """The column identities as (left rows, right rows, column)."""
    cols = list(schema.columns("requests", fmt))
    results = list(schema.request_result_rows(fmt))
    eqs = []
    for c in cols:
        eqs.append((["result.total"], results, c))
        eqs.append((["result.total", "carried_forward"], ["new_received", "carried_over"], c))
    return eqs


def resolve(fmt: str, fixed: dict[str, list], ambiguous: dict[str, list[list]]) -> tuple[dict[str, int], bool] | None:
    """Pick a candidate index per ambiguous row so that the column identities hold.

    fixed: row id → its 7 values (None where unread); ambiguous: row id → candidate value lists.
    Returns (choice per row, unique) or None when no combination satisfies them (or the search
    is too large). Each unassigned row contributes the range of its candidates to every
    equation, so a branch is cut as soon as an equation's two sides cannot meet."""
    cols = list(schema.columns("requests", fmt))
    ci = {c: i for i, c in enumerate(cols)}
    eqs = [(l, r, ci[c]) for l, r, c in _equations(fmt)]
    eqs = [e for e in eqs if any(x in ambiguous for x in e[0] + e[1])]
    # an equation with an unread cell cannot constrain anything
    eqs = [(l, r, j) for l, r, j in eqs
           if all(x in ambiguous or (x in fixed and fixed[x][j] is not None) for x in l + r)]
    order = sorted(ambiguous, key=lambda r: len(ambiguous[r]))
    width = len(cols)
    lo = {r: [min(c[j] for c in ambiguous[r]) for j in range(width)] for r in ambiguous}
    hi = {r: [max(c[j] for c in ambiguous[r]) for j in range(width)] for r in ambiguous}
    # bounds of each side of each equation: [low, high], with unassigned rows at their ranges
    bounds = []
    for l, r, j in eqs:
        sides = []
        for side in (l, r):
            a = b = 0
            for x in side:
                if x in ambiguous:
                    a += lo[x][j]
                    b += hi[x][j]
                else:
                    a += fixed[x][j]
                    b += fixed[x][j]
            sides.append([a, b])
        bounds.append(sides)
    touching = {x: [(e, 0 if x in eqs[e][0] else 1) for e in range(len(eqs)) if x in eqs[e][0] + eqs[e][1]]
                for x in ambiguous}
    choice: dict[str, int] = {}
    solutions: list[dict[str, int]] = []
    nodes = 0

    def shift(x: str, cand: list, sign: int) -> bool:
        """Move row x from its range to `cand` (sign 1) or back (sign -1); report feasibility."""
        ok = True
        for e, side in touching[x]:
            j = eqs[e][2]
            bnd = bounds[e][side]
            bnd[0] += sign * (cand[j] - lo[x][j])
            bnd[1] += sign * (cand[j] - hi[x][j])
            (la, lb), (ra, rb) = bounds[e]
            if la > rb + 1e-9 or ra > lb + 1e-9:
                ok = False
        return ok

    def dfs(i: int) -> bool:
        nonlocal nodes
        if i == len(order):
            solutions.append(dict(choice))
            return len(solutions) >= 2
        r = order[i]
        for j, cand in enumerate(ambiguous[r]):
            nodes += 1
            if nodes > MAX_TRIALS:
                return True
            choice[r] = j
            ok = shift(r, cand, 1)
            stop = ok and dfs(i + 1)
            shift(r, cand, -1)
            if stop:
                return True
        choice.pop(r, None)
        return False

    if not eqs:
        return None
    dfs(0)
    if nodes > MAX_TRIALS or not solutions:
        return None
    return solutions[0], len(solutions) == 1

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


def _equations(fmt: str, aggregate: bool = False,
               blank_totals: bool = False) -> list[tuple[list[str], list[str], str]]:
    """The column identities as (left rows, right rows, column). `blank_totals`: the result rows
    leave their 总计 cell blank (spec variant blank_totals), so the printed （七）总计's own 总计
    is not the sum of theirs; that one equation is left out, the balance still holds."""
    cols = list(schema.columns("requests", fmt))
    results = list(schema.request_result_rows(fmt, aggregate))
    eqs = []
    for c in cols:
        if not (blank_totals and c == cols[-1]):
            eqs.append((["result.total"], results, c))
        eqs.append((["result.total", "carried_forward"], ["new_received", "carried_over"], c))
    return eqs


class Search:
    """Candidate placements per row, chosen together so that the column identities hold.

    fixed: row id → its 7 values (None where unread); options: row id → candidate value lists.
    Each unassigned row contributes the range of its candidates to every equation, so a branch
    is cut as soon as an equation's two sides cannot meet. `budget` caps the nodes one search
    may try; `exhausted` says a search gave up (its answer is then unknown, not empty)."""

    def __init__(self, fmt: str, fixed: dict[str, list], options: dict[str, list[list]],
                 aggregate: bool = False, budget: int = MAX_TRIALS, blank_totals: bool = False):
        cols = list(schema.columns("requests", fmt))
        ci = {c: i for i, c in enumerate(cols)}
        eqs = [(l, r, ci[c]) for l, r, c in _equations(fmt, aggregate, blank_totals)]
        eqs = [e for e in eqs if any(x in options for x in e[0] + e[1])]
        # an equation with an unread cell cannot constrain anything
        self.eqs = [(l, r, j) for l, r, j in eqs
                    if all(x in options or (x in fixed and fixed[x][j] is not None) for x in l + r)]
        self.fixed, self.options, self.budget = fixed, options, budget
        self.order = sorted(options, key=lambda r: len(options[r]))
        width = len(cols)
        self.lo = {r: [min(c[j] for c in options[r]) for j in range(width)] for r in options}
        self.hi = {r: [max(c[j] for c in options[r]) for j in range(width)] for r in options}
        self.touching = {x: [(e, 0 if x in self.eqs[e][0] else 1) for e in range(len(self.eqs))
                             if x in self.eqs[e][0] + self.eqs[e][1]] for x in options}
        self.exhausted = False

    def _bounds(self) -> list[list[list[float]]]:
        """Each side of each equation as [low, high], with every optional row at its range."""
        bounds = []
        for l, r, j in self.eqs:
            sides = []
            for side in (l, r):
                a = b = 0
                for x in side:
                    if x in self.options:
                        a += self.lo[x][j]
                        b += self.hi[x][j]
                    else:
                        a += self.fixed[x][j]
                        b += self.fixed[x][j]
                sides.append([a, b])
            bounds.append(sides)
        return bounds

    def solutions(self, limit: int = 2, only: dict[str, set[int]] | None = None) -> list[dict[str, int]]:
        """Up to `limit` choices (row → candidate index) under which every equation holds;
        `only` restricts some rows to some of their candidates."""
        bounds = self._bounds()
        eqs, lo, hi, touching = self.eqs, self.lo, self.hi, self.touching
        choice: dict[str, int] = {}
        found: list[dict[str, int]] = []
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
            if i == len(self.order):
                found.append(dict(choice))
                return len(found) >= limit
            r = self.order[i]
            for j, cand in enumerate(self.options[r]):
                if only and r in only and j not in only[r]:
                    continue
                nodes += 1
                if nodes > self.budget:
                    self.exhausted = True
                    return True
                choice[r] = j
                ok = shift(r, cand, 1)
                stop = ok and dfs(i + 1)
                shift(r, cand, -1)
                if stop:
                    return True
            choice.pop(r, None)
            return False

        dfs(0)
        return found

    def feasible(self) -> dict[str, set[int]] | None:
        """For each row, the candidates that some full choice satisfying every equation uses;
        None when a search ran out of budget (the answer is unknown)."""
        out: dict[str, set[int]] = {r: set() for r in self.options}
        first = self.solutions(1)
        if self.exhausted:
            return None
        if not first:
            return out
        for r, j in first[0].items():
            out[r].add(j)
        for r in self.order:
            for j in range(len(self.options[r])):
                if j in out[r]:
                    continue
                sol = self.solutions(1, {r: {j}})
                if self.exhausted:
                    return None
                for rr, jj in (sol[0].items() if sol else ()):
                    out[rr].add(jj)
        return out


def resolve(fmt: str, fixed: dict[str, list], ambiguous: dict[str, list[list]],
            aggregate: bool = False) -> tuple[dict[str, int], bool] | None:
    """Pick a candidate index per ambiguous row so that the column identities hold.

    Returns (choice per row, unique) or None when no combination satisfies them (or the search
    is too large)."""
    search = Search(fmt, fixed, ambiguous, aggregate)
    if not search.eqs:
        return None
    found = search.solutions(2)
    if search.exhausted or not found:
        return None
    return found[0], len(found) == 1

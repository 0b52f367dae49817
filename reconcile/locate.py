"""Which cells a broken check points at: the ones that can be wrong, not every cell it sums.

A broken check is repaired by moving its form one way (Check.need); a cell can be the culprit
only if changing it that way keeps it a count (not below 0) and agrees with every other broken
check it sits in. A cell inside an equation that holds cannot be wrong alone: the equation would
break; it stays a suspect only if that equation holds a partner that is itself a suspect of a
broken check and whose change would cancel its own there (a value read into the wrong column
of a row, a row read into the wrong place, a digit lost in a part and in its total). A suspect
that alone repairs every broken check it sits in is named before the others; of those, the
ones read on the weakest evidence (lowest confidence: a blank on a scan, a value only the model
read). An equation
that holds through a cell a reader placed by fitting the identities (blank cells, split digits)
proves nothing against a suspect: such placements err together, row after row.
"""
from __future__ import annotations

from nianbao.schema.checks import Check

# a cell read on evidence this much weaker than another suspect's is the likelier culprit
WEAKER = 0.05


def _direction(check: Check, key: str) -> int:
    return check.need() * (1 if check.coef[key] > 0 else -1)


def _can_move(key: str, d: int, vals: dict) -> bool:
    """Whether the cell can move that way and stay a count (not all of the difference need be
    its own: errors come in twos and threes)."""
    return d > 0 or vals[key] > 0


def suspects(cks: list[Check], vals: dict, conf: dict[str, float],
             placed: set[str] = frozenset()) -> dict[int, list[str]]:
    """{index of a broken check in `cks`: the cells it names}; `placed`: cells a reader placed
    by fitting the identities."""
    broken = [i for i, c in enumerate(cks) if c.broken]
    holding = [c for c in cks if c.vouches and not placed & c.coef.keys()]
    cand: dict[int, dict[str, int]] = {}
    for i in broken:
        c = cks[i]
        cand[i] = {k: d for k in c.coef if c.coef[k] for d in [_direction(c, k)] if _can_move(k, d, vals)}
    moves: dict[str, set[int]] = {}  # cell -> directions some broken check asks of it
    for i in broken:
        for k, d in cand[i].items():
            moves.setdefault(k, set()).add(d)

    def plausible(k: str, d: int) -> bool:
        if moves.get(k, set()) - {d}:
            return False  # two broken checks pull it opposite ways
        for h in holding:
            if k not in h.coef:
                continue
            want = -h.coef[k] * d  # a partner's coef * direction must cancel this
            if not any(y != k and want in {h.coef[y] * dy for dy in moves.get(y, ())} for y in h.coef):
                return False
        return True

    out: dict[int, list[str]] = {}
    for i in broken:
        ok = {k: d for k, d in cand[i].items() if plausible(k, d)}
        if not ok:
            out[i] = sorted(cks[i].coef)  # more than the checks can untangle: all its cells
            continue
        # a cell that alone repairs every broken check it sits in, by one amount, explains
        # them all: where one does, it is named; otherwise every suspect can share the blame.
        # Of those, the ones read on the weakest evidence
        mine = {k: [j for j in broken if k in cand[j]] for k in ok}
        whole = [k for k in ok if len(mine[k]) > 1
                 and len({round(abs(cks[j].value), 6) for j in mine[k] if cks[j].kind == "eq"}) <= 1]
        best = whole or list(ok)
        weakest = min(conf.get(k, 1.0) for k in best)
        out[i] = sorted(k for k in best if conf.get(k, 1.0) <= weakest + WEAKER)
    return out

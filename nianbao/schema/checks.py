"""What the identities can still say about the cells that were read.

An identity is one linear equation, sum(left) == sum(right). With every cell read it is checked
as printed. A cell that could not be read does not drop the identity: counts are never below 0,
so the cells read still bound it —
- unread cells on one side only: that side's read part may not exceed the other side
  (a column's printed parts already above its printed total; a derived cell below 0);
- one unread cell that two identities each determine: the two derivations must agree.
Each such constraint is a Check: a linear form over read cells, `== 0` or `>= 0`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

EPS = 1e-6


@dataclass
class Check:
    kind: str  # "eq": form == 0; "ge": form >= 0
    coef: dict[str, int]  # read cell -> coefficient (+1 left side, -1 right side)
    sources: list  # the Equation(s) it comes from
    unread: list[str] = field(default_factory=list)  # cells it bounds or eliminates
    value: float = 0.0  # the form on the cells as read

    @property
    def broken(self) -> bool:
        return abs(self.value) > EPS if self.kind == "eq" else self.value < -EPS

    @property
    def vouches(self) -> bool:
        """An equation that holds with every cell read vouches for its cells; a bound does not."""
        return self.kind == "eq" and not self.unread and not self.broken

    def need(self) -> int:
        """The sign the form must move by to repair the check."""
        return (1 if self.value < 0 else -1) if self.kind == "eq" else 1


def _form(eq, vals: dict) -> tuple[dict[str, int], list[str], list[str], float]:
    coef: dict[str, int] = {}
    unread_l = [k for k in eq.left if vals.get(k) is None]
    unread_r = [k for k in eq.right if vals.get(k) is None]
    for side, sign in ((eq.left, 1), (eq.right, -1)):
        for k in side:
            if vals.get(k) is not None:
                coef[k] = coef.get(k, 0) + sign
    value = sum(c * vals[k] for k, c in coef.items())
    return coef, unread_l, unread_r, value


def checks(eqs: list, vals: dict) -> list[Check]:
    out: list[Check] = []
    determined: dict[str, list[tuple[object, dict[str, int], float]]] = {}
    for eq in eqs:
        coef, ul, ur, value = _form(eq, vals)
        if not ul and not ur:
            out.append(Check("eq", coef, [eq], [], value))
            continue
        if ul and ur:
            continue  # unread on both sides: any difference can hide in them
        # the unread cells' sum is the read difference: never below 0
        sign = -1 if ul else 1  # left unread: right - left_read >= 0; right unread: left - right_read >= 0
        out.append(Check("ge", {k: sign * c for k, c in coef.items()}, [eq], ul + ur, sign * value))
        if len(ul) + len(ur) == 1:
            u = (ul + ur)[0]
            # u = -(value) / coef_u, coef_u = +1 on the left, -1 on the right
            determined.setdefault(u, []).append((eq, coef, value if ur else -value))
    for u, ways in determined.items():
        # a derivation below 0 is its bound's to flag; of the others, the value most agree on is
        # the reference, and each one that differs from it is a check
        ways = [w for w in ways if w[2] >= -EPS]
        if len(ways) < 2:
            continue
        counts = Counter(round(d, 6) for _, _, d in ways)
        ref = next(w for w in ways if round(w[2], 6) == counts.most_common(1)[0][0])
        e1, c1, d1 = ref
        for e2, c2, d2 in ways:
            if e2 is e1 or abs(d2 - d1) <= EPS:
                continue
            s1 = 1 if u in e1.right else -1  # d = u's derived value = s * form_rest
            s2 = 1 if u in e2.right else -1
            coef = {k: s2 * c2.get(k, 0) - s1 * c1.get(k, 0) for k in {*c1, *c2}}
            coef = {k: c for k, c in coef.items() if c}
            out.append(Check("eq", coef, [e2, e1], [u], d2 - d1))
    return out


def violations(eqs: list, vals: dict) -> int:
    """How many checks the values break (the merge of two readings weighs them by this)."""
    return sum(c.broken for c in checks(eqs, vals))

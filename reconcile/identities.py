"""The accounting identities (勾稽关系) of a report, checked against what it printed.

Each table identity is one linear equation over cells, sum(left) == sum(right). A broken
equation becomes a Flag (printed = left side, expected = right side). When one cell is the
only change that repairs every broken equation it sits in (a row and a column pointing at
the same cell), each of those flags carries it as `suggested`. Nothing printed is changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from nianbao import schema
from nianbao.document import Document, Flag

from . import blank_totals

EPS = 1e-6


@dataclass
class Equation:
    identity: str
    left: list[str]  # printed totals
    right: list[str]  # the parts they should add up to
    label: str  # which row or column, in Chinese, for the message
    template: str  # message with {label}, {printed}, {expected}

    def keys(self) -> list[str]:
        return self.left + self.right


def _fmt(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def equations(fmt: str, aggregate: bool = False) -> list[Equation]:
    """The table identities of a format; with `aggregate`, through the printed aggregate row in
    place of the sub-rows it stands for (which are not printed)."""
    eqs: list[Equation] = []
    hidden = set(schema.aggregated_rows(fmt)) if aggregate else set()
    req_rows = [r for r in schema.rows("requests", fmt, aggregate) if r.id not in hidden]
    req_cols = schema.columns("requests", fmt)
    parts = [c for c in req_cols if c != "total"]
    for r in req_rows:
        eqs.append(Equation("requests.row_sum", [r.key("total")], [r.key(c) for c in parts], r.zh,
                            "{label}：各类申请人之和为 {expected}，总计栏为 {printed}"))
    results = schema.request_result_rows(fmt, aggregate)
    for c, col in req_cols.items():
        eqs.append(Equation("requests.column_sum", [f"requests.result.total.{c}"],
                            [f"requests.{r}.{c}" for r in results], col.zh,
                            "{label}栏：办理结果各项之和为 {expected}，总计栏为 {printed}"))
        eqs.append(Equation("requests.balance",
                            [f"requests.result.total.{c}", f"requests.carried_forward.{c}"],
                            [f"requests.new_received.{c}", f"requests.carried_over.{c}"], col.zh,
                            "{label}栏：第一项加第二项之和为 {expected}，第三项加第四项之和为 {printed}"))
    for r in schema.rows("appeals", fmt):
        eqs.append(Equation("appeals.row_sum", [r.key("total")],
                            [r.key(c) for c in ("upheld", "corrected", "other", "pending")], r.zh,
                            "{label}：结果维持、结果纠正、其他结果、尚未审结之和为 {expected}，总计栏为 {printed}"))
    return eqs


def _sides(eq: Equation, vals: dict) -> tuple[float, float] | None:
    if any(vals.get(k) is None for k in eq.keys()):
        return None
    return sum(vals[k] for k in eq.left), sum(vals[k] for k in eq.right)


def broken(eqs: list[Equation], vals: dict) -> int:
    """How many of `eqs` the values break (an equation with an unread cell counts as holding)."""
    return sum(1 for eq in eqs for s in [_sides(eq, vals)] if s and abs(s[0] - s[1]) > EPS)


def _solve(eq: Equation, key: str, vals: dict) -> float:
    """The value of `key` that makes `eq` hold, the other cells as printed."""
    left = sum(vals[k] for k in eq.left if k != key)
    right = sum(vals[k] for k in eq.right if k != key)
    return right - left if key in eq.left else left - right


def _num(v):
    return int(round(v)) if abs(v - round(v)) < EPS else v


def verify(doc: Document, eqs: list[Equation], vals: dict) -> None:
    """Each cell's `verified`: False when an identity through it breaks, True when one holds and
    none breaks, None when no identity through it can be checked (a partner is unread)."""
    state: dict[str, bool] = {}
    for eq in eqs:
        sides = _sides(eq, vals)
        if sides is None:
            continue
        ok = abs(sides[0] - sides[1]) <= EPS
        for k in eq.keys():
            state[k] = state.get(k, True) and ok
    for k, cell in doc.fields.items():
        cell.verified = state.get(k) if cell.value is not None else None


def check_tables(doc: Document) -> list[Flag]:
    vals = {k: c.value for k, c in doc.fields.items() if not isinstance(c.value, bool)}
    eqs = equations(doc.format, doc.aggregate)
    verify(doc, eqs, vals)
    broken: list[tuple[Equation, float, float]] = []
    for eq in eqs:
        sides = _sides(eq, vals)
        if sides and abs(sides[0] - sides[1]) > EPS:
            broken.append((eq, *sides))
    flags = [Flag(eq.identity, eq.keys(), _num(p), _num(e),
                  eq.template.format(label=eq.label, printed=_fmt(_num(p)), expected=_fmt(_num(e))))
             for eq, p, e in broken]
    # one cell that repairs every broken equation it appears in, and breaks no other
    by_key: dict[str, list[int]] = {}
    for i, (eq, _, _) in enumerate(broken):
        for k in eq.keys():
            by_key.setdefault(k, []).append(i)
    for key, idxs in by_key.items():
        if len(idxs) < 2:
            continue
        sols = {_num(_solve(broken[i][0], key, vals)) for i in idxs}
        if len(sols) != 1:
            continue
        v = sols.pop()
        if v < 0:
            continue
        trial = dict(vals, **{key: v})
        if all(abs(s[0] - s[1]) <= EPS for eq in eqs if key in eq.keys() for s in [_sides(eq, trial)] if s):
            for i in idxs:
                f = flags[i]
                f.suggested = dict(f.suggested or {}, **{key: v})
                f.message += f"；若 {key} 为 {_fmt(v)}（现为 {_fmt(vals[key])}），相关关系均成立"
    return flags


def check_prose(doc: Document) -> list[Flag]:
    flags = []
    m = doc.metrics.get("requests_received")
    new_total = doc.value("requests.new_received.total")
    carried = doc.value("requests.carried_over.total")
    if m is not None and m.value is not None and not m.approx and new_total is not None:
        allowed = {new_total} | ({new_total + carried} if carried is not None else set())
        if m.value not in allowed:
            flags.append(Flag("cross.requests_received",
                              ["metrics.requests_received", "requests.new_received.total"],
                              m.value, new_total,
                              f"正文称收到申请 {_fmt(m.value)} 件，表三本年新收申请总计为 {_fmt(new_total)}"
                              f"（证据：{m.evidence}）"))
    checks = (("no_review", ["appeals.review.total"], "行政复议"),
              ("no_suit", ["appeals.suit_direct.total", "appeals.suit_after_review.total"], "行政诉讼"))
    for sid, keys, zh in checks:
        st = doc.statements.get(sid)
        if not st:
            continue
        values = [doc.value(k) for k in keys]
        if any(v is None for v in values):
            continue
        total = sum(values)
        if total != 0:
            flags.append(Flag("cross.no_appeals", keys, _num(total), 0,
                              f"正文称无{zh}案件，但表四{zh}总计为 {_fmt(_num(total))}（证据：{st.evidence}）"))
    return flags


def reconcile(doc: Document) -> Document:
    if not doc.format:
        return doc
    doc.flags.extend(blank_totals.fold(doc, check_tables(doc)))
    doc.flags.extend(check_prose(doc))
    return doc

"""The accounting identities (勾稽关系) of a report, checked against what it printed.

Each table identity is one linear equation over cells, sum(left) == sum(right). A broken
equation becomes a Flag (printed = left side, expected = right side). An unread cell does not
drop the equations through it (nianbao/schema/checks.py): the cells read still bound them, and a
bound the printed cells already exceed is flagged too. A flag's `keys` are the cells that can
be wrong (reconcile/locate.py), not every cell it sums. When one cell is the only change that
repairs every broken equation it sits in (a row and a column pointing at the same cell), each
of those flags carries it as `suggested`. Nothing printed is changed.
"""
from __future__ import annotations

from nianbao import schema
from nianbao.document import Document, Flag
from nianbao.schema import checks as ck
# the identities themselves are the schema's (the grid and the model's merge weigh readings by
# them before this stage runs); imported here under their old names
from nianbao.schema.equations import CHOSEN_BY, Equation, broken, chosen_by, equations  # noqa: F401

from . import blank_totals
from . import confidence
from .locate import suspects

EPS = 1e-6
# what each identity says, for a message about a cell two identities derive differently
SAYS = {"requests.row_sum": "行：总计栏等于各类申请人之和", "requests.column_sum": "栏：总计等于办理结果各项之和",
        "requests.balance": "栏：第一项加第二项等于第三项加第四项", "appeals.row_sum": "：总计栏等于各项结果之和"}


def _fmt(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _sides(eq: Equation, vals: dict) -> tuple[float, float] | None:
    if any(vals.get(k) is None for k in eq.keys()):
        return None
    return sum(vals[k] for k in eq.left), sum(vals[k] for k in eq.right)


def _solve(eq: Equation, key: str, vals: dict) -> float:
    """The value of `key` that makes `eq` hold, the other cells as printed."""
    left = sum(vals[k] for k in eq.left if k != key)
    right = sum(vals[k] for k in eq.right if k != key)
    return right - left if key in eq.left else left - right


def _num(v):
    return int(round(v)) if abs(v - round(v)) < EPS else v


def verify(doc: Document, cks: list[ck.Check]) -> None:
    """Each cell's `verified`: False when a check through it breaks, True when an equation through
    it holds with every cell read and none breaks, None when nothing can vouch for it (no
    identity covers it, its partners are unread and only bound it, or the identities through it
    are the ones that placed it)."""
    state: dict[str, bool] = {}
    for c in cks:
        if c.broken:
            for k in c.coef:
                state[k] = False
        elif c.vouches:
            kind = c.sources[0].identity.rsplit(".", 1)[1]
            for k in c.coef:
                cell = doc.fields.get(k)
                if cell is None or kind not in chosen_by(cell.reason):
                    state.setdefault(k, True)
    for k, cell in doc.fields.items():
        cell.verified = state.get(k) if cell.value is not None else None


def _identity_values(doc: Document) -> dict:
    """Cell values as the identities see them: a total the report left blank on purpose
    (variant blank_totals) was not printed, so the identities cannot check it."""
    vals = {k: c.value for k, c in doc.fields.items() if not isinstance(c.value, bool)}
    if "blank_totals" in doc.variants:
        for k, c in doc.fields.items():
            if c.blank and k.startswith("requests.") and k.endswith(".total"):
                vals[k] = None
    return vals


def _flag(c: ck.Check, vals: dict, keys: list[str]) -> Flag:
    eq = c.sources[0]
    left = sum(vals[k] for k in eq.left if vals.get(k) is not None)
    right = sum(vals[k] for k in eq.right if vals.get(k) is not None)
    p, e = _num(left), _num(right)
    if c.kind == "eq" and not c.unread:
        msg = eq.template.format(label=eq.label, printed=_fmt(p), expected=_fmt(e))
    elif c.kind == "ge":
        n = len(c.unread)
        if any(k in eq.right for k in c.unread):
            msg = (f"{eq.label}：{eq.right_zh}中已读出的部分为 {_fmt(e)}，已超过{eq.left_zh} {_fmt(p)}"
                   f"（另有 {n} 格未读出，不能小于 0）")
        else:
            msg = (f"{eq.label}：{eq.left_zh}中已读出的部分为 {_fmt(p)}，已超过{eq.right_zh} {_fmt(e)}，"
                   f"由此推得未读出的 {'、'.join(c.unread)} 小于 0")
    else:
        u = c.unread[0]
        e2 = c.sources[1]
        d1, d2 = _derive(eq, u, vals), _derive(e2, u, vals)
        p, e = _num(d1), _num(d2)
        msg = (f"未读出的 {u}：由{eq.label}{SAYS.get(eq.identity, '')}推得 {_fmt(p)}，"
               f"由{e2.label}{SAYS.get(e2.identity, '')}推得 {_fmt(e)}，两者不一致")
    return Flag(eq.identity, keys, p, e, msg)


def _derive(eq: Equation, u: str, vals: dict) -> float:
    return _solve(eq, u, {k: (0 if k == u else v) for k, v in vals.items()})


def check_tables(doc: Document) -> list[Flag]:
    vals = _identity_values(doc)
    eqs = equations(doc.format, doc.aggregate)
    cks = ck.checks(eqs, vals)
    verify(doc, cks)
    conf = {k: c.confidence for k, c in doc.fields.items()}
    named = suspects(cks, vals, conf, {k for k, c in doc.fields.items() if chosen_by(c.reason)})
    confidence.settle(doc, cks)
    flags: list[Flag] = []
    for i, c in enumerate(cks):
        if c.broken:
            flags.append(_flag(c, vals, named[i]))
    # one cell that repairs every broken equation it appears in, and breaks no other
    broken_eqs = [(c.sources[0], f) for c, f in zip([c for c in cks if c.broken], flags)
                  if c.kind == "eq" and not c.unread]
    by_key: dict[str, list[int]] = {}
    for i, (eq, _) in enumerate(broken_eqs):
        for k in eq.keys():
            by_key.setdefault(k, []).append(i)
    for key, idxs in by_key.items():
        if len(idxs) < 2:
            continue
        sols = {_num(_solve(broken_eqs[i][0], key, vals)) for i in idxs}
        if len(sols) != 1:
            continue
        v = sols.pop()
        if v < 0:
            continue
        trial = dict(vals, **{key: v})
        if all(abs(s[0] - s[1]) <= EPS for eq in eqs if key in eq.keys() for s in [_sides(eq, trial)] if s):
            for i in idxs:
                f = broken_eqs[i][1]
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
    found = blank_totals.mark(doc)
    doc.flags.extend(blank_totals.fold(doc, found, check_tables(doc)))
    doc.flags.extend(check_prose(doc))
    return doc

"""The accounting identities (勾稽关系) of a report's tables, as the schema defines them.

Each table identity is one linear equation over cells, sum(left) == sum(right). They belong to
the schema, not to the reconciler: the grid (ocr/apply.py) and the token model's merge
(model/combine.py) weigh two readings by how many identities each breaks before the reconcile
stage checks and flags them (reconcile/identities.py), and all of them use these equations.
"""
from __future__ import annotations

from dataclasses import dataclass

from nianbao import schema

from . import checks as ck


@dataclass
class Equation:
    identity: str
    left: list[str]  # printed totals
    right: list[str]  # the parts they should add up to
    label: str  # which row or column, in Chinese, for the message
    template: str  # message with {label}, {printed}, {expected}
    left_zh: str = "总计栏"  # the sides, in Chinese, for a bound's message
    right_zh: str = "各项之和"

    def keys(self) -> list[str]:
        return self.left + self.right


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
                            "{label}：各类申请人之和为 {expected}，总计栏为 {printed}", "总计栏", "各类申请人之和"))
    results = schema.request_result_rows(fmt, aggregate)
    for c, col in req_cols.items():
        eqs.append(Equation("requests.column_sum", [f"requests.result.total.{c}"],
                            [f"requests.{r}.{c}" for r in results], col.zh,
                            "{label}栏：办理结果各项之和为 {expected}，总计栏为 {printed}", "总计栏", "办理结果各项之和"))
        eqs.append(Equation("requests.balance",
                            [f"requests.result.total.{c}", f"requests.carried_forward.{c}"],
                            [f"requests.new_received.{c}", f"requests.carried_over.{c}"], col.zh,
                            "{label}栏：第一项加第二项之和为 {expected}，第三项加第四项之和为 {printed}",
                            "第三项加第四项之和", "第一项加第二项之和"))
    for r in schema.rows("appeals", fmt):
        eqs.append(Equation("appeals.row_sum", [r.key("total")],
                            [r.key(c) for c in ("upheld", "corrected", "other", "pending")], r.zh,
                            "{label}：结果维持、结果纠正、其他结果、尚未审结之和为 {expected}，总计栏为 {printed}",
                            "总计栏", "结果维持、结果纠正、其他结果、尚未审结之和"))
    return eqs


def broken(eqs: list[Equation], vals: dict) -> int:
    """How many checks of `eqs` the values break: equations with every cell read, and the bounds
    and derivations that still hold where cells are unread (nianbao/schema/checks.py)."""
    return ck.violations(eqs, vals)


# a cell the reader placed by fitting identities ("2 blank cell(s) placed by the row identity",
# "… by the row and column identities", "split … by the row, column and balance identities")
# holds those identities by construction: they cannot vouch for it
CHOSEN_BY = {"row": "row_sum", "column": "column_sum", "balance": "balance"}


def chosen_by(reason: str | None) -> set[str]:
    """The identities (row_sum, column_sum, balance) a cell's reason says chose its value."""
    if not reason or "identit" not in reason or " by the " not in reason:
        return set()
    phrase = reason.rsplit(" by the ", 1)[1]
    return {v for k, v in CHOSEN_BY.items() if k in phrase}

"""The report's accounting identities (勾稽关系), checked on a gold's fields and metrics.

Each violation is described in the wording the seeds' gold files use for real source errors,
so a synthetic gold records an injected error exactly like a curated one does.
"""
from __future__ import annotations

from dataclasses import dataclass

from nianbao import schema

REQ_PARTS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")


@dataclass(frozen=True)
class Violation:
    identity: str            # id from schema.identities()
    keys: tuple[str, ...]    # the cells (and metrics.*) involved
    text: str                # human wording, as in the seeds' source_inconsistencies

    def as_dict(self) -> dict:
        return {"identity": self.identity, "keys": list(self.keys), "text": self.text}


def violations(fields: dict, metrics: dict, fmt: str, prose_no_appeals: bool = False) -> list[Violation]:
    out: list[Violation] = []
    f = fields
    req_rows = [r.id for r in schema.rows("requests", fmt)]
    results = schema.request_result_rows(fmt)
    for row in req_rows:
        parts = [f[f"requests.{row}.{c}"] for c in REQ_PARTS]
        total = f[f"requests.{row}.total"]
        if sum(parts) != total:
            nz = ", ".join(f"{c} {v}" for c, v in zip(REQ_PARTS, parts) if v) or "all columns 0"
            out.append(Violation(
                "requests.row_sum",
                tuple(f"requests.{row}.{c}" for c in REQ_PARTS + ("total",)),
                f"requests row {row}: {nz} but total {total} (row sum {sum(parts)} != {total})"))
    for col in REQ_PARTS + ("total",):
        s = sum(f[f"requests.{r}.{col}"] for r in results)
        t = f[f"requests.result.total.{col}"]
        if s != t:
            out.append(Violation(
                "requests.column_sum",
                tuple(f"requests.{r}.{col}" for r in results + ("result.total",)),
                f"requests column {col}: result rows sum to {s} but result.total.{col} is {t}"))
        lhs = f[f"requests.new_received.{col}"] + f[f"requests.carried_over.{col}"]
        rhs = t + f[f"requests.carried_forward.{col}"]
        if lhs != rhs:
            out.append(Violation(
                "requests.balance",
                tuple(f"requests.{r}.{col}" for r in
                      ("new_received", "carried_over", "result.total", "carried_forward")),
                f"requests column {col}: new_received + carried_over = {lhs} but "
                f"result.total + carried_forward = {rhs}"))
    for row in ("review", "suit_direct", "suit_after_review"):
        parts = [f[f"appeals.{row}.{c}"] for c in APPEAL_PARTS]
        total = f[f"appeals.{row}.total"]
        if sum(parts) != total:
            out.append(Violation(
                "appeals.row_sum",
                tuple(f"appeals.{row}.{c}" for c in APPEAL_PARTS + ("total",)),
                f"appeals row {row}: upheld+corrected+other+pending = {sum(parts)} but total {total}"))
    got = metrics.get("requests_received")
    if got is not None:
        new = f["requests.new_received.total"]
        both = new + f["requests.carried_over.total"]
        if got not in (new, both):
            out.append(Violation(
                "cross.requests_received",
                ("metrics.requests_received", "requests.new_received.total"),
                f"prose says {got} requests received but table new_received.total is {new}"))
    if prose_no_appeals:
        totals = {r: f[f"appeals.{r}.total"] for r in ("review", "suit_direct", "suit_after_review")}
        if any(totals.values()):
            out.append(Violation(
                "cross.no_appeals",
                tuple(f"appeals.{r}.total" for r in totals),
                "prose says no 行政复议/行政诉讼 occurred but appeals totals are "
                + ", ".join(f"{r} {v}" for r, v in totals.items())))
    return out

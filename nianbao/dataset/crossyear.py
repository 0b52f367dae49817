"""Cross-year identities: what one year of an agency carries forward, the next carries over.

  cross_year.carry_over (error):   requests.carried_over[c] (t) == requests.carried_forward[c] (t-1),
                                   for every applicant column c and the total
  cross_year.in_force   (warning): active.<rules|normative_docs>.in_force (t)
                                   == in_force (t-1) + issued (t) - repealed (t), both years in the 2021 format
                                   (agencies re-count their documents in force, so a break is a prompt
                                   to look, not a proof of error)

A break names both years' reports and cells, what year t printed and what year t-1 implies.
A pair where a needed cell is unread (null) is not checked, and is counted as such.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from nianbao import schema

EPS = 1e-6
CARRY = "cross_year.carry_over"
IN_FORCE = "cross_year.in_force"
SEVERITY = {CARRY: "error", IN_FORCE: "warning"}
REQ_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")
IN_FORCE_ROWS = ("rules", "normative_docs")
IN_FORCE_FORMAT = "2021"


def needed_keys() -> list[str]:
    keys = [f"requests.{r}.{c}" for r in ("carried_over", "carried_forward") for c in REQ_COLS]
    keys += [f"active.{r}.{c}" for r in IN_FORCE_ROWS for c in ("issued", "repealed", "in_force")]
    return keys


@dataclass
class YearReport:
    report_id: str
    agency_id: str
    year: int
    format: str | None
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Break:
    identity: str
    severity: str
    agency_id: str
    prev_year: int
    year: int
    prev_report_id: str
    report_id: str
    key: str                  # the cell of year t
    prev_keys: list[str]      # the cells of year t-1 it is checked against
    keys: list[str]           # every cell involved, year t's first
    printed: float
    expected: float
    message: str


@dataclass
class Result:
    breaks: list[Break] = field(default_factory=list)
    pairs: int = 0            # consecutive-year pairs of one agency
    checked: int = 0          # equations evaluated
    unchecked: int = 0        # equations skipped for an unread cell
    gaps: list[tuple[str, int, int]] = field(default_factory=list)   # (agency_id, year, next year present)


def _n(v) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _col_zh(col: str) -> str:
    return schema.columns("requests", "2021")[col].zh


def check_pair(prev: YearReport, cur: YearReport, res: Result) -> None:
    for c in REQ_COLS:
        k, pk = f"requests.carried_over.{c}", f"requests.carried_forward.{c}"
        a, b = cur.values.get(k), prev.values.get(pk)
        if a is None or b is None:
            res.unchecked += 1
            continue
        res.checked += 1
        if abs(a - b) > EPS:
            res.breaks.append(Break(
                CARRY, SEVERITY[CARRY], cur.agency_id, prev.year, cur.year, prev.report_id, cur.report_id, k, [pk],
                [k, pk], a, b,
                f"{cur.year}年“二、上年结转政府信息公开申请数量”{_col_zh(c)}栏为 {_n(a)}，"
                f"{prev.year}年“四、结转下年度继续办理”{_col_zh(c)}栏为 {_n(b)}，两者应相等"))
    if cur.format != IN_FORCE_FORMAT or prev.format != IN_FORCE_FORMAT:
        return
    for r in IN_FORCE_ROWS:
        k = f"active.{r}.in_force"
        ks = [f"active.{r}.issued", f"active.{r}.repealed"]
        pk = f"active.{r}.in_force"
        now, was = cur.values.get(k), prev.values.get(pk)
        issued, repealed = cur.values.get(ks[0]), cur.values.get(ks[1])
        if None in (now, was, issued, repealed):
            res.unchecked += 1
            continue
        res.checked += 1
        expected = was + issued - repealed
        if abs(now - expected) > EPS:
            zh = [x.zh for x in schema.rows("active", "2021") if x.id == r][0]
            res.breaks.append(Break(
                IN_FORCE, SEVERITY[IN_FORCE], cur.agency_id, prev.year, cur.year, prev.report_id, cur.report_id, k,
                [pk], [k, *ks, pk], now, expected,
                f"{cur.year}年{zh}现行有效件数为 {_n(now)}；按{prev.year}年现行有效 {_n(was)} 件加本年制发 "
                f"{_n(issued)} 件、减本年废止 {_n(repealed)} 件，应为 {_n(expected)} 件（各机关清理口径不同，仅提示核对）"))


def check(reports: list[YearReport]) -> Result:
    """Every consecutive-year pair of every agency (one report per agency and year: the caller
    picks it where an agency has two)."""
    res = Result()
    by_agency: dict[str, dict[int, YearReport]] = {}
    for r in reports:
        by_agency.setdefault(r.agency_id, {})[r.year] = r
    for agency_id in sorted(by_agency):
        years = by_agency[agency_id]
        ys = sorted(years)
        for y0, y1 in zip(ys, ys[1:]):
            if y1 != y0 + 1:
                res.gaps.append((agency_id, y0, y1))
                continue
            res.pairs += 1
            check_pair(years[y0], years[y1], res)
    return res

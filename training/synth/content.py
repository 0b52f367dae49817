"""Report content: agency, year, every table cell and the metrics the prose will state.

Values follow the agency's level (a county office answers a dozen requests, a province
thousands; 行政许可 can run to millions) and all identities hold, except for source errors
injected at a controlled rate. Injected errors are recorded twice: as the seeds' gold does
(`source_inconsistencies`, human wording) and machine-readably (`injected_errors`).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from nianbao import schema

from .agencies import Agency, pick_agency
from .identities import APPEAL_PARTS, REQ_PARTS, Violation, violations

SCALE = {"province": 40.0, "province_dept": 6.0, "city": 15.0, "city_office": 2.5, "city_dept": 3.0,
         "county": 4.0, "county_office": 1.0, "county_dept": 1.0, "town": 0.3}
# How often a level's active-table rows are all zero (offices rarely license anything).
ZERO_P = {"province": 0.05, "province_dept": 0.3, "city": 0.05, "city_office": 0.7, "city_dept": 0.35,
          "county": 0.15, "county_office": 0.75, "county_dept": 0.4, "town": 0.6}

RESULT_WEIGHTS = {
    "result.disclosed": 0.42, "result.partially_disclosed": 0.08,
    "result.withheld.state_secret": 0.004, "result.withheld.prohibited_by_law": 0.006,
    "result.withheld.three_safeties": 0.004, "result.withheld.third_party_rights": 0.01,
    "result.withheld.internal_affairs": 0.01, "result.withheld.process_info": 0.015,
    "result.withheld.enforcement_file": 0.006, "result.withheld.query_matter": 0.01,
    "result.unable.not_held": 0.2, "result.unable.needs_creation": 0.03, "result.unable.unclear": 0.02,
    "result.not_processed.petition": 0.04, "result.not_processed.duplicate": 0.03,
    "result.not_processed.publication": 0.004, "result.not_processed.excessive": 0.01,
    "result.not_processed.confirm_reissue": 0.01,
    "result.other": 0.07,
    "result.other.overdue_correction": 0.025, "result.other.overdue_fee": 0.003, "result.other.other": 0.04,
}
ERROR_KINDS = ("row_total_off", "column_misattributed", "balance_off", "appeals_total_off",
               "prose_requests_mismatch", "prose_no_appeals")


@dataclass
class Content:
    doc_id: str
    agency: Agency
    year: int
    fmt: str
    fields: dict[str, int | float]
    metrics: dict[str, int | bool]          # the metrics the prose states, with their values
    metric_style: dict[str, str]            # how some metrics are phrased (approximate, incl. carried over)
    prose_no_appeals: bool                  # prose says no 复议/诉讼 happened
    injected: list[dict] = field(default_factory=list)
    found: list[Violation] = field(default_factory=list)
    printed: object = None  # printed.Printed: deviations of real reports the page prints (synth --variants)
    says_breakdown: bool = False  # the prose states the requests' applicants and disclosures (--variants)
    says_appeals: bool = False  # the prose states the year's 行政复议 / 行政诉讼 and their results (--variants)

    def gold(self) -> dict:
        g = self._gold()
        if self.printed is not None:
            from .printed import gold
            g = gold(self.printed, g)
        return g

    def _gold(self) -> dict:
        return {
            "doc": self.doc_id, "agency": self.agency.name, "year": self.year, "format": self.fmt,
            "fields": dict(self.fields), "metrics": dict(self.metrics),
            "source_inconsistencies": [v.text for v in self.found],
            "injected_errors": [dict(e) for e in self.injected],
            "violations": [v.as_dict() for v in self.found],
        }


def _count(rng: np.random.Generator, mean: float, zero_p: float = 0.0, sigma: float = 1.0) -> int:
    if mean <= 0 or rng.random() < zero_p:
        return 0
    return int(rng.lognormal(math.log(mean), sigma))


def _split(rng: np.random.Generator, n: int, weights) -> list[int]:
    w = np.asarray(weights, dtype=float)
    return [int(x) for x in rng.multinomial(n, w / w.sum())] if n else [0] * len(w)


def _active_2021(rng, level: str, s: float, z: float) -> dict:
    f = {}
    has_rules = level in ("province", "city")
    f["rules.issued"] = int(rng.poisson(2.5 if level == "province" else 1.2)) if has_rules else 0
    f["rules.repealed"] = int(rng.poisson(1.0)) if has_rules else 0
    f["rules.in_force"] = int(rng.integers(15, 160)) if has_rules else 0
    nd = {"province": 25, "province_dept": 6, "city": 14, "city_office": 5, "city_dept": 3,
          "county": 8, "county_office": 3, "county_dept": 1.2, "town": 0.4}[level]
    f["normative_docs.issued"] = int(rng.poisson(nd))
    f["normative_docs.repealed"] = int(rng.poisson(nd / 2))
    f["normative_docs.in_force"] = f["normative_docs.issued"] + int(rng.integers(0, int(8 * nd) + 2))
    f["licensing.decisions"] = _count(rng, 400 * s, z, 1.4)
    f["penalty.decisions"] = _count(rng, 120 * s, z, 1.3)
    f["enforcement.decisions"] = _count(rng, 8 * s, min(0.9, z + 0.2), 1.2)
    f["fees.amount"] = 0.0 if rng.random() < 0.35 + z / 2 else round(float(rng.lognormal(math.log(60 * s), 1.4)), 2)
    return f


def _active_2019(rng, level: str, s: float, z: float) -> dict:
    f = {}
    has_rules = level in ("province", "city")
    for row in ("rules", "normative_docs"):
        mean = (2.0 if has_rules else 0.0) if row == "rules" else 3 + 4 * math.sqrt(s)
        made = int(rng.poisson(mean)) if mean else 0
        f[f"{row}.made"] = made
        f[f"{row}.published"] = made if rng.random() < 0.8 else int(rng.integers(0, made + 1))
        f[f"{row}.total_published"] = f[f"{row}.published"] + (int(rng.integers(0, 30 * mean + 1)) if rng.random() < 0.6 else 0)
    for row, mean in (("licensing", 300), ("other_services", 80), ("penalty", 150), ("enforcement", 20)):
        prev = _count(rng, mean * math.sqrt(s), z, 1.0)
        f[f"{row}.prev_items"] = prev
        f[f"{row}.change"] = int(rng.integers(-(prev // 5) - 1, prev // 2 + 3)) if prev and rng.random() < 0.7 else 0
        f[f"{row}.decisions"] = _count(rng, mean * 4 * s, z, 1.3)
    f["fees.prev_items"] = _count(rng, 6 * math.sqrt(s), 0.5)
    f["fees.change"] = int(rng.integers(-2, 3)) if f["fees.prev_items"] else 0
    f["procurement.items"] = _count(rng, 40 * s, z / 2, 1.0)
    f["procurement.amount"] = (round(float(rng.lognormal(math.log(300 * s), 1.3)), 2)
                               if f["procurement.items"] else 0.0)
    return f


def _requests(rng, fmt: str, s: float) -> dict:
    rows = [r.id for r in schema.rows("requests", fmt)]
    results = schema.request_result_rows(fmt)
    zero_new = 0.2 if s < 1.5 else 0.02
    new_total = _count(rng, 14 * s, zero_new, 0.9)
    co_total = int(rng.binomial(new_total, 0.06)) if rng.random() < 0.45 else 0
    col_w = np.array([rng.uniform(0.7, 0.98), rng.uniform(0.0, 0.2), rng.uniform(0, 0.01),
                      rng.uniform(0, 0.02), rng.uniform(0, 0.03), rng.uniform(0, 0.06)])
    new = _split(rng, new_total, col_w)
    co = _split(rng, co_total, col_w)
    cf_p = rng.uniform(0, 0.12) if rng.random() < 0.5 else 0.0
    base = np.array([RESULT_WEIGHTS[r] for r in results]) * rng.dirichlet(np.full(len(results), 2.0)) * len(results)
    f = {f"{r}.{c}": 0 for r in rows for c in REQ_PARTS}
    for i, c in enumerate(REQ_PARTS):
        f[f"new_received.{c}"] = new[i]
        f[f"carried_over.{c}"] = co[i]
        avail = new[i] + co[i]
        cf = int(rng.binomial(avail, cf_p)) if avail else 0
        f[f"carried_forward.{c}"] = cf
        for r, n in zip(results, _split(rng, avail - cf, base)):
            f[f"{r}.{c}"] = n
        f[f"result.total.{c}"] = avail - cf
    for r in rows:
        f[f"{r}.total"] = sum(f[f"{r}.{c}"] for c in REQ_PARTS)
    return f


def _appeals(rng, s: float) -> dict:
    f = {}
    any_p = min(0.9, 0.25 + 0.05 * s)
    for row, mean in (("review", 2.0), ("suit_direct", 1.2), ("suit_after_review", 0.6)):
        n = _count(rng, mean * s, 1 - any_p, 0.8)
        parts = _split(rng, n, rng.dirichlet([6, 1, 2, 2]))
        for c, v in zip(APPEAL_PARTS, parts):
            f[f"{row}.{c}"] = v
        f[f"{row}.total"] = n
    return f


def _metrics(rng, py: random.Random, fields: dict, fmt: str, s: float) -> tuple[dict, dict]:
    m: dict = {}
    style: dict = {}
    website = _count(rng, 700 * s ** 0.7, 0.0, 0.8) + 20
    new_media_split = py.random() < 0.3
    wechat = _count(rng, 300 * s ** 0.6, 0.0, 0.9) + 5
    weibo = _count(rng, 150 * s ** 0.6, 0.0, 0.9) + 3
    other = _count(rng, 200 * s ** 0.6, 0.2, 1.0)
    total = website + wechat + weibo + other
    if py.random() < 0.8:
        if py.random() < 0.1 and total >= 300:
            total = total // 100 * 100
            style["proactive_total"] = "approx"
        m["proactive_total"] = total
    if py.random() < 0.85:
        m["website_items"] = website
    if new_media_split:
        m["new_media_items"] = wechat + weibo
    else:
        if py.random() < 0.75:
            m["wechat_items"] = wechat
        if py.random() < 0.55:
            m["weibo_items"] = weibo
    nd_key = "active.normative_docs.issued" if fmt == "2021" else "active.normative_docs.published"
    if py.random() < 0.5 and fields[nd_key]:
        m["normative_docs_published"] = fields[nd_key] if py.random() < 0.8 else fields[nd_key] + py.randint(1, 5)
    if py.random() < 0.5:
        m["policy_interpretations"] = _count(rng, 15 * s ** 0.7, 0.0, 0.9) + 1
    new = fields["requests.new_received.total"]
    co = fields["requests.carried_over.total"]
    if new and py.random() < 0.85:
        if co and py.random() < 0.3:
            m["requests_received"] = new + co
            style["requests_received"] = "with_carried_over"
        else:
            m["requests_received"] = new
    elif not new:
        # the narrative then says 未收到政府信息公开申请: a stated count of 0 (no random draw, so
        # the rest of the document is as before)
        m["requests_received"] = 0
        style["requests_received"] = "none"
    if py.random() < 0.5:
        m["open_day_events"] = py.randint(1, 12) if s < 3 else py.randint(3, 60)
    if py.random() < 0.65:
        m["fee_collected"] = py.random() < 0.04
    return m, style


def _inject(rng: random.Random, c: Content) -> None:
    f = c.fields
    fmt = c.fmt
    results = schema.request_result_rows(fmt)
    kinds = list(ERROR_KINDS)
    rng.shuffle(kinds)
    for kind in kinds:
        if kind == "row_total_off":
            row = rng.choice([r.id for r in schema.rows("requests", fmt)])
            key = f"requests.{row}.total"
            f[key] = max(0, f[key] + rng.choice([-2, -1, 1, 1, 2, 10]))
            if f[key] == sum(f[f"requests.{row}.{p}"] for p in REQ_PARTS):
                f[key] += 1
            c.injected.append({"kind": kind, "keys": [key]})
            return
        if kind == "column_misattributed":
            cand = [(r, p) for r in results for p in REQ_PARTS[:2] if f[f"requests.{r}.{p}"]]
            if not cand:
                continue
            row, src = rng.choice(cand)
            dst = "enterprise" if src == "natural_person" else "natural_person"
            n = rng.randint(1, f[f"requests.{row}.{src}"])
            f[f"requests.{row}.{src}"] -= n
            f[f"requests.{row}.{dst}"] += n
            c.injected.append({"kind": kind, "keys": [f"requests.{row}.{src}", f"requests.{row}.{dst}"]})
            return
        if kind == "balance_off":
            col = rng.choice(REQ_PARTS[:1])   # natural_person: it has counts in almost every report
            for k in (f"requests.carried_forward.{col}", "requests.carried_forward.total"):
                f[k] += 1
            c.injected.append({"kind": kind, "keys": [f"requests.carried_forward.{col}",
                                                      "requests.carried_forward.total"]})
            return
        if kind == "appeals_total_off":
            row = rng.choice(["review", "suit_direct", "suit_after_review"])
            key = f"appeals.{row}.total"
            f[key] = f[key] + 1 if f[key] == 0 or rng.random() < 0.5 else f[key] - 1
            c.injected.append({"kind": kind, "keys": [key]})
            return
        if kind == "prose_requests_mismatch":
            if "requests_received" not in c.metrics or c.metric_style.get("requests_received") == "none":
                continue
            new = f["requests.new_received.total"]
            both = new + f["requests.carried_over.total"]
            bad = new + rng.choice([-3, -1, 1, 2, 5])
            while bad in (new, both) or bad < 0:
                bad += 1
            c.metrics["requests_received"] = bad
            c.metric_style.pop("requests_received", None)
            c.injected.append({"kind": kind, "keys": ["metrics.requests_received"]})
            return
        if kind == "prose_no_appeals":
            if not any(f[f"appeals.{r}.total"] for r in ("review", "suit_direct", "suit_after_review")):
                continue
            c.prose_no_appeals = True
            c.injected.append({"kind": kind, "keys": [f"appeals.{r}.total" for r in
                                                      ("review", "suit_direct", "suit_after_review")]})
            return


def generate(doc_id: str, seed: int, fmt: str | None = None, error_rate: float = 0.15,
             agency: Agency | None = None, year: int | None = None) -> Content:
    """One report's content; deterministic in (doc_id, seed). `agency` and `year` fix who reports
    on which year (a series of one agency's years: series.py)."""
    py = random.Random(f"{seed}:{doc_id}:content")
    rng = np.random.default_rng(py.getrandbits(64))
    picked = pick_agency(py)
    agency = agency or picked
    if year is not None:
        fmt = schema.format_for_year(year)
    if fmt is None:
        fmt = py.choice(schema.FORMATS)
    drawn = py.choice([2019, 2020]) if fmt == "2019" else py.randint(2021, 2025)
    year = year if year is not None else drawn
    assert schema.format_for_year(year) == fmt
    s = SCALE[agency.level]
    z = ZERO_P[agency.level]
    active = _active_2021(rng, agency.level, s, z) if fmt == "2021" else _active_2019(rng, agency.level, s, z)
    fields: dict = {f"active.{k}": v for k, v in active.items()}
    fields.update({f"requests.{k}": v for k, v in _requests(rng, fmt, s).items()})
    fields.update({f"appeals.{k}": v for k, v in _appeals(rng, s).items()})
    fields = {k: fields[k] for k in schema.field_keys(fmt)}   # printed order, and all keys
    metrics, style = _metrics(rng, py, fields, fmt, s)
    no_appeals = not any(fields[f"appeals.{r}.total"] for r in ("review", "suit_direct", "suit_after_review"))
    c = Content(doc_id, agency, year, fmt, fields, metrics, style,
                prose_no_appeals=no_appeals and py.random() < 0.7)
    if py.random() < error_rate:
        _inject(py, c)
    c.found = violations(c.fields, c.metrics, fmt, c.prose_no_appeals)
    return c


def say_requests_breakdown(c: Content) -> None:
    """`--variants`: the prose states how the requests received divide between applicants and how
    many were disclosed (收到申请30件，其中自然人申请26件，法人或其他组织申请4件…予以公开12件), as real
    reports often do; chosen by the value, no random draw, so the rest of the document is as before."""
    total = c.fields.get("requests.new_received.total") or 0
    if c.metric_style.get("requests_received") not in (None, "plain") or "requests_received" not in c.metrics:
        return
    if c.metrics["requests_received"] != total or any("metrics.requests_received" in i["keys"] for i in c.injected):
        return  # the prose's total is not the table's (an injected disagreement)
    if total and total % 3:
        c.says_breakdown = True


def say_issued_published(c: Content) -> None:
    """`--variants`: a 2021 report that states its 本年制发件数 says 发布 of it now and then
    (本年度发布规范性文件N件, as 平潭 管委会办公室 2021: 2021年发布规范性文件20份); chosen by the value,
    no random draw, so the rest of the document is as before."""
    if (c.fmt == "2021" and "normative_docs_published" in c.metrics
            and c.fields["active.normative_docs.issued"] % 3 == 0):
        c.metric_style["normative_docs_published"] = "issued_said_published"


def say_appeals(c: Content) -> None:
    """`--variants`: the prose states the year's appeals and how they ended (行政复议7件，行政诉讼9件，
    均获维持 — as 上海 2019 does, also where some are 尚未审结), as real reports often do; chosen by the
    value, no random draw, so the rest of the document is as before."""
    f = c.fields
    totals = [f[f"appeals.{r}.total"] for r in ("review", "suit_direct", "suit_after_review")]
    if c.prose_no_appeals or not any(totals) or any(k.startswith("appeals.") for i in c.injected for k in i["keys"]):
        return
    if sum(totals) % 2:
        c.says_appeals = True

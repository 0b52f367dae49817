"""The figures and indicators people publish from a report, and how each is computed.

A figure is the sum of named cells (予以公开 = requests.result.disclosed.total; 不予公开 = the eight
reason rows' totals), an indicator a ratio of figures. Shared by `nianbao dataset` (which computes
them in SQL over many reports) and the batch exports (which compute them here, per report), so both
say the same. A figure is computed only from cells that were read: a 总计 cell left blank or unread
is derived from its row's columns when all of them were read (the row identity), and marked so;
otherwise the figure is null and names the cells it misses.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import schema

APPLICANT_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
WITHHELD = ("state_secret", "prohibited_by_law", "three_safeties", "third_party_rights", "internal_affairs",
            "process_info", "enforcement_file", "query_matter")
UNABLE = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED = ("petition", "duplicate", "publication", "excessive", "confirm_reissue")
OTHER_2021 = ("overdue_correction", "overdue_fee", "other")


def _r(row: str) -> str:
    return f"requests.{row}.total"


# name, Chinese name, {format: cell keys} (a key list per format; None: not in that format)
FIGURES: list[tuple[str, str, dict[str, list[str] | None]]] = []


def _fig(name: str, zh: str, keys19: list[str] | None, keys21: list[str] | None = None) -> None:
    FIGURES.append((name, zh, {"2019": keys19, "2021": keys19 if keys21 is None else keys21}))


_fig("requests_received", "本年新收申请", [_r("new_received")])
_fig("carried_over", "上年结转", [_r("carried_over")])
_fig("requests_processed", "办理结果总计", [_r("result.total")])
_fig("disclosed", "予以公开", [_r("result.disclosed")])
_fig("partially_disclosed", "部分公开", [_r("result.partially_disclosed")])
_fig("withheld", "不予公开", [_r(f"result.withheld.{x}") for x in WITHHELD])
_fig("unable", "无法提供", [_r(f"result.unable.{x}") for x in UNABLE])
_fig("not_processed", "不予处理", [_r(f"result.not_processed.{x}") for x in NOT_PROCESSED])
# 2021: the three 其他处理 rows, or the single aggregate row where a report prints that instead
_fig("other_processed", "其他处理", [_r("result.other")], [_r(f"result.other.{x}") for x in OTHER_2021])
_fig("carried_forward", "结转下年度", [_r("carried_forward")])
_fig("reviews", "行政复议", ["appeals.review.total"])
_fig("reviews_corrected", "复议结果纠正", ["appeals.review.corrected"])
_fig("suits", "行政诉讼", ["appeals.suit_direct.total", "appeals.suit_after_review.total"])
_fig("suits_corrected", "诉讼结果纠正", ["appeals.suit_direct.corrected", "appeals.suit_after_review.corrected"])
_fig("licensing_decisions", "行政许可决定", ["active.licensing.decisions"])
_fig("penalty_decisions", "行政处罚决定", ["active.penalty.decisions"])
_fig("normative_in_force", "现行有效规范性文件", None, ["active.normative_docs.in_force"])
FIGURE_NAMES = [f[0] for f in FIGURES]
FIGURE_ZH = {f[0]: f[1] for f in FIGURES}
OTHER_AGGREGATE = "requests.result.other.total"   # 2021 reports printing the single 其他处理 row

# name, Chinese name, numerator figures, denominator figures, formula as printed in the docs
INDICATORS: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("carry_forward_rate", "结转率", ("carried_forward",), ("requests_received", "carried_over")),
    ("substantive_disclosure_rate", "实质公开率", ("disclosed", "partially_disclosed"), ("requests_processed",)),
    ("unable_rate", "无法提供率", ("unable",), ("requests_processed",)),
    ("review_rate", "行政复议率", ("reviews",), ("requests_processed",)),
    ("suit_rate", "行政诉讼率", ("suits",), ("requests_processed",)),
    ("review_correction_rate", "复议纠错率", ("reviews_corrected",), ("reviews",)),
    ("suit_correction_rate", "诉讼纠错率", ("suits_corrected",), ("suits",)),
] + [(f"share_{c}", f"{FIGURE_ZH[c]}占比", (c,), ("requests_processed",))
     for c in ("disclosed", "partially_disclosed", "withheld", "unable", "not_processed", "other_processed")]
INDICATOR_NAMES = [i[0] for i in INDICATORS]
INDICATOR_ZH = {i[0]: i[1] for i in INDICATORS}
# the identifying columns of the wide tables, with their Chinese names
ID_COLUMNS = [("report_id", "报告编号"), ("agency_id", "机关编号"), ("agency", "机关"), ("region", "地区"),
              ("province", "省"), ("city", "市"), ("county", "县"), ("adcode", "行政区划代码"), ("level", "层级"),
              ("organ_type", "机关类型"), ("year", "年度"), ("format", "格式")]


def formula(ind: tuple) -> str:
    name, zh, num, den = ind
    return f"({' + '.join(FIGURE_ZH[f] for f in num)}) ÷ ({' + '.join(FIGURE_ZH[f] for f in den)})"


APPEALS_PARTS = ("upheld", "corrected", "other", "pending")


@dataclass
class Figure:
    value: int | None
    complete: bool
    verified: bool
    derived: bool = False
    missing: list[str] = field(default_factory=list)     # keys of the cells not read
    reason: str | None = None


def _row_parts(key: str) -> list[str] | None:
    """The cells a 总计 cell is the sum of (its row's columns), or None for any other cell."""
    if not key.endswith(".total"):
        return None
    row = key[: -len(".total")]
    if key.startswith("requests."):
        return [f"{row}.{c}" for c in APPLICANT_COLS]
    if key.startswith("appeals."):
        return [f"{row}.{c}" for c in APPEALS_PARTS]
    return None


def effective(fields: dict, key: str) -> tuple[float | None, bool, bool, str | None]:
    """(value, verified, derived, reason) of a cell, a blank or unread 总计 derived from its row."""
    c = fields.get(key)
    if c is None:
        return None, False, False, "未印出"
    v = c.get("value")
    parts = _row_parts(key)
    if parts and (v is None or c.get("blank")):
        pv = [(fields.get(p) or {}).get("value") for p in parts]
        if all(x is not None for x in pv) and (v is None or sum(pv) != v):
            return (float(sum(pv)), all((fields.get(p) or {}).get("verified") is True for p in parts), True, None)
    if v is None or isinstance(v, bool) or not isinstance(v, (int, float)):
        return None, False, False, c.get("reason") or "未读出"
    return float(v), c.get("verified") is True, False, None


def figure_keys(name: str, fmt: str, fields: dict) -> list[str]:
    keys = dict((f[0], f[2]) for f in FIGURES)[name].get(fmt) or []
    if name == "other_processed" and fmt == "2021" and OTHER_AGGREGATE in fields:
        return [OTHER_AGGREGATE]
    return keys


def compute(fields: dict, fmt: str | None) -> dict[str, Figure]:
    """Every figure of one report's fields (the output contract's `fields`)."""
    out = {}
    for name, zh, by_fmt in FIGURES:
        keys = figure_keys(name, fmt, fields) if fmt in schema.FORMATS else []
        if not keys:
            out[name] = Figure(None, False, False, reason="本格式无此项")
            continue
        vals = [(k, *effective(fields, k)) for k in keys]
        missing = [k for k, v, *_ in vals if v is None]
        if missing:
            reasons = sorted({r for k, v, ver, d, r in vals if v is None and r})
            out[name] = Figure(None, False, False, any(d for *_, d, _ in vals), missing, "；".join(reasons))
        else:
            out[name] = Figure(int(round(sum(v for _, v, *_ in vals))), True, all(ver for _, _, ver, *_ in vals),
                               any(d for _, _, _, d, _ in vals))
    return out


def indicator_values(figs: dict[str, Figure]) -> dict[str, tuple[float | None, str | None]]:
    """{indicator: (value, reason it is null)} from a report's figures."""
    out = {}
    for name, zh, num, den in INDICATORS:
        n = [figs[f].value for f in num]
        d = [figs[f].value for f in den]
        if any(x is None for x in d):
            out[name] = (None, "分母未读出：" + "、".join(FIGURE_ZH[f] for f in den if figs[f].value is None))
        elif sum(d) == 0:
            out[name] = (None, "分母为 0")
        elif any(x is None for x in n):
            out[name] = (None, "分子未读出：" + "、".join(FIGURE_ZH[f] for f in num if figs[f].value is None))
        else:
            out[name] = (sum(n) / sum(d), None)
    return out

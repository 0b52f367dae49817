"""Chinese names for what a person reads: cells (表 · 行 · 列), metrics and identities, and
messages with the dotted keys replaced by those names. Exports and review pages show these
beside (or instead of) the canonical keys; the keys stay the contract."""
from __future__ import annotations

import functools
import re

from . import schema

TABLE_ZH = {"active": "主动公开", "requests": "依申请公开", "appeals": "复议诉讼"}
# a column name that alone is ambiguous: 其他 under 法人或其他组织 in the request table
COLUMN_ZH = {("requests", "other_org"): "其他法人或组织"}
IDENTITY_ZH = {
    "requests.balance": "申请收支平衡（本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理）",
    "requests.column_sum": "办理结果各项之和等于总计",
    "requests.row_sum": "各类申请人之和等于总计",
    "appeals.row_sum": "复议、诉讼各结果之和等于总计",
    "cross.requests_received": "正文所述收到申请数与表三本年新收申请数一致",
    "cross.no_appeals": "正文所述无复议诉讼与表四总计一致",
    "requests.blank_total": "办理结果各行总计栏留空",
    # a dataset's checks across reports (nianbao dataset)
    "cross_year.carry_over": "跨年度：上年结转 = 上一年结转下年度继续办理",
    "cross_year.in_force": "跨年度：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
    "dataset.copy_conflict": "同一报告的几份文件读数不一致",
    "dataset.copy_format": "同一报告的另一份文件读作另一种格式",
    "dataset.same_year": "同一机关同一年有两份报告",
}
KEY_RE = re.compile(r"\b(?:(?:active|requests|appeals)\.[a-z_]+(?:\.[a-z_]+)+|metrics\.[a-z_]+)\b")


@functools.cache
def cell_labels(fmt: str) -> dict[str, tuple[str, str, str]]:
    """{key: (table, row, column)} in Chinese, for every key of the format (aggregate rows too)."""
    out = {}
    for aggregate in (False, True):
        for t in schema.TABLES:
            cols = schema.columns(t, fmt)
            for r in schema.rows(t, fmt, aggregate):
                for c in r.cols:
                    out.setdefault(r.key(c), (TABLE_ZH[t], r.zh, COLUMN_ZH.get((t, c), cols[c].zh)))
    return out


@functools.cache
def metric_label(mid: str) -> str:
    spec = (schema.raw().get("metrics") or {}).get(mid) or {}
    return spec.get("zh") or mid


def label(key: str, fmt: str | None) -> str:
    """`行 · 列` of a cell, the Chinese name of `metrics.<id>`, else the key itself."""
    if key.startswith("metrics."):
        return metric_label(key[len("metrics."):])
    for f in ([fmt] if fmt in schema.FORMATS else []) + list(schema.FORMATS):
        hit = cell_labels(f).get(key)
        if hit:
            return f"{hit[1]} · {hit[2]}"
    return key


def identity_label(identity: str) -> str:
    return IDENTITY_ZH.get(identity, identity)


def zh_message(message: str, fmt: str | None) -> str:
    """A flag message with every dotted key in it replaced by the cell's Chinese name."""
    return KEY_RE.sub(lambda m: f"「{label(m.group(0), fmt)}」", message or "")

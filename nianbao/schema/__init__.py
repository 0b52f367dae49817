"""The report schema: canonical keys, labels, match phrases and identities, read from fields.yaml.

Everything that names a cell or a metric goes through here, so the keys are defined once.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml

FORMATS = ("2021", "2019")
TABLES = ("active", "requests", "appeals")


@dataclass(frozen=True)
class Row:
    table: str
    id: str
    zh: str
    cols: tuple[str, ...]
    match: tuple[str, ...]

    def key(self, col: str) -> str:
        return f"{self.table}.{self.id}.{col}"


@dataclass(frozen=True)
class Column:
    id: str
    zh: str
    type: str  # int | signed | decimal
    match: tuple[str, ...] = ()


@functools.cache
def raw() -> dict:
    text = resources.files(__package__).joinpath("fields.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    return fmt


AGGREGATE_OTHER = "aggregate_other_in_2021"


@functools.cache
def rows(table: str, fmt: str, aggregate: bool = False) -> tuple[Row, ...]:
    """The table's rows in printed order, for one format. `aggregate`: the report prints a row
    that is only optional in its format (the 2019-style （六）其他处理 in a 2021 table, spec
    variant aggregate_other_in_2021); it is listed before the sub-rows it stands for."""
    check_format(fmt)
    spec = raw()[table]
    if table == "active":
        defs = spec[fmt]["rows"]
        return tuple(Row("active", rid, d["zh"], tuple(d["cols"]), tuple(d.get("match", [d["zh"]])))
                     for rid, d in defs.items())
    cols = tuple(spec["cols"])
    out = []
    for rid, d in spec["rows"].items():
        optional = aggregate and fmt in d.get("optional_in", ())
        if "formats" in d and fmt not in d["formats"] and not optional:
            continue
        out.append(Row(table, rid, d["zh"], cols, tuple(d.get("match", [d["zh"]]))))
    return tuple(out)


def aggregated_rows(fmt: str) -> tuple[str, ...]:
    """Requests rows an optional aggregate row stands for when printed (result.other.* of 2021)."""
    opt = [rid for rid, d in raw()["requests"]["rows"].items() if fmt in d.get("optional_in", ())]
    return tuple(rid for rid in (r.id for r in rows("requests", fmt)) for a in opt if rid.startswith(a + "."))


@functools.cache
def columns(table: str, fmt: str) -> dict[str, Column]:
    check_format(fmt)
    spec = raw()[table]
    defs = spec[fmt]["cols"] if table == "active" else spec["cols"]
    out = {}
    for cid, d in defs.items():
        out[cid] = Column(cid, d["zh"], d.get("type", "int"), tuple(d.get("match", [])))
    return out


def col_type(table: str, fmt: str, col: str) -> str:
    return columns(table, fmt)[col].type


@functools.cache
def field_keys(fmt: str, aggregate: bool = False) -> tuple[str, ...]:
    """Every table-cell key of a format, in printed order (200 for 2021, 198 for 2019; 207 for a
    2021 report that prints the aggregate （六）其他处理 row: the sub-rows stay, as not printed)."""
    return tuple(r.key(c) for t in TABLES for r in rows(t, fmt, aggregate) for c in r.cols)


@functools.cache
def table_keys(table: str, fmt: str, aggregate: bool = False) -> tuple[str, ...]:
    return tuple(r.key(c) for r in rows(table, fmt, aggregate) for c in r.cols)


def metric_ids() -> tuple[str, ...]:
    return tuple(raw()["metrics"])


def metric_unit(mid: str) -> str:
    return raw()["metrics"][mid]["unit"]


def identities() -> dict[str, str]:
    return dict(raw()["identities"])


def format_cues() -> dict[str, tuple[str, ...]]:
    return {f: tuple(v) for f, v in raw()["format_cues"].items()}


def section_headings() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in raw()["sections"].items()}


def format_for_year(year: int | None) -> str | None:
    """The format a report on `year` should use (reports on 2019–2020 use the 2019 试行 format)."""
    if year is None:
        return None
    for fmt, d in raw()["formats"].items():
        lo, hi = d["years"]
        if year >= lo and (hi is None or year <= hi):
            return fmt
    return None


REQUEST_RESULT_PREFIX = "result."


def request_result_rows(fmt: str, aggregate: bool = False) -> tuple[str, ...]:
    """Row ids of the 办理结果 block that add up to result.total; with `aggregate`, the printed
    aggregate row in place of the sub-rows it stands for."""
    skip = set(aggregated_rows(fmt)) if aggregate else set()
    return tuple(r.id for r in rows("requests", fmt, aggregate)
                 if r.id.startswith(REQUEST_RESULT_PREFIX) and r.id != "result.total" and r.id not in skip)


def variants() -> dict[str, str]:
    return dict(raw()["variants"])


def parse_key(key: str) -> tuple[str, str, str]:
    """Split 'requests.result.withheld.state_secret.total' into (table, row, col)."""
    table, rest = key.split(".", 1)
    row, col = rest.rsplit(".", 1)
    return table, row, col

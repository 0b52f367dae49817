"""The model's label set, generated from the schema: BIO tags over token roles.

A token's role (docs/token-dataset.md) is `O`, `ROW:<table>.<row>`, `COL:<table>.<col>`,
`VAL:<key>` or `MET:<metric>`. The model predicts which row or column a label names and which
metric a number is, but only that a token is *a* cell value: the value's key follows from the
row and column labels it lines up with, which is what the table assembly works out. So
`VAL:<key>` roles collapse to `VAL`; runs are cut where the fine role changes, so two adjacent
cells stay two entities.
"""
from __future__ import annotations

import functools

from nianbao import schema


@functools.cache
def roles() -> tuple[str, ...]:
    out: list[str] = []
    for table in schema.TABLES:
        for fmt in schema.FORMATS:
            for row in schema.rows(table, fmt):
                out.append(f"ROW:{table}.{row.id}")
            for col in schema.columns(table, fmt):
                out.append(f"COL:{table}.{col}")
    out.append("VAL")
    out += [f"MET:{m}" for m in schema.metric_ids()]
    return tuple(dict.fromkeys(out))


@functools.cache
def labels() -> tuple[str, ...]:
    return ("O",) + tuple(f"{p}-{r}" for r in roles() for p in "BI")


@functools.cache
def label_ids() -> dict[str, int]:
    return {lab: i for i, lab in enumerate(labels())}


def coarse(role: str) -> str:
    return "VAL" if role.startswith("VAL:") else role


def bio(fine_roles: list[str]) -> list[str]:
    """BIO tags for a page's token roles; unknown roles (a schema change) become O."""
    known = set(roles())
    out, prev = [], None
    for r in fine_roles:
        c = coarse(r)
        if r == "O" or c not in known:
            out.append("O")
            prev = None
            continue
        out.append(("I-" if r == prev else "B-") + c)
        prev = r
    return out


def group(label: str) -> str:
    """ROW, COL, VAL, MET or O: the groups F1 is reported for."""
    return "O" if label == "O" else label[2:].split(":")[0]


def spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """(role, start, end) runs of B/I tags; an I without its B starts a span too — after an O
    as after another role: a vertical header OCR'd line by line interleaves its columns'
    characters (人 企 机 益 务 on one line, each the last of its column's label), and the model
    tags each the I- of its column; dropped, a photographed page lost its whole header and its
    values took the wrong columns (issue 28)."""
    out: list[tuple[str, int, int]] = []
    cur = None
    for i, t in enumerate(tags + ["O"]):
        if t == "O" or t.startswith("B-") or cur is None or t[2:] != cur[0]:
            if cur:
                out.append((cur[0], cur[1], i))
            cur = None if t == "O" else (t[2:], i)
        # an I- continuing the current span needs nothing
    return out

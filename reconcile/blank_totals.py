"""A 总计 column left blank on every detail row (spec variant blank_totals).

Some agencies fill in only the applicant columns of the result rows and leave their 总计 cells
empty (上海市人民政府办公厅 2019). Those cells read as blank 0, as printed, so every result row's
row sum breaks, and so does the 总计 column's sum. That is one thing the report did — it left
the column blank — not a dozen errors: the flags for it are folded into one that says so.
Nothing printed is changed.
"""
from __future__ import annotations

from nianbao import schema, variants
from nianbao.document import Document, Flag
from nianbao.variants import blank_columns

VARIANT = variants.BLANK_TOTALS


def mark(doc: Document) -> dict[str, list[str]]:
    """Find the blank 总计 columns and record the variant before the identities are checked: the
    checks read those cells as unread (not printed), so they raise no row-sum flag per row."""
    found = blank_columns(doc)
    if found and VARIANT not in doc.variants:
        doc.variants.append(VARIANT)
    return found


def _parts(doc: Document, table: str, keys: list[str]) -> float:
    cols = [c for c in schema.columns(table, doc.format) if c != "total"] if table == "requests" \
        else ["upheld", "corrected", "other", "pending"]
    return sum((doc.value(f"{k.rsplit('.', 1)[0]}.{c}") or 0) for k in keys for c in cols)


def fold(doc: Document, found: dict[str, list[str]], flags: list[Flag]) -> list[Flag]:
    """One flag per table whose 总计 column was left blank, in place of any flag that still
    names those cells (the checks treat them as unread, so normally there is none)."""
    out = []
    for table, keys in found.items():
        blank = set(keys)
        mine = [f for f in flags if f.identity in (f"{table}.row_sum", f"{table}.column_sum") and blank & set(f.keys)]
        folded = {id(f) for f in mine}
        flags = [f for f in flags if id(f) not in folded]
        parts = _parts(doc, table, keys)
        name = "办理结果各行" if table == "requests" else "行政复议、行政诉讼各项"
        out.append(Flag(f"{table}.blank_total", keys, 0, parts,
                        f"{name}的总计栏均留空（按 0 读取）：各行分项之和合计为 {parts:g}，"
                        f"这些行的总计未作核对"))
    return flags + out

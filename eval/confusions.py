"""Name the kind of mistake behind a wrong cell, so the report can say what to fix first.

Categories, checked in this order:
  null          predicted value is null (cell present, not read)
  type          predicted value is not a number ("3", True, a list)
  shifted_row   value equals the gold of the row above/below in the same column
  shifted_col   value equals the gold of the column left/right in the same row
  merged_cells  value's digits are the row's gold values run together (3, 0, 1 read as 301)
  digit a→b     two or more digits, exactly one differs (OCR confusion, e.g. digit 0→8)
  dropped_digit / extra_digit   one digit fewer/more than gold, rest in order
  sign          value is -gold
  scale         value is gold × 10^k (decimal point lost or moved)
  zero_mixup    0 where the gold has a number, or a number where it has 0 (a blank cell
                placed in the wrong column, or a number dropped into a blank one)
  other
"""
from __future__ import annotations

import functools

from nianbao import schema


@functools.cache
def _row_keys(fmt: str) -> dict[str, tuple[str, ...]]:
    return {r.key(c): tuple(r.key(x) for x in r.cols) for t in schema.TABLES for r in schema.rows(t, fmt)
            for c in r.cols}


def _merged(key: str, pred, gold_fields: dict, fmt: str) -> bool:
    """Is pred the concatenation of ≥2 consecutive gold cells of the row, this cell among them?"""
    if not isinstance(pred, int) or pred < 10:
        return False
    row = _row_keys(fmt).get(key, ())
    if key not in row:
        return False
    text = str(pred)
    me = row.index(key)
    for lo in range(0, me + 1):
        for hi in range(max(me, lo + 1), len(row)):
            parts = [gold_fields.get(k) for k in row[lo:hi + 1]]
            if all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in parts) \
                    and "".join(map(str, parts)) == text:
                return True
    return False


@functools.cache
def _neighbours(fmt: str) -> dict[str, tuple[str, ...]]:
    """key → keys of the row above/below (same column) and the columns left/right (same row)."""
    rows_out, cols_out = {}, {}
    for table in schema.TABLES:
        rows = schema.rows(table, fmt)
        for i, r in enumerate(rows):
            for j, c in enumerate(r.cols):
                vert = [rows[k].key(c) for k in (i - 1, i + 1) if 0 <= k < len(rows) and c in rows[k].cols]
                horiz = [r.key(r.cols[k]) for k in (j - 1, j + 1) if 0 <= k < len(r.cols)]
                rows_out[r.key(c)] = tuple(vert)
                cols_out[r.key(c)] = tuple(horiz)
    return {"row": rows_out, "col": cols_out}


def _digits(x) -> str:
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer()):
        return str(abs(int(x)))
    return repr(abs(x)).replace(".", "")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def classify(key: str, gold, pred, gold_fields: dict, fmt: str | None) -> str:
    if pred is None:
        return "null"
    if not _is_number(pred) or not _is_number(gold):
        return "type"
    if fmt in schema.FORMATS:
        nb = _neighbours(fmt)
        for kind in ("row", "col"):
            for other in nb[kind].get(key, ()):
                og = gold_fields.get(other)
                if _is_number(og) and og != gold and abs(og - pred) < 1e-6:
                    return f"shifted_{kind}"
        if _merged(key, pred, gold_fields, fmt):
            return "merged_cells"
    g, p = _digits(gold), _digits(pred)
    if (gold < 0) == (pred < 0) or gold == 0 or pred == 0:
        if len(g) == len(p) >= 2:
            diff = [(a, b) for a, b in zip(g, p) if a != b]
            if len(diff) == 1:
                return f"digit {diff[0][0]}→{diff[0][1]}"
        if len(p) == len(g) - 1 and any(g[:i] + g[i + 1:] == p for i in range(len(g))):
            return "dropped_digit"
        if len(p) == len(g) + 1 and any(p[:i] + p[i + 1:] == g for i in range(len(p))):
            return "extra_digit"
    if gold != 0 and abs(pred + gold) < 1e-6:
        return "sign"
    if gold != 0 and pred != 0:
        ratio = pred / gold
        for k in (-3, -2, -1, 1, 2, 3, 4):
            if abs(ratio - 10 ** k) < 1e-9 * max(1, 10 ** k):
                return "scale"
    if gold == 0 or pred == 0:
        return "zero_mixup"
    return "other"

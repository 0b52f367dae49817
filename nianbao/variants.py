"""Printed deviations from the national formats (spec `variants`) that concern every reader.

Each reader (text path, table grids, token model, structured sources) detects what it sees; this
module holds what must read the same whichever reader saw it: the aggregate （六）其他处理 row of a
2021 table and its not-printed sub-rows, and money printed in 元.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from . import cell_writer, schema
from .document import Cell, Document

AGGREGATE = schema.AGGREGATE_OTHER
NOT_PRINTED = "not_printed"


def add(doc: Document, name: str) -> None:
    if name not in doc.variants:
        doc.variants.append(name)


def hidden_keys(fmt: str) -> tuple[str, ...]:
    """The keys of the sub-rows an aggregate row stands for (not printed when it is)."""
    hidden = set(schema.aggregated_rows(fmt))
    return tuple(r.key(c) for r in schema.rows("requests", fmt) if r.id in hidden for c in r.cols)


def aggregate_keys(fmt: str) -> tuple[str, ...]:
    """The keys of the aggregate row itself (requests.result.other.<col> in a 2021 table)."""
    plain = set(schema.field_keys(fmt))
    return tuple(k for k in schema.field_keys(fmt, aggregate=True) if k not in plain)


def printed_keys(fmt: str, aggregate: bool) -> tuple[str, ...]:
    """Keys a reader may write: with the aggregate printed, its keys and not the sub-rows'."""
    if not aggregate:
        return schema.field_keys(fmt)
    hidden = set(hidden_keys(fmt))
    return tuple(k for k in schema.field_keys(fmt, aggregate=True) if k not in hidden)


def mark_aggregate(doc: Document, seen_by: str = "variants") -> None:
    """The report prints the aggregate row: its sub-rows are present, null, not printed; the
    aggregate's own keys exist (null until a reader fills them). `seen_by`: the stage whose
    reading decided it, as the cell writer records it."""
    if not doc.format or not aggregate_keys(doc.format):
        return
    add(doc, AGGREGATE)
    why = "the table prints the aggregate （六）其他处理 row: its sub-rows are not printed"
    for key in hidden_keys(doc.format):
        cell_writer.write(doc, key, Cell(value=None, reason=NOT_PRINTED), stage=seen_by, why=why)
    for key in aggregate_keys(doc.format):
        cell_writer.add_missing(doc, key, Cell(value=None, reason="not_found"), stage=seen_by,
                                why="the aggregate row's keys exist, unread until a reader fills them")


# Which printed variant a requests table is: decided here, for every reader. Each reader (the
# text path in assemble, the table grid, the token model) detects what it saw and hands its
# evidence to `decide_aggregate`; the rules of the decision live nowhere else.
TEXT, GRID, MODEL = "text", "grid", "model"  # who saw the table


def decide_aggregate(doc: Document, seen_by: str, prints_aggregate: bool) -> bool:
    """Whether `doc`'s requests table prints the aggregate （六）其他处理 row, given what one
    reader saw (`prints_aggregate`); returns the decision, marking the document when it changes.

    - A decision once made is never taken back: a later reader that misses the row (a grid with
      no ruling lines, the model's labels) has seen less, not the opposite.
    - The text path reads first (assemble) and marks the variant alone; it writes the sub-rows'
      not-printed cells itself as it reads the table.
    - The grid's cells under the aggregate's keys mark it: the sub-rows become not printed.
    - The model's labels mark it only where no sub-row value the rules read is present: the
      model alone never overrules sub-rows the rules read."""
    if doc.aggregate or not prints_aggregate or not doc.format:
        return doc.aggregate
    if seen_by == TEXT:
        add(doc, AGGREGATE)
    elif seen_by == MODEL and any(doc.value(k) is not None for k in hidden_keys(doc.format)):
        return False
    else:
        mark_aggregate(doc, seen_by)
    return doc.aggregate


# ---------------------------------------------------------------- a 总计 column left blank
# (spec variant blank_totals; reconcile/blank_totals.py folds its flags): detected here, where the
# token model's merge (model/combine.py) and the reconciler both read it

BLANK_TOTALS = "blank_totals"
MIN_BLANK_ROWS = 2  # rows whose sum the blank breaks: one blank total is an ordinary slip


def _detail_rows(doc: Document) -> dict[str, list[str]]:
    """Per table, the rows whose totals the table's column of totals should hold."""
    return {"requests": [f"requests.{r}" for r in schema.request_result_rows(doc.format, doc.aggregate)],
            "appeals": [f"appeals.{r.id}" for r in schema.rows("appeals", doc.format)]}


def blank_columns(doc: Document) -> dict[str, list[str]]:
    """Tables whose 总计 cell is blank on every detail row while at least MIN_BLANK_ROWS of those rows
    print parts that add up to more than 0: table → the blank total keys."""
    out = {}
    for table, rows in _detail_rows(doc).items():
        keys = [f"{r}.total" for r in rows]
        cells = [doc.fields.get(k) for k in keys]
        if not cells or any(c is None or not c.blank or c.value != 0 or c.text for c in cells):
            continue
        parts = [c for c in schema.columns(table, doc.format) if c != "total"] if table == "requests" \
            else ["upheld", "corrected", "other", "pending"]
        filled = sum(1 for r in rows if sum((doc.value(f"{r}.{p}") or 0) for p in parts) > 0)
        if filled >= MIN_BLANK_ROWS:
            out[table] = keys
    return out


# ---------------------------------------------------------------- amounts printed in 元

YUAN_RE = re.compile(r"(?<!万)元\s*$")


def in_yuan(text: str) -> bool:
    """A money cell printed with the unit 元 (not 万元): 251000元."""
    return bool(YUAN_RE.search(text or ""))


def yuan_to_wan(value: float) -> float:
    """元 → 万元, rounded to the 分 the 元 amount could print (6 decimals of 万元)."""
    return round(value / 10000, 6)


def _printed_number(text: str) -> float | None:
    m = re.search(r"[+-]?\d[\d,]*(?:\.\d+)?", text or "")
    return float(m.group(0).replace(",", "")) if m else None


def _header_stem(zh: str) -> str:
    """A money column's header without its printed unit: 采购总金额（万元） → 采购总金额."""
    return re.split(r"[(（]", zh, maxsplit=1)[0]


def yuan_headers(doc: Document) -> dict[str, str]:
    """Money columns whose printed header names the unit 元 (采购总金额（元）, 本年收费金额（单位：元）):
    column id → the header as printed. Their cells print bare numbers that are yuan."""
    if not doc.format:
        return {}
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", "".join(ln.text for ln in doc.lines())))
    out = {}
    for col, spec in schema.columns("active", doc.format).items():
        if spec.type != "decimal":
            continue
        stem = re.escape(_header_stem(spec.zh))
        m = re.search(stem + r"\((?:单位)?:?(?<!万)元\)", text)
        if m:
            out[col] = m.group(0)
    return out


def _yuan_note(cell: Cell, header: str | None) -> str | None:
    """Why a money cell is in 元: its own print (251000元), or its column's header when the cell
    prints a bare number (3042532 under 采购总金额（元）); None when it is not."""
    if in_yuan(cell.text):
        return f"printed in 元 ({cell.text}), read as 万元"
    if header and cell.text and "万" not in cell.text and _printed_number(cell.text) is not None:
        return f"printed {cell.text} under the header {header}, read as 万元"
    return None


def money_in_yuan(doc: Document) -> int:
    """Money cells printed in 元 (251000元, or a bare number under a header naming 元) become the
    canonical 万元 (25.1); `text` keeps what was printed. Only a value still equal to the printed
    number is converted, so a reader that converted already is left alone. Returns how many
    cells were converted."""
    if not doc.format:
        return 0
    headers = yuan_headers(doc)
    n = 0
    converted = {}
    for key, cell in doc.fields.items():
        table, _, col = schema.parse_key(key)
        if table != "active" or schema.col_type(table, doc.format, col) != "decimal":
            continue
        note = None if isinstance(cell.value, bool) else _yuan_note(cell, headers.get(col))
        if note is None:
            continue
        if cell.value is None:
            # an unread cell's candidates (a run-together split) are numbers as printed
            cell.alternatives = [yuan_to_wan(a) for a in cell.alternatives if isinstance(a, (int, float))]
            continue
        printed = _printed_number(cell.text)
        if printed is None or abs(printed - cell.value) > 1e-9:
            continue
        # a new value is a new reading: it goes through the cell writer, which records it
        converted[key] = (replace(cell, value=yuan_to_wan(printed),
                                  alternatives=[yuan_to_wan(a) for a in cell.alternatives if isinstance(a, (int, float))],
                                  reason=f"{cell.reason}; {note}" if cell.reason else note), note)
    for key, (cell, note) in converted.items():
        cell_writer.write(doc, key, cell, stage="variants", why=note)
        n += 1
    if n:
        add(doc, "amounts_in_yuan")
    return n


# ---------------------------------------------------------------- signed changes

def signed_changes(doc: Document) -> bool:
    """A 2019 report whose 本年增/减 column prints a negative change (-72, －72, −72) shows the
    variant signed_change; every reader keeps the sign (the text path joins a minus printed
    apart from its digits, tables.join_signs)."""
    if doc.format != "2019":
        return False
    neg = any(key.endswith(".change") and isinstance(c.value, (int, float)) and not isinstance(c.value, bool)
              and c.value < 0 for key, c in doc.fields.items() if key.startswith("active."))
    if neg:
        add(doc, "signed_change")
    return neg

"""Run-together cells that more than one split fits (`ambiguous_split`), settled by what else is
printed: the report's own prose (本年度制发的规范性文件88件, 现行有效行政规范性文件698件) and the same
agency's neighbouring years read in the same run (the cross-year identities of the spec:
上一年项目数量(t) = 上一年项目数量(t−1) + 本年增/减(t−1) in the 2019 format, 现行有效件数(t) =
现行有效件数(t−1) + 本年制发件数(t) − 本年废止件数(t) in the 2021 format).

Nothing is guessed: a statement only removes the splits of a row it contradicts, and a cell is
read only when every split left gives it the same value. Such a cell comes from outside its own
row, so it claims at most 0.85 and its `reason` says what settled it. A statement that fits none
of a row's splits (the page and its prose disagree) settles nothing.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from nianbao import schema
from nianbao.document import Cell, Document

from .runs import AMBIGUOUS, Run, splits

CONF_SETTLED = 0.85


@dataclass
class RowOptions:
    keys: list[str]
    options: list[tuple]  # the splits of the row still standing (one tuple of values per split)
    text: str  # the run as printed
    why: list[str] = None  # what has settled it so far

    @property
    def open(self) -> bool:
        return len(self.options) > 1


def row_options(doc: Document, table: str, rid: str) -> RowOptions | None:
    """The splits of one row of the active table that its cells still allow; None when the row
    is not in the report or a cell is unread for another reason. A row read in full has one."""
    if not doc.format:
        return None
    row = next((r for r in schema.rows(table, doc.format) if r.id == rid), None)
    if row is None:
        return None
    keys = [row.key(c) for c in row.cols]
    cells = [doc.fields.get(k) for k in keys]
    if any(c is None for c in cells):
        return None
    if all(c.value is not None for c in cells):
        return RowOptions(keys, [tuple(c.value for c in cells)], "")
    amb = [c for c in cells if c.value is None]
    if any(c.reason != AMBIGUOUS for c in amb) or not amb[0].text:
        return None
    text = amb[0].text
    types = tuple(schema.col_type(table, doc.format, c) for c in row.cols)
    got = splits(Run(text.split(), 0), types, 0) or []
    # the splits the reader kept: every read cell's value, every unread one among its candidates
    keep = [tuple(s.values) for s in got
            if all((c.value is None and v in c.alternatives) or (c.value is not None and v == c.value)
                   for c, v in zip(cells, s.values))]
    return RowOptions(keys, keep, text) if keep else None


def apply(doc: Document, ro: RowOptions, keep: list[tuple], why: str) -> int:
    """Restrict a row to `keep` (a non-empty subset of its splits): read every cell they agree
    on. Returns how many cells were settled."""
    n = 0
    ro.why = (ro.why or []) + [why]
    for i, key in enumerate(ro.keys):
        cell = doc.fields[key]
        if cell.value is not None:
            continue
        vals = sorted({o[i] for o in keep}, key=lambda v: (str(type(v)), v))
        if len(vals) == 1:
            doc.fields[key] = Cell(value=vals[0], text=cell.text, confidence=CONF_SETTLED, line=cell.line,
                                   page=cell.page,
                                   reason=f"split from run-together {ro.text!r}, settled by {' and '.join(ro.why)}")
            n += 1
        else:
            cell.alternatives = vals
    ro.options = keep
    return n


# ---------------------------------------------------------------- the report's own prose

# per column of the 2021 format: the words that name it in a sentence, before the row's label
# (制发的规范性文件88件). The 2019 format's 本年新制作数量 and 本年新公开数量 are both said 制发 or
# 公开 in prose, so its counts settle nothing.
COLUMN_CUES: dict[str, re.Pattern] = {
    "issued": re.compile(r"(?:制发|印发|制定|出台|新制定|新出台)"),
    "repealed": re.compile(r"(?:废止|宣布失效)"),
    "in_force": re.compile(r"现行有效"),
}
COUNT_AFTER = r"(?:共|计|合计)?(\d+)(?:件|个|份|项)"


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def by_prose(doc: Document, clauses: list[str]) -> int:
    """Settle ambiguous rows of the active table by the prose's own counts: a clause that names
    the row (its label) and exactly one column (制发 / 废止 / 现行有效) right before it, with a
    count after it (本年度制发的规范性文件88件). Returns how many cells were settled."""
    if not doc.format:
        return 0
    n = 0
    for row in schema.rows("active", doc.format):
        ro = row_options(doc, "active", row.id)
        if ro is None or not ro.open:
            continue
        for text in clauses:
            t = _norm(text)
            for phrase in row.match:
                m = re.search(r"([^，,。；;]{0,16}?)" + re.escape(phrase) + COUNT_AFTER, t)
                if m:
                    break
            else:
                continue
            before = m.group(1)
            cols = [c for c in row.cols if c in COLUMN_CUES and COLUMN_CUES[c].search(before)]
            if len(cols) != 1 or (cols[0] != "repealed" and COLUMN_CUES["repealed"].search(before)):
                continue
            j, value = row.cols.index(cols[0]), int(m.group(2))
            keep = [o for o in ro.options if o[j] == value]
            if keep and len(keep) < len(ro.options):
                n += apply(doc, ro, keep, f"the report's prose ({m.group(0)})")
    return n


# ---------------------------------------------------------------- neighbouring years in one run

def _agency(doc: Document) -> str | None:
    return _norm(doc.agency) if doc.agency else None


# (format, rows, identity): values of the row in year t−1 and t → whether they agree
CROSS_YEAR = [
    ("2019", ("licensing", "other_services", "penalty", "enforcement", "fees"),
     "上一年项目数量({t}) = 上一年项目数量({p}) + 本年增/减({p})",
     lambda a, b: b[0] == a[0] + a[1]),
    ("2019", ("rules", "normative_docs"),
     "对外公开总数量({t}) = 对外公开总数量({p}) + 本年新公开数量({t})",
     lambda a, b: b[2] == a[2] + b[1]),
    ("2021", ("rules", "normative_docs"),
     "现行有效件数({t}) = 现行有效件数({p}) + 本年制发件数({t}) − 本年废止件数({t})",
     lambda a, b: b[2] == a[2] + b[0] - b[1]),
]


def across_years(docs: list[Document]) -> int:
    """Settle ambiguous rows by the cross-year identities between reports of one agency for
    consecutive years of one format, all read in this run (对外公开总数量 of the 2019 format counts
    every document published so far, so it grows by the year's 本年新公开数量). An identity that no pair of splits
    satisfies (the reports break it) is left out; the others are applied until nothing changes.
    Returns how many cells were settled."""
    by_key: dict[tuple[str, int], Document] = {}
    for d in docs:
        a = _agency(d)
        if a and d.year and d.format and not d.errors:
            if (a, d.year) in by_key:  # two reports for one year: which is which is unknown
                by_key[(a, d.year)] = None
            else:
                by_key[(a, d.year)] = d
    pairs = []
    for (a, y), d in by_key.items():
        p = by_key.get((a, y - 1))
        if d is None or p is None:
            continue
        for fmt, rows, identity, holds in CROSS_YEAR:
            if d.format == fmt and p.format == fmt:
                for rid in rows:
                    pairs.append((p, d, rid, identity.format(t=y, p=y - 1), holds))
    opts: dict[tuple[int, str], RowOptions | None] = {}

    def get(doc: Document, rid: str) -> RowOptions | None:
        k = (id(doc), rid)
        if k not in opts:
            opts[k] = row_options(doc, "active", rid)
        return opts[k]

    n, changed = 0, True
    while changed:
        changed = False
        for p, d, rid, identity, holds in pairs:
            a, b = get(p, rid), get(d, rid)
            if a is None or b is None or not (a.open or b.open):
                continue
            fits = [(x, y) for x in a.options for y in b.options if holds(x, y)]
            if not fits:
                continue  # the reports break this identity: it settles nothing
            for doc, ro, kept, other in ((p, a, {x for x, _ in fits}, d), (d, b, {y for _, y in fits}, p)):
                if ro.open and len(kept) < len(ro.options):
                    why = f"the cross-year identity {identity} with {Path(other.source.path or '').name or other.year}"
                    n += apply(doc, ro, [o for o in ro.options if o in kept], why)
                    changed = True
    return n


def open_rows(doc: Document) -> bool:
    """Whether the report has run-together cells still ambiguous (worth its neighbouring years)."""
    return any(c.value is None and c.reason == AMBIGUOUS for k, c in doc.fields.items() if k.startswith("active."))


def context_of(doc: Document) -> Document:
    """What across_years needs of a report already written: agency, year, format, active table."""
    return Document(source=doc.source, agency=doc.agency, year=doc.year, format=doc.format,
                    fields={k: c for k, c in doc.fields.items() if k.startswith("active.")},
                    errors=list(doc.errors))

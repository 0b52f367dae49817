"""Assemble a Document's tables, metrics, agency, year and format from its lines."""
from __future__ import annotations

from nianbao import schema
from nianbao.document import Cell, Document

from .meta import detect_agency, detect_format, detect_year
from .metrics import clauses, extract_metrics, extract_statements
from .sections import find_sections
from .stream import build
from .tables import anchor_rows, read_appeals, read_row_table

MIN_ANCHORS = 5  # row labels a text must show before it counts as a report


def assemble(doc: Document) -> Document:
    lines = doc.lines()
    st = build(lines)
    secs = find_sections(st)
    doc.year = detect_year(lines)
    doc.agency = detect_agency(lines)
    fmt, votes = detect_format(st.text, doc.year)
    if fmt is None:
        fmt = "2021"
    end = len(st.text)
    active = secs.get("active") or (0, secs.get("requests", (end, end))[0])
    requests = secs.get("requests") or (active[1] if "active" in secs else 0,
                                        secs.get("appeals", (end, end))[0])
    appeals = secs.get("appeals")

    found = len(anchor_rows(st, schema.rows("requests", fmt), *requests)) + \
        len(anchor_rows(st, schema.rows("active", fmt), *active))
    if found < MIN_ANCHORS:
        doc.format = None
        return doc
    doc.format = fmt
    if doc.year is not None and schema.format_for_year(doc.year) != fmt:
        doc.warnings.append(f"report year {doc.year} but tables in the {fmt} format")

    for table, (t0, t1) in (("active", active), ("requests", requests)):
        cells, warns = read_row_table(st, table, fmt, t0, t1)
        doc.fields.update(cells)
        doc.warnings.extend(warns)
    if appeals:
        cells, warns = read_appeals(st, fmt, *appeals)
        doc.fields.update(cells)
        doc.warnings.extend(warns)
    else:
        doc.warnings.append("appeals: section heading not found")
        for key in schema.table_keys("appeals", fmt):
            doc.fields[key] = Cell(value=None, reason="appeals table not found")

    # prose metrics come from outside the tables
    skip: set[int] = set()
    t_start = active[0] if "active" in secs else requests[0]
    t_end = secs["problems"][0] - 1 if "problems" in secs else (appeals[1] if appeals else requests[1])
    if st.tline and t_start < len(st.tline):
        first = st.tline[max(0, t_start - 1)]
        last = st.tline[min(len(st.tline) - 1, max(t_end, 0))]
        skip = set(range(first, last + 1))
    prose = clauses(lines, skip)
    doc.metrics.update(extract_metrics(prose, lines))
    doc.statements.update(extract_statements(prose, lines))
    return doc

"""Assemble a Document's tables, metrics, agency, year and format from its lines."""
from __future__ import annotations

import re

from nianbao import cell_writer, schema, variants
from dataclasses import replace

from nianbao.document import Cell, Document, Line

from .meta import detect_agency, detect_format, detect_year
from .metrics import clauses, extract_metrics, extract_statements
from .sections import find_sections
from .stream import build
from . import runs, settle
from .tables import anchor_rows, detect_aggregate, not_printed, printed_rows, read_appeals, read_row_table

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

    aggregate = variants.decide_aggregate(doc, variants.TEXT, detect_aggregate(st, fmt, *requests))
    # prose metrics come from outside the tables; its counts of requests rows help place them
    skip: set[int] = set()
    t_start = active[0] if "active" in secs else requests[0]
    t_end = secs["problems"][0] - 1 if "problems" in secs else (appeals[1] if appeals else requests[1])
    prose_lines = lines
    if st.tline and t_start < len(st.tline):
        a, b = max(0, t_start - 1), min(len(st.tline) - 1, max(t_end, 0))
        first, last = st.tline[a], st.tline[b]
        skip = set(range(first, last + 1)) - _sentences_between_tables(lines, first, last)
        prose_lines = _keep_prose(lines, st, a, b, skip)
    prose = clauses(prose_lines, skip)
    stated = settle.request_statements([c.text for c in prose])
    glued = runs.glued(st, fmt, *requests)
    if glued:
        variants.add(doc, "run_together_cells")
    for table, (t0, t1) in (("active", active), ("requests", requests)):
        if glued:
            cells, warns = runs.read_rows(st, table, fmt, t0, t1, printed_rows(table, fmt, aggregate), aggregate)
            if aggregate and table == "requests":
                cells.update(not_printed(fmt))
        else:
            cells, warns = read_row_table(st, table, fmt, t0, t1, aggregate, stated)
        cell_writer.write_all(doc, cells, stage="assemble",
                              why=f"the {table} table read from the text" + (" as run-together rows" if glued else ""))
        doc.warnings.extend(warns)
    if not glued and _split_blank_zeros(doc):
        # the requests rows were cells run together with zeros printed blank (a scraped page):
        # the active table's numbers are run together too (规章1313524), which the stream does
        # not take for numbers at all: its rows are split as run-together rows
        cells, warns = runs.read_rows(st, "active", fmt, *active, printed_rows("active", fmt, aggregate), aggregate)
        cell_writer.write_all(doc, cells, stage="assemble",
                              why="the active table re-read as run-together rows (zeros printed blank)")
        doc.warnings.extend(warns)
    if appeals:
        cells, warns = runs.read_appeals(st, fmt, *appeals) if glued else \
            read_appeals(st, fmt, *appeals, settle.appeal_statements([c.text for c in prose]))
        cell_writer.write_all(doc, cells, stage="assemble", why="the appeals table read from the text")
        doc.warnings.extend(warns)
    else:
        doc.warnings.append("appeals: section heading not found")
        for key in schema.table_keys("appeals", fmt):
            cell_writer.write(doc, key, Cell(value=None, reason="appeals table not found"), stage="assemble",
                              why="no appeals section heading")

    doc.metrics.update(extract_metrics(prose, lines))
    settle.by_prose(doc, [c.text for c in prose])  # run-together cells the prose counts
    doc.statements.update(extract_statements(prose, lines))
    return doc


LONG_LINE = 200  # a line this long holds more than the tables: a web page scraped into one line
SENTENCE_END = re.compile(r"[。！？!?]\s*$")


def _split_blank_zeros(doc: Document) -> bool:
    """Whether the requests table was read as cells run together with zeros printed blank
    (tables.RowReader.place_short's fallback)."""
    return any((c.reason or "").startswith(("cells run together split", "ambiguous: cells run together split"))
               for k, c in doc.fields.items() if k.startswith("requests."))


def _sentences_between_tables(lines: list[Line], first: int, last: int) -> set[int]:
    """Lines inside the tables' span that are prose, not table text: a sentence ending in 。 on a
    line that is no grid row (平潭 2024 prints `2024年，共收到政府信息公开申请3条。` between a
    heading and its table). Table cells never end in a full stop; a scraped page's one long line
    is left to _keep_prose."""
    out = set()
    for li in range(first, last + 1):
        ln = lines[li]
        text = ln.text.strip()
        if getattr(ln, "cells", None) or "\t" in ln.text or len(text) < 12 or len(text) >= LONG_LINE:
            continue
        if SENTENCE_END.search(text) and sum(ch.isdigit() for ch in text) <= len(text) // 4:
            out.add(li)
    return out


def _keep_prose(lines: list[Line], st, a: int, b: int, skip: set[int]) -> list[Line]:
    """The lines with the tables blanked out; where the tables sit inside a long line (a scraped
    page whose body is one line), the prose before and after them on that line stays."""
    first, last = st.tline[a], st.tline[b]
    if first not in st.slines or last not in st.slines:
        return lines
    if len(st.slines[first]) < LONG_LINE and len(st.slines[last]) < LONG_LINE:
        return lines
    out = list(lines)
    for li in {first, last}:
        s = st.slines[li]
        lo = st.tcol[a] + 1 if li == first else 0  # what comes before the tables on the line stays
        hi = st.tcol[b] + 1 if li == last else len(s)  # ... and what comes after them
        out[li] = replace(lines[li], text=s[:lo] + " " * max(0, hi - lo) + s[hi:])
        skip.discard(li)
    return out

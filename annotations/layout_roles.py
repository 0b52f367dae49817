"""Row and column label boxes for pages the rules extractor read (no token model, so no
ROW:/COL: labels on the tokens).

Without them a pulled page would teach the model that printed row and column labels are `O`,
the opposite of the synthetic corpus; so push proposes them, and the person corrects them like
any other box. Found from the cells' own boxes:
  a row label is the text left of the row's first value, in the row's vertical band (half way
  to the neighbouring rows), keeping only the rightmost column of such text (group captions
  like （三）不予公开 stand further left);
  a column label is a run of header text above the column's first value on the page, inside
  the column's horizontal extent, whose text is (part of) the column's name in the schema.
The appeals table is usually printed transposed: its rows are column groups, each named
above its columns.
"""
from __future__ import annotations

import statistics

from nianbao import schema
from nianbao.document import Document, Page, Token

from .label_config import caption, own_item_span
from .label_config import norm as _norm

TABLES = ("active", "requests", "appeals")
GAP_PT = 2.5        # wider gap between two characters of a line starts a new run
HEADER_PT = 90.0    # how far above a column's first value its header may be


def _runs(page: Page) -> list[list[Token]]:
    """Characters of each line grouped into runs of adjacent characters."""
    out = []
    for line in page.lines:
        toks = sorted((t for t in line.tokens if t.bbox and t.text.strip()), key=lambda t: t.bbox[0])
        run: list[Token] = []
        for t in toks:
            if run and t.bbox[0] - run[-1].bbox[2] > GAP_PT:
                out.append(run)
                run = []
            run.append(t)
        if run:
            out.append(run)
    return _stack_vertical(out)


def _stack_vertical(runs: list[list[Token]]) -> list[list[Token]]:
    """Single characters stacked in a column (a header printed vertically) as one run."""
    singles = sorted((r for r in runs if len(r) == 1), key=lambda r: (r[0].bbox[0], r[0].bbox[1]))
    rest = [r for r in runs if len(r) != 1]
    stacks: list[list[Token]] = []
    for (t,) in singles:
        for st in stacks:
            last = st[-1].bbox
            overlap = min(last[2], t.bbox[2]) - max(last[0], t.bbox[0])
            if overlap > 0.5 * (t.bbox[2] - t.bbox[0]) and 0 <= t.bbox[1] - last[3] < 4:
                st.append(t)
                break
        else:
            stacks.append([t])
    return rest + stacks


def _box(toks) -> tuple[float, float, float, float]:
    return (min(t.bbox[0] for t in toks), min(t.bbox[1] for t in toks),
            max(t.bbox[2] for t in toks), max(t.bbox[3] for t in toks))


def _cy(b) -> float:
    return (b[1] + b[3]) / 2


def layout_regions(doc: Document, page: Page) -> list[tuple[str, tuple, str]]:
    """[(label, bbox in points, text)] of the row and column labels found on the page."""
    if not doc.format:
        return []
    cells = [(k, c) for k, c in doc.fields.items() if c.page == page.number and c.bbox
             and k.split(".", 1)[0] in TABLES]
    if not cells:
        return []
    runs = _runs(page)
    out = _rows(doc.format, cells, runs)
    used = {id(t) for _, _, _, toks in out for t in toks}
    out += _cols(doc.format, cells, [r for r in runs if not any(id(t) in used for t in r)])
    return [(label, box, text) for label, box, text, _ in out]


def _rows(fmt, cells, runs):
    rows: dict[str, list] = {}
    for key, c in cells:
        table, row, _ = schema.parse_key(key)
        rows.setdefault(f"{table}.{row}", []).append(c.bbox)
    centres = sorted((statistics.median(_cy(b) for b in bs), rid, min(b[0] for b in bs))
                     for rid, bs in rows.items())
    out = []
    def table(k):
        return centres[k][1].split(".", 1)[0]
    for i, (cy, rid, value_left) in enumerate(centres):
        # a neighbour of another table is past a heading: the band must not reach it
        above = centres[i - 1][0] if i and table(i - 1) == table(i) else None
        below = centres[i + 1][0] if i + 1 < len(centres) and table(i + 1) == table(i) else None
        if (above is not None and cy - above < 3) or (below is not None and below - cy < 3):
            found = _transposed_row(fmt, rid, rows[rid], runs)  # rows printed side by side
            if found:
                out.append(found)
            continue
        top = (above + cy) / 2 if above is not None else cy - ((below - cy) / 2 if below else 12)
        bottom = (cy + below) / 2 if below is not None else cy + ((cy - above) / 2 if above else 12)
        own = set(_norm((_row_zh(rid, fmt).split() or [""])[-1]))  # its own words, not its group caption
        cand = [r for r in runs if _box(r)[2] <= value_left - 1 and top <= _cy(_box(r)) < bottom
                and _share(r, own) >= 0.5]
        if not cand:
            continue
        right = max(_box(r)[0] for r in cand)
        keep = [r for r in cand if _box(r)[0] >= right - 3]
        toks = [t for r in sorted(keep, key=lambda r: (_box(r)[1], _box(r)[0])) for t in r]
        toks = _without_caption(f"ROW:{rid}", toks)
        a, b = own_item_span(f"ROW:{rid}", [t.text for t in toks])
        toks = toks[a:b]
        if toks:
            out.append((f"ROW:{rid}", _box(toks), "".join(t.text for t in toks), toks))
    return out


def _without_caption(label: str, toks: list[Token]) -> list[Token]:
    """A sub-row label printed after its group caption on one run ((五)不予处理1.信访…):
    the caption's characters belong to the group, not to the row."""
    cap = caption(label)
    text = _norm("".join(t.text for t in toks))
    if not cap or not text.startswith(cap) or len(text) == len(cap):
        return toks
    n, out = 0, []
    for t in toks:
        if n < len(cap):
            n += len(_norm(t.text))
            continue
        out.append(t)
    return out


def _transposed_row(fmt, rid, boxes, runs):
    """A row printed as a column group (the appeals table): its name above its cells."""
    own = _norm(_row_zh(rid, fmt).split("·")[-1])
    x0, x1, top = min(b[0] for b in boxes), max(b[2] for b in boxes), min(b[1] for b in boxes)
    hits = [r for r in runs if top - 2 * HEADER_PT <= _box(r)[1] and _box(r)[3] <= top
            and x0 - 5 <= (_box(r)[0] + _box(r)[2]) / 2 <= x1 + 5 and _norm("".join(t.text for t in r)) == own]
    if not hits:
        return None
    best = max(hits, key=lambda r: _box(r)[3])
    return (f"ROW:{rid}", _box(best), "".join(t.text for t in best), list(best))


def _row_zh(rid: str, fmt: str) -> str:
    table, row = rid.split(".", 1)
    # the aggregate variant's rows too (（六）其他处理 printed whole in a 2021 table)
    return next((r.zh for agg in (False, True) for r in schema.rows(table, fmt, agg) if r.id == row), "")


def _share(run: list[Token], chars: set[str]) -> float:
    text = _norm("".join(t.text for t in run))
    return sum(ch in chars for ch in text) / len(text) if text else 0.0


def _cols(fmt, cells, runs):
    """Per value cell, the nearest run of header text above it whose words are the column's
    name; a header repeated over each block of rows (or each group of the appeals table) is
    found once per block."""
    cols: dict[tuple[str, str], list] = {}
    for key, c in cells:
        table, _, col = schema.parse_key(key)
        cols.setdefault((table, col), []).append(c.bbox)
    out = []
    taken: set[int] = set()
    for (table, col), bs in cols.items():
        spec = schema.columns(table, fmt)[col]
        names = [_norm(n) for n in (spec.zh, *spec.match)]
        for b in sorted(bs, key=lambda b: (b[1], b[0])):
            # the header sits below this column's previous value
            floor = max((o[3] for o in bs if o[3] <= b[1] and _x_overlap(o, b)), default=b[1] - HEADER_PT)
            slack = max(12.0, b[2] - b[0]) + 30
            zone = [r for r in runs if max(floor, b[1] - HEADER_PT) <= _box(r)[1] and _box(r)[3] <= b[1] + 1
                    and _box(r)[0] >= b[0] - slack and _box(r)[2] <= b[2] + slack]
            hits = [r for r in zone if id(r) not in taken and _names(r, names)]
            if not hits:
                continue
            cx = (b[0] + b[2]) / 2
            best = max(hits, key=lambda r: (round(_box(r)[3] / 4), -abs((_box(r)[0] + _box(r)[2]) / 2 - cx)))
            group = [best] + _wrapped([best], [r for r in zone if r is not best and id(r) not in taken])
            taken.update(id(r) for r in group)
            toks = [t for r in sorted(group, key=lambda r: (_box(r)[1], _box(r)[0])) for t in r]
            out.append((f"COL:{table}.{col}", _box(toks), "".join(t.text for t in toks), toks))
    return out


def _x_overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > 0


def _names(run, names) -> bool:
    text = _norm("".join(t.text for t in run))
    return len(text) >= 2 and any(text in n or n in text for n in names)


def _wrapped(hits, others):
    """The rest of a header wrapped in a narrow cell: runs right above or under a hit (and
    under those), within its width."""
    out: list = []
    frontier = list(hits)
    while frontier:
        hb = _box(frontier.pop())
        for r in others:
            b = _box(r)
            near = 0 <= b[1] - hb[3] < 8 or 0 <= hb[1] - b[3] < 8
            if r not in out and near and b[0] >= hb[0] - 3 and b[2] <= hb[2] + 3:
                out.append(r)
                frontier.append(r)
    return out

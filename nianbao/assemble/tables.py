"""Read the three tables from the stream, anchored on the printed row labels.

Rows are found by their label phrases in printed order; each run of numbers is then given
to the row label it belongs to (after it normally, before it when the text puts numbers
first), never by counting digits from the top of the table. Rows with fewer numbers than
columns (zeros printed blank) are placed by position — tab fields, character boxes under the
printed column labels or in the columns of full rows, pdftotext -layout columns — or, in text
without character boxes, all together by the table's identities and a layout dump's header
offsets (short_rows.py; blanks.py where that search gives no answer); rows with a stray extra
cell lose the cell that breaks the row identity.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import statistics
from dataclasses import dataclass, replace

from nianbao import schema
from nianbao.document import Cell, Line
from nianbao.schema import Row, row_labels as labels

from . import active_short, blanks, short_rows
from .normalize import compact, norm
from .stream import Num, Stream

CONF_DIRECT = 0.99
CONF_BLANK = 0.9
CONF_POSITIONAL = 0.85
CONF_STRAY = 0.8
CONF_GUESS = 0.5


@dataclass
class Anchor:
    row: Row
    tpos: int  # text index where the label phrase starts
    seq: int
    line: int
    end: int = -1  # text index after the label phrase
    reason: str | None = None  # how a label printed short or with a slip was recognised


def anchor_rows(st: Stream, rows: tuple[Row, ...], t0: int, t1: int) -> list[Anchor]:
    """Find each row's label in printed order; a row whose match phrases are all missing is
    looked for between its neighbours as a label printed short or with a slip; a row found
    neither way is skipped."""
    return _fill_gaps(st, rows, _anchor_phrases(st, rows, t0, t1), t0, t1)


def _fill_gaps(st: Stream, rows: tuple[Row, ...], found: list[Anchor], t0: int, t1: int) -> list[Anchor]:
    """Rows not found by a phrase, looked for in the text between the rows found before and
    after them (schema.row_labels: item number, order, kept share of the label)."""
    have = {a.row.id for a in found}
    if len(have) == len(rows):
        return found
    by_id = {a.row.id: a for a in found}
    out: list[Anchor] = []
    lo = t0
    for i, row in enumerate(rows):
        if row.id in by_id:
            a = by_id[row.id]
            out.append(a)
            lo = a.end
            continue
        nxt = next((by_id[r.id] for r in rows[i + 1:] if r.id in by_id), None)
        hi = nxt.tpos if nxt is not None else t1
        hit = labels.find(row, st.text, lo, hi)
        if hit is None:
            continue
        start, end, kept = hit
        out.append(Anchor(row, start, st.tseq[start], st.tline[start], end,
                          f"row label printed as {st.text[start:end]!r} ({kept:.0%} of {labels.own_label(row)})"))
        lo = end
    return out


def _anchor_phrases(st: Stream, rows: tuple[Row, ...], t0: int, t1: int) -> list[Anchor]:
    out, cursor = [], t0
    for row in rows:
        label = compact(norm(row.zh.split()[-1]))  # the row's own label, without its group's
        hit = None
        for phrase in row.match:
            i = st.text.find(phrase, cursor, t1)
            if i >= 0:
                hit = (i, i + len(phrase), phrase)
                break
        if hit is None and len(row.match[0]) >= 5:
            # a label interleaved with a neighbouring column's text, as pdftotext -layout prints
            # a tall group label (5.要求行政机关确认或重新 / 度办理结 / 出具已获取信息)
            m = _gapped(row.match[0]).search(st.text, cursor, t1)
            if m:
                hit = (m.start(), m.end(), row.match[0])
        if hit is None:
            continue
        i, end, phrase = hit
        # a key phrase may sit after the numbers of a wrapped label (3.要求提供 0 0 4 / 公开出版物):
        # walk back along the printed label so the anchor is where the label starts
        o = label.find(phrase)
        while o > 0 and i > cursor and st.text[i - 1] == label[o - 1]:
            i, o = i - 1, o - 1
        out.append(Anchor(row, i, st.tseq[i], st.tline[i], end))
        cursor = end
    return out


@functools.cache
def _gapped(phrase: str) -> re.Pattern:
    return re.compile(".{0,6}?".join(map(re.escape, phrase)))


def _line_rank(st: Stream) -> dict[int, int]:
    rank, r = {}, 0
    for i, ln in enumerate(st.lines):
        if ln.text.strip():
            rank[i] = r
            r += 1
    return rank


def assign_runs(st: Stream, anchors: list[Anchor], seq_lo: int, seq_hi: int) -> dict[str, list[Num]]:
    """Give each run of numbers in [seq_lo, seq_hi) to the row label it belongs to."""
    nums = st.nums_between(seq_lo, seq_hi)
    runs: list[list[Num]] = []
    for n in nums:
        if runs and runs[-1][-1].run == n.run:
            runs[-1].append(n)
        else:
            runs.append([n])
    got: dict[str, list[Num]] = {a.row.id: [] for a in anchors}
    if not anchors or not runs:
        return got
    need = {a.row.id: len(a.row.cols) for a in anchors}
    rank = _line_rank(st)
    first_k = need[anchors[0].row.id]
    before_mode = runs[0][-1].seq < anchors[0].seq and len(runs[0]) >= max(1, first_k - 1)
    seqs = [a.seq for a in anchors]
    for run in runs:
        j = bisect.bisect_left(seqs, run[0].seq)
        p = anchors[j - 1] if j > 0 else None
        q = anchors[j] if j < len(anchors) else None
        rl = rank.get(run[0].line, 0)
        if before_mode:
            if q is not None and len(got[q.row.id]) < need[q.row.id]:
                got[q.row.id].extend(run)
            elif p is not None and rank.get(p.line, 0) >= rl - 1:
                got[p.row.id].extend(run)
            continue
        if p is None:
            continue  # numbers above the first row label: not cells of this table
        if len(got[p.row.id]) < need[p.row.id]:
            if q is None and got[p.row.id] == []:
                # the last row takes no numbers from prose after the table: only numbers that
                # follow its label closely (a label printed one character per line is fine)
                t_last = st.text_index_at_seq(run[0].seq) - 1
                between = t_last - p.tpos + 1
                if between > 40 or rl - rank.get(st.tline[t_last], 0) > 2:
                    continue
            got[p.row.id].extend(run)
        elif q is not None and abs(rank.get(q.line, 0) - rl) < abs(rl - rank.get(p.line, 0)) \
                and len(got[q.row.id]) < need[q.row.id]:
            got[q.row.id].extend(run)  # this row's numbers come before its label
        elif rank.get(got[p.row.id][-1].line, 0) >= rl - 1:
            got[p.row.id].extend(run)  # a stray extra cell of the same row
    return got


# ---------------------------------------------------------------- cells of one row

def _num_value(n: Num, ctype: str):
    if n.dash or n.value is None:
        return 0
    v = n.value
    if ctype in ("int", "signed") and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _grid_coord(line: Line, field: int | None) -> tuple[int, int, int] | None:
    """(table, row, col) of a tab field of a table-row line from HTML or Word."""
    if line.cells is None or field is None or not 0 <= field < len(line.cells):
        return None
    return line.cells[field]


def blank_coords(placed: list[Num | None], lines: list[Line]) -> list[tuple[int, int, int] | None]:
    """Grid coordinates of the blank cells of a row placed by its tab fields (place_by_fields
    puts column i in field start + i), counted from a printed cell of the row."""
    known = next(((j, n) for j, n in enumerate(placed) if n is not None and n.field is not None), None)
    if known is None:
        return [None] * len(placed)
    j, n = known
    return [None if p is not None else _grid_coord(lines[n.line], n.field + i - j) for i, p in enumerate(placed)]


def _cell(n: Num | None, ctype: str, lines: list[Line], conf: float, reason: str | None = None,
          coord: tuple[int, int, int] | None = None) -> Cell:
    if n is None:
        return Cell(value=0, text="", confidence=conf, blank=True,
                    reason=reason or "blank cell read as 0", table_cell=coord)
    ln = lines[n.line]
    return Cell(value=_num_value(n, ctype), text=n.text, confidence=conf, page=ln.page, line=ln.number,
                bbox=n.bbox, blank=n.dash, reason=reason or ("dash read as 0" if n.dash else None),
                table_cell=_grid_coord(ln, n.field))


def _row_sum_ok(vals: list) -> bool:
    """requests/appeals rows: the last column is the total of the others."""
    v = [0 if x is None else x for x in vals]
    return abs(sum(v[:-1]) - v[-1]) < 1e-9


def _values(nums: list[Num | None]) -> list:
    return [None if n is None or n.dash else n.value for n in nums]


def drop_stray(nums: list[Num], k: int, has_total: bool) -> tuple[list[Num], str]:
    """Choose k of the printed numbers: the ones that satisfy the row identity, dropping blanks
    and zeros first (a stray extra cell is nearly always an empty or zero cell)."""
    m = len(nums)
    best, best_score = None, None
    if m - k <= 3:
        for drop in itertools.combinations(range(m), m - k):
            keep = [n for i, n in enumerate(nums) if i not in drop]
            ok = has_total and _row_sum_ok(_values(keep))
            zeros = sum(1 for i in drop if nums[i].dash or nums[i].value == 0)
            score = (ok, zeros, -sum(drop) if has_total else 0, -max(drop))
            if best_score is None or score > best_score:
                best, best_score = keep, score
    if best is None:
        # more numbers than stray cells explain (two rows' numbers given to one label, as a
        # garbled dump does): which are its own would be a guess
        return None, f"row given {m} numbers for {k} columns; cannot tell which are its own"
    dropped = [n.text for n in nums if n not in best]
    return best, f"row printed {m} cells for {k} columns; dropped {', '.join(dropped)}"


MINUS_TEXTS = ("-", "--")  # a minus as the text normalises it (-, －, − and the hyphens)


def _minus_before(n: Num, nxt: Num | None) -> bool:
    """A minus standing just before a number on its line: its sign, or a zero mark then a cell."""
    return (n.dash and n.text in MINUS_TEXTS and nxt is not None and not nxt.dash and nxt.line == n.line
            and isinstance(nxt.value, int) and nxt.value > 0 and 0 <= nxt.x0 - n.x1 <= _gap_limit(n, nxt))


def loose_minus(nums: list[Num]) -> Num | None:
    """The first number of a row printed right after a loose minus (`- 72`), if any."""
    return next((b for a, b in zip(nums, nums[1:]) if _minus_before(a, b)), None)


def join_signs(nums: list[Num], types: list[str]) -> list[Num] | None:
    """A signed change printed with a space after its minus (`88 - 72 0`, `26 － 26`) reads as a
    zero mark and a number: one cell too many. When joining such a minus to the number right
    after it on its line gives exactly one number per column and puts each joined number under a
    signed column (本年增/减), the row printed negative changes; otherwise None."""
    if len(nums) <= len(types) or "signed" not in types:
        return None
    out: list[Num] = []
    i = 0
    while i < len(nums):
        n, nxt = nums[i], nums[i + 1] if i + 1 < len(nums) else None
        if _minus_before(n, nxt):
            out.append(replace(nxt, seq=n.seq, value=-nxt.value, text=f"{n.text}{nxt.text}", x0=n.x0, bbox=n.bbox and
                               nxt.bbox and (n.bbox[0], min(n.bbox[1], nxt.bbox[1]), nxt.bbox[2], max(n.bbox[3], nxt.bbox[3]))))
            i += 2
            continue
        out.append(n)
        i += 1
    if len(out) != len(types):
        return None
    joined = [j for j, n in enumerate(out) if n.value is not None and n.value < 0 and n.text[:1] in "-" and n not in nums]
    if not joined or any(types[j] != "signed" for j in joined):
        return None
    return out


def _gap_limit(a: Num, b: Num) -> float:
    """How far a minus may stand from its digits: one space of text, or a character's width."""
    if a.bbox is not None and b.bbox is not None:
        return max(a.bbox[3] - a.bbox[1], 1.0)
    return 1.0


def place_by_fields(nums: list[Num], k: int, line_text: str) -> list[Num | None] | None:
    """Tab-delimited text: empty fields between tabs are blank cells."""
    fields = norm(line_text).split("\t")
    tail = []
    printed = {n.text for n in nums}
    for f in reversed(fields):
        t = f.strip()
        if t and t not in printed and t not in ("-", "—", "/"):
            break
        tail.append(t)
    tail.reverse()
    start = len(fields) - len(tail)
    while len(tail) > k and tail[-1] == "":
        tail.pop()
    while len(tail) > k and tail[0] == "":
        tail.pop(0)
        start += 1
    if len(tail) != k:
        return None
    by_field = {n.field: n for n in nums}
    out = [by_field.get(start + i) for i in range(k)]
    if sum(1 for o in out if o is not None) != len(nums):
        return None
    return out


def place_by_position(nums: list[Num], centres: list[float | None]) -> list[Num | None] | None:
    """Put numbers (left to right) in the columns whose reference centres are nearest."""
    k = len(centres)
    if any(c is None for c in centres) or len(nums) > k:
        return None
    best, best_cost = None, None
    for cols in itertools.combinations(range(k), len(nums)):
        cost = sum(abs((n.x0 + n.x1) / 2 - centres[c]) for n, c in zip(nums, cols))
        if best_cost is None or cost < best_cost:
            best, best_cost = cols, cost
    out: list[Num | None] = [None] * k
    for n, c in zip(nums, best):
        out[c] = n
    return out


def placements_by_identity(nums: list[Num], k: int) -> list[list[Num | None]]:
    """Requests rows: every placement (left to right) whose values satisfy total = sum of the
    rest with the total column filled, leftmost columns first."""
    out_all = []
    for cols in itertools.combinations(range(k), len(nums)):
        if (k - 1) not in cols:
            continue
        out: list[Num | None] = [None] * k
        for n, c in zip(nums, cols):
            out[c] = n
        if _row_sum_ok(_values(out)):
            out_all.append(out)
    return out_all


class RowReader:
    """Turns the numbers given to each row into Cells, using the table's full rows as the
    positional reference for rows with blank cells."""

    def __init__(self, st: Stream, table: str, fmt: str, got: dict[str, list[Num]], rows: dict[str, Row],
                 header: tuple[int, int] | None = None, aggregate: bool = False):
        self.st, self.table, self.fmt, self.aggregate = st, table, fmt, aggregate
        self.label_lines: dict[str, set[int]] = {}  # row id → lines its printed label spans
        self.doubtful: set[str] = set()  # rows given numbers away from their label that break their total
        self.header = header  # text range of the column header, for column positions
        self.span = header  # text range of the whole table (read_row_table sets it)
        self.all_nums = [n for nums in got.values() for n in nums]
        self.ambiguous: dict[str, list[list[Num | None]]] = {}
        self.short: dict[str, list[Num]] = {}  # rows printing fewer numbers than columns, no positions
        self.stated: list = []  # the report's prose on requests rows (settle.request_statements)
        self.types = {c: schema.col_type(table, fmt, c) if table == "active" else "int"
                      for r in rows.values() for c in r.cols}
        # reference column positions from the rows printed in full, per page (layouts differ
        # between pages) and over the whole table
        self.centres: dict[tuple[int | None, str], float] = {}
        samples: dict[tuple[int | None, str], list[float]] = {}
        for rid, nums in got.items():
            r = rows[rid]
            if len(nums) == len(r.cols) and len({n.line for n in nums}) == 1 and all(map(st.positioned, nums)):
                for n, c in zip(nums, r.cols):
                    x = (n.x0 + n.x1) / 2
                    samples.setdefault((n.tpage, c), []).append(x)
                    samples.setdefault((None, c), []).append(x)
        for key, xs in samples.items():
            self.centres[key] = statistics.median(xs)
        self._from_header(rows)
        self._fill_from_clusters(got, rows)

    def _from_header(self, rows: dict[str, Row]) -> None:
        """Column positions from the printed column labels (自然人 … 总计), where the text has
        character boxes: the header anchors every column even when no row prints all of them."""
        if self.table != "requests" or not self.header or not any(x is not None for x in self.st.tx):
            return
        t0, t1 = self.header
        text = self.st.text
        found: dict[str, tuple[int, float]] = {}
        for cid, col in schema.columns("requests", self.fmt).items():
            pat = re.compile("其他(?!组)") if cid == "other_org" else re.compile(re.escape(col.zh))
            m = pat.search(text, t0, t1)
            if not m:
                continue
            xs = [self.st.tx[i] for i in range(m.start(), m.end()) if self.st.tx[i] is not None]
            if xs:
                found[cid] = (self.st.tpg[m.start()], statistics.median(xs))
        if not self._header_fits(found):
            return
        for cid, (page, x) in found.items():
            self.centres.setdefault((page, cid), x)
            self.centres.setdefault((None, cid), x)

    def _header_fits(self, found: dict[str, tuple[int, float]]) -> bool:
        """Header labels only stand for columns when they run left to right in column order and
        the table's numbers sit under them (a header drawn as one line of text does not)."""
        xs = [x for _, x in found.values()]
        if len(xs) < 4 or any(b <= a for a, b in zip(xs, xs[1:])):
            return False
        tol = min(b - a for a, b in zip(xs, xs[1:])) / 2
        nums = [n for n in self.all_nums if n.bbox is not None]
        if not nums:
            return False
        near = sum(1 for n in nums if min(abs((n.x0 + n.x1) / 2 - x) for x in xs) < tol)
        return near >= 0.9 * len(nums)

    def _fill_from_clusters(self, got: dict[str, list[Num]], rows: dict[str, Row]) -> None:
        """Columns no full row shows (zeros printed blank): take them from the clusters of all the
        table's number positions on the page, or interpolate between the known columns."""
        if self.table != "requests":  # active rows use different columns at shared positions
            return
        order = list(next(iter(rows.values())).cols)
        by_page: dict[int, list[float]] = {}
        for nums in got.values():
            for n in nums:
                if n.bbox is not None:  # pdftotext -layout columns drift too much to cluster
                    by_page.setdefault(n.tpage, []).append((n.x0 + n.x1) / 2)
        by_page[None] = [x for xs in by_page.values() for x in xs]
        for page, xs in by_page.items():
            known = {c: self.centres[(page, c)] for c in order if (page, c) in self.centres}
            if len(known) == len(order) or len(xs) < 2:
                continue
            if len(known) < 2:
                # nothing to anchor on: the numbers' positions fall into one cluster per column
                xs.sort()
                tol = (xs[-1] - xs[0]) / (len(order) - 1) / 4
                clusters, cur = [], [xs[0]]
                for a, b in zip(xs, xs[1:]):
                    if b - a > tol:
                        clusters.append(statistics.median(cur))
                        cur = []
                    cur.append(b)
                clusters.append(statistics.median(cur))
                if len(clusters) == len(order):
                    for c, x in zip(order, clusters):
                        self.centres.setdefault((page, c), x)
                continue
            xs.sort()
            gaps = [b - a for a, b in zip(xs, xs[1:])]
            spacing = min(abs(known[b] - known[a]) / (order.index(b) - order.index(a))
                          for a, b in zip(list(known), list(known)[1:]))
            tol = spacing / 3
            clusters, cur = [], [xs[0]]
            for x, g in zip(xs[1:], gaps):
                if g > tol:
                    clusters.append(statistics.median(cur))
                    cur = []
                cur.append(x)
            clusters.append(statistics.median(cur))
            idx = [order.index(c) for c in known]
            xk = list(known.values())

            def interp(i: int) -> float:
                # linear in the column index through the nearest known columns
                lo = max((j for j in idx if j <= i), default=None)
                hi = min((j for j in idx if j >= i), default=None)
                if lo is None:
                    lo, hi = idx[0], idx[1]
                elif hi is None:
                    lo, hi = idx[-2], idx[-1]
                if lo == hi:
                    return xk[idx.index(lo)]
                x_lo, x_hi = xk[idx.index(lo)], xk[idx.index(hi)]
                return x_lo + (x_hi - x_lo) * (i - lo) / (hi - lo)

            free = [x for x in clusters if all(abs(x - k) > tol for k in xk)]
            for c in order:
                if c in known:
                    continue
                guess = interp(order.index(c))
                near = min(free, key=lambda x: abs(x - guess), default=None)
                if near is not None and abs(near - guess) < spacing / 2:
                    self.centres[(page, c)] = near
                    free.remove(near)
                else:
                    self.centres[(page, c)] = guess

    def centre(self, page: int, col: str) -> float | None:
        return self.centres.get((page, col), self.centres.get((None, col)))

    def empty_row_coords(self, line: int | None, k: int) -> list | None:
        """A row that printed no number in a structured table: its cells are the label line's
        last k fields, when those are empty."""
        ln = self.st.lines[line] if line is not None else None
        if ln is None or ln.cells is None:
            return None
        fields = norm(ln.text).split("\t")
        if len(fields) <= k or any(f.strip() for f in fields[-k:]):
            return None
        return ln.cells[-k:]

    def own_grid_row(self, nums: list[Num], line: int | None, k: int) -> list[Num]:
        """Web and Word tables: a row's cells are the cells of the grid row its label is in. The
        numbers given to it by reading order are replaced by those when they come from other
        grid rows and the label's row is a data row (its last k fields are numbers or empty):
        a label the anchors missed must not hand its numbers to the row above, whose own grid
        cells were blank, nor a row take its neighbour's (issue 24)."""
        ln = self.st.lines[line] if line is not None and 0 <= line < len(self.st.lines) else None
        if ln is None or ln.cells is None or all(n.line == line for n in nums):
            return nums
        fields = norm(ln.text).split("\t")
        if len(fields) <= k:
            return nums
        own = [n for n in self.st.nums if n.line == line and n.field is not None and n.field >= len(fields) - k]
        if len(own) != sum(1 for f in fields[-k:] if f.strip()):
            return nums  # text that is not a number among its cells: not a data row
        return own

    def read(self, row: Row, nums: list[Num], line: int | None = None) -> dict[str, Cell]:
        k, lines = len(row.cols), self.st.lines
        nums = self.own_grid_row(nums, line, k)
        has_total = self.table in ("requests", "appeals")
        placed: list[Num | None] | None = None
        coords = None
        conf, reason = CONF_DIRECT, None
        signed = join_signs(nums, [self.types.get(c, "int") for c in row.cols]) if self.table == "active" else None
        if signed is not None:
            # the only reading with one number per column, but not a plain one: not at full confidence
            placed, conf = signed, CONF_POSITIONAL
            reason = "a minus printed apart from its digits read as a negative change"
        elif len(nums) == k:
            placed = list(nums)
            after = loose_minus(nums) if any(self.types.get(c) == "signed" for c in row.cols) else None
            if after is not None:
                # `88 - 72` in three columns: 88 | 0 | 72 or 88 | -72 | blank; the text cannot tell
                conf = CONF_GUESS
                reason = f"a minus before {after.text} may be its sign or a zero mark; read as a zero mark"
        elif len(nums) > k:
            placed, reason = drop_stray(nums, k, has_total)
            conf = CONF_STRAY
            if placed is None:
                return {row.key(c): Cell(value=None, reason=f"unreadable: {reason}") for c in row.cols}
        elif not nums:
            placed, conf = [None] * k, CONF_BLANK
            coords = self.empty_row_coords(line, k)
        else:
            one_line = len({n.line for n in nums}) == 1
            if one_line and nums[0].field is not None:
                placed = place_by_fields(nums, k, lines[nums[0].line].text)
                coords = blank_coords(placed, lines) if placed is not None else None
            if placed is None and one_line and self.table == "active" and not self.st.boxed:
                # a layout dump prints each active sub-table's header at its own offsets: the one
                # above the row places it, where the table-wide centres below mix the sub-tables
                # (第（五）项's 本年增/减 stands where 第（六）项's 处理决定数量 may)
                placed = active_short.by_header(self.st, self.fmt, row.cols, nums)
                if placed is not None:
                    reason = f"{k - len(nums)} blank cell(s) placed by the header's column offsets"
            if placed is None and one_line and all(map(self.st.positioned, nums)):
                placed = place_by_position(nums, [self.centre(nums[0].tpage, c) for c in row.cols])
            if placed is not None and coords and all(xy for xy, n in zip(coords, placed) if n is None):
                # empty cells of a structured table's grid (HTML, Word): blank as printed, no guess
                conf, reason = CONF_DIRECT, f"{k - len(nums)} blank cell(s) read from the table grid"
            elif placed is not None:
                conf, reason = CONF_POSITIONAL, reason or f"{k - len(nums)} blank cell(s) placed by position"
            elif has_total:
                if self.table == "requests" and not self.st.boxed:
                    self.short[row.id] = nums  # placed with the other short rows (short_rows.place)
                options = placements_by_identity(nums, k)
                placed = options[0] if options else None
                conf, reason = CONF_GUESS, f"{k - len(nums)} blank cell(s) placed by the row identity"
                if len(options) > 1:
                    self.ambiguous[row.id] = options
            if placed is None and self.table == "active" and not self.st.boxed:
                # no identity places an active row: only its printed sign or a layout's header
                plus = any(n.text.startswith(("+", "＋")) for n in self.all_nums)
                got = active_short.place(self.st, self.fmt, row.cols, nums, plus)
                if got is not None:
                    (placed, reason), conf = got, CONF_POSITIONAL
                elif (p := active_short.guess(self.fmt, row.cols, nums, plus)) is not None:
                    return self.placed_guess(row, p)
            if placed is None:
                return {row.key(c): Cell(value=None, confidence=0.0,
                                         reason=f"{len(nums)} numbers for {k} columns; cannot tell which are blank")
                        for c in row.cols}
        if has_total and self._detached(row, placed) and not _row_sum_ok(_values(placed)):
            self.doubtful.add(row.id)
        return self.cells(row, placed, conf, reason, coords)

    def placed_guess(self, row: Row, p: short_rows.Placed) -> dict[str, Cell]:
        """Cells of a row the text leaves open: read where every placement agrees (no geometry:
        0.85), the rest a 0.5 guess, `ambiguous` in its reason, with the values it could take."""
        out = {}
        for c, n, alts, guess in zip(row.cols, p.cells, p.alternatives, p.guess):
            why = f"{short_rows.AMBIGUOUS}: {p.reason}" if guess else p.reason
            out[row.key(c)] = _cell(n, self.types.get(c, "int"), self.st.lines,
                                    short_rows.CONF_GUESS if guess else short_rows.CONF, why)
            out[row.key(c)].alternatives = alts
        return out

    def garbled(self, rows: dict[str, Row], got: dict[str, list[Num]], cells: dict[str, Cell]) -> None:
        """A table whose dump lost its structure — some label was given two rows' numbers —
        cannot vouch for rows whose numbers sit away from their label: those whose total does
        not hold are left unread rather than flagged as printed errors."""
        if not self.doubtful or not any(len(got.get(r, [])) >= 2 * len(rows[r].cols) for r in rows):
            return
        for rid in self.doubtful:
            for c in rows[rid].cols:
                cells[rows[rid].key(c)] = Cell(value=None, reason="unreadable: the table's text lost its structure; "
                                                                  "the numbers taken for this row are not on its "
                                                                  "label's lines and do not add up to its total")

    def _detached(self, row: Row, placed: list[Num | None]) -> bool:
        """Numbers given to the row that sit on none of its label's lines, in text without
        character boxes: a dump that lost the table's structure (Markdown with the labels
        apart from their numbers) gives a row whatever numbers follow its label."""
        lines = self.label_lines.get(row.id)
        return bool(lines) and not self.st.boxed and any(n is not None and n.line not in lines for n in placed)

    def cells(self, row: Row, placed: list[Num | None], conf: float, reason: str | None,
              coords: list | None = None) -> dict[str, Cell]:
        out = {}
        for i, (c, n) in enumerate(zip(row.cols, placed)):
            ctype = self.types.get(c, "int")
            out[row.key(c)] = _cell(n, ctype, self.st.lines, conf if n is not None else min(conf, CONF_BLANK), reason,
                                    coords[i] if coords else None)
        return out

    def blank_totals(self, rows: dict[str, Row], got: dict[str, list[Num]], cells: dict[str, Cell]) -> bool:
        """A 总计 column left blank on every result row (spec variant blank_totals), in text that
        keeps no positions: rows print one number fewer than their columns and no placement fits
        their (broken) row sums. When at least two result rows do and every result row's numbers
        in the applicant columns add up, column by column, to the printed （七）总计 row, those
        numbers are the applicant columns and the 总计 cells are blank."""
        if self.table != "requests":
            return False
        results = [rows[r] for r in schema.request_result_rows(self.fmt, self.aggregate) if r in rows]
        k = len(next(iter(rows.values())).cols)
        short = [r for r in results if len(got.get(r.id, [])) == k - 1]
        total_row = rows.get("result.total")
        if len(short) < 2 or total_row is None or any(len(got.get(r.id, [])) not in (0, k - 1) for r in results):
            return False
        totals = [cells[total_row.key(c)].value for c in total_row.cols[:-1]]
        sums = [0] * (k - 1)
        for r in short:
            for j, n in enumerate(got[r.id]):
                if n.value is None and not n.dash:
                    return False
                sums[j] += 0 if n.dash else n.value
        if any(t is None for t in totals) or sums != totals:
            return False
        why = "the 总计 column is left blank on every result row; the numbers fill the applicant columns"
        for r in short:
            cells.update(self.cells(r, list(got[r.id]) + [None], CONF_POSITIONAL, why))
        return True

    def place_short(self, rows: dict[str, Row], cells: dict[str, Cell]) -> bool:
        """All the short rows of a requests table in text without character boxes, placed
        together by the identities and, in a layout dump, the header's column offsets."""
        if not self.short:
            return False
        k = len(next(iter(rows.values())).cols)
        fixed = {rid: [cells[r.key(c)].value if r.key(c) in cells else None for c in r.cols]
                 for rid, r in rows.items() if rid not in self.short}
        # each row under its own page's header (a layout dump; none in text without layout)
        headers = short_rows.header_offsets(self.st, self.fmt, self.header[0], self.span[1]) if self.header else []
        offsets = {r: o for r, nums in self.short.items() if (o := short_rows.offsets_above(headers, nums[0].line))}
        got = short_rows.place(self.fmt, self.aggregate, fixed, self.short, k, offsets, stated=self.stated)
        glued = False
        if got is None and not offsets and not any(n.padded for ns in self.short.values() for n in ns):
            # no placement of the numbers as printed: in text that keeps no layout they may be
            # cells run together, the spaces standing for blank cells (a scraped page)
            got = short_rows.place(self.fmt, self.aggregate, fixed, self.short, k, None, self.gaps(), self.stated)
            how = "cells run together split, spaces read as blank cells; "
            if got is None:
                # nothing kept where the blank cells were (8213521859): cut anywhere, placed anywhere
                got = short_rows.place(self.fmt, self.aggregate, fixed, self.short, k, stated=self.stated, loose=True)
                how = "cells run together split, blank cells placed anywhere; "
            glued = got is not None
        if got is None:
            return False
        for rid, p in got.items():
            row = rows[rid]
            if glued:
                p.reason = how + p.reason
            for c, n, alts, guess in zip(row.cols, p.cells, p.alternatives, p.guess):
                if guess:
                    cell = _cell(n, "int", self.st.lines, short_rows.CONF_GUESS, f"{short_rows.AMBIGUOUS}: {p.reason}")
                    cell.alternatives = alts
                else:
                    cell = _cell(n, "int", self.st.lines, short_rows.CONF, p.reason)
                cells[row.key(c)] = cell
        self.ambiguous = {r: o for r, o in self.ambiguous.items() if r not in got}
        return True

    def gaps(self) -> dict[str, tuple[bool, bool]]:
        """Per short row: whether a space separates its first number from the label before it,
        and its last number from what follows (blank cells there, in run-together text)."""
        return {rid: _gaps_around(self.st, nums) for rid, nums in self.short.items()}

    def resolve_ambiguous(self, rows: dict[str, Row], cells: dict[str, Cell]) -> None:
        """Choose among the row-identity placements so that the column identities hold too."""
        if not self.ambiguous or self.table != "requests":
            return
        fixed = {rid: [cells[r.key(c)].value for c in r.cols] for rid, r in rows.items()
                 if rid not in self.ambiguous}
        options = {rid: [[0 if n is None else _num_value(n, "int") for n in opt] for opt in opts]
                   for rid, opts in self.ambiguous.items()}
        found = blanks.resolve(self.fmt, fixed, options, self.aggregate)
        if found is None:
            return
        choice, unique = found
        for rid, j in choice.items():
            row = rows[rid]
            why = "blank cells placed by the row and column identities" + ("" if unique else " (one of several fits)")
            cells.update(self.cells(row, self.ambiguous[rid][j], CONF_STRAY if unique else CONF_GUESS, why))


def printed_rows(table: str, fmt: str, aggregate: bool = False) -> tuple[Row, ...]:
    """The rows a table prints: with the aggregate （六）其他处理 row, not the sub-rows it stands for."""
    if not aggregate or table != "requests":
        return schema.rows(table, fmt)
    hidden = set(schema.aggregated_rows(fmt))
    return tuple(r for r in schema.rows(table, fmt, aggregate=True) if r.id not in hidden)


def detect_aggregate(st: Stream, fmt: str, t0: int, t1: int) -> bool:
    """A 2021 requests table that prints the single （六）其他处理 row (spec variant
    aggregate_other_in_2021): its caption is there and none of the sub-rows with a label long
    enough to tell (逾期不补正…, 逾期未按收费通知…) is — 3.其他 alone is too short to decide."""
    rows = schema.rows("requests", fmt, aggregate=True)
    plain = {r.id for r in schema.rows("requests", fmt)}
    extra = [r.id for r in rows if r.id not in plain]
    if not extra:
        return False
    found = {a.row.id for a in anchor_rows(st, rows, t0, t1)}
    telling = [r for r in rows if r.id in schema.aggregated_rows(fmt) and len(labels.body(r)) >= labels.MIN_BODY]
    # a sub-row's label anywhere in the table, not only after the caption in reading order: a
    # caption centred on the rows it spans is read after the first of them (or two)
    section = st.text[t0:t1]
    printed = any(r.id in found or any(ph in section for ph in r.match) for r in telling)
    return all(r in found for r in extra) and not printed


def not_printed(fmt: str) -> dict[str, Cell]:
    """Null cells for the sub-rows an aggregate row stands for."""
    hidden = set(schema.aggregated_rows(fmt))
    return {r.key(c): Cell(value=None, reason="not_printed")
            for r in schema.rows("requests", fmt) if r.id in hidden for c in r.cols}


def read_row_table(st: Stream, table: str, fmt: str, t0: int, t1: int,
                   aggregate: bool = False, stated: list | None = None) -> tuple[dict[str, Cell], list[str]]:
    """Cells of `active` or `requests` from the section text range [t0, t1); `aggregate`: the
    requests table prints （六）其他处理 in place of its sub-rows (their cells: not printed);
    `stated`: what the report's prose says of requests rows, for rows whose blanks are placed."""
    rows = printed_rows(table, fmt, aggregate)
    anchors = anchor_rows(st, rows, t0, t1)
    seq_lo = st.tseq[t0 - 1] + 1 if 0 < t0 <= len(st.tseq) else st.seq_of_text(t0)
    seq_hi = st.seq_of_text(t1) if t1 < len(st.text) else (st.nums[-1].seq + 1 if st.nums else 0)
    got = assign_runs(st, anchors, seq_lo, seq_hi)
    by_id = {r.id: r for r in rows}
    header = (t0, anchors[0].tpos) if anchors else None
    reader = RowReader(st, table, fmt, got, by_id, header, aggregate)
    reader.stated = stated or []
    reader.span = (t0, t1)
    reader.label_lines = {a.row.id: set(st.tline[a.tpos:max(a.end, a.tpos + 1)]) for a in anchors}
    cells: dict[str, Cell] = not_printed(fmt) if aggregate and table == "requests" else {}
    warnings = [f"{table}: {a.reason}" for a in anchors if a.reason]
    found = {a.row.id: a for a in anchors}
    for row in rows:
        if row.id not in found:
            warnings.append(f"{table}: row label {row.zh!r} not found")
            for c in row.cols:
                cells[row.key(c)] = Cell(value=None, reason=f"row label {row.zh} not found")
            continue
        cells.update(reader.read(row, got[row.id], found[row.id].line))
    if table == "requests" and _columns_not_on_page(st, t0, t1, got):
        warnings.append("requests: no applicant column (自然人 … 其他) and no number printed: the table's "
                        "columns are not on the page")
        for key, cell in cells.items():
            if cell.value is not None and cell.blank and not cell.text:
                cells[key] = Cell(value=None, reason="the table's columns are not on the page (no 自然人 … 其他 "
                                                     "header, no number): its cells were not printed here")
        return cells, warnings
    if not reader.blank_totals(by_id, got, cells) and not reader.place_short(by_id, cells):
        reader.resolve_ambiguous(by_id, cells)
    reader.garbled(by_id, got, cells)
    return cells, warnings


# the requests table's applicant columns, as printed in its header (自然人 may wrap: 自然 / 人),
# and the headers spanning them: a header printed vertically reads interleaved, column by column,
# through OCR (然商科会律总 …: no 自然 anywhere), while 申请人情况 / 法人或其他组织 read whole
APPLICANT_HEADS = ("自然", "商业企业", "科研机构", "社会公益", "法律服务", "申请人情况", "法人或其他组织")


def _columns_not_on_page(st: Stream, t0: int, t1: int, got: dict) -> bool:
    """A requests table whose rows are printed but not one number, nor any applicant column's
    header: its columns are not on the page (a web page printed wider than the paper keeps the
    row labels and loses the rest). A table of blank zeros prints its header, so this is never
    that; reading the unprinted cells as blank 0s would claim 0.9 for values nobody saw."""
    if any(got.get(rid) for rid in got):
        return False
    words = "".join(st.text[t0:t1].split())
    return not any(h in words for h in APPLICANT_HEADS)


def read_appeals(st: Stream, fmt: str, t0: int, t1: int, stated: list | None = None) -> tuple[dict[str, Cell], list[str]]:
    """The appeals table is one printed row of 15 numbers: 行政复议 then the two 行政诉讼 groups.
    `stated`: what the report's prose says of its appeals (settle.appeal_statements), for a short
    row in text without positions."""
    rows = schema.rows("appeals", fmt)
    keys = [r.key(c) for r in rows for c in r.cols]
    seq_lo = st.tseq[t0 - 1] + 1 if 0 < t0 <= len(st.tseq) else st.seq_of_text(t0)
    seq_hi = st.seq_of_text(t1) if t1 < len(st.text) else (st.nums[-1].seq + 1 if st.nums else 0)
    nums = st.nums_between(seq_lo, seq_hi)
    # the table ends where prose starts: keep runs until a long stretch of text
    kept: list[Num] = []
    for n in nums:
        if kept and n.run != kept[-1].run:
            gap = st.text_index_at_seq(n.seq) - st.text_index_at_seq(kept[-1].seq)
            if gap > 40 or len(kept) >= len(keys):
                break
        kept.append(n)
    k = len(keys)
    lines = st.lines
    if len(kept) == k:
        return {key: _cell(n, "int", lines, CONF_DIRECT) for key, n in zip(keys, kept)}, []
    if not kept:
        return {key: _cell(None, "int", lines, CONF_BLANK) for key in keys}, []
    if len(kept) > k:
        # per group of five, a stray cell is dropped like in a requests row
        return {key: _cell(n, "int", lines, CONF_STRAY, f"table printed {len(kept)} cells for {k}; kept the first {k}")
                for key, n in zip(keys, kept[:k])}, [f"appeals: {len(kept)} numbers for {k} cells"]
    if len({n.line for n in kept}) == 1 and kept[0].field is not None:
        placed = place_by_fields(kept, k, lines[kept[0].line].text)
        if placed is not None:
            coords = blank_coords(placed, lines)
            grid = all(xy for xy, n in zip(coords, placed) if n is None)  # HTML/Word: blank as printed
            return {key: _cell(n, "int", lines, (CONF_DIRECT if grid else CONF_POSITIONAL) if n else CONF_BLANK, coord=xy)
                    for key, n, xy in zip(keys, placed, coords)}, []
    # text without character boxes (dumps): every split the identities allow, agreed cells read;
    # a PDF's text layer keeps its positions for the pipeline's other readings to place them
    # a layout dump keeps the header's column offsets: the lines between the heading and the row
    offsets = short_rows.appeal_offsets(st, st.tline[t0], kept[0].line) if not st.boxed and t0 < len(st.tline) else {}
    got = short_rows.place_appeals(kept, stated=stated, offsets=offsets) if not st.boxed else None
    if got is None and not st.boxed and not any(n.padded for n in kept):
        # no placement of the numbers as printed: cells run together, spaces for blank cells
        got = short_rows.place_appeals_glued(kept, *_gaps_around(st, kept), stated=stated) or \
            short_rows.place_appeals(kept, loose=True, stated=stated)
    if got is not None:
        return _appeal_cells(got, keys, lines), []
    printed = short_rows.appeals_as_printed(kept, offsets) if offsets else None
    if printed is not None:
        why = f"{k - len(kept)} blank cell(s) placed by the header's column offsets; no split keeps the group totals"
        return {key: _cell(n, "int", lines, CONF_POSITIONAL, why) for key, n in zip(keys, printed)}, []
    got = short_rows.place_appeals(kept, stated=stated, offsets=offsets, broken=True) if not st.boxed else None
    if got is not None:
        # no split keeps every group's total (a printing error) and no header places every
        # number: the splits that break one group's total, that group read as printed
        return _appeal_cells(got, keys, lines), []
    placed = place_appeals_by_identity(kept)
    if placed is not None:
        why = f"{k - len(kept)} blank cell(s) placed by the row identities"
        return {key: _cell(n, "int", lines, CONF_GUESS, why) for key, n in zip(keys, placed)}, []
    return ({key: Cell(value=None, reason=f"{len(kept)} numbers for {k} cells; cannot tell which are blank")
             for key in keys}, [f"appeals: only {len(kept)} numbers for {k} cells"])


def _appeal_cells(got: short_rows.Placed, keys: list[str], lines: list) -> dict[str, Cell]:
    """The appeals cells of a placement: what it leaves open a 0.5 guess with its alternatives."""
    out = {}
    for key, n, alts, guess, by in zip(keys, got.cells, got.alternatives, got.guess, got.said or [""] * len(keys)):
        why = f"{short_rows.AMBIGUOUS}: {got.reason}" if guess else got.reason
        if by:
            # the identities left it open; the prose settled it (no geometry: still ≤ 0.85)
            why = f"settled by the report's prose ({by}); " + why
        out[key] = _cell(n, "int", lines, short_rows.CONF_GUESS if guess else short_rows.CONF, why)
        out[key].alternatives = alts
    return out


def _gaps_around(st: Stream, nums: list[Num]) -> tuple[bool, bool]:
    """Whether a space separates the first number from the text before it, and the last number
    from what follows (blank cells there, in run-together text)."""
    a, b = nums[0], nums[-1]
    sa, sb = st.slines.get(a.line, ""), st.slines.get(b.line, "")
    lead = 0 < int(a.x0) <= len(sa) and sa[int(a.x0) - 1] == " "
    trail = int(b.x1) < len(sb) and sb[int(b.x1)] == " "
    return lead, trail


def place_appeals_by_identity(nums: list[Num]) -> list[Num | None] | None:
    """Blank appeals cells without positions: split the printed numbers, in order, over the three
    groups of five so that each group's total is the sum of its four results; the first such
    placement (leftmost: 行政复议, 结果维持 first)."""
    m = len(nums)
    for a in range(min(5, m), -1, -1):
        for b in range(min(5, m - a), -1, -1):
            c = m - a - b
            if c > 5:
                continue
            groups, ok = [], True
            for part in (nums[:a], nums[a:a + b], nums[a + b:]):
                if not part:
                    groups.append([None] * 5)
                    continue
                opts = placements_by_identity(part, 5)
                if not opts:
                    ok = False
                    break
                groups.append(opts[0])
            if ok:
                return [n for g in groups for n in g]
    return None

"""Tables whose cells run together with no separator (spec variant run_together_cells).

Text scraped from a web page may print a row's cells with nothing between them
(行政规范性文件693665, 一、本年新收政府信息公开申请数量640020470) and glue the next row's item
number on (属于国家秘密00000002.其他法律…). A row's printed characters are split into as many
cells as the row has columns — every cell a well-formed number of its column's type (no leading
zero, a sign only on 本年增/减, a decimal point or 元 only in money), whitespace where the page
kept some always a boundary — and the splits are chosen together so that every identity holds:
each row's total, the requests table's column sums and balance (blanks.Search), the appeals
groups. A cell is read when every split that satisfies them gives it the same value; otherwise
it stays null, reason `ambiguous_split`, with the values it could take in `alternatives`.
Nothing is guessed: a row that no split makes consistent is left unread, never forced.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao import schema
from nianbao.document import Cell
from nianbao.schema import Row, row_labels as labels

from . import blanks
from .normalize import compact, norm
from .stream import Stream

AMBIGUOUS = "ambiguous_split"
CONF_SPLIT = 0.9  # one split satisfies every identity
CONF_FORCED = 0.85  # the only well-formed split, and an identity through it does not hold (a printing error)
CONF_EMPTY = 0.8
MAX_SPLITS = 4000  # candidate splits of one row; beyond it the row is left unread
MAX_ALTERNATIVES = 12
MIN_GLUED_ROWS = 2  # rows whose digits only split into cells by the identities: the text runs cells together
BUDGET = 20000  # search nodes per feasibility query of the requests table
NUMERIC = set("0123456789.+-/—―")
UNITS = "万元"
APPEAL_GROUPS = 3


@dataclass
class Flat:
    """A stretch of the stream's lines as printed characters: whitespace removed (labels printed
    with spaces still match) but remembered as a boundary before the next character."""
    text: str = ""
    gap: list[bool] = field(default_factory=list)
    tline: list[int] = field(default_factory=list)

    @property
    def tseq(self) -> range:  # anchor_rows reads positions through the stream's sequence numbers
        return range(len(self.text))


def flat(st: Stream, t0: int, t1: int) -> Flat:
    """The printed characters of the stream's text range [t0, t1), numbers included."""
    out = Flat()
    if not st.tcol or t0 >= min(t1, len(st.text)):
        return out
    t1 = min(t1, len(st.text))
    l0, c0 = st.tline[t0], st.tcol[t0]
    l1, c1 = st.tline[t1 - 1], st.tcol[t1 - 1] + 1
    chars, gap, tline = [], [], []
    pending = False
    for li in range(l0, l1 + 1):
        s = st.slines.get(li)
        if s is None:
            continue
        for ch in s[c0 if li == l0 else 0: c1 if li == l1 else len(s)]:
            if ch.isspace():
                pending = True
                continue
            chars.append(ch)
            gap.append(pending)
            tline.append(li)
            pending = False
        pending = True
    out.text, out.gap, out.tline = "".join(chars), gap, tline
    return out


@dataclass
class Run:
    """The printed characters of one row's cells, in pieces the page kept apart."""
    pieces: list[str]
    line: int  # stream line index, for the evidence
    item: str | None = None  # the next row's item number, when the run may end with it glued on

    @property
    def text(self) -> str:
        return " ".join(self.pieces)


def _run_at(fl: Flat, i: int, stop: int) -> tuple[list[str], int]:
    """The numeric characters from i (at most to stop), split where the page left whitespace."""
    pieces: list[str] = []
    j = i
    while j < stop:
        ch = fl.text[j]
        if ch in NUMERIC or (ch in UNITS and j > i and (fl.text[j - 1].isdigit() or fl.text[j - 1] == "万")):
            if fl.gap[j] or not pieces:
                pieces.append(ch)
            else:
                pieces[-1] += ch
            j += 1
        else:
            break
    # a full stop after the digits is the next row's item marker (2.其他…), never part of a cell
    while pieces and pieces[-1].endswith("."):
        pieces[-1] = pieces[-1][:-1]
        j -= 1
        if not pieces[-1]:
            pieces.pop()
    return pieces, j


def _label_end(fl: Flat, tpos: int, end: int, row: Row) -> int:
    """Past the whole printed label: a match phrase may stop inside it (三安全一稳定 of 危及“三安全一稳定”),
    and a label printed with a slip may end in a few of its own characters out of step
    (上年结转政府信息公开量)."""
    label = compact(norm(row.zh.split()[-1]))
    phrase = fl.text[tpos:end]
    o = label.find(phrase[-min(len(phrase), 4):]) if phrase else -1
    if o < 0:
        return end
    o += min(len(phrase), 4)
    while end < len(fl.text) and o < len(label) and fl.text[end] == label[o]:
        end, o = end + 1, o + 1
    rest = label[o:]
    skip = end
    while skip < len(fl.text) and skip - end < len(rest) and fl.text[skip] in rest and fl.text[skip] not in NUMERIC:
        skip += 1
    return skip if skip < len(fl.text) and fl.text[skip].isdigit() else end


def row_runs(fl: Flat, rows: tuple[Row, ...]) -> dict[str, Run]:
    """Each found row's run: the numeric characters right after its label."""
    from .tables import anchor_rows  # tables imports this module's reader

    anchors = sorted(anchor_rows(fl, rows, 0, len(fl.text)), key=lambda a: a.tpos)
    out: dict[str, Run] = {}
    for k, a in enumerate(anchors):
        nxt = anchors[k + 1] if k + 1 < len(anchors) else None
        stop = nxt.tpos if nxt is not None else len(fl.text)
        start = _label_end(fl, a.tpos, a.end if a.end >= 0 else a.tpos, a.row)
        pieces, _ = _run_at(fl, start, stop)
        item = labels.item_number(nxt.row) if nxt is not None else None
        out[a.row.id] = Run(pieces, fl.tline[start] if start < len(fl.tline) else fl.tline[-1],
                            item if item and item.isdigit() else None)
    return out


# ---------------------------------------------------------------- splitting one row

_INT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"0|[+-]?[1-9]\d*")
_DECIMAL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|万|元)?")
_ZERO_MARK = re.compile(r"-{1,3}|—{1,2}|―{1,2}|/")


def cell_value(piece: str, ctype: str):
    """The value of one printed cell of a column type, or None when the piece cannot be one."""
    if _ZERO_MARK.fullmatch(piece):
        return 0
    if ctype == "decimal":
        if not _DECIMAL.fullmatch(piece):
            return None
        v = float(piece.rstrip(UNITS))
        return int(v) if v.is_integer() and "." not in piece else v
    if (_SIGNED if ctype == "signed" else _INT).fullmatch(piece):
        return int(piece)
    return None


@dataclass(frozen=True)
class Split:
    values: tuple
    texts: tuple[str, ...]


def _variants(run: Run) -> list[list[str]]:
    """The run's pieces, and without the next row's item number when it may be glued on."""
    out = [run.pieces]
    if run.item and run.pieces and run.pieces[-1].endswith(run.item) and len(run.pieces[-1]) > len(run.item):
        out.append(run.pieces[:-1] + [run.pieces[-1][: -len(run.item)]])
    return out


def _cuts(pieces: list[str]) -> tuple[str, tuple[int, ...]]:
    pos, cuts = 0, []
    for p in pieces:
        pos += len(p)
        cuts.append(pos)
    return "".join(pieces), tuple(cuts)


def splits(run: Run, types: tuple[str, ...], blocks: int = 0) -> list[Split] | None:
    """Every way to cut the run into len(types) well-formed cells (whitespace always a cut); with
    `blocks`, the cells form that many equal blocks, each ending in a total that is the sum of
    the block's other cells (a requests row: one block; the appeals table: three). The run may
    end with the next row's item number glued on. None when there are more than MAX_SPLITS."""
    out: list[Split] = []
    for pieces in _variants(run):
        s, cuts = _cuts(pieces)
        if not s:
            continue
        got = (_summed(s, cuts, types, blocks) if blocks else _free(s, cuts, types))
        if got is None:
            return None
        out += got
        if len(out) > MAX_SPLITS:
            return None
    return list(dict.fromkeys(out))


def _free(s: str, cuts: tuple[int, ...], types: tuple[str, ...]) -> list[Split] | None:
    """Cuts with no identity to satisfy: every well-formed placement (rows of the active table)."""
    out: list[Split] = []
    k, n = len(types), len(s)
    vals: list = []
    texts: list[str] = []

    def rec(a: int, i: int) -> bool:
        if i == k:
            if a == n:
                out.append(Split(tuple(vals), tuple(texts)))
            return len(out) > MAX_SPLITS
        left = k - i
        if a >= n:
            return False
        limit = next(c for c in cuts if c > a)
        pieces_left = sum(1 for c in cuts if c > a)
        if n - a < left or pieces_left > left:
            return False
        for b in range(a + 1, limit + 1):
            if b < limit and pieces_left == left:
                continue  # each remaining piece needs a cell of its own: this one must end at its cut
            v = cell_value(s[a:b], types[i])
            if v is None:
                continue
            vals.append(v)
            texts.append(s[a:b])
            stop = rec(b, i + 1)
            vals.pop()
            texts.pop()
            if stop:
                return True
        return False

    return None if rec(0, 0) else out


def _least(length: int, m: int) -> int:
    """The least sum of m numbers printed over `length` digits (no leading zeros): lengths as
    even as they go, each number the smallest of its length (0 for one digit)."""
    q, r = divmod(length, m)
    return r * 10 ** q + (m - r) * (10 ** (q - 1) if q >= 2 else 0)


def _summed(s: str, cuts: tuple[int, ...], types: tuple[str, ...], blocks: int) -> list[Split] | None:
    """Blocks of integer cells each ending in the sum of the others, cut from s. A part is never
    longer than its block's total, which keeps the search small however long the digits run."""
    k, n = len(types), len(s)
    width = k // blocks
    # however the digits are cut, the cells add up to their digit sum modulo 9: a total that
    # differs from it there cannot be theirs (ninth[i]: digit sum of s[:i]; zero marks add 0)
    ninth = [0]
    for ch in s:
        ninth.append(ninth[-1] + (int(ch) if ch.isdigit() else 0))
    memo: dict = {}

    def piece_value(a: int, e: int):
        piece = s[a:e]
        if piece.isdigit():
            return None if len(piece) > 1 and piece[0] == "0" else int(piece)
        return cell_value(piece, "int")

    def free(a: int, b: int, m: int, most: int) -> dict[int, list[int]]:
        """s[a:b] as m cells of at most `most` digits: each sum they can add up to → where the
        first cell may end (a graph of the cuts, expanded only for the sums that are needed);
        whitespace cuts inside fall between cells."""
        key = (a, b, m, most)
        if key in memo:
            return memo[key]
        out: dict[int, list[int]] = {}
        if m == 0:
            if a == b:
                out[0] = [b]
        elif m <= b - a <= m * most:
            limit = min(b, next((c for c in cuts if c > a), b))
            for e in range(a + 1, min(limit, a + most) + 1):
                v = piece_value(a, e)
                if v is None:
                    if s[a] == "0":
                        break
                    continue
                for sub in free(e, b, m - 1, most):
                    out.setdefault(v + sub, []).append(e)
        memo[key] = out
        return out

    def expand(a: int, b: int, m: int, most: int, total: int) -> list[tuple[tuple, tuple]]:
        if m == 0:
            return [((), ())]
        res = []
        for e in free(a, b, m, most).get(total, ()):
            v = piece_value(a, e)
            res += [((v,) + vs, (s[a:e],) + ts) for vs, ts in expand(e, b, m - 1, most, total - v)]
        return res

    def parts(a: int, t: int, m: int, rest: int) -> list[tuple[tuple, tuple]]:
        """s[a:t] as m cells adding up to rest: the first half's sums met by the second half's
        (each half's cuts found once, whatever the total), no cell longer than the total."""
        most = len(str(rest)) if rest > 0 else 1
        if (ninth[t] - ninth[a] - rest) % 9 or not m <= t - a <= m * most or _least(t - a, m) > rest:
            return []
        h = m // 2
        res: list[tuple[tuple, tuple]] = []
        for p in range(a + h, t - (m - h) + 1):
            left = free(a, p, h, most)
            if not left:
                continue
            right = free(p, t, m - h, most)
            for v1 in left:
                if rest - v1 not in right:
                    continue
                for vs1, ts1 in expand(a, p, h, most, v1):
                    for vs2, ts2 in expand(p, t, m - h, most, rest - v1):
                        res.append((vs1 + vs2, ts1 + ts2))
                if len(res) > MAX_SPLITS:
                    return res
        return res

    def block(a: int, q: int):
        """s[a:q] as one block: the parts, then their total."""
        out = []
        inner = [c for c in cuts if a < c < q]
        for t in range(max([a + width - 1] + inner), q):
            total = cell_value(s[t:q], "int")
            if total is None:
                continue
            for vs, ts in parts(a, t, width - 1, total):
                out.append((vs + (total,), ts + (s[t:q],)))
        return out

    def rec(a: int, b_left: int):
        if b_left == 1:
            return [x for x in block(a, n)] if n - a >= width else []
        out = []
        for q in range(a + width, n - (b_left - 1) * width + 1):
            first = block(a, q)
            if not first:
                continue
            for vs, ts in rec(q, b_left - 1):
                for fv, ft in first:
                    out.append((fv + vs, ft + ts))
                    if len(out) > MAX_SPLITS:
                        return out
        return out

    got = rec(0, blocks)
    if len(got) > MAX_SPLITS:
        return None
    return [Split(v, t) for v, t in got]


# ---------------------------------------------------------------- one table

def _blocks(table: str) -> int:
    """How many blocks ending in their total a row of the table prints (0: no identity)."""
    return {"requests": 1, "appeals": APPEAL_GROUPS}.get(table, 0)


def _types(table: str, fmt: str, cols: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(schema.col_type(table, fmt, c) if table == "active" else "int" for c in cols)


def _cells(keys: list[str], run: Run, chosen: list[Split], lines, how: str, conf: float = CONF_SPLIT) -> dict[str, Cell]:
    """Cells of one run from the splits still standing: read where they agree, else ambiguous."""
    ln = lines[run.line]
    out = {}
    for i, key in enumerate(keys):
        if not chosen:
            out[key] = Cell(value=None, text=run.text, line=ln.number, page=ln.page,
                            reason=f"unreadable: no split of {run.text!r} into {len(keys)} cells satisfies its identities")
            continue
        vals = list(dict.fromkeys(s.values[i] for s in chosen))
        if len(vals) == 1:
            texts = {s.texts[i] for s in chosen}
            out[key] = Cell(value=vals[0], text=texts.pop() if len(texts) == 1 else run.text, confidence=conf,
                            line=ln.number, page=ln.page, reason=f"split from run-together {run.text!r} {how}")
        else:
            out[key] = Cell(value=None, text=run.text, line=ln.number, page=ln.page, reason=AMBIGUOUS,
                            alternatives=sorted(vals, key=lambda v: (str(type(v)), v))[:MAX_ALTERNATIVES])
    return out


def _missing(row: Row) -> dict[str, Cell]:
    return {row.key(c): Cell(value=None, reason=f"row label {row.zh} not found") for c in row.cols}


def read_rows(st: Stream, table: str, fmt: str, t0: int, t1: int, rows: tuple[Row, ...],
              aggregate: bool = False) -> tuple[dict[str, Cell], list[str]]:
    """The cells of `active` or `requests` printed run together in [t0, t1)."""
    fl = flat(st, t0, t1)
    runs = row_runs(fl, rows)
    cells: dict[str, Cell] = {}
    warnings: list[str] = []
    options: dict[str, list[Split]] = {}
    for row in rows:
        if row.id not in runs:
            warnings.append(f"{table}: row label {row.zh!r} not found")
            cells.update(_missing(row))
            continue
        run = runs[row.id]
        if not run.pieces:
            # a page that runs cells together drops blank ones: nothing after the label is a row
            # left blank, but a lost number reads the same, so the reading is not sure
            cells.update({row.key(c): Cell(value=0, confidence=CONF_EMPTY, blank=True,
                                           reason="nothing printed after the label: blank cells read as 0",
                                           line=st.lines[run.line].number) for c in row.cols})
            continue
        got = _split_or_forced(run, _types(table, fmt, row.cols), _blocks(table))
        if got is None:
            warnings.append(f"{table}: {row.zh}: more than {MAX_SPLITS} ways to split {run.text!r}")
            got = []
        if isinstance(got, Forced):
            cells.update(got.cells([row.key(c) for c in row.cols], run, st.lines))
            continue
        options[row.id] = got
    if table == "requests":
        feasible, how = _together(fmt, options, aggregate)
    else:  # no identity through an active row: what every well-formed split agrees on
        feasible, how = {rid: list(range(len(o))) for rid, o in options.items()}, "(every well-formed split agrees)"
    for row in rows:
        if row.id in options:
            chosen = [options[row.id][j] for j in sorted(feasible.get(row.id, ()))]
            why = "(only one split fits)" if len(options[row.id]) == 1 else how
            keys = [row.key(c) for c in row.cols]
            got = _cells(keys, runs[row.id], chosen, st.lines, why)
            kept = [o for o in chosen if in_force_keeps(row.cols, o.values)] if table == "active" else chosen
            if kept and len(kept) < len(chosen):
                # cells the splits left open that the rule decides: from outside the row's print, 0.85
                ruled = _cells(keys, runs[row.id], kept, st.lines, f"({IN_FORCE_RULE} removed the other splits)",
                               CONF_RULED)
                got = {k: c if c.value is not None else ruled[k] for k, c in got.items()}
            cells.update(got)
    return cells, warnings


CONF_RULED = 0.85
IN_FORCE_RULE = "现行有效件数 ≥ 本年制发件数 − 本年废止件数"


def in_force_keeps(cols: tuple[str, ...], values: tuple) -> bool:
    """A hard rule of the 2021 format's first table: a document issued this year is in force at
    the year's end unless it was repealed this year, and those repealed are among 本年废止件数, so
    现行有效件数 ≥ 本年制发件数 − 本年废止件数 (seed 000's 1115: 11 | 1 | 5 breaks it, leaving 1 |
    1 | 15 and 1 | 11 | 5, both 本年制发 1). Not 现行有效 ≥ 本年制发: a document may be issued and
    repealed in one year. (Only a document issued with a validity shorter than the year escapes
    both counts; none of the real reports here does.)"""
    if not all(c in cols for c in ("issued", "repealed", "in_force")):
        return True
    v = dict(zip(cols, values))
    return v["in_force"] >= v["issued"] - v["repealed"]


def _together(fmt: str, options: dict[str, list[Split]], aggregate: bool) -> tuple[dict[str, set[int]], str]:
    """Which splits of each requests row some choice satisfying the column sums and the balance
    uses. Without such a choice (the report prints an error, or a row was not found), only the
    row identities decide."""
    alone = {rid: set(range(len(o))) for rid, o in options.items()}
    fixed = {rid: list(o[0].values) for rid, o in options.items() if len(o) == 1}
    fixed.update({rid: [None] * 7 for rid, o in options.items() if not o})
    open_ = {rid: [list(s.values) for s in o] for rid, o in options.items() if len(o) > 1}
    if not open_:
        return alone, "by the row identity"
    search = blanks.Search(fmt, fixed, open_, aggregate, budget=BUDGET)
    if not search.eqs:
        return alone, "by the row identity"
    feasible = search.feasible()
    if feasible is None or any(not v for v in feasible.values()):
        return alone, "by the row identity"
    return {**alone, **feasible}, "by the row, column and balance identities"


def read_appeals(st: Stream, fmt: str, t0: int, t1: int) -> tuple[dict[str, Cell], list[str]]:
    """The appeals table's 15 cells printed run together after its header."""
    keys = [r.key(c) for r in schema.rows("appeals", fmt) for c in r.cols]
    fl = flat(st, t0, t1)
    i = 0
    pieces: list[str] = []
    while i < len(fl.text):
        if fl.text[i].isdigit():
            pieces, j = _run_at(fl, i, len(fl.text))
            if sum(len(p) for p in pieces) >= len(keys):
                break
            i = j
            pieces = []
        i += 1
    if not pieces:
        return ({k: Cell(value=None, reason="appeals: no run of numbers found") for k in keys},
                ["appeals: no run of numbers found"])
    run = Run(pieces, fl.tline[i])
    got = _split_or_forced(run, ("int",) * len(keys), _blocks("appeals")) or []
    if isinstance(got, Forced):
        return got.cells(keys, run, st.lines), []
    return _cells(keys, run, got, st.lines, "by the row identities" if len(got) > 1 else "(only one split fits)"), []


@dataclass
class Forced:
    """No split satisfies the row's identities: the report prints an error. The well-formed
    splits ignoring them still tell the cells they agree on (15 digits for 15 cells: one way)."""
    loose: list[Split]

    def cells(self, keys: list[str], run: Run, lines) -> dict[str, Cell]:
        out = _cells(keys, run, self.loose, lines, "(the only well-formed split; its identities do not hold)",
                     CONF_FORCED)
        for c in out.values():
            if c.value is None and c.reason == AMBIGUOUS and not self.loose:
                c.reason = "unreadable"
        return out


def _split_or_forced(run: Run, types: tuple[str, ...], blocks: int) -> list[Split] | Forced | None:
    got = splits(run, types, blocks)
    if got == [] and blocks:
        loose = splits(run, types)
        return Forced(loose or [])
    return got


# ---------------------------------------------------------------- is the text run together?

def glued(st: Stream, fmt: str, t0: int, t1: int) -> bool:
    """Whether the requests table's cells run together: at least MIN_GLUED_ROWS rows print fewer
    pieces than columns yet split into well-formed cells whose total holds (a row printed with
    blank cells — 信访举报投诉类申请 3 3 — has too few digits, or no such split)."""
    rows = schema.rows("requests", fmt)
    k = len(schema.columns("requests", fmt))
    n = 0
    for run in row_runs(flat(st, t0, t1), rows).values():
        if not run.pieces or len(run.pieces) >= k or sum(len(p) for p in run.pieces) < k:
            continue
        got = splits(run, ("int",) * k, _blocks("requests"))
        if got:
            n += 1
            if n >= MIN_GLUED_ROWS:
                return True
    return False

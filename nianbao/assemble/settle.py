"""Run-together cells that more than one split fits (`ambiguous_split`), settled by what else is
printed: the report's own prose (本年度制发的规范性文件88件, 现行有效行政规范性文件698件) and the same
agency's neighbouring years read in the same run, by `nianbao extract` or `nianbao batch`
(batch/settle_years.py): the cross-year identities 上一年项目数量(t) = 上一年项目数量(t−1) +
本年增/减(t−1) in the 2019 format, 现行有效件数(t) = 现行有效件数(t−1) + 本年制发件数(t) −
本年废止件数(t) in the 2021 format, and the requests table's carry-over in either.

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

from nianbao import cell_writer, schema
from nianbao.document import Cell, Document

from .runs import AMBIGUOUS, MAX_ALTERNATIVES, Run, _blocks, _types, in_force_keeps, splits

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
    """The splits of one row (of the active or the requests table) that its cells still allow;
    None when the row is not in the report or a cell is unread for another reason. A row read in
    full has one. A requests row's splits keep its own identity (the total is the sum)."""
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
    got = splits(Run(text.split(), 0), _types(table, doc.format, row.cols), _blocks(table)) or []
    # the splits the reader kept: every read cell's value, every unread one among its candidates.
    # A cell lists at most MAX_ALTERNATIVES of them (the smallest): a full list may have cut off
    # the value printed (20348201773: 本年增/减 820 is the 15th of 28), so it removes no split
    # (and the hard rule the reader kept them under: runs.in_force_keeps)
    keep = [tuple(s.values) for s in got if in_force_keeps(row.cols, tuple(s.values))
            and all((c.value is None and (v in c.alternatives or len(c.alternatives) >= MAX_ALTERNATIVES))
                   or (c.value is not None and v == c.value)
                   for c, v in zip(cells, s.values))]
    return RowOptions(keys, keep, text) if keep else None


def apply(doc: Document, ro: RowOptions, keep: list[tuple], why: str, stage: str = "assemble") -> int:
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
            cell_writer.write(doc, key, Cell(value=vals[0], text=cell.text, confidence=CONF_SETTLED, line=cell.line,
                                             page=cell.page,
                                             reason=f"split from run-together {ro.text!r}, settled by {' and '.join(ro.why)}"),
                              stage=stage, why=f"the run-together row's splits agree here, by {why}")
            n += 1
        else:
            cell.alternatives = vals
    ro.options = keep
    return n


# ---------------------------------------------------------------- the report's own prose

# per column: the words that name it in a sentence, before the row's label (制发的规范性文件88件).
COLUMN_CUES: dict[str, re.Pattern] = {
    # 2021 format. 发布: the 2021 format has no column of documents published apart from those
    # issued (平潭 管委会办公室 2021: 2021年发布规范性文件20份, the table's 20 | 1 | 55)
    "issued": re.compile(r"(?:制发|印发|制定|出台|新制定|新出台|发布)"),
    "repealed": re.compile(r"(?:废止|宣布失效)"),
    "in_force": re.compile(r"现行有效"),
    # 2019 format. 公开 is what 本年新公开数量 counts: a document made public this year (made this
    # year or before); 本年新制作数量 counts the documents made, published or not, so 公开 never
    # names it (上海 2019: 2019年…主动公开规章13件，行政规范性文件60件 over 1313524 and 6060368:
    # 13 | 13 | 524, 60 | 60 | 368). 依申请公开 / 不予公开 / 部分公开 are requests, not this table.
    # 发布, 制发, 印发 are left out: in the 2019 format they may mean either column.
    "made": re.compile(r"(?:新制作|制作)"),
    "published": re.compile(r"(?<!依申请)(?<!不予)(?<!部分)(?<!予以)公开"),
}
# the 2019 format's 对外公开总数量 counts every document published so far: 公开 said of all the
# years (累计公开规章524件) names it, as 现行有效 names the 2021 format's in-force count
CUMULATIVE_COLUMN = {"published": "total_published"}
COUNT_AFTER = r"(?:共|计|合计)?(\d+)(?:件|个|份|项)"
CUMULATIVE = re.compile(r"累计|历年|以来|截至|截止")


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def by_prose(doc: Document, clauses: list[str]) -> int:
    """Settle ambiguous rows of the active table by the prose's own counts: a clause that names
    the row (its label) and exactly one column (制发 / 废止 / 现行有效; 公开 in the 2019 format)
    right before it, with a count after it (本年度制发的规范性文件88件). Returns how many cells
    were settled."""
    if not doc.format:
        return 0
    n = 0
    said = [_norm(text) for text in clauses]
    for row in schema.rows("active", doc.format):
        ro = row_options(doc, "active", row.id)
        if ro is None or not ro.open:
            continue
        for i, t in enumerate(said):
            for phrase in row.match:
                m = re.search(r"([^，,。；;]{0,16}?)" + re.escape(phrase) + COUNT_AFTER, t)
                if m:
                    break
            else:
                continue
            before = _governing(said, i, m, row.cols)
            cols = [c for c in row.cols if c in COLUMN_CUES and COLUMN_CUES[c].search(before)]
            if len(cols) != 1 or (cols[0] != "repealed" and COLUMN_CUES["repealed"].search(before)):
                continue
            col = cols[0]
            # 截至2019年底，共公开…: the whole sentence's words before the count, not the clause's
            if CUMULATIVE.search(_sentence_before(said, i) + t[:m.start(1)] + before) and col != "in_force":
                if CUMULATIVE_COLUMN.get(col) not in row.cols:
                    continue  # 累计发布…: all the years', not this year's
                col = CUMULATIVE_COLUMN[col]
            j, value = row.cols.index(col), int(m.group(2))
            keep = [o for o in ro.options if o[j] == value and _possible(row.cols, o)]
            if keep and len(keep) < len(ro.options):
                n += apply(doc, ro, keep, f"the report's prose ({m.group(0)})")
    return n


def _possible(cols, values: tuple) -> bool:
    """A hard rule of the 2019 format's first table: 本年新公开数量 ≤ 对外公开总数量 (this year's
    are among all published so far: 对外公开总数量(t) = 对外公开总数量(t−1) + 本年新公开数量(t)).
    Used where the prose picks a split: a count the prose gets wrong (a synthetic report says
    新公开规范性文件15件 over 10 | 10 | 158) must not pick the impossible 1010 | 15 | 8."""
    if "published" in cols and "total_published" in cols:
        return values[cols.index("published")] <= values[cols.index("total_published")]
    return True


_COUNTED = re.compile(r"\d+(?:件|个|份|项)[，,、]$")


def _governing(said: list[str], i: int, m: re.Match, cols) -> str:
    """The words before a row's label that say what its count is: its clause's own (m.group(1)),
    or, for a clause that is only an item of a list of counts and names no column itself
    (主动公开规章13件，行政规范性文件60件: the 60 is said 主动公开 too), the words of the nearest
    earlier item that does. Only clauses ending in a count are stepped over (the list unbroken),
    never past the end of a sentence."""
    def names(words: str) -> bool:
        return any(COLUMN_CUES[c].search(words) for c in cols if c in COLUMN_CUES)

    before = m.group(1)
    if m.start(1) > 0 or names(before):
        return before
    while i > 0 and not names(before) and _COUNTED.search(said[i - 1]):
        i -= 1
        before = said[i]
    return before


def _sentence_before(said: list[str], i: int) -> str:
    """The clauses of clause i's sentence before it."""
    k = i
    while k > 0 and not said[k - 1].endswith(("。", "；", ";", "！", "？")):
        k -= 1
    return "".join(said[k:i])


# ---------------------------------------------------------------- neighbouring years in one run

def _agency(doc: Document) -> str | None:
    return _norm(doc.agency) if doc.agency else None


# (formats of year t−1, formats of year t, table, row in t−1, row in t, identity, holds): the
# identity between the values of the row in year t−1 and in year t. The applicant columns of the
# requests table are the same in both formats, so its carry-over holds across the change of
# format (2020 → 2021).
BOTH = ("2019", "2021")
CROSS_YEAR = [
    *((("2019",), ("2019",), "active", rid, rid, "上一年项目数量({t}) = 上一年项目数量({p}) + 本年增/减({p})",
       lambda a, b: b[0] == a[0] + a[1])
      for rid in ("licensing", "other_services", "penalty", "enforcement", "fees")),
    *((("2019",), ("2019",), "active", rid, rid, "对外公开总数量({t}) = 对外公开总数量({p}) + 本年新公开数量({t})",
       lambda a, b: b[2] == a[2] + b[1])
      for rid in ("rules", "normative_docs")),
    *((("2021",), ("2021",), "active", rid, rid,
       "现行有效件数({t}) = 现行有效件数({p}) + 本年制发件数({t}) − 本年废止件数({t})",
       lambda a, b: b[2] == a[2] + b[0] - b[1])
      for rid in ("rules", "normative_docs")),
    (BOTH, BOTH, "requests", "carried_forward", "carried_over",
     "上年结转政府信息公开申请数量({t}) = 结转下年度继续办理({p})", lambda a, b: a == b),
]


# Where a row of two reports breaks an identity, a fit on another of their rows is used only when
# a chance fit is unlikely: at most one pair of splits in CHANCE_PAIRS fits (平潭 规范性文件 898989 →
# 7777166: 3 of 150, all 89 → 77 | 77 | 166), no cell of a fitting pair is 0 (a 0 turns the sum into an equality,
# which counts often keep by chance: 1 = 1 + 0 from 1010 and 1200), and the rows that break it do
# not outnumber those that can keep it.
CHANCE_PAIRS = 20


def _where_it_can_hold(pairs: list[tuple], get) -> list[tuple]:
    """The (identity, row) pairs of each two reports that may settle. A row that no pair of splits
    fits (平潭 2020 prints 规章 0 | 0 | 7 after 0 | 0 | 0: 对外公开总数量 grew with nothing new
    published) shows that the two reports may not keep the identity, and then a fit on another
    of its rows may be chance (16 + 9 = 25 from 16980593 and 25146384). An identity no row breaks
    is used on every row; one that some row breaks only on rows whose fit is unlikely by chance
    (CHANCE_PAIRS) and while its breaking rows do not outnumber those that can keep it. Where an
    agency ignores an identity (synthetic agencies printing 上一年项目数量 afresh each year) this
    settles no more wrong than using it whole or not at all, and settles 规范性文件 on 平潭 2019 →
    2020 (89 → 77 | 77 | 166), which the all-or-nothing rule left open (docs/variants.md)."""
    fits: dict[int, list[tuple]] = {}
    breaks: dict[tuple[int, int, str], int] = {}
    keeps: dict[tuple[int, int, str], int] = {}
    for n, (p, d, table, rp, rd, identity, holds) in enumerate(pairs):
        a, b = get(p, table, rp), get(d, table, rd)
        if a is None or b is None:
            continue
        fits[n] = [(x, y) for x in a.options for y in b.options if holds(x, y)]
        k = (id(p), id(d), identity)
        breaks[k] = breaks.get(k, 0) + (not fits[n])
        keeps[k] = keeps.get(k, 0) + bool(fits[n])

    def use(n: int) -> bool:
        p, d, table, rp, rd, identity, _ = pairs[n]
        k = (id(p), id(d), identity)
        if not breaks.get(k):
            return True
        if n not in fits or breaks[k] > keeps[k]:
            return False
        f = fits[n]
        tried = len(get(p, table, rp).options) * len(get(d, table, rd).options)
        if len(f) * CHANCE_PAIRS > tried or any(0 in x + y for x, y in f):
            return False
        notes[n] = f"{breaks[k]} row(s) of the two reports break it; {len(f)} of {tried} pairs of splits fit"
        return True

    notes: dict[int, str] = {}
    return [x[:5] + (x[5] + f" ({notes[n]})" if n in notes else x[5],) + x[6:]
            for n, x in enumerate(pairs) if use(n)]


def across_years(docs: list[Document]) -> int:
    """Settle ambiguous rows by the cross-year identities between reports of one agency for
    consecutive years of one format, all read in this run (对外公开总数量 of the 2019 format counts
    every document published so far, so it grows by the year's 本年新公开数量), and the requests
    table's carry-over (结转下年度继续办理 of t−1 is 上年结转 of t) in either format. An identity that
    some row it covers breaks (no pair of splits fits) is used for those two reports only on rows
    whose fit is unlikely by chance (_where_it_can_hold); the identities are applied until nothing
    changes. Returns how many cells were settled."""
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
        for fp, fd, table, rp, rd, identity, holds in CROSS_YEAR:
            if p.format in fp and d.format in fd:
                pairs.append((p, d, table, rp, rd, identity.format(t=y, p=y - 1), holds))
    opts: dict[tuple[int, str, str], RowOptions | None] = {}

    def get(doc: Document, table: str, rid: str) -> RowOptions | None:
        k = (id(doc), table, rid)
        if k not in opts:
            opts[k] = row_options(doc, table, rid)
        return opts[k]

    pairs = _where_it_can_hold(pairs, get)
    n, changed = 0, True
    while changed:
        changed = False
        for p, d, table, rp, rd, identity, holds in pairs:
            a, b = get(p, table, rp), get(d, table, rd)
            if a is None or b is None or not (a.open or b.open):
                continue
            fits = [(x, y) for x in a.options for y in b.options if holds(x, y)]
            if not fits:
                continue  # the reports break this identity: it settles nothing
            for doc, ro, kept, other in ((p, a, {x for x, _ in fits}, d), (d, b, {y for _, y in fits}, p)):
                if ro.open and len(kept) < len(ro.options):
                    why = f"the cross-year identity {identity} with {Path(other.source.path or '').name or other.year}"
                    n += apply(doc, ro, [o for o in ro.options if o in kept], why, stage="across_years")
                    changed = True
    return n


# the rows across_years reads: the active table's, and the requests table's carry-over
SETTLED_TABLES = ("active.", "requests.carried_over.", "requests.carried_forward.")


def open_rows(doc: Document) -> bool:
    """Whether the report has run-together cells still ambiguous (worth its neighbouring years)."""
    return any(c.value is None and c.reason == AMBIGUOUS for k, c in doc.fields.items() if k.startswith(SETTLED_TABLES))


def context_of(doc: Document) -> Document:
    """What across_years needs of a report already written: agency, year, format, the tables it
    settles."""
    return Document(source=doc.source, agency=doc.agency, year=doc.year, format=doc.format,
                    fields={k: c for k, c in doc.fields.items() if k.startswith(SETTLED_TABLES)},
                    errors=list(doc.errors))


# ---------------------------------------------------------------- the prose on the requests table

@dataclass
class Stated:
    """What a sentence of the report says of one row (requests) or of some rows together
    (appeals: 诉讼9件 sums both 行政诉讼 groups): the sum of some of their columns."""
    row: str
    cols: tuple[str, ...]
    value: int
    text: str
    more_rows: tuple[str, ...] = ()  # further rows the sum runs over (appeals)

    @property
    def rows(self) -> tuple[str, ...]:
        return (self.row,) + self.more_rows


APPLICANTS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
_N = r"(?:共|计|合计)?(\d+)(?:件|个|份|条|宗)"
RECEIVED = re.compile(r"收到|受理|接收|新收|接到")
# (row, columns summed, pattern, whether the sentence must be about requests received):
# 收到申请X件，其中自然人申请Y件，法人或其他组织申请Z件; 予以公开N件; 部分公开M件. 予以公开及部分公开258件
# (上海 2019) counts two rows at once: no pattern takes it
REQUEST_CUES = [
    ("new_received", ("natural_person",), re.compile(r"自然人(?:提出)?(?:的)?(?:申请)?" + _N), True),
    ("new_received", APPLICANTS[1:],
     re.compile(r"法人(?:或|和|及)其他组织(?:提出)?(?:的)?(?:申请)?" + _N), True),
    ("result.disclosed", APPLICANTS, re.compile(r"(?<![及和、])予以公开(?:申请)?" + _N), False),
    ("result.partially_disclosed", APPLICANTS, re.compile(r"(?<![及和、])部分公开(?:申请)?" + _N), False),
]


def request_statements(clauses: list[str]) -> list[Stated]:
    """The report's own counts of requests rows (收到政府信息公开申请30件，其中自然人申请26件，法人或
    其他组织申请4件; 予以公开12件), read from its sentences: evidence that removes the placements of
    a short row that contradict it (short_rows.place). A count of all the years is not the year's."""
    out: list[Stated] = []
    for sentence in re.split(r"[。；;]", _norm("".join(clauses))):
        if "申请" not in sentence or CUMULATIVE.search(sentence):
            continue
        for rid, cols, pat, received in REQUEST_CUES:
            if received and not RECEIVED.search(sentence):
                continue
            for m in pat.finditer(sentence):
                out.append(Stated(rid, cols, int(m.group(1)), m.group(0)))
    return out


# ---------------------------------------------------------------- the prose on the appeals table

# Groups a sentence names (复议后起诉 before 复议 and 诉讼: it contains both words); what a count or a
# result phrase says applies to the groups named since the last result phrase of the sentence.
APPEAL_GROUP_CUES = [
    (re.compile(r"复议后(?:提起|再)?(?:起诉|诉讼)"), ("suit_after_review",)),
    (re.compile(r"(?:未经复议)?直接(?:提起)?(?:起诉|诉讼)"), ("suit_direct",)),
    (re.compile(r"复议(?!后)"), ("review",)),
    (re.compile(r"诉讼|起诉|应诉"), ("suit_direct", "suit_after_review")),
]
_CASES = r"(?:案件|案)?(?:共|计|合计)?(\d+)(?:件|起|宗|个)"
# a group's count right after its name: 行政复议7件, 诉讼9件, 复议后起诉1件 → that group's 总计
APPEAL_COUNT = re.compile(r"(?:复议后(?:提起|再)?(?:起诉|诉讼)|直接(?:提起)?(?:起诉|诉讼)|复议(?!后)|诉讼|起诉)" + _CASES)
# "every decided case upheld": 均获维持 says that none was corrected and none ended otherwise, not
# that none is pending — 上海 2019 says 行政复议7件，诉讼9件，均获维持 while its table prints 2 and 1
# 尚未审结 (decided cases upheld, the rest still open); read as "all upheld" it would contradict
# the table. 零败诉 / 无被纠正 say only that none was corrected.
ALL_UPHELD = re.compile(r"(?:均|全部|都)(?:获得?|被|予以|得到|予)?维持|无一(?:被)?(?:纠正|撤销|败诉)")
NONE_CORRECTED = re.compile(r"(?:无|未|没有|零)(?:被)?(?:纠正|撤销|败诉)")
# counts of one result: 被纠正1件 / 1件被纠正, 维持5件, 尚未审结2件
APPEAL_RESULTS = [
    ("corrected", re.compile(r"(?:被纠正|纠正|被撤销|败诉)(\d+)(?:件|起|宗|个)|(\d+)(?:件|起|宗|个)(?:被纠正|被撤销|败诉)")),
    ("upheld", re.compile(r"(?<![均都])(?:结果)?(?:被|获)?维持(?:原(?:行政)?(?:行为|决定))?(\d+)(?:件|起|宗|个)")),
    ("pending", re.compile(r"(?:尚未审结|未审结|正在审理|审理中)(\d+)(?:件|起|宗|个)")),
]


def appeal_statements(clauses: list[str]) -> list[Stated]:
    """The report's own counts of its appeals (行政复议7件，诉讼9件，均获维持), read from its
    sentences: evidence that removes the placements of a short appeals row that contradict it
    (short_rows.place_appeals). Each is a sum over the groups the sentence names before it: a
    count after a group's name is that group's 总计 (诉讼 names both 行政诉讼 groups); 均获维持 says
    结果纠正 and 其他结果 are 0 (not 尚未审结: see ALL_UPHELD); 零败诉 / 无被纠正 that 结果纠正 is 0; 被纠正1件,
    维持5件, 尚未审结2件 the sum of that result. A count of all the years is not the year's."""
    out: list[Stated] = []
    for sentence in re.split(r"[。；;]", _norm("".join(clauses))):
        if not re.search(r"复议|诉讼|起诉", sentence) or CUMULATIVE.search(sentence):
            continue
        events: list[tuple[int, str, object]] = []  # (position, kind, what)
        for m in APPEAL_COUNT.finditer(sentence):
            events.append((m.start(), "count", m))
        for m in ALL_UPHELD.finditer(sentence):
            events.append((m.start(), "all_upheld", m))
        for m in NONE_CORRECTED.finditer(sentence):
            if not ALL_UPHELD.match(sentence, max(0, m.start() - 2)):
                events.append((m.start(), "none_corrected", m))
        for col, pat in APPEAL_RESULTS:
            for m in pat.finditer(sentence):
                events.append((m.start(), col, m))
        # the groups a result phrase speaks of: those named since the last result phrase, or, when
        # none was named since, the same as that phrase's (其中维持1件，尚未审结1件)
        scope: list[str] = []
        last, fresh = 0, False
        for pos, kind, m in sorted(events, key=lambda e: e[0]):
            end = pos + len(m.group(0)) if kind == "count" else pos
            named = _groups_named(sentence[last:end])
            if named:
                scope = named if fresh else scope + named
                fresh = False
            last = max(last, end)
            if kind == "count":
                said = _groups_named(m.group(0))
                if said:
                    out.append(Stated(said[0], ("total",), int(m.group(1)), m.group(0), tuple(said[1:])))
                continue
            rows = list(dict.fromkeys(scope))
            if not rows:
                continue
            if kind == "all_upheld":
                out.append(Stated(rows[0], ("corrected", "other"), 0, m.group(0), tuple(rows[1:])))
            elif kind == "none_corrected":
                if "败诉" in m.group(0):  # lost in court: a 行政诉讼, never a 复议
                    rows = [r for r in rows if r != "review"]
                    if not rows:
                        continue
                out.append(Stated(rows[0], ("corrected",), 0, m.group(0), tuple(rows[1:])))
            else:
                out.append(Stated(rows[0], (kind,), int(next(g for g in m.groups() if g)), m.group(0),
                                  tuple(rows[1:])))
            last, fresh = max(last, pos + len(m.group(0))), True
    return out


def _groups_named(text: str) -> list[str]:
    """The appeals groups a stretch of a sentence names, in table order (复议后起诉 is not 复议)."""
    found: set[str] = set()
    rest = text
    for pat, rows in APPEAL_GROUP_CUES:
        if pat.search(rest):
            found.update(rows)
            rest = pat.sub("", rest)
    return [r for r in ("review", "suit_direct", "suit_after_review") if r in found]

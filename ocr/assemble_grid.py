"""Table grids → canonical cells: map grid rows and columns to the schema by their header text.

For each ruled table found on a page (grid.py), the table kind is recognised from its text;
every data row's label (the text cells left of its numbers) is matched to a schema row and
every number cell's header (the header cells above it, nearest first) to a schema column.
Matching is fuzzy so OCR slips (a wrong or missing character) still land; when headers are
unreadable but the table has exactly the national format's column count, columns are taken
by position. A table continued on the next page without its header inherits the column map.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from nianbao import schema
from nianbao.document import Cell, Document
from nianbao.schema import row_labels as labels
from nianbao.textnorm import SPECK_MARKS

from .cell_shapes import settle_shapes
from .grid import Grid, GridCell, find_grids

NUM_RE = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
UNIT_RE = re.compile(r"(?<=\d)(?:万元|万|元|件|条|个|项|次)$")
# OCR reads a printed dash as the hanzi 一 (or a long bar): 30 zero cells of 200 synthetic
# scans; no number cell prints the character 一 on its own
DASHES = {"-", "—", "–", "－", "/", "无", "——", "--", "一", "一一", "―", "ー", "_"}
DASH_PAIRS = {"二", "="}
# ...but a blurred lone 1 can be read as 一 too: those cells are read again from a tight crop,
# which keeps only ink at least digit-tall (a dash has none) — see _reread_doubtful
LOOKS_LIKE_ONE = {"一", "ー", "―", "_"}
# the recogniser's letters for a lone printed 0 (with the accents a speck above it adds)
ROUND_GLYPHS = set("oOóòôöõÓÒÔÖÕ〇○оО")
ROUND_CONF = 0.85  # at most: a letter read, a digit reported
FUZZY_MIN = 0.75
FUZZY_LEN = 5
MISSED_MIN_CONF = 0.6  # a number found in a cell the page OCR left empty must be read at least this well
REQ_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_ROWS = ("review", "suit_direct", "suit_after_review")
KIND_CUES = {
    "appeals": ("结果维持", "结果纠正", "尚未审结", "复议后起诉", "直接起诉"),
    "requests": ("自然人", "商业企业", "科研机构", "申请人情况", "予以公开", "不予公开", "本年新收"),
    "active": ("制发件数", "废止件数", "现行有效", "处理决定数量", "收费金额", "新制作数量", "信息内容", "规章"),
}
# (a lowercase s beside digits too: a phone photo's 50 read 's0' was "not a number", and the text
# path's position guess put a 0 in the cell — seed 2493; phone capture 2484-00047's s for 5)
_OCR_LETTERS = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "s": "5", "B": "8"}
_OCR_DIGITS = str.maketrans(_OCR_LETTERS)


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return re.sub(r"\s+", "", s).replace("“", "\"").replace("”", "\"")


def number_text(s: str) -> str | None:
    """The cell's text as a number string if it is one (OCR letter-for-digit slips fixed), else None."""
    t = norm(s).replace(",", "").replace("，", "")
    t = UNIT_RE.sub("", t)  # 18336.88万, 12件: the unit is printed in the cell
    if not t:
        return None
    if any(ch.isdigit() for ch in t) and all(ch.isdigit() or ch in "+-." or ch in _OCR_LETTERS for ch in t):
        t = t.translate(_OCR_DIGITS)
    if len(t) > 1 and t[-1] in SPECK_MARKS and t[-2].isdigit():
        t = t[:-1]  # a speck after the last digit read as a full stop ("0.") or a colon ("1:")
    return t if NUM_RE.match(t) else None


def fuzzy_in(phrase: str, text: str) -> float:
    """How much of `phrase` occurs in `text`: 1.0 exact, else the share of its characters matched in order
    by the best window of about its length. Phrases under FUZZY_LEN characters only match exactly."""
    if not phrase or not text:
        return 0.0
    if phrase in text:
        return 1.0
    n = len(phrase)
    if n < FUZZY_LEN:
        return 0.0  # one slip in a short phrase leaves too little to tell rows apart
    if sum(1 for ch in set(phrase) if ch in text) < FUZZY_MIN * len(set(phrase)):
        return 0.0  # cheap rejection: too few of the phrase's characters occur at all
    best = 0
    sm = SequenceMatcher(None, autojunk=False)
    sm.set_seq2(phrase)
    for w in (n - 1, n, n + 1):
        for i in range(0, max(1, len(text) - w + 1)):
            sm.set_seq1(text[i:i + w])
            m = sum(b.size for b in sm.get_matching_blocks())
            if m > best:
                best = m
    return best / n


@dataclass
class DataCell:
    cell: GridCell
    text: str  # number string, or "" for a blank/dash cell
    raw: str


def _is_data(c: GridCell) -> bool:
    t = norm(c.text)
    return number_text(c.text) is not None or t in DASHES


def _rows_of(g: Grid) -> list[list[GridCell]]:
    """Distinct cells touching each grid row, left to right."""
    out = []
    for r in range(g.n_rows):
        seen, row = set(), []
        for k in range(g.n_cols):
            c = g.cell_at(r, k)
            if c is not None and id(c) not in seen:
                seen.add(id(c))
                row.append(c)
        out.append(row)
    return out


def _header_texts(g: Grid, rows: list[list[GridCell]], data_rows: set[int], r: int, cell: GridCell) -> list[str]:
    """Header cell texts above `cell` (nearest first), in the block of header rows right above row r."""
    out, seen = [], set()
    k = r - 1
    while k >= 0 and k in data_rows:  # skip the data rows between this row and its header block
        k -= 1
    while k >= 0 and k not in data_rows:
        for c in rows[k]:
            if c.col < cell.col + cell.colspan and cell.col < c.col + c.colspan and id(c) not in seen \
                    and c.row + c.rowspan - 1 < r:
                seen.add(id(c))
                if c.text.strip():
                    out.append(norm(c.text))
        k -= 1
    return out


def table_kind(g: Grid) -> str | None:
    text = norm("".join(c.text for c in g.cells))
    scores = {k: sum(1 for cue in cues if cue in text) for k, cues in KIND_CUES.items()}
    kind = max(scores, key=scores.get)
    return kind if scores[kind] > 0 else None


def match_row(label: str, rows: tuple[schema.Row, ...], used: set[str], after: int) -> int | None:
    """Index of the schema row whose phrase best fits the label; ties go to the next row in print order.
    A hit on a phrase that is not the row's own label (其他 inside 2.其他法律行政止公开) gives way to
    a row whose own label the text keeps most of, with its item number (a label printed short or
    with a slip, schema.row_labels)."""
    for exact in (True, False):  # fuzzy only when nothing matches exactly (it is slower and looser)
        best, best_key = None, (0.0, 0, 0)
        for i, row in enumerate(rows):
            if row.id in used:
                continue
            for ph in row.match:
                p = norm(ph)
                s = (1.0 if p in label else 0.0) if exact else fuzzy_in(p, label)
                if s < FUZZY_MIN:
                    continue
                key = (round(s, 3), len(p), 1 if i > after else 0)
                if key > best_key:
                    best, best_key = i, key
        if best is not None and exact and labels.share(rows[best], label) < 1.0:
            return _closest_label(label, rows, used, after, best, best_key[1])
        if best is not None:
            return best
    return _by_item_marker(label, rows, used, after)


# the row's own item marker as printed: （一） or 1. (not 一、, which numbers the groups)
MARKER_RE = re.compile(r"\(([一二三四五六七八九十]{1,3})\)|(?<![\d.])(\d{1,2})[.．、](?=\D)")
MARKER_MIN_SHARE = 0.5  # of the row's own label body, kept in order after its marker


def _by_item_marker(label: str, rows: tuple[schema.Row, ...], used: set[str], after: int) -> int | None:
    """A short label with an OCR slip ((一)予以公升 for （一）予以公开: a 4-character phrase
    matches only exactly, and the whole row of 7 cells went unread on a worn scan) is still its
    row when three things agree: its item marker is the row's own, the row is the next unread
    one with that marker in print order, and the text after the marker keeps at least half of
    the row's own label (or of one of its match phrases) in order. The marker and the place carry what one slip took from the
    phrase, as schema.labels does for longer labels."""
    found = list(MARKER_RE.finditer(label))
    if not found:
        return None
    m = found[-1]  # the row's own marker follows its group's caption
    marker, rest = m.group(1) or m.group(2), label[m.end():]
    for i, row in enumerate(rows):
        if i <= after or row.id in used or labels.item_number(row) != marker:
            continue
        for p in (labels.body(row), *(norm(ph) for ph in row.match)):
            if len(p) >= 3 and labels.common(p, rest)[0] >= MARKER_MIN_SHARE * len(p):
                return i
        return None  # the next row with this marker is not it: no guessing further down
    return None


def _closest_label(label: str, rows: tuple[schema.Row, ...], used: set[str], after: int,
                   weak: int, weak_len: int) -> int:
    """The row whose own label the text keeps the most characters of (in order), when that is
    more than the weak phrase hit `weak` kept; a row whose item number differs from the one
    printed is not it."""
    printed = labels.printed_item(label)
    chars = set(label)
    best, best_key = weak, (weak_len, 0)
    for i, row in enumerate(rows):
        if row.id in used or i == weak:
            continue
        body = labels.body(row)
        num = labels.item_number(row)
        if len(body) < labels.MIN_BODY or (printed and num and num.isdigit() and num != printed):
            continue
        if sum(1 for ch in set(body) if ch in chars) < labels.MIN_SHARE_NUMBERED * len(set(body)):
            continue  # cheap rejection before the subsequence
        hit = labels.find(row, label)
        if hit is None:
            continue
        kept = round(hit[2] * len(body))
        key = (kept, 1 if i > after else 0)
        if key > best_key:
            best, best_key = i, key
    return best


def match_col(headers: list[str], cols: dict[str, schema.Column], allowed) -> str | None:
    for h in headers:  # nearest header first
        h2 = h.replace("法人或其他组织", "")  # the group header contains 其他, which names a column
        best, best_key = None, (0.0, 0)
        for cid, col in cols.items():
            if cid not in allowed:
                continue
            for ph in (col.match or ()) + (norm(col.zh),):
                p = norm(ph)
                p = re.sub(r"\(.*?\)", "", p)  # （单位：万元） and the like are often cut or wrapped
                s = fuzzy_in(p, h2)
                if s >= FUZZY_MIN and (s, len(p)) > best_key:
                    best, best_key = cid, (s, len(p))
        if best is not None:
            return best
    return None


def _cell(dc: DataCell, table: str, fmt: str, col: str, page: int, note: str | None = None) -> Cell:
    from .digits import LOW_CONF, alternatives, to_value

    ctype = schema.col_type(table, fmt, col) if table == "active" else "int"
    conf = dc.cell.conf
    if not dc.text:
        if dc.raw and norm(dc.raw) in ROUND_GLYPHS:
            # a number cell holding one round glyph read as a letter is a printed 0: the
            # recogniser reads a lone 0 as o, ó or O on a worn or photographed page (seeds
            # 2485-2486: four printed 0s left unread as "not a number"); no letter is printed there
            return Cell(value=0, text=dc.raw, confidence=min(conf, ROUND_CONF), page=page, bbox=_bbox(dc.cell),
                        alternatives=[], reason=f"read {dc.raw!r}: a lone round glyph in a number cell, a printed 0")
        if ctype != "decimal" and (digits := _after_speck(dc.raw)) is not None:
            # a speck left of a worn whole number read as a point ('.1186', '.9'): the digits are
            # the cell's reading — left "not a number", the text path's position guess put a 0
            # there (worn copies of seed 2491: four cells). Below 0.9: the point is a reading too
            return Cell(value=int(digits), text=dc.raw, confidence=min(conf, SPECK_CONF), page=page,
                        bbox=_bbox(dc.cell), alternatives=[],
                        reason=f"read {dc.raw!r}: a speck before a whole number read as a point")
        if dc.raw and norm(dc.raw) in DASH_PAIRS:
            # a worn or photographed dash read as two strokes: the tuning scans (evals30-32) held
            # five number cells read '二', each a printed zero mark; no table cell prints a hanzi
            # numeral. Below 0.9: two strokes are not one
            return Cell(value=0, text=dc.raw, confidence=min(conf, SPECK_CONF), page=page, bbox=_bbox(dc.cell),
                        blank=True, reason=f"read {dc.raw!r}: a dash read as two strokes, read as 0")
        if dc.raw and norm(dc.raw) not in DASHES:
            return Cell(value=None, text=dc.raw, confidence=conf, page=page, bbox=_bbox(dc.cell),
                        reason=f"not a number: {dc.raw!r}")
        return Cell(value=0, text=dc.raw, confidence=conf or 0.9, page=page, bbox=_bbox(dc.cell), blank=True,
                    reason="blank cell read as 0" if not dc.raw else "dash read as 0")
    value = to_value(dc.text, ctype)
    cell = Cell(value=value, text=dc.raw, confidence=conf, page=page, bbox=_bbox(dc.cell), reason=note)
    if conf < LOW_CONF:
        confs = [t.conf for t in sorted(dc.cell.tokens, key=lambda t: t.bbox[0])]
        cell.alternatives = alternatives(dc.text, confs if len(confs) == len(dc.text) else None, ctype)
    return cell


SPECK_CONF = 0.85  # at most: a whole number read after a point that is taken for a speck
SPECK_RE = re.compile(r"^[.·]+(\d+)$")


def _after_speck(raw: str | None) -> str | None:
    """The digits of a cell read as a point then digits ('.1186'): no whole-number cell prints a
    number that starts with a point, and a decimal one would print its leading 0 (0.5)."""
    m = SPECK_RE.match(norm(raw or ""))
    return m.group(1) if m else None


def _bbox(c: GridCell) -> tuple[float, float, float, float]:
    return tuple(round(float(v), 2) for v in c.bbox)


class _State:
    """What carries over from one table to the next (a table split across pages)."""

    def __init__(self, aggregate: bool = False):
        self.kind: str | None = None
        self.colmap: dict[int, str] | None = None  # grid column → schema column (requests)
        self.colmap_ncols = 0  # the column count of the grid the colmap was read from
        self.ncols = 0
        self.last_row = -1
        self.aggregate = aggregate  # the requests table prints the single （六）其他处理 row


def assemble_grid(doc: Document, fmt: str | None = None, engine=None,
                  page_readings: dict | None = None) -> dict[str, Cell]:
    """Canonical cells read from ruled tables on the document's page images (empty if none found).

    With an OCR `engine`, doubtful numbers on OCR'd pages are read again from a tight crop;
    `page_readings` (if given) gets the page OCR's reading, (value, text, blank), of every cell
    a re-read changed, for the identities to weigh (ocr/apply.py).
    """
    fmt = fmt or doc.format or guess_format(doc)
    if fmt is None:
        return {}
    out: dict[str, Cell] = {}
    st = _State(doc.aggregate)
    used: dict[str, set[str]] = {t: set() for t in schema.TABLES}
    for page in doc.pages:
        if page.image is None:
            continue
        tokens = [t for ln in page.lines for t in ln.tokens]
        for g in find_grids(page.image, tokens, page.number):
            kind, headless = grid_kind(g, st, fmt)
            if kind is None:
                continue
            if kind != st.kind:
                st = _State(doc.aggregate)
                st.kind = kind
            st.ncols = g.n_cols
            _read_table(g, kind, fmt, page.number, out, st, used[kind], all_data=headless)
    if engine is not None:
        _reread_doubtful(doc, out, fmt, engine, page_readings)
    return out


def grid_kind(g: Grid, st: _State, fmt: str) -> tuple[str | None, bool]:
    """The table a grid belongs to, from its cue words or as the continuation of the table read
    last (`st`); and whether it is a headless appeals row (every column a number)."""
    kind = table_kind(g)
    if kind is None and st.kind == "requests" and (g.n_cols == st.ncols or _continues_requests(g, fmt)):
        return "requests", False  # continuation without header
    if kind is None and st.kind == "active" and _continues_active(g, fmt):
        return "active", False  # its last rows continued on the next page, below no header
    if kind is None and st.kind == "appeals" and len(APPEAL_ROWS) * len(APPEAL_COLS) in (g.n_cols, _row_cells(g)):
        # the appeals row printed on the next page, below no header: its 15 cells are
        # the format's columns in order, by position (the text path could only place
        # its blanks by the row identities, and swapped two of them: issue 24 item 7)
        return "appeals", True
    return kind, False


def _row_cells(g: Grid) -> int:
    """How many cells a grid of one ruled row holds (0 for a grid of several rows). A seal's
    stroke across a cell, ruled part-way down, adds a grid column without splitting the cell:
    a phone capture's headless appeals row measured 16 columns and 15 cells (evals30 2553/19,
    its 15 cells lost to the text path, which had 14 numbers and could not place them)."""
    return len(g.cells) if all(c.row == 0 and c.rowspan == g.n_rows for c in g.cells) else 0


def _digits_read(cell: Cell) -> int:
    return sum(ch.isdigit() for ch in (number_text(cell.text or "") or ""))


def _reread_doubtful(doc: Document, cells: dict[str, Cell], fmt: str, engine,
                     page_readings: dict | None = None) -> None:
    from .digits import LOW_CONF, glyph_count, has_ink, ink_crop, leans_like_slash, read_crops, seven_shape, tight_crop
    from .ink_shapes import flat_bar

    pages = {p.number: p for p in doc.pages}
    doubtful = {key for key, cell in cells.items() if cell.confidence < LOW_CONF}
    todo, crops = [], []
    for key, cell in cells.items():
        page = pages.get(cell.page)
        if page is None or page.source != "ocr" or page.image is None or cell.bbox is None:
            continue
        if cell.value == 1 and number_text(cell.text or "") == "1" and leans_like_slash(page.image, cell.bbox):
            _slash(cell)
            continue
        if not cell.blank and _digits_read(cell) == 1 and flat_bar(page.image, cell.bbox):
            _dash(cell)
            continue
        glyphs = 0
        if cell.blank:
            if not has_ink(page.image, cell.bbox):
                continue  # really empty, or a printed dash (no digit-tall ink)
            if norm(cell.text or "") == "/" and leans_like_slash(page.image, cell.bbox):
                # the zero mark read as what it is, and its one mark leans like it: a crop
                # re-read sees one tall stroke and calls it 7 or 1 (a worn scan of seed 2474:
                # three /s became 7 at 0.85 as "a digit lost")
                continue
            if cell.text and norm(cell.text) not in LOOKS_LIKE_ONE:
                glyphs = glyph_count(page.image, cell.bbox)
                if not glyphs:
                    continue  # a dash read as a dash
        elif cell.value is not None and cell.confidence >= LOW_CONF:
            # a lost digit is not a printed 0: a confident reading with fewer digits than the
            # cell has glyphs (50 read as 5, 12 as 0) is read again before it counts
            glyphs = glyph_count(page.image, cell.bbox)
            if glyphs <= _digits_read(cell):
                continue
        crop = tight_crop(page.image, cell.bbox)
        if crop is not None:
            todo.append((key, cell, glyphs))
            crops.append(crop)
        elif cell.blank:
            _inked_blank(cell)
    heights = {}
    unread = []  # inked blanks whose tight crop read no number
    for (key, cell, glyphs), (text, conf) in zip(todo, read_crops(engine, crops)):
        blank = cell.blank
        _apply_reread(key, cell, text, conf, fmt, glyphs, pages[cell.page], heights, page_readings)
        if blank and cell.blank:
            if number_text(text) is None or conf < MISSED_MIN_CONF:
                unread.append((key, cell, glyphs))
            else:
                _unread_ink(key, cell, pages[cell.page], heights, page_readings)
        elif cell.value is None and _stray_letters(cell.text):
            unread.append((key, cell, glyphs))  # "not a number" and the crop read nothing either
    second = [(item, crop) for item in unread
              for crop in [ink_crop(pages[item[1].page].image, item[1].bbox)] if crop is not None]
    for ((key, cell, glyphs), _), (text, conf) in zip(second, read_crops(engine, [c for _, c in second])):
        if text.strip() in LONE_STROKES:
            text = "1"  # one digit-tall stroke, read as a letter: a 1 or a zero mark, as the lean tells
        # a second crop's reading is weaker evidence than a first one: never above LOST_DIGIT_CONF
        _apply_reread(key, cell, text, min(conf, LOST_DIGIT_CONF), fmt, glyphs, pages[cell.page], heights,
                      page_readings, note=SECOND_CROP)
        if cell.value == 1 and number_text(cell.text or "") == "1" and SECOND_CROP in (cell.reason or "") \
                and seven_shape(pages[cell.page].image, cell.bbox):
            _seven(cell)  # the darkest ink kept a faint 7's stem and left its bar out
    for key, cell, glyphs in unread:
        if cell.blank or cell.value is None:
            _unread_ink(key, cell, pages[cell.page], heights, page_readings)
    _thin_minus(cells, pages, fmt)
    _unsigned_counts(cells, pages, fmt)
    _ones_among_zero_marks(cells, pages)
    _merged_repeats(cells, pages)
    settle_shapes(cells, pages, doubtful)  # cell_shapes.py: a doubtful 9 that is an oval 0


SECOND_CROP = "read from the cell's darkest ink: the tight crop read nothing"
LONE_STROKES = {"l", "I", "|"}  # the recogniser's Latin letters for one upright stroke


def _apply_reread(key: str, cell: Cell, text: str, conf: float, fmt: str, glyphs: int, page, heights: dict,
                  page_readings: dict | None, note: str | None = None) -> None:
    """One crop reading weighed against the cell (_take_reread), then the checks every reading
    of a crop gets: ink for its digits, the lean of a lone 1, the page's reading kept for the
    identities."""
    from .digits import digit_slots, leans_like_slash
    from .ink_shapes import flat_bar

    if page.number not in heights:
        heights[page.number] = _digit_height(page)
    slots = None
    if heights[page.number] and sum(ch.isdigit() for ch in text) > max(1, _digits_read(cell)):
        slots = digit_slots(page.image, cell.bbox, heights[page.number], _number_band(page, cell.bbox))
    before = (cell.value, cell.text, cell.blank)
    _take_reread(key, cell, text, conf, fmt, glyphs, slots)
    if note and (cell.value, cell.text, cell.blank) != before:
        cell.reason = "; ".join(filter(None, [cell.reason, note]))
    if cell.value == 1 and number_text(cell.text or "") == "1" and leans_like_slash(page.image, cell.bbox):
        _slash(cell)  # the crop "found" a 1 the page OCR missed: a slash
    elif (cell.value, cell.text, cell.blank) != before and not cell.blank and _digits_read(cell) == 1 \
            and flat_bar(page.image, cell.bbox):
        _dash(cell)  # the crop "found" a digit where the cell's only ink is a dash
    if page_readings is not None and cell.value != before[0]:
        page_readings[key] = before


REPEAT = re.compile(r"(\d)\1")


def _merged_repeats(cells: dict[str, Cell], pages: dict) -> None:
    """A confident reading with two alike digits side by side (222, 100) whose ink is wider than
    the digits read may have lost one: a CTC recogniser merges a repeated character unless it
    sees the gap between them, and a blurred photo closes that gap (a phone photo of seed 2473:
    2222 read as 222 at 0.9999 in 行政许可's 处理决定数量, a cell no identity checks — a silent
    error). glyph_count cannot tell (the blurred digits touch: one mark); the ink's width in
    digit widths (digit_slots) can. Only repeated digits are suspected, so a width estimate's
    slack does not lower every wide reading; the value stays (the re-read agreed with it), below
    0.9 with the longer readings among its alternatives."""
    from .digits import digit_slots

    heights: dict[int, float | None] = {}
    for cell in cells.values():
        page = pages.get(cell.page)
        if page is None or page.source != "ocr" or page.image is None or cell.bbox is None \
                or cell.value is None or cell.blank or cell.confidence <= LOST_DIGIT_CONF:
            continue
        digits = "".join(ch for ch in (number_text(cell.text or "") or "") if ch.isdigit())
        if not REPEAT.search(digits):
            continue
        if page.number not in heights:
            heights[page.number] = _digit_height(page)
        if not heights[page.number]:
            continue
        slots = digit_slots(page.image, cell.bbox, heights[page.number], _number_band(page, cell.bbox))
        if slots <= len(digits):
            continue
        # any digit may be the one that was doubled (the repeat left is only the trigger)
        longer = sorted({int(digits[:i + 1] + digits[i:])
                         for i in range(len(digits))} - {cell.value})
        cell.confidence = LOST_DIGIT_CONF
        cell.reason = "; ".join(filter(None, [cell.reason, f"read {digits} where the ink is {slots} digits wide: "
                                              "the OCR may have merged two alike digits"]))
        cell.alternatives = [*cell.alternatives, *[v for v in longer if v not in cell.alternatives]]


SLASH_REASON = "leans like the zero mark /"
SEVEN_BAR = 0.35  # a printed 7's top rows run 0.6-0.8 of its height on worn scans, a /'s 0.1-0.3


def _ones_among_zero_marks(cells: dict[str, Cell], pages: dict) -> None:
    """A report that prints its zeros as / (a cell read '/', or a 1 whose mark leans like one): a
    lone 7 there that leans like / with no bar across its top is one; a lone 1 elsewhere in it
    may be a / the lean test missed (a photo's perspective, a broken
    stroke), so it claims at most LOST_DIGIT_CONF (a worn scan of seed 2474: a / under 行政诉讼
    总计 read as 1 at 0.999, and the token model's reading of another / as 1 made the row hold —
    two silent errors)."""
    def ocr(cell):
        page = pages.get(cell.page)
        return page is not None and page.source == "ocr"
    marks = any(ocr(c) and (norm(c.text or "") == "/" or SLASH_REASON in (c.reason or "")) for c in cells.values())
    if not marks:
        return
    from .digits import leans_like_slash, top_bar

    for cell in cells.values():
        if ocr(cell) and cell.value == 7 and number_text(cell.text or "") == "7" and cell.bbox is not None:
            # the OCR reads a / as 7 too (worn scans of seed 2474: 5 of 5 such /s lean, 2 of 32
            # printed 7s do); a 7's bar runs across its top, a /'s top is its stroke alone
            image = pages[cell.page].image
            bar = top_bar(image, cell.bbox) if image is not None else None
            if bar is not None and bar < SEVEN_BAR and leans_like_slash(image, cell.bbox):
                _slash(cell)
                continue
        if ocr(cell) and cell.value == 1 and number_text(cell.text or "") == "1" and cell.confidence > LOST_DIGIT_CONF:
            cell.confidence = LOST_DIGIT_CONF
            cell.reason = "; ".join(filter(None, [cell.reason, "a lone 1 in a report that prints its zeros as /: "
                                                  "on a scan the two look alike"]))
            if 0 not in cell.alternatives:
                cell.alternatives = [0] + cell.alternatives


UNSIGNED_REASON = "a count is never negative: the mark read before its digits is no minus sign"


def _unsigned_counts(cells: dict[str, Cell], pages: dict, fmt: str) -> None:
    """A count read negative on a scan: only the active table's 本年增/减 columns print a sign, so
    the mark the OCR read as '-' before a count's digits is grain or a speck (a phone photo of
    seed 2574: a printed 1 read '-1' twice, page and crop). Its digits are the reading, below
    0.9 — the mark was read too, and stays among the alternatives. A text layer's '-' is a
    printed character and stands, for the identities to weigh."""
    for key, cell in cells.items():
        table, _, col = schema.parse_key(key)
        page = pages.get(cell.page)
        if page is None or page.source != "ocr" or isinstance(cell.value, bool) \
                or not isinstance(cell.value, (int, float)) or cell.value >= 0:
            continue
        if table == "active" and schema.col_type(table, fmt, col) == "signed":
            continue
        read = cell.value
        cell.value = -read
        cell.alternatives = [read] + [a for a in cell.alternatives if a not in (read, -read)]
        cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
        cell.reason = "; ".join(filter(None, [cell.reason, f"read {cell.text!r}, but {UNSIGNED_REASON}"]))


def _thin_minus(cells: dict[str, Cell], pages: dict, fmt: str) -> None:
    """A signed change (本年增/减) read positive whose cell shows a minus bar left of its digits is
    negative: a worn copy prints the bar thin and grey, and the page OCR drops it or reads it as
    '.' (seed 2474: -69 read as 69, -308 as .308, both at 0.85 and nothing to check them). The
    bar decides, not a reading: below 0.9, the positive reading first among the alternatives."""
    from .digits import minus_before

    for key, cell in cells.items():
        table, _, col = schema.parse_key(key)
        page = pages.get(cell.page)
        if table != "active" or schema.col_type(table, fmt, col) != "signed" or page is None \
                or page.source != "ocr" or page.image is None or cell.bbox is None:
            continue
        if not isinstance(cell.value, (int, float)) or cell.value <= 0 or any(c in (cell.text or "") for c in "-+"):
            continue  # a sign read: a plus joined to its digit looks like a joined minus (digits.joined_minus)
        if minus_before(page.image, cell.bbox):
            old = cell.value
            cell.alternatives = [old] + [a for a in cell.alternatives if a != old]
            cell.value = -old
            cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
            cell.reason = "; ".join(filter(None, [cell.reason, f"read {cell.text!r}, but a minus bar stands "
                                                  "left of its digits: a negative change"]))


def _digit_tokens(page, bbox=None) -> list:
    """The page OCR's tokens that read digits (inside `bbox`, when given)."""
    out = []
    for ln in page.lines:
        for t in ln.tokens:
            if t.bbox is None or not any(ch.isdigit() for ch in t.text):
                continue
            if bbox is not None:
                cx, cy = (t.bbox[0] + t.bbox[2]) / 2, (t.bbox[1] + t.bbox[3]) / 2
                if not (bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]):
                    continue
            out.append(t)
    return out


def _digit_height(page, most: int = 25) -> float | None:
    """How tall the page's printed digits are (points): the median over (at most `most` of) its
    number tokens of the tallest ink mark inside each."""
    from .digits import ink_height

    toks = [t for t in _digit_tokens(page) if number_text(t.text) is not None]
    hs = sorted(h for t in toks[:: max(1, len(toks) // most)][:most] for h in [ink_height(page.image, t.bbox)] if h)
    return hs[len(hs) // 2] if hs else None


def _number_band(page, bbox) -> tuple[float, float] | None:
    """Top and bottom (points) of the number the page OCR read in a cell, if it read one."""
    toks = _digit_tokens(page, bbox)
    return (min(t.bbox[1] for t in toks), max(t.bbox[3] for t in toks)) if toks else None


def _no_ink_for(cell: Cell, text: str, conf: float, slots: int | None, n: int) -> bool:
    """A re-read with more digits than the cell's digit-sized ink on the number's line can
    hold invented them (seal strokes, table rules): the page reading stays, below 0.9 when
    something inked is there, with the re-read among its alternatives."""
    if slots is None or n <= slots:
        return False
    cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
    cell.reason = "; ".join(filter(None, [cell.reason, f"a tight-crop re-read gave {text!r} ({conf:.2f}), "
                                          f"more digits than the cell's ink can hold ({slots}): not taken"]))
    return True


def _slash(cell: Cell) -> None:
    """A 1 whose ink leans like a slash is the zero mark / (a crop re-read would read it as 1
    again): 0 as a dash, below 0.9 — the shape, not a reading, decided it."""
    read = cell.value if cell.value in (1, 7) else 1
    cell.alternatives = [read] + [a for a in cell.alternatives if a not in (0, read)]
    cell.value, cell.blank = 0, True
    cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
    cell.reason = f"read {cell.text!r}, but its one mark {SLASH_REASON}: read as 0"


SEVEN_REASON = "its one mark has a 7's bar across its top: read as 7"


def _seven(cell: Cell) -> None:
    """A 1 read from a cell's darkest ink whose one mark has a 7's shape (digits.seven_shape): the
    darkest ink kept a faint 7's stem and left its lighter bar out. 7, below 0.9 — the shape, not a
    reading, decided it; the 1 read stays first among the alternatives."""
    cell.alternatives = [1] + [a for a in cell.alternatives if a not in (1, 7)]
    cell.value = 7
    cell.confidence = min(cell.confidence, STROKE_ONE_CONF)
    cell.reason = f"{cell.reason}; read '1', but {SEVEN_REASON}"


DASH_REASON = "the cell's only ink is a flat bar, the zero mark —"


def _dash(cell: Cell) -> None:
    """A one-digit reading of a cell whose only ink is a flat bar is the zero mark — misread
    (the page OCR reads a worn or photographed dash as 1): 0 as a dash, below 0.9 — the shape,
    not a reading, decided it; the digit read stays first among the alternatives."""
    read = cell.value
    cell.alternatives = [read] + [a for a in cell.alternatives if a not in (0, read)]
    cell.value, cell.blank = 0, True
    cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
    cell.reason = f"read {cell.text!r}, but {DASH_REASON}: read as 0"


STROKE_ONE_CONF = 0.8  # at most: the ink's shape read it, no recogniser did
# "the page OCR missed it" as for a crop's find: the merge with the token model lets the
# identities weigh such a digit against a blank the model inferred (model/combine.py)
STROKE_REASON = ("the page OCR missed it and no crop reading made out the cell's ink, but its one mark is an "
                 "upright stroke of digit height: a 1")


def _unread_ink(key: str, cell: Cell, page, heights: dict, page_readings: dict | None) -> None:
    """A blank cell holding digit-sized ink that no crop reading made out: a 1 when its one mark
    has a printed 1's shape (the recogniser reads a lone 1 in a small crop as nothing), else
    still 0 as read, below 0.9 (_inked_blank)."""
    from .ink_shapes import upright_stroke

    if page.number not in heights:
        heights[page.number] = _digit_height(page)
    letters = cell.value is None  # "not a number": the page OCR read letters, the crops nothing
    if (not letters and norm(cell.text or "") not in LOOKS_LIKE_ONE | {""}) or not heights[page.number] \
            or not upright_stroke(page.image, cell.bbox, heights[page.number]):
        # the page OCR read a mark that is not a 1 (无, a dash, a round Q): its reading stands
        if not letters:
            _inked_blank(cell)
        return
    if page_readings is not None:
        page_readings[key] = (cell.value, cell.text, cell.blank)
    cell.value, cell.text, cell.blank = 1, "1", False
    cell.confidence = min(cell.confidence, STROKE_ONE_CONF)
    cell.alternatives = [0] + [a for a in cell.alternatives if a not in (0, 1)]
    cell.reason = "; ".join(filter(None, [cell.reason, STROKE_REASON]))


def _stray_letters(text: str | None) -> bool:
    """A cell's "not a number" reading short enough to be one misread glyph with a speck
    (`i`, `r.`, `!`): a worn or photographed lone 1 (worn copies of seed 2485: 1 read as `r.`
    and `i`, the cell left unread and filled by the text path's position guess). A word or a
    hanzi is printed text, not a digit misread."""
    t = norm(text or "")
    return 0 < len(t) <= 2 and not any(ch.isdigit() or "\u4e00" <= ch <= "\u9fff" for ch in t)


def _inked_blank(cell: Cell) -> None:
    """A cell read as blank that holds digit-sized ink no reading could make out: still 0 as
    read, but not at a confidence that would hide a lost digit."""
    cell.confidence = min(cell.confidence, LOST_DIGIT_CONF)
    cell.reason = (cell.reason or "blank cell read as 0") + "; the cell holds digit-sized ink the re-read could not read"


LOST_DIGIT_CONF = 0.85  # a re-read that found a digit the page OCR lost: right, but worth a look
MISSED_BY_PAGE = "read from a tight crop: the page OCR missed it"


def _take_reread(key: str, cell: Cell, text: str, conf: float, fmt: str, glyphs: int = 0,
                 slots: int | None = None) -> None:
    from .digits import LOW_CONF, alternatives, to_value

    table, _, col = schema.parse_key(key)
    ctype = schema.col_type(table, fmt, col) if table == "active" else "int"
    num = number_text(text)
    value = to_value(num, ctype) if num else None
    if value is None:
        return
    if isinstance(cell.value, (int, float)) and cell.value < 0 and value > 0 and not num.startswith("+"):
        # the tight crop keeps digit-tall ink only, so a minus sign is never in it
        value, num = -value, "-" + num
    if glyphs and (cell.blank or cell.confidence >= LOW_CONF):
        # the page OCR read fewer digits than the cell holds glyphs: the crop's reading wins when
        # it has more digits than the page's (touching digits can count as one glyph, so not
        # necessarily as many as counted), at a confidence that says two readings disagreed
        n = sum(ch.isdigit() for ch in num)
        if value != cell.value and n > _digits_read(cell) and _no_ink_for(cell, text, conf, slots, n):
            return
        if value != cell.value and n > _digits_read(cell) and conf >= MISSED_MIN_CONF:
            old = cell.value
            cell.reason = f"re-read on a tight crop: {text} (page OCR read {cell.text!r}: a digit lost)"
            cell.alternatives = [old] + [a for a in alternatives(num, None, ctype) if a != old]
            cell.value, cell.text, cell.blank = value, text, False
            cell.confidence = min(conf, LOST_DIGIT_CONF)
        elif value == cell.value:
            cell.reason = "confirmed by a second reading"
        return
    n = sum(ch.isdigit() for ch in num)
    if n > _digits_read(cell) and _no_ink_for(cell, text, conf, slots, n):
        return
    if cell.blank:
        if conf >= MISSED_MIN_CONF:
            cell.reason = (f"re-read on a tight crop (page OCR read {cell.text!r})" if cell.text
                           else MISSED_BY_PAGE)
            cell.value, cell.text, cell.confidence, cell.blank = value, text, conf, False
            if conf < LOW_CONF:
                cell.alternatives = [0] + alternatives(num, None, ctype)
        return
    if cell.value is None:
        if conf >= MISSED_MIN_CONF:
            cell.reason = f"re-read on a tight crop (page OCR read {cell.text!r})"
            cell.value, cell.text, cell.confidence = value, text, conf
        return
    if value == cell.value:
        cell.confidence = max(cell.confidence, conf)
        cell.reason = "confirmed by a second reading"
    elif conf > cell.confidence:
        old = cell.value
        cell.alternatives = [old] + [a for a in cell.alternatives if a not in (old, value)]
        cell.value, cell.text, cell.confidence = value, text, conf
        cell.reason = f"re-read on a tight crop: {text} (first reading {old})"
    elif value not in cell.alternatives:
        cell.alternatives.insert(0, value)


def guess_format(doc: Document) -> str | None:
    text = norm("".join(ln.text for ln in doc.lines()))
    votes = {f: sum(text.count(norm(c)) for c in cues) for f, cues in schema.format_cues().items()}
    best = max(votes, key=votes.get)
    return best if votes[best] > 0 else None


def _read_table(g: Grid, kind: str, fmt: str, page: int, out: dict, st: _State, used: set[str],
                all_data: bool = False) -> None:
    """`all_data`: every column is a number column (an appeals row continued below no header,
    with no label cell): where the numbers start is then not guessed from the first number read,
    which a row of blank (or unread) leading cells would put in the middle of the row."""
    rows = _rows_of(g)
    data_rows = {r for r, cells in enumerate(rows) if any(_is_data(c) and c.rowspan == 1 for c in cells)}
    srows = schema.rows(kind, fmt)
    cols = schema.columns(kind, fmt)
    info_end = _label_header_end(rows) if kind == "active" else None
    if all_data or (kind == "appeals" and g.n_cols == len(APPEAL_ROWS) * len(APPEAL_COLS)):
        # the appeals table of either format has no label column: its 15 columns are all
        # numbers, whether or not a header sits above (a row whose 行政复议 cells are blank zeros
        # has its first number in column 5, which is not where its numbers start)
        start = 0
        # a row of 15 blank (or dash) cells, each its own, is a row of values with nothing to report
        data_rows |= {r for r, cells in enumerate(rows) if len(cells) == g.n_cols and all(
            c.row == r and c.rowspan == 1 and c.colspan == 1 and norm(c.text) in DASHES | {""} for c in cells)}
    else:
        # where the numbers start, by majority: a row whose first cells are blank (or unread)
        # still has its label left of this column and its blanks in the right columns
        firsts = Counter(next(c.col for c in rows[r] if _is_data(c) and c.rowspan == 1) for r in data_rows)
        start = firsts.most_common(1)[0][0] if firsts else 0
        if kind == "active" and (info_end is not None or firsts):
            # the active table's values start right of its 信息内容 header cell, or, on a page
            # that continues the table below no header, at the leftmost number of any row (a
            # label is never a number). The vote put rows whose first values were blank or
            # unread — 行政许可 | · | · | 8488 — past their blanks, and a page whose only rows
            # printed blanks was not read at all: their cells were left to the text path, which
            # put 8488 into 本年增/减 (stamped scans of seed 2482: 13 cells in four documents)
            start = info_end if info_end is not None else min(_label_ends(rows, data_rows) or firsts)
        if kind == "requests" and st.colmap and len(st.colmap) == len(REQ_COLS) and st.colmap_ncols \
                and g.n_cols != st.colmap_ncols \
                and g.n_cols > len(REQ_COLS) and min(st.colmap) + g.n_cols - st.colmap_ncols >= 1:
            # the table continued on a page whose grid has more or fewer label columns (a rule
            # through the label column lost or doubled on a scan): the applicant columns are the
            # rightmost seven on every page, so the known map moves with the right edge
            shift = g.n_cols - st.colmap_ncols
            st.colmap, st.colmap_ncols = {c + shift: v for c, v in st.colmap.items()}, g.n_cols
        if kind == "requests" and st.colmap and len(st.colmap) == len(REQ_COLS) and g.n_cols == st.colmap_ncols:
            # the table continued from the last page: its applicant columns are known, and a
            # short page whose 自然人 column is mostly blank outvoted them (a phone photo of seed
            # 2473: four of six rows started at 商业企业, and 自然人 was read as their label)
            start = min(st.colmap)
        if kind == "requests" and (first_col := _first_applicant_col(rows, cols)) is not None:
            # a page that repeats the header: the applicant columns start under 自然人 however
            # few of them a short page fills (a worn copy of seed 2485: its one row printed
            # blank 自然人 and 科研机构 cells, the vote started at 商业企业, and the row's
            # 自然人 cell — a faint 1 — was left to the text path, which placed a 0 there)
            start = first_col
    blank_page = False
    if not data_rows and kind == "active" and info_end is not None:
        blank_page = True  # 规章 | · | · | · under its header: rows of blanks are still rows
    if not data_rows and kind == "requests" and g.n_cols > len(REQ_COLS):
        # a page of the requests table with no number on it (zeros printed blank, a report with
        # few requests): its 7 applicant columns are the rightmost, and its rows are still read
        # (a worn scan of seed 2474 left the page to the text path, which lost a slipped label's row)
        start, blank_page = g.n_cols - len(REQ_COLS), True
    if kind == "requests" and not st.aggregate:
        st.aggregate = _prints_aggregate(rows, start, fmt)
    if st.aggregate and kind == "requests":
        # the aggregate （六）其他处理 row is the requests table's: matching the active table's
        # rows against the requests rows lost every active cell of a 2021 report that prints it
        # once the text path had said so (doc.aggregate; 11 cells of a worn scan of seed 2474)
        srows = _printed_rows(fmt)
    if data_rows or blank_page:
        # rows without a readable number (zeros left blank, digits misread) are data rows too
        # when their label names a row of this table exactly (on a page with no number at all:
        # or carries an item marker, and every cell under the numbers is blank)
        top = min(data_rows) if data_rows else 0
        for r in range(len(rows)):
            right = [c for c in rows[r] if c.col >= start and c.row == r]
            label = norm("".join(c.text for c in rows[r] if c.col < start))
            if r in data_rows or not right or not label:
                continue
            if r < top and not all(norm(c.text) in DASHES | {""} and c.colspan == 1 and c.rowspan == 1
                                   for c in right):
                # above the first number read, only a row of blank single cells is a row of
                # values (a header's cells hold words): the first rows of a table continued on
                # a page, with or without its header repeated, may print only blanks — or digits
                # the page OCR lost (phone photos of seed 2473 lost 1s there, read by the text
                # path as 0 with no box, so the crop re-read never looked)
                continue
            if blank_page and not all(norm(c.text) in DASHES | {""} and (c.colspan == 1 or kind == "active")
                                      for c in right):
                continue  # (an active row of one value prints it in a cell across the three columns)
            if any(norm(ph) in label for row in srows for ph in row.match) or \
                    (blank_page and kind == "requests" and MARKER_RE.search(label)) or \
                    (r > top and _blank_cells(right, r) and _fuzzy_row_label(label, srows)):
                data_rows.add(r)
    for r in sorted(data_rows):
        cells = rows[r]
        first = next((c.col for c in cells if _is_data(c) and c.rowspan == 1), start)
        split = min(start, first)
        label = norm("".join(c.text for c in cells if c.col < split))
        # a blank cell spanning grid rows is taken only when the row's numbers span the same
        # rows: a rule through the label column alone (a doubled border a scan shows apart)
        # splits the row in the grid, not in print, and its blank zero cells are still its own
        spans = {(c.row, c.rowspan) for c in cells if c.col >= split and number_text(c.text) is not None}
        data = [DataCell(c, number_text(c.text) or "", c.text.strip()) for c in cells
                if c.col >= split and (c.rowspan == 1 or _is_data(c) or (c.row, c.rowspan) in spans)]
        if kind == "appeals":
            _appeals_row(g, rows, data_rows, r, data, fmt, page, out)
            continue
        i = match_row(label, srows, used, st.last_row)
        if i is None:
            continue
        row = srows[i]
        used.add(row.id)
        st.last_row = i
        if kind == "requests":
            colmap = _request_cols(g, rows, data_rows, r, data, cols, st)
            pairs = [(colmap.get(dc.cell.col), dc) for dc in data]
        else:
            pairs = []
            for dc in data:
                cid = match_col(_header_texts(g, rows, data_rows, r, dc.cell), cols, row.cols)
                pairs.append((cid, dc))
            if any(c is None for c, _ in pairs) and len(data) == len(row.cols):
                pairs = list(zip(row.cols, data))  # headers unreadable: the format's column order
        for cid, dc in pairs:
            if cid is None or cid not in row.cols:
                continue
            key = row.key(cid)
            if key not in out:
                out[key] = _cell(dc, kind, fmt, cid, page)


def _blank_cells(right: list[GridCell], r: int) -> bool:
    """Every cell under the numbers blank (or a dash) and its own: one grid row's cells."""
    return all(norm(c.text) in DASHES | {""} and c.row == r and c.rowspan == 1 and c.colspan == 1 for c in right)


def _fuzzy_row_label(label: str, srows: tuple[schema.Row, ...]) -> bool:
    """A label that keeps most of a row's phrase with a slip (4.保护第三方合法权, its 益 lost on a
    worn copy): a row of blank cells below the table's first number is then a row of values,
    read as its blanks (and the re-read of inked blanks), where the text path found one number
    for seven columns and left the row unread (worn copies of seed 2491)."""
    return any(len(p) >= FUZZY_LEN and fuzzy_in(p, label) >= FUZZY_MIN
               for row in srows for p in map(norm, row.match))


def _continues_requests(g: Grid, fmt: str) -> bool:
    """A grid below no header that continues the requests table with another count of label
    columns than the page before: more columns than the seven applicant columns, and a row
    whose label (the cells left of those) names a row of the requests table."""
    if g.n_cols <= len(REQ_COLS):
        return False
    phrases = [norm(ph) for row in schema.rows("requests", fmt, aggregate=True) for ph in row.match]
    for cells in _rows_of(g):
        label = norm("".join(c.text for c in cells if c.col < g.n_cols - len(REQ_COLS)))
        if label and any(ph and ph in label for ph in phrases):
            return True
    return False


def _continues_active(g: Grid, fmt: str) -> bool:
    """A grid below no header after the active table whose first cell in some row names a row
    of that table (政府集中采购 | 38 | 231200元 alone at the top of the next page)."""
    phrases = [norm(ph) for row in schema.rows("active", fmt) for ph in row.match]
    for cells in _rows_of(g):
        label = norm(cells[0].text) if cells and len(cells) > 1 else ""
        if label and any(ph and ph in label for ph in phrases):
            return True
    return False


def _label_ends(rows: list[list[GridCell]], data_rows: set[int]) -> list[int]:
    """Per data row, the column right of its leading label cells (words, neither a number nor blank)."""
    out = []
    for r in data_rows:
        lead = [c for c in rows[r] if c.row == r]
        end = 0
        for c in lead:
            if _is_data(c) or not norm(c.text):
                break
            end = c.col + c.colspan
        if end:
            out.append(end)
    return out


def _label_header_end(rows: list[list[GridCell]]) -> int | None:
    """The column right of the active table's 信息内容 header cell (its label column), if printed."""
    for cells in rows:
        for c in cells:
            if norm(c.text) == "信息内容":
                return c.col + c.colspan
    return None


def _first_applicant_col(rows: list[list[GridCell]], cols: dict[str, schema.Column]) -> int | None:
    """The grid column of the 自然人 header cell, when the page prints the requests header; where
    its three characters came out with a slip (自人然 on a stamped scan), the column the other
    applicant headers of the header rows put it in, when two of them agree (the seven applicant
    columns stand in print order)."""
    head = len(norm(cols[REQ_COLS[0]].zh))
    for cells in rows:
        for c in cells:
            # a cell of the header's own few characters may span two grid columns: a seal's
            # stroke ruled part-way down the column adds one (a stamped scan of evals30 2555/68:
            # 自然人 over columns 3-4, the vote started the numbers at 商业企业, and the column's
            # blanks — a faint 1 and 4 among them — went to the text path, which read 0s)
            if (c.colspan == 1 or len(norm(c.text)) <= head) and not _is_data(c) and \
                    match_col([norm(c.text)], cols, REQ_COLS[:1]) == REQ_COLS[0]:
                return c.col
    votes: Counter = Counter()
    for cells in rows:
        if any(_is_data(c) and c.rowspan == 1 for c in cells):
            break  # the header rows end at the first row of values
        for c in cells:
            cid = match_col([norm(c.text)], cols, REQ_COLS[1:5]) if c.colspan == 1 else None
            if cid is not None:
                votes[c.col - REQ_COLS.index(cid)] += 1
    if votes:
        (col, n), = votes.most_common(1)
        if n >= 2 and col >= 1:
            return col
    return None


def _printed_rows(fmt: str) -> tuple[schema.Row, ...]:
    hidden = set(schema.aggregated_rows(fmt))
    return tuple(r for r in schema.rows("requests", fmt, aggregate=True) if r.id not in hidden)


def _prints_aggregate(rows: list[list[GridCell]], start: int, fmt: str) -> bool:
    """A 2021 requests table that prints the single （六）其他处理 row (spec variant
    aggregate_other_in_2021): a row with cells under the numbers whose label is that caption
    and holds none of the sub-rows' own labels."""
    plain = {r.id for r in schema.rows("requests", fmt)}
    extra = [r for r in schema.rows("requests", fmt, aggregate=True) if r.id not in plain]
    if not extra:
        return False
    hidden = set(schema.aggregated_rows(fmt))
    subs = [r for r in schema.rows("requests", fmt) if r.id in hidden]
    row_labels = [norm("".join(c.text for c in cells if c.col < start)) for cells in rows]
    # a sub-row's own label in any row of the table: the sub-rows are printed (the caption
    # （六）其他处理 spanning them is then a group label, whichever row it is drawn in)
    telling = [sub for sub in subs if len(labels.body(sub)) >= labels.MIN_BODY]
    if any(labels.share(sub, label) >= labels.MIN_SHARE for sub in telling for label in row_labels):
        return False
    for r, cells in enumerate(rows):
        label = row_labels[r]
        if any(c.col >= start and c.row == r for c in cells) and \
                any(norm(ph) in label for row in extra for ph in row.match[:1]) and \
                all(labels.share(sub, label) < labels.MIN_SHARE for sub in subs):
            return True
    return False


def _request_cols(g, rows, data_rows, r, data, cols, st: _State) -> dict[int, str]:
    if st.colmap is not None and all(dc.cell.col in st.colmap for dc in data):
        return st.colmap
    colmap: dict[int, str] = {}
    for dc in data:
        cid = match_col(_header_texts(g, rows, data_rows, r, dc.cell), cols, REQ_COLS)
        if cid is not None:
            colmap[dc.cell.col] = cid
    if len(data) == len(REQ_COLS) and (len(set(colmap.values())) < len(REQ_COLS) or len(colmap) < len(data)):
        colmap = {dc.cell.col: c for dc, c in zip(data, REQ_COLS)}  # by position, as the format prints them
    if len(set(colmap.values())) == len(colmap) and colmap:
        st.colmap, st.colmap_ncols = colmap, g.n_cols
    return colmap


def _appeals_row(g, rows, data_rows, r, data, fmt, page, out) -> None:
    cols = schema.columns("appeals", fmt)
    pairs = []
    for dc in data:
        heads = _header_texts(g, rows, data_rows, r, dc.cell)
        cid = match_col(heads[:1], cols, APPEAL_COLS)
        joined = "".join(heads)
        rid = ("suit_direct" if ("未经复议" in joined or "直接起诉" in joined) else
               "suit_after_review" if ("复议后" in joined) else
               "review" if "复议" in joined else None)
        pairs.append((rid, cid, dc))
    keys = [(rid, cid) for rid, cid, _ in pairs]
    if len(data) == 15 and (None in (k for kk in keys for k in kk) or len(set(keys)) < 15):
        pairs = [(APPEAL_ROWS[i // 5], APPEAL_COLS[i % 5], dc) for i, dc in enumerate(data)]
    for rid, cid, dc in pairs:
        if rid is None or cid is None:
            continue
        key = f"appeals.{rid}.{cid}"
        if key not in out:
            out[key] = _cell(dc, "appeals", fmt, cid, page)

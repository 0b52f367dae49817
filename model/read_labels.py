"""Table cells and narrative metrics from the model's token labels.

A value's key follows from geometry: its row is the row label on its own line to its left
(the appeals table prints its rows as column groups, so there: the group label above it), and
its column the column label above it that it lines up with. Metrics are the numbers the model
tagged with a metric. Only pages with real boxes give cells; plain text gives metrics.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from nianbao import schema, variants
from nianbao.textnorm import is_footer, norm
from nianbao.schema.cues import clause_around, has_cue, read_fee
from nianbao.chains import chains
from nianbao.document import Cell, Document, Metric, Token

from . import bio_tags as L

DASHES = set("-—–－―/／~～无")  # zero marks (spec variant zero_marks)
# in a table cell, also the OCR's readings of a dash (as ocr/assemble_grid.py takes them): a light
# scan's — read as 一 and tagged as a row label's last character took the 5 beside it into that
# row (issue 28). Not in prose: 一 there is the numeral (开放日一次)
CELL_DASHES = DASHES | set("一ー")
MINUS = set("-－−–")  # a sign where it touches a number's first digit
# a minus as the OCR reads a worn or thin one: the bar of a dash (a worn copy's -6 read 一6)
SIGN_READINGS = MINUS | set("一ー—―")


@dataclass
class Entity:
    role: str
    tokens: list[Token]
    page: int | None

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    @property
    def conf(self) -> float:
        return min((t.label_conf or 0.0) for t in self.tokens)

    @functools.cached_property
    def box(self):
        bs = [t.bbox for t in self.tokens if t.bbox]
        if len(bs) > 2:
            # a glyph of rotated text (the vertical 三、本年度办理结果 of a WPS table) can carry a
            # box many lines tall; it would stretch the label over the rows below it
            h = sorted(b[3] - b[1] for b in bs)[len(bs) // 2]
            bs = [b for b in bs if b[3] - b[1] <= 3 * h] or bs
        if not bs:
            return None
        return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def entities(doc: Document) -> list[Entity]:
    out = []
    for page in doc.pages:
        # a page number (-3-, 第3页) is no table value: on stamped scans the model tagged the 3
        # of a landscape page's -3- as the appeals table's last cell (issue 28: 8 of the model
        # alone's 19 wrong cells on 150 stamped scans; the rules' stream drops such lines too)
        toks, spaced = _page_tokens(page)
        mine = []
        for role, a, b in L.spans(_label_islands(toks, _whole_numbers(toks))):
            for part in _split_gaps(toks[a:b], VALUE_GAP if role == "VAL" else LABEL_GAP,
                                    spaced if role == "VAL" else frozenset()):
                e = Entity(role, part, page.number)
                if role.startswith(("ROW:", "COL:")) and not _wordy(e):
                    # zero marks tagged as a label are cell content: dropped before labels that
                    # stack are joined, or a photocopy's 无 无 beside row 2 joined row 3's label
                    # below them, and row 2's 4 took row 3 (issue 28)
                    continue
                mine.append(e)
        out += _join_wrapped(_join_split_numbers(mine))
    return out


def _page_tokens(page) -> tuple[list[Token], set[int]]:
    """The page's tagged tokens in reading order, and the ids of those the OCR set a space
    before on their line. A page number's line gives none."""
    toks, spaced = [], set()
    folio = _bare_page_number(page)
    for ln in page.lines:
        if ln is folio or is_footer("".join(t.text for t in ln.tokens)):
            continue
        after_space = False
        for t in ln.tokens:
            if not t.text.strip():
                after_space = True
                continue
            if t.label:
                toks.append(t)
                if after_space:
                    spaced.add(id(t))
            after_space = False
    return toks, spaced


def _bare_page_number(page):
    """The page's last line when it is a page number printed without dashes: 1-3 digits alone,
    below everything else on the page by two of its own heights or more, in the page's bottom
    quarter, centred on the text. A stamped scan's appeals header ended page 4, its values began
    page 5, and page 4's folio 3, the only text of its last line, took a cell of the header
    above it (issue 28). A table's value row lies under its header, not two lines apart from it."""
    boxed = []
    for ln in page.lines:
        bs = [t.bbox for t in ln.tokens if t.bbox and t.text.strip()]
        if bs:
            boxed.append((ln, (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))))
    if len(boxed) < 2 or not page.height:
        return None
    ln, (x0, y0, x1, y1) = max(boxed, key=lambda lb: lb[1][3])
    if not re.fullmatch(r"\d{1,3}", norm("".join(t.text for t in ln.tokens)).strip()):
        return None
    h = max(1.0, y1 - y0)
    above = max(b[3] for other, b in boxed if other is not ln)
    left, right = min(b[0] for _, b in boxed), max(b[2] for _, b in boxed)
    centred = abs((x0 + x1) / 2 - (left + right) / 2) <= 0.1 * (right - left)
    return ln if y0 - above >= 2 * h and y0 >= 0.75 * page.height and centred else None


def _whole_numbers(toks: list[Token]) -> list[str]:
    """The tags, with a digit the model tagged O taken into the value whose digits it touches: a
    printed number is one run of ink, and its extent is the ink's, not the tags'. The model tags
    where a value is; on a turned phone capture it tagged 2 of 24 B-VAL and the 4 O, and the
    cell read 2; on a worn copy 204 lost its 2 (issue 28). Digits tagged as a label stay the
    label's."""
    tags = [t.label or "O" for t in toks]
    for i in range(len(toks) - 1):
        if _stray_label_digit(toks, tags, i):
            tags[i] = "O"
    for _ in range(2):  # a run of O digits grows a digit at a time, from either end
        for i in range(len(toks)):
            if tags[i] != "O" or not _digit_text(toks[i].text):
                continue
            if i > 0 and tags[i - 1].endswith("VAL") and _touching(toks[i - 1], toks[i]):
                tags[i] = "I-VAL"
            elif i + 1 < len(toks) and tags[i + 1].endswith("VAL") and _touching(toks[i], toks[i + 1]):
                tags[i], tags[i + 1] = "B-VAL", "I-VAL"
    return tags


def _label_islands(toks: list[Token], tags: list[str]) -> list[str]:
    """One character tagged as another label, touching the characters of one label on both
    sides, is that label's: a misread glyph inside a word (a stamped scan's 科珊构 for 科研机构,
    珊 tagged 商业企业's) made a column piece over the wrong column, and the 科研机构 value
    under it read as 商业企业's (issue 28)."""
    for i in range(1, len(toks) - 1):
        mine, left, right = tags[i][2:], tags[i - 1][2:], tags[i + 1][2:]
        if not left.startswith(("ROW:", "COL:")) or left != right or mine == left \
                or not mine.startswith(("ROW:", "COL:")):
            continue
        # the odd one out is the doubtful one: less sure than both its neighbours, and touching
        # both (two labels printed side by side are set apart by a gap, 7.6 pt before 科 there)
        conf = [(t.label_conf or 0.0) for t in toks[i - 1:i + 2]]
        if conf[1] < min(conf[0], conf[2]) and _adjacent(toks[i - 1], toks[i]) and _adjacent(toks[i], toks[i + 1]):
            tags[i] = "I-" + left
            tags[i + 1] = "I-" + left
    return tags


def _adjacent(a: Token, b: Token) -> bool:
    """b follows a on its line, as the characters of one word do: the abutting test of digits,
    scaled by the narrower character."""
    if not (a.bbox and b.bbox):
        return False
    return _abuts(a.bbox, b.bbox, min(a.bbox, b.bbox, key=lambda x: x[2] - x[0]))


def _stray_label_digit(toks: list[Token], tags: list[str], i: int) -> bool:
    """A digit tagged as a label that touches the value digits after it and not the label's own
    characters before it is that number's first digit: the model's label spilled over the
    table's rule into the first value column (a stamped scan: 321 read as 3 tagged I-ROW and
    21; 27 as 2 tagged B-ROW and 7, issue 28). A label's own digits (1. of 1.本机关不掌握)
    sit among its characters, not alone beside a value."""
    t, nxt = toks[i], toks[i + 1]
    if not tags[i].startswith(("B-ROW", "I-ROW", "B-COL", "I-COL")) or not tags[i + 1].endswith("VAL"):
        return False
    if not _touching(t, nxt):
        return False
    prev = toks[i - 1] if i > 0 else None
    return not (prev is not None and tags[i - 1][2:] == tags[i][2:] and prev.bbox and t.bbox
                and _abuts(prev.bbox, t.bbox, t.bbox))


def _join_split_numbers(ents: list[Entity]) -> list[Entity]:
    """Value pieces that touch are one printed number: a B tag inside "93" makes two entities,
    9 and 3, where the page has one; cells are set apart by padding, the pieces are not. A
    minus tagged a value of its own before the digits it touches is that number's sign: on a
    stamped scan -16 of a signed change was tagged - B-VAL, 1 B-VAL, 6 I-VAL, and the cell read
    the lone - as a zero mark (issue 28)."""
    out: list[Entity] = []
    for e in ents:
        o = out[-1] if out else None
        if o is not None and o.role == e.role == "VAL" and (
                _touching(o.tokens[-1], e.tokens[0]) or _sign_of(o, e.tokens[0])):
            o.tokens = o.tokens + e.tokens
            o.__dict__.pop("box", None)
        else:
            out.append(e)
    return out


def _touching(p: Token, t: Token, unboxed: bool = False) -> bool:
    """Two digits that are one number's: side by side on the page; `unboxed`: for text lines
    (no boxes), neighbours in the line's characters count as touching."""
    if not (_digit_text(p.text) and _digit_text(t.text)):
        return False
    if not (p.bbox and t.bbox):
        return unboxed
    return _abuts(p.bbox, t.bbox, p.bbox)


def _sign_of(sign: Entity, t: Token) -> bool:
    """A value that is only a minus, or the bar the OCR read a worn minus as (一), on the line of
    the digit t and touching it (the gap a digit's spacing, not a cell's padding). A worn copy's
    -6 read 一6, tagged as two values; the 一, surer than the 6, made the cell a zero mark, 0
    (issue 28)."""
    if sign.text.strip() not in SIGN_READINGS or not _digit_text(t.text) or not (sign.box and t.bbox):
        return False
    return _abuts(sign.box, t.bbox, t.bbox)


def _abuts(a, b, glyph) -> bool:
    """Box b follows box a on its line with no more than a digit's spacing between, the scale
    taken from `glyph` (a digit's box)."""
    h = max(1.0, glyph[3] - glyph[1])
    w = max(1.0, glyph[2] - glyph[0])
    same_line = abs((b[1] + b[3]) - (a[1] + a[3])) / 2 < h * 0.5
    return same_line and -w < b[0] - a[2] < min(w, h) * 0.3


def _digit_text(s: str) -> bool:
    return bool(s) and all(c.isdigit() or c in ".," for c in s)


def _join_wrapped(ents: list[Entity]) -> list[Entity]:
    """A label wrapped over lines is one label: join same-role row/column pieces that stack."""
    out: list[Entity] = []
    for e in ents:
        if _under_another_column(e, ents):
            continue
        if e.role.startswith(("ROW:", "COL:")) and e.box:
            for o in reversed(out):
                if o.role == e.role and o.box and _stacked(o.box, e.box):
                    o.tokens = o.tokens + e.tokens
                    o.__dict__.pop("box", None)  # the joined label's box is the union
                    break
            else:
                out.append(e)
        else:
            out.append(e)
    return out


def _under_another_column(e: Entity, ents: list[Entity]) -> bool:
    """A column-label piece that sits in another column's header, under or over that column's
    label, and in none of its own role's: the OCR read 人 of 自然人 as 入 on a phone photo, the
    model tagged it 商业企业's, and joined to 商业 beside it the label spread over the 自然人
    column, whose values then read as 商业企业's (15 cells of one report, issue 28). The piece is
    the other column's ink: it is no label of its own. Only where its own column's label is
    printed elsewhere: the 自然 the 入 sits under stays, its column has no other piece."""
    if not (e.role.startswith("COL:") and e.box):
        return False

    def over(o: Entity) -> bool:  # o's header holds at least half of e's width
        return o is not e and o.box is not None and \
            _ov(e.box[0], e.box[2], o.box[0], o.box[2]) >= 0.5 * (e.box[2] - e.box[0])

    rivals = [o for o in ents if o.role.startswith("COL:") and o.role != e.role and over(o) and _stacked(o.box, e.box)]
    mine = [o for o in ents if o is not e and o.role == e.role and o.box is not None]
    # its own column's label printed elsewhere, and none of it over or under e
    return bool(rivals) and bool(mine) and not any(over(o) for o in mine)


def _stacked(a, b) -> bool:
    h = max(1.0, min(a[3] - a[1], b[3] - b[1]))
    gap = max(a[1], b[1]) - min(a[3], b[3])
    return gap < h * 1.6 and _ov(a[0], a[2], b[0], b[2]) > -h


LABEL_GAP = 1.5  # widest gap inside a label, in line heights: words of a label are spaced
VALUE_GAP = 0.5  # inside a number: a printed number has no space in it


def _split_gaps(toks: list[Token], gap: float = LABEL_GAP, spaced: set[int] | frozenset = frozenset()) -> list[list[Token]]:
    """A span that jumps lines or leaves a wide gap is two things the model ran together. A
    value's digits stand close: on a stamped scan the model ran 9 | 5 of two narrow cells (a
    gap of 1.3 line heights) into one value, and 2 9 5 took the 自然人 cell (issue 28). Two
    digits the OCR read with a space between (`spaced`: ids of tokens after a space) are two
    numbers too: a stamped scan's 1111 and 111 of narrow neighbouring cells, 0.45 line heights
    apart, read as 1111111."""
    parts, cur = [], [toks[0]]
    for p, t in zip(toks, toks[1:]):
        if id(t) in spaced and _digit_text(p.text) and _digit_text(t.text):
            parts.append(cur)
            cur = []
        elif p.bbox and t.bbox:
            h = max(1.0, p.bbox[3] - p.bbox[1])
            if abs((t.bbox[1] + t.bbox[3]) - (p.bbox[1] + p.bbox[3])) / 2 > h * 0.7 or t.bbox[0] - p.bbox[2] > h * gap:
                parts.append(cur)
                cur = []
        cur.append(t)
    parts.append(cur)
    return parts


def parse_value(text: str, ctype: str = "int"):
    s = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    if s and all(c in DASHES for c in s):
        return 0
    s = re.sub(r"(?<=\d)(?:万元|万|元)$", "", s)  # the number as printed; 元 → 万元 happens once, later
    m = re.fullmatch(r"[+\-]?\d+(?:\.\d+)?", s)
    if not m:
        return None
    v = float(s)
    return int(v) if ctype in ("int", "signed") and v.is_integer() else v


def _ov(a0, a1, b0, b1) -> float:
    return min(a1, b1) - max(a0, b0)


def prints_aggregate(fmt: str, ents: list[Entity]) -> bool:
    """The model saw the single （六）其他处理 row of a 2021 table (spec variant
    aggregate_other_in_2021): a label of that row and none of its sub-rows'."""
    plain = {r.id for r in schema.rows("requests", fmt)}
    extra = {f"ROW:requests.{r.id}" for r in schema.rows("requests", fmt, aggregate=True) if r.id not in plain}
    subs = {f"ROW:requests.{rid}" for rid in schema.aggregated_rows(fmt)}
    roles = {e.role for e in ents}
    return bool(extra & roles) and not subs & roles


def _aggregate_role(role: str, fmt: str) -> str:
    """With the aggregate printed, a (六) label the model took for a sub-row is the aggregate's:
    the table prints no other row of that group."""
    for rid in schema.aggregated_rows(fmt):
        if role == f"ROW:requests.{rid}":
            return "ROW:requests." + rid.rsplit(".", 1)[0]
    return role


def cells(doc: Document, fmt: str, ents: list[Entity] | None = None) -> dict[str, Cell]:
    """Cells the labels place; with the aggregate （六）其他处理 printed (doc.aggregate), its keys
    and never the sub-rows' (not printed)."""
    ents = entities(doc) if ents is None else ents
    keys = set(variants.printed_keys(fmt, doc.aggregate))
    if doc.aggregate:
        ents = [Entity(_aggregate_role(e.role, fmt), e.tokens, e.page) for e in ents]
    vals = [e for e in ents if e.role == "VAL" and e.box]
    rows = [e for e in ents if e.role.startswith("ROW:") and e.box and _wordy(e) and not _amid_values(e, vals)]
    cols = [e for e in ents if e.role.startswith("COL:") and e.box and _wordy(e)]
    out: dict[str, Cell] = {}
    seen: set[str] = set()  # keys a value token was found for, read or not
    placed: list[tuple[Entity, Entity, Entity | None]] = []  # (value, its row, its appeals column)
    pieces: dict[str, Entity] = {}  # the value each cell was read from
    for v in ents:
        if v.role != "VAL" or not v.box:
            continue
        x0, y0, x1, y1 = v.box
        cy, h = (y0 + y1) / 2, max(1.0, y1 - y0)
        same_page = [r for r in rows if r.page == v.page]
        # the row is a label the model saw on this value's own line, to its left
        # a label printed on the value's line beats one that only grazes it: on a worn copy a
        # tall 577 of (七)总计 touched 四、结转下年度继续办理 below by 2 pt, and that label, ending
        # nearer the value, took the row (issue 28)
        left = _labels_left(same_page, x0, y0, y1, h, strong=True) or _labels_left(same_page, x0, y0, y1, h)
        row = min(left, key=lambda re_: x0 - re_[1], default=(None, 0))[0]
        col = None
        if row is None or row.role.startswith("ROW:appeals."):
            col = _column(cols, "appeals", v.page, x0, x1, cy, h, carry=False)
            group = _appeals_group(col, cols, rows) if col else None
            if group is None:
                continue
            row = group
        placed.append((v, row, col))
    frames = _carried_frames(placed, cols)
    for v, row, col in placed:
        x0, y0, x1, y1 = v.box
        cy, h = (y0 + y1) / 2, max(1.0, y1 - y0)
        table, rid = row.role[4:].split(".", 1)
        if table != "appeals":
            col = _column(cols, table, v.page, x0, x1, cy, h, frame=frames.get((v.page, table)))
        if col is None:
            continue
        key = f"{table}.{rid}.{col.role.split('.', 1)[1]}"
        if key not in keys:
            continue
        seen.add(key)
        conf = min(v.conf, row.conf, col.conf)
        joined = _one_number(pieces[key], v) if key in pieces else None
        if joined is not None and parse_value(joined.text) is not None:
            v, conf = joined, min(conf, out[key].confidence)
            del out[key]
        mark = bool(v.text.strip()) and all(ch in CELL_DASHES for ch in v.text.strip())
        ctype = schema.col_type(table, fmt, key.rsplit(".", 1)[1])
        text = v.text.strip()
        if len(text) > 1 and text[0] in SIGN_READINGS and _digit_text(text[1:]):
            # a count has no sign: the mark before it is not one (as the rules read it); in a
            # signed change it is the minus, whatever bar the OCR read it as
            text = ("-" if ctype == "signed" else "") + text[1:]
        value = parse_value("—" if mark else text, ctype)
        if value is None:
            continue
        if key in out and out[key].confidence >= conf:
            continue
        pieces[key] = v
        out[key] = Cell(value=value, text=v.text, confidence=round(conf, 3), page=v.page, bbox=v.box,
                        blank=mark, reason="read by the token model")
    for key, cell in _blanks(rows, cols, out, seen, keys).items():
        out.setdefault(key, cell)
    return out


def _one_number(a: Entity, b: Entity) -> Entity | None:
    """Two values found in one cell that are one printed number's digits: side by side on one
    line, the right one starting within a digit's spacing of the left one's end. On a tilted
    phone capture the OCR gave 46's 4 and 6 to two lines; the cell took the 6 alone (issue 28).
    One reading of the same ink twice (boxes over each other) is no second digit."""
    if a.page != b.page or not (a.box and b.box) or not (_digit_text(a.text.strip()) and _digit_text(b.text.strip())):
        return None
    left, right = sorted((a, b), key=lambda e: e.box[0])
    if (right.box[0] + right.box[2]) / 2 <= left.box[2] or not _abuts(left.box, right.box, right.tokens[0].bbox):
        return None
    return Entity("VAL", left.tokens + right.tokens, a.page)


def _wordy(label: Entity) -> bool:
    """A row or column label names something in words: a run of zero marks or digits the model
    tagged as a label (无 无 under a vertical header, tagged as that header's column) is a cell's
    content, and taken for a label it pulls the values below it into its column (issue 28)."""
    return any(ch.isalpha() and ch not in CELL_DASHES for ch in label.text)


def _amid_values(label: Entity, vals: list[Entity]) -> bool:
    """A row label of one character with values on its line to both sides is a mark the OCR
    misread in a row of values: a row label prints left of its row's values. A light scan's
    appeals values, carried to a page of their own, held a 度 the model tagged as 结转下年度's;
    the values right of it became that row's cells, the blank row read 1, 7, 3, 2 (issue 28)."""
    if len(label.text.strip()) != 1:
        return False
    x0, y0, x1, y1 = label.box
    h = max(1.0, y1 - y0)
    on = [v.box for v in vals if v.page == label.page
          and min(v.box[3], y1) - max(v.box[1], y0) > 0.5 * min(h, v.box[3] - v.box[1])]
    return any(b[2] <= x0 + 0.5 * h for b in on) and any(b[0] >= x1 - 0.5 * h for b in on)


def _labels_left(rows: list[Entity], x0: float, y0: float, y1: float, h: float,
                 strong: bool = False) -> list[tuple[Entity, float]]:
    """Row labels with characters on the line y0..y1 that end left of x0, with where they end."""
    return [(r, ends) for r in rows for ends in [_line_end(r, y0, y1, h, strong)]
            if ends is not None and ends <= x0 + h]


def _line_end(label: Entity, y0: float, y1: float, h: float, strong: bool = False) -> float | None:
    """Where the label's characters printed on the line y0..y1 end (right edge), or None when
    none is on it. The label's box is no guide: a wrapped label's box spans its lines, and a
    text layer may give one glyph of a vertical caption a box as tall as the table (洪泽 2024:
    果 of 三、本年度办理结果 joined to row 2's label took the values of rows 1-8)."""
    def least(t):  # `strong`: the character and the value share at least half the shorter's height
        return 0.5 * min(t.bbox[3] - t.bbox[1], y1 - y0) if strong else 0
    on = [t.bbox[2] for t in label.tokens if t.bbox and t.bbox[3] - t.bbox[1] <= 2 * h
          and min(t.bbox[3], y1) - max(t.bbox[1], y0) > least(t)]
    return max(on) if on else None


def _blanks(rows: list[Entity], cols: list[Entity], read: dict[str, Cell], seen: set[str],
            keys: set[str]) -> dict[str, Cell]:
    """Cells the model sees empty: its row label and its column label are on the page, the
    table's values there were read, and no value token lies where they cross. A blank prints
    as nothing, so without this the model could never contradict a value the rules placed in
    an empty cell (e.g. by fitting the identities)."""
    out: dict[str, Cell] = {}
    pages_read = {(c.page, k.split(".", 1)[0]) for k, c in read.items()}
    for r in rows:
        table, rid = r.role[4:].split(".", 1)
        if table == "appeals" or (r.page, table) not in pages_read:
            continue
        cy, h = (r.box[1] + r.box[3]) / 2, max(1.0, r.box[3] - r.box[1])
        for c in cols:
            if not c.role.startswith(f"COL:{table}.") or c.box[0] < r.box[2]:
                continue
            if _column(cols, table, r.page, c.box[0], c.box[2], cy, h) is not c:
                continue
            _blank(out, f"{table}.{rid}.{c.role.split('.', 1)[1]}", min(r.conf, c.conf), r.page, keys, seen)
    for c in cols:
        if c.role.startswith("COL:appeals.") and (c.page, "appeals") in pages_read:
            g = _appeals_group(c, cols, rows)
            if g is not None:
                _blank(out, f"appeals.{g.role.split('.', 1)[1]}.{c.role.split('.', 1)[1]}",
                       min(g.conf, c.conf), c.page, keys, seen)
    return out


def _blank(out: dict, key: str, conf: float, page, keys: set[str], seen: set[str]) -> None:
    if key in keys and key not in seen:
        out[key] = Cell(value=0, text="", confidence=round(0.8 * conf, 3), page=page, blank=True,
                        reason="blank: the token model found no value where its row and column labels cross")


def _appeals_group(col: Entity, cols: list[Entity], rows: list[Entity]) -> Entity | None:
    """The appeals table prints 行政复议 / 未经复议直接起诉 / 复议后起诉 as column groups, each
    ending with its 总计 column: the k-th run of columns (by x) belongs to the k-th group label."""
    groups = sorted((r for r in rows if r.page == col.page and r.role.startswith("ROW:appeals.")),
                    key=lambda r: (r.box[0] + r.box[2]) / 2)
    if not groups:
        return None
    mine = sorted((c for c in cols if c.page == col.page and c.role.startswith("COL:appeals.")),
                  key=lambda c: (c.box[0] + c.box[2]) / 2)
    run = 0
    for c in mine:
        if c is col:
            break
        if c.role == "COL:appeals.total":
            run += 1
    if len(groups) == sum(c.role == "COL:appeals.total" for c in mine):
        return groups[min(run, len(groups) - 1)]
    cx = (col.box[0] + col.box[2]) / 2
    return min(groups, key=lambda r: abs((r.box[0] + r.box[2]) / 2 - cx))


def _column(cols: list[Entity], table: str, page, x0, x1, cy, h, carry: bool = True,
            frame=None) -> Entity | None:
    """The column label above the value that it lines up with; on a page that continues a
    table without repeating its header, the header of the nearest earlier page, the value's x
    taken into that page's frame (`frame`, from _carried_frames) and the label it overlaps most."""
    mine = [c for c in cols if c.role.startswith(f"COL:{table}.") and _ov(c.box[0], c.box[2], x0, x1) > -h * 0.3]
    here = [c for c in mine if c.page == page and c.box[3] <= cy]
    # a label the value lies under beats one that only comes near it or grazes it: a web page
    # printed and scanned, its vertical header OCR'd line by line, ended 其他 4 pt left of 总计's
    # 23 (and 0.7 pt into 总计's 3) and lower than 总计, and the nearest label took them (issue 28)
    w = max(1.0, x1 - x0)
    here = [c for c in here if _ov(c.box[0], c.box[2], x0, x1) >= 0.3 * w] or \
        [c for c in here if _ov(c.box[0], c.box[2], x0, x1) > 0] or here
    if here:
        return min(here, key=lambda c: cy - c.box[3])
    if not carry or page is None:
        return None
    if frame is not None:
        x0, x1 = frame(x0), frame(x1)
    earlier = [c for c in cols if c.role.startswith(f"COL:{table}.") and c.page is not None and c.page < page
               and _ov(c.box[0], c.box[2], x0, x1) > -h * 0.3]
    if earlier:
        last = max(c.page for c in earlier)
        return max((c for c in earlier if c.page == last), key=lambda c: (_ov(c.box[0], c.box[2], x0, x1), c.box[3]))
    return None


def _carried_frames(placed: list[tuple[Entity, Entity, Entity | None]], cols: list[Entity]) -> dict:
    """For each page that continues a table below no header of its own: the map of its x into
    the frame of the page whose header it carries. Each page of a photographed report is its own
    photograph — shifted, scaled — so the header's x on page 3 is not the columns' x on page 4
    (issue 28: a phone capture's values there fell one column off). Fitted on the value columns
    the model read on both pages (their x centres, clustered), matched in order where both show
    the same number of columns; the identity where nothing fits."""
    xs: dict = {}
    hs: dict = {}
    for v, row, _ in placed:
        table = row.role[4:].split(".", 1)[0]
        if table == "appeals":
            continue
        xs.setdefault((v.page, table), []).append((v.box[0] + v.box[2]) / 2)
        hs.setdefault((v.page, table), []).append(v.box[3] - v.box[1])
    headed = {(c.page, c.role[4:].split(".", 1)[0]) for c in cols}
    out = {}
    for (page, table), here in xs.items():
        if (page, table) in headed or page is None:
            continue
        before = [p for p, t in headed if t == table and p is not None and p < page]
        if not before:
            continue
        q = max(before)
        h = max(1.0, sorted(hs[(page, table)])[len(hs[(page, table)]) // 2])
        heads = [c for c in cols if c.page == q and c.role.startswith(f"COL:{table}.")]
        # the header page's columns: its values' and, where a label has no value under it, the
        # label's centre — columns evenly spaced leave a fit one column off nearly as good as
        # the right one when either page lacks a column, and the full set tells them apart
        # (issue 28: a worn copy's page 3 read one column off)
        there = list(xs.get((q, table), []))
        there += [(c.box[0] + c.box[2]) / 2 for c in heads if not any(c.box[0] - h <= x <= c.box[2] + h for x in there)]
        fit = _fit(_clusters(here, h * 0.8), _clusters(there, h * 0.8), h)
        if fit is not None:
            a, b = fit
            out[(page, table)] = lambda x, a=a, b=b: a * x + b
    return out


def _clusters(xs: list[float], gap: float) -> list[float]:
    """Column centres: x centres split where they leave a gap, each run's median."""
    return [r[len(r) // 2] for r in chains(xs, gap)]


def _fit(p: list[float], q: list[float], h: float) -> tuple[float, float] | None:
    """x → a·x + b taking the column centres p onto q: in order where both have as many; else
    the shift (and scale) that brings most of p onto some q, the smallest move on a tie."""
    if len(p) < 2 or len(q) < 2:
        return None
    if len(p) == len(q):
        mp, mq = sum(p) / len(p), sum(q) / len(q)
        var = sum((x - mp) ** 2 for x in p)
        a = sum((x - mp) * (y - mq) for x, y in zip(p, q)) / var if var else 1.0
        b = mq - a * mp
        # in order only where the columns pair up: each page may lack a different column (a
        # phone capture's page 2 showed no 其他 values, its page 3 no 社会公益组织 ones), and
        # the order then pairs 其他 with 法律服务机构 (issue 28)
        if 0.85 <= a <= 1.15 and all(abs(a * x + b - y) <= 0.5 * h for x, y in zip(p, q)):
            return a, b
    tol = 1.5 * h
    cands = {(1.0, qj - pi) for pi in p for qj in q}
    for i in range(len(p)):
        for k in range(i + 1, len(p)):
            for j in range(len(q)):
                for m in range(j + 1, len(q)):
                    a = (q[m] - q[j]) / (p[k] - p[i])
                    if 0.85 <= a <= 1.15:
                        cands.add((a, q[j] - a * p[i]))

    def cost(ab):
        a, b = ab
        return (sum(min(tol, min(abs(a * x + b - y) for y in q)) for x in p), abs(b) + 100 * abs(a - 1))
    return min(cands, key=cost)


def _whole_number(tokens: list[Token], ln) -> tuple[str, str]:
    """The tagged characters widened to the whole number they sit in (a label that covers
    "703" of "7031" — the B/I tags broke inside the number — must not read 703), and the
    character printed after it."""
    if ln is None:
        return "".join(t.text for t in tokens), ""
    pos = {id(t): i for i, t in enumerate(ln.tokens)}
    idx = [pos[id(t)] for t in tokens if id(t) in pos]
    if not idx:
        return "".join(t.text for t in tokens), ""
    a, b = min(idx), max(idx)
    tk = ln.tokens
    while a > 0 and _touching(tk[a - 1], tk[a], unboxed=True):
        a -= 1
    while b + 1 < len(tk) and _touching(tk[b], tk[b + 1], unboxed=True):
        b += 1
    after = next((t.text.strip()[:1] for t in tk[b + 1:] if t.text.strip()), "")
    return "".join(t.text for t in tk[a:b + 1]), after


def _is_year(number: str, after: str) -> bool:
    return after == "年" and re.fullmatch(r"(?:19|20)\d\d", number) is not None


def _clause(doc: Document, e: Entity, ln) -> str:
    """The clause the tagged tokens sit in, across the line breaks of the page (a sentence
    wraps: 受理政府 / 信息公开申请 17 件，)."""
    if ln is None:
        return e.text
    page = next((p for p in doc.pages if any(x is ln for x in p.lines)), None)
    lines = page.lines if page else [ln]
    i = next(j for j, x in enumerate(lines) if x is ln)
    near = lines[max(0, i - 2): i + 3]
    text, pos = "", {}
    for x in near:
        for t in x.tokens:
            pos[id(t)] = len(text)
            text += t.text.strip()
        text += "" if x.tokens else x.text.strip()
    at = [pos[id(t)] for t in e.tokens if id(t) in pos]
    if not at:
        return ln.text.strip()
    return clause_around(text.replace("\n", ""), min(at), max(at) + 1)


def metrics(doc: Document, ents: list[Entity] | None = None) -> dict[str, Metric]:
    """Numbers the model tagged with a metric, when the clause they sit in names that metric
    (nianbao.schema.cues.has_cue: 开放日 for open days, 解读 for interpretations…): the
    model's tag alone put 信息公开申请 17 件 under open days."""
    out: dict[str, Metric] = {}
    lines_of = {id(t): ln for p in doc.pages for ln in p.lines for t in ln.tokens}
    for e in entities(doc) if ents is None else ents:
        if not e.role.startswith("MET:"):
            continue
        mid = e.role[4:]
        unit = schema.metric_unit(mid)
        ln = lines_of.get(id(e.tokens[0]))
        clause = _clause(doc, e, ln)
        if not has_cue(mid, clause):
            continue
        if unit == "bool":
            # the model tags the clause; what it says (none, an amount, charged) is read as the
            # rules read it — a year in the clause is not an amount
            fee = read_fee(e.text) or read_fee(clause)
            if fee is None:
                continue
            value = fee[0]
        else:
            number, after = _whole_number(e.tokens, ln)
            if _is_year(number, after):
                continue  # "2023年" dates the sentence; it counts nothing
            value = parse_value(number.replace("约", "").rstrip("余多"), "int")
            if value is None:
                continue
        if mid in out and out[mid].confidence >= e.conf:
            continue
        out[mid] = Metric(value=value, unit=unit, evidence=clause,
                          page=e.page, line=ln.number if ln else None, bbox=e.box, confidence=round(e.conf, 3))
    return out

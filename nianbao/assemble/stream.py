"""A document's lines as one stream of label characters and cell numbers.

Anchoring works on `Stream.text`: every non-number character with whitespace removed, so a
label split over lines, or one character per line (自\n然\n人), reads as one word. Numbers
that can be table cells become `Num`s; numbers that are clearly prose (2020年, 8件, 〔2021〕,
phone numbers, item markers like "1.") stay text. Every text character and number carries
a sequence number, so positions found in `text` order against the numbers.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from nianbao.document import Line

from .normalize import is_cjk, is_footer, norm, strip_glued_page_number

NUM_RE = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
# marks printed in a cell for zero (spec variant zero_marks): -, －, —, ―, / and 无 standing alone
DASH_RE = re.compile(r"(?<!\S)(?:-{1,3}|—{1,2}|―{1,2}|/|无)(?!\S)")
HEADING_AFTER = re.compile(r"[一二三四五六七八九十]{1,2}、")
UNIT_AFTER_SPACE = set("年月日条件个份次项人家名场篇期号届批余多台套所处万")
TEXTY_BEFORE = set("第〔[《<\"'“_@#")
TEXTY_AFTER = set("〕]》>%‰℃:@_")


@dataclass
class Num:
    seq: int
    value: int | float | None  # None for a dash printed in a cell
    text: str
    line: int  # index into Stream.lines
    run: int  # numbers with no label text between them share a run
    x0: float = 0.0  # horizontal extent: points when the line has character boxes, else character index
    x1: float = 0.0
    tpage: int = 0  # page the number is on (form feeds count in extracted text)
    padded: bool = False  # set off by 2+ spaces or a tab: the text keeps a layout's columns
    field: int | None = None  # tab-separated field index, for tab-delimited text
    nfields: int | None = None
    decimal: bool = False
    dash: bool = False
    bbox: tuple[float, float, float, float] | None = None


@dataclass
class Stream:
    lines: list[Line]
    text: str = ""
    tseq: list[int] = field(default_factory=list)  # seq of each character of `text`
    tline: list[int] = field(default_factory=list)  # line index of each character of `text`
    tx: list[float | None] = field(default_factory=list)  # x centre of each character (boxes only)
    tpg: list[int] = field(default_factory=list)  # page of each character of `text`
    tcol: list[int] = field(default_factory=list)  # offset of each character of `text` in its line of `slines`
    slines: dict[int, str] = field(default_factory=dict)  # line index → the normalised line the stream read
    nums: list[Num] = field(default_factory=list)
    boxed: bool = False  # numbers carry boxes in points (positions comparable across lines)

    def positioned(self, n: Num) -> bool:
        """Whether n's horizontal position can be compared with other lines' numbers."""
        return n.bbox is not None or n.padded

    def text_index_at_seq(self, seq: int) -> int:
        """Index of the first text character at or after `seq`."""
        return bisect.bisect_left(self.tseq, seq)

    def seq_of_text(self, i: int) -> int:
        return self.tseq[i] if i < len(self.tseq) else (self.tseq[-1] + 1 if self.tseq else 0)

    def nums_between(self, seq_lo: int, seq_hi: int) -> list[Num]:
        return [n for n in self.nums if seq_lo <= n.seq < seq_hi]


def _is_value(s: str, start: int, end: int) -> bool:
    """Whether the number s[start:end] can be a table cell rather than part of prose."""
    prev = s[start - 1] if start > 0 else " "
    nxt = s[end] if end < len(s) else " "
    nxt2 = s[end + 1] if end + 1 < len(s) else " "
    if prev.isalnum() and not is_cjk(prev):  # v4, hspzhfb123
        return False
    if prev in TEXTY_BEFORE or prev == "." or (prev in "-/" and start >= 2 and s[start - 2].isdigit()):
        return False
    if nxt in TEXTY_AFTER or (nxt.isalpha() and not is_cjk(nxt)):
        return False
    if nxt in ".、" and not nxt2.isdigit():  # item markers: 1.属于国家秘密, 2、
        return False
    if nxt in "-/~" and nxt2.isdigit():  # dates, phone numbers, ranges
        return False
    if is_cjk(nxt) and nxt not in "万元":
        # 2020年, 8件 are prose; a cell glued to the next heading ("1四、政府信息…") is not
        return bool(HEADING_AFTER.match(s, end))
    if nxt == " ":
        rest = s[end:].lstrip(" ")
        if rest[:1] in UNIT_AFTER_SPACE and rest[:1] not in "万":
            return False
    return True


def _value(text: str) -> tuple[int | float, bool]:
    t = text.replace(",", "")
    if "." in t:
        return float(t), True
    return int(t), False


def build(lines: list[Line]) -> Stream:
    st = Stream(lines=lines)
    chars, tseq, tline, tx, tpg, tcol = [], [], [], [], [], []
    seq = 0
    run = 0
    last_was_num = False
    boxed_lines = 0
    tpage = 0
    for li, line in enumerate(lines):
        if line.page is not None:
            tpage = line.page
        else:
            tpage += line.text.count("\f")  # pdftotext separates pages with form feeds
        if not line.text.strip() or is_footer(line.text):
            continue
        s = strip_glued_page_number(norm(line.text))
        st.slines[li] = s
        # character boxes, when the line's tokens are its characters (spaces may have none)
        boxes = [t.bbox for t in line.tokens] if len(line.tokens) == len(line.text) and line.tokens else None
        if boxes and any(boxes) and len(s) == len(line.text):
            boxed_lines += 1
        else:
            boxes = None
        # Spans that are numbers (values) or dashes, in order.
        spans = []
        for m in NUM_RE.finditer(s):
            if _is_value(s, m.start(), m.end()):
                spans.append((m.start(), m.end(), "num"))
        for m in DASH_RE.finditer(s):
            if not any(a <= m.start() < b for a, b, _ in spans):
                spans.append((m.start(), m.end(), "dash"))
        spans.sort()
        tabs = "\t" in line.text
        pos = 0
        for a, b, kind in spans + [(len(s), len(s), "end")]:
            for i in range(pos, a):
                ch = s[i]
                if ch.isspace():
                    continue
                chars.append(ch)
                tseq.append(seq)
                tline.append(li)
                bb = boxes[i] if boxes else None
                tx.append((bb[0] + bb[2]) / 2 if bb else None)
                tpg.append(tpage)
                tcol.append(i)
                seq += 1
                if last_was_num:
                    run += 1
                    last_was_num = False
            if kind == "end":
                break
            raw = s[a:b]
            end = b
            if kind == "num":
                unit = re.match(r"\s*万元?|\s*元", s[b:])
                if unit:
                    end = b + unit.end()
                value, dec = _value(raw)
            else:
                value, dec = None, False
            bx = [bb for bb in boxes[a:b] if bb] if boxes else []
            if bx:
                x0, x1 = min(bb[0] for bb in bx), max(bb[2] for bb in bx)
                bbox = (x0, min(bb[1] for bb in bx), x1, max(bb[3] for bb in bx))
            else:
                # pdftotext -layout lays out a character grid per page in which a Chinese
                # character takes one cell, so the character index is the column position
                x0, x1, bbox = float(a), float(b), None
            fld = nf = None
            if tabs:
                fld = s[:a].count("\t")
                nf = s.count("\t") + 1
            before = s[:a]
            padded = before.endswith(("  ", "\t")) or (before.strip() == "" and len(before) >= 2)
            st.nums.append(Num(seq=seq, value=value, text=s[a:end].strip(), line=li, run=run, padded=padded,
                               x0=x0, x1=x1, tpage=tpage, field=fld, nfields=nf, decimal=dec, dash=(kind == "dash"),
                               bbox=bbox))
            seq += 1
            last_was_num = True
            pos = end
    st.text = "".join(chars)
    st.tseq = tseq
    st.tline = tline
    st.tx = tx
    st.tpg = tpg
    st.tcol = tcol
    st.boxed = boxed_lines > 0
    return st

"""Row labels as printed: a row is known by its item number, its place and its closest label.

Real reports print labels short or with slips (2.其他法律行政止公开 for 2.其他法律行政法规禁止公开)
and WPS exports wrap them into neighbouring cells. Where no match phrase of the schema is found,
a row is still recognised by how much of its own label the printed text keeps, in order (the
longest common subsequence), together with its item number (2.) and its place between rows
already found (spec variant truncated_or_miswritten_labels). Every reader of row labels (text
path, table grids) uses these measures, so a slip reads the same on every input path.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from . import Row

ITEM_RE = re.compile(r"^(?:(\d{1,2})[.、．]|\(([一二三四五六七八九十]{1,3})\)|([一二三四五六七八九十]{1,3})、)")
MIN_BODY = 5  # a shorter label (3.其他, 总计) is only known by its exact phrase: one slip leaves too little
MIN_SHARE = 0.7  # share of the label's own characters (in order) the printed text must keep
MIN_SHARE_NUMBERED = 0.5  # ... when the row's item number is printed right before them


def compact(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s)).replace("“", '"').replace("”", '"')


@functools.cache
def own_label(row: Row) -> str:
    """The row's own printed label, without its group's caption: 2.其他法律行政法规禁止公开."""
    return compact(row.zh.split()[-1])


@functools.cache
def item_number(row: Row) -> str | None:
    """The item marker the row's own label starts with (2 for 2.…, 六 for （六）…), if any."""
    m = ITEM_RE.match(own_label(row))
    return next((g for g in m.groups() if g), None) if m else None


@functools.cache
def body(row: Row) -> str:
    """The own label without its item marker: 其他法律行政法规禁止公开."""
    lab = own_label(row)
    m = ITEM_RE.match(lab)
    return lab[m.end():] if m else lab


def common(a: str, b: str) -> tuple[int, int, int]:
    """Longest common subsequence of a in b: (length, first, last index in b of its characters)."""
    if not a or not b:
        return 0, -1, -1
    m, n = len(a), len(b)
    dp = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        ai, row, up = a[i - 1], dp[i], dp[i - 1]
        for j in range(1, n + 1):
            row[j] = up[j - 1] + 1 if b[j - 1] == ai else (up[j] if up[j] >= row[j - 1] else row[j - 1])
    length = dp[m][n]
    if not length:
        return 0, -1, -1
    # the alignment that ends earliest: a label's last character must not be matched to the
    # same character of a later label ((二)…情形) then (三)…)
    j = next(j for j in range(1, n + 1) if dp[m][j] == length)
    i, first, last = m, -1, -1
    while i and j:
        if a[i - 1] == b[j - 1] and dp[i][j] == dp[i - 1][j - 1] + 1:
            last = j - 1 if last < 0 else last
            first = j - 1
            i, j = i - 1, j - 1
        elif dp[i - 1][j] >= dp[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return length, first, last


def share(row: Row, text: str) -> float:
    """How much of the row's own label `text` keeps, in order: 1.0 when it holds the whole label
    (or, for a short label, its exact phrase), else the kept share of a label of MIN_BODY or more
    characters, 0.0 for a short label that is not there exactly."""
    text = compact(text)
    if own_label(row) in text or any(compact(p) in text for p in row.match if len(compact(p)) >= MIN_BODY):
        return 1.0
    b = body(row)
    if len(b) < MIN_BODY:
        return 0.0
    return common(b, text)[0] / len(b)


def printed_item(text: str) -> str | None:
    """The item marker a printed label starts with, after any group caption: the 2 of 结果2.其他…."""
    t = compact(text)
    for m in re.finditer(r"(?<!\d)(\d{1,2})[.、．](?=\D)", t):
        return m.group(1)
    return None


def find(row: Row, text: str, lo: int = 0, hi: int | None = None) -> tuple[int, int, float] | None:
    """Where in text[lo:hi] the row's label is printed short or with a slip: (start, end, share),
    the start moved back over the row's item marker when it is printed there; None for a label
    under MIN_BODY characters, when less than MIN_SHARE of it is kept (MIN_SHARE_NUMBERED after
    its own item number), or when the kept characters spread over more than twice its length."""
    b = body(row)
    lab = own_label(row)
    return find_phrase(b, text, lo, hi, mark=lab[: len(lab) - len(b)])


def find_phrase(phrase: str, text: str, lo: int = 0, hi: int | None = None,
                mark: str = "") -> tuple[int, int, float] | None:
    """Where in text[lo:hi] `phrase` is printed short or with a slip, as `find` (a heading, a
    label without its item marker `mark`)."""
    hi = len(text) if hi is None else hi
    if len(phrase) < MIN_BODY or hi - lo <= 0:
        return None
    if hi - lo > 3 * len(phrase):
        return _seeded(phrase, text, lo, hi, mark)
    n, first, last = common(phrase, text[lo:hi])
    if not n or last - first + 1 > 2 * len(phrase):
        return None
    start, end = lo + first, lo + last + 1
    numbered = bool(mark) and text[max(lo, start - len(mark)):start] == mark
    if numbered:
        start -= len(mark)
    # the row's own item number printed before the kept characters is evidence of its own
    if n < (MIN_SHARE_NUMBERED if numbered else MIN_SHARE) * len(phrase):
        return None
    return start, end, n / len(phrase)


MAX_SEEDS = 60


def _seeded(phrase: str, text: str, lo: int, hi: int, mark: str) -> tuple[int, int, float] | None:
    """find_phrase over a long stretch: windows around the places where three characters of the
    phrase are printed together, the earliest best-kept one."""
    seeds: set[int] = set()
    for i in range(len(phrase) - 2):
        j = text.find(phrase[i:i + 3], lo, hi)
        while j >= 0 and len(seeds) < MAX_SEEDS:
            seeds.add(max(lo, j - i))
            j = text.find(phrase[i:i + 3], j + 1, hi)
    best = None
    for s in sorted(seeds):
        hit = find_phrase(phrase, text, max(lo, s - len(phrase) // 2), min(hi, s + 2 * len(phrase)), mark)
        if hit is not None and (best is None or hit[2] > best[2]):
            best = hit
    return best

"""Where each part of the report starts and ends in the stream's label text."""
from __future__ import annotations

from nianbao import schema
from nianbao.schema import row_labels as labels

from .stream import Stream

ORDER = ("active", "requests", "appeals", "problems", "other")
# What follows a table heading within a short distance; prefers the real heading over a
# mention of the same words in prose or a table of contents.
FOLLOWERS = {
    "active": ("第二十条", "信息内容"),
    "requests": ("申请人情况", "勾稽关系", "自然人", "本年新收"),
    "appeals": ("行政复议", "结果维持", "维持"),
}


def find_sections(st: Stream) -> dict[str, tuple[int, int]]:
    """Text-index ranges [start, end) of each section found, start at the heading's end."""
    heads = schema.section_headings()
    found: dict[str, tuple[int, int]] = {}  # name -> (heading start, heading end)
    cursor = 0
    for name in ORDER:
        best = None
        for phrase in heads[name]:
            i = st.text.find(phrase, cursor)
            while i >= 0:
                follow = st.text[i + len(phrase): i + len(phrase) + 80]
                if name not in FOLLOWERS or any(f in follow for f in FOLLOWERS[name]):
                    break
                i = st.text.find(phrase, i + 1)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, i + len(phrase))
        if best is None:
            # a plain first occurrence, when no occurrence was followed by its table
            for phrase in heads[name]:
                i = st.text.find(phrase, cursor)
                if i >= 0 and (best is None or i < best[0]):
                    best = (i, i + len(phrase))
        if best is None and name in FOLLOWERS:
            best = _miswritten(st.text, heads[name], cursor, name)
        if best:
            found[name] = best
            cursor = best[1]
    out = {}
    names = [n for n in ORDER if n in found]
    for j, name in enumerate(names):
        end = found[names[j + 1]][0] if j + 1 < len(names) else len(st.text)
        out[name] = (found[name][1], end)
    return out


def _miswritten(text: str, phrases: tuple[str, ...], cursor: int, name: str) -> tuple[int, int] | None:
    """A table heading printed with a slip (政府信息公开行政法复议、行政诉讼情况): most of a heading
    phrase, in order, followed by what follows that table's heading (schema.row_labels)."""
    for phrase in phrases:
        i = cursor
        while True:
            hit = labels.find_phrase(phrase, text, i, min(len(text), i + 4000))
            if hit is None:
                break
            start, end, _ = hit
            if any(f in text[end: end + 80] for f in FOLLOWERS[name]):
                return start, end
            i = end
    return None

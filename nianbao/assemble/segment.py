"""Where one report ends and the next begins in a file that holds several.

Two agencies' reports joined into one PDF, or a binder scanned as one file: each report
opens with its title (政府信息公开工作年度报告) or its first section heading (一、总体情况),
and its tables run in the national order 主动公开 → 申请 → 复议诉讼. A page starts a new
report when the report being read has already shown its request table (so a cover letter or
a contents page never splits a report off) and the page either

- begins with a report title of another year, or of another agency (a running header that
  repeats the title on every page does not split, even misread by OCR or without the agency), or
- shows the heading 一、总体情况, or
- shows a table heading that comes earlier in the national order than one already read
  (the table sequence restarts).

A table of contents (目录, or heading lines ending in leaders and page numbers) names every
heading and starts nothing.
Every report prints the request table (三、收到和处理政府信息公开申请情况, both formats): a part
without its heading is not a report of its own and stays with the report before it (an
appendix, a photo page), with a warning. Plain text is one page and is never split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from nianbao import schema
from nianbao.document import Document, Page

from .normalize import compact, norm

TABLE_ORDER = ("active", "requests", "appeals")
TITLE_LINES = 6   # a title sits among a page's first lines
TITLE_MAX = 60    # characters: a title line, not a paragraph that mentions the report
_NUMBERING = r"^[一二三四五六七八九十]{1,3}[、.．,，]?"
_OVERVIEW = re.compile(_NUMBERING + r"总体情况")
_YEAR = re.compile(r"(?:19|20)\d{2}")
FUZZY = 0.8        # a heading misread by OCR in one or two characters still counts
COVER_LINES = 8   # a title page holds few lines
SAME_AGENCY = 0.8  # two agency names this alike are one agency (a misread character or two)


@dataclass
class Marks:
    title: tuple[str, str] | None = None  # (agency as printed before the year, or "", year)
    cover: bool = False  # a title and nothing of the report's body: a title page
    overview: bool = False
    contents: bool = False
    tables: list[str] = field(default_factory=list)  # table headings on the page, in page order


_NUM = re.compile(_NUMBERING)
_LEADER = re.compile(r"(?:[.．…·]{3,}|…{2,})\d{1,3}$")  # 一、总体情况……………1


def _is_heading(text: str, phrases: list[str]) -> bool:
    """A numbered heading line with one of `phrases`, allowing an OCR slip or two."""
    m = _NUM.match(text)
    if not m or m.end() == 0:
        return False
    rest = text[m.end():]
    return any(rest.startswith(h) or SequenceMatcher(None, rest[:len(h)], h).ratio() >= FUZZY for h in phrases)


def page_marks(page: Page) -> Marks:
    heads = schema.section_headings()
    texts = [compact(norm(ln.text)) for ln in page.lines]
    texts = [t for t in texts if t]
    marks = Marks()
    for i, t in enumerate(texts[:TITLE_LINES]):
        year = _YEAR.search(t)
        if len(t) <= TITLE_MAX and "报告" in t and "信息公开" in t and year:
            agency = t[:year.start()].removeprefix("关于")
            if not agency and i > 0 and len(texts[i - 1]) <= 30 and not re.search(r"\d|报告", texts[i - 1]):
                agency = texts[i - 1]  # the agency printed on the line above the title
            marks.title = (agency, year.group())
            break
    if any(t in ("目录", "目次") for t in texts) or sum(bool(_LEADER.search(t)) for t in texts) >= 3:
        marks.contents = True  # a table of contents names every heading; it starts nothing
        return marks
    for t in texts:
        if _OVERVIEW.match(t):
            marks.overview = True
        for name in TABLE_ORDER:
            if name not in marks.tables and _is_heading(t, heads[name]):
                marks.tables.append(name)
    # a title page: the title and a few lines (agency, date, a document number), no numbered heading
    marks.cover = (marks.title is not None and len(texts) <= COVER_LINES
                   and not any(_NUM.match(t) and _NUM.match(t).end() for t in texts))
    return marks


def _new_title(title: tuple[str, str] | None, current: tuple[str, str] | None) -> bool:
    """A title that is not the current report's: another year, or another agency where both
    name one (a running header, even misread or printed without the agency, is the same)."""
    if title is None or current is None:
        return False
    if title[1] != current[1]:
        return True
    return bool(title[0] and current[0]) and SequenceMatcher(None, title[0], current[0]).ratio() < SAME_AGENCY


def split_pages(pages: list[Page]) -> tuple[list[tuple[int, int]], list[str]]:
    """[(first, last)] page numbers (1-based, inclusive) of each report — one range when the
    file holds one report (or none) — and warnings about parts that looked like a report but
    were kept with the one before."""
    if len(pages) < 2:
        return ([(pages[0].number, pages[-1].number)] if pages else []), []
    marks = [page_marks(p) for p in pages]
    starts = [0]
    seen: set[str] = set(marks[0].tables)
    title = marks[0].title
    for i in range(1, len(pages)):
        m = marks[i]
        if "requests" in seen:
            later = max(TABLE_ORDER.index(t) for t in seen)
            if (m.overview or _new_title(m.title, title)
                    or (m.tables and TABLE_ORDER.index(m.tables[0]) < later)):
                # a title page just before the new report's first heading is the new report's
                start = i - 1 if marks[i - 1].cover and i - 1 > starts[-1] else i
                starts.append(start)
                seen, title = set(), m.title or marks[start].title
        seen.update(m.tables)
        if title is None:
            title = m.title
    # every report prints the request table; a part without its heading stays with the one before
    kept, notes = [starts[0]], []
    for j, s in enumerate(starts[1:], 1):
        end = starts[j + 1] if j + 1 < len(starts) else len(pages)
        if any("requests" in marks[k].tables for k in range(s, end)):
            kept.append(s)
        else:
            notes.append(f"pages {pages[s].number}-{pages[end - 1].number} start like another report but show no "
                         "request table (三、收到和处理政府信息公开申请情况); read with the pages before them")
    ranges = [(pages[s].number, pages[(kept[j + 1] if j + 1 < len(kept) else len(pages)) - 1].number)
              for j, s in enumerate(kept)]
    return ranges, notes


def sub_document(doc: Document, first: int, last: int) -> Document:
    """The pages first..last of a loaded file as a Document of its own (page numbers and line
    numbers stay the file's, so evidence points into the file)."""
    from dataclasses import replace
    pages = [p for p in doc.pages if first <= p.number <= last]
    source = replace(doc.source, page_range=(first, last))
    mine = re.compile(r"^page (\d+)\b")
    warnings = [w for w in doc.warnings if not mine.match(w) or first <= int(mine.match(w).group(1)) <= last]
    return Document(source=source, pages=pages, warnings=warnings, timings_ms=dict(doc.timings_ms))

"""A web page for a report kept only as text with its gold (../shared/seeds): its prose as the text
prints it, its three tables as ruled HTML tables built from the gold's values (as printed) by the
synthesiser's own table builders (training/synth/tables.py, web.table_html).

The seeds have no published page, so the text forms a web page gives (its printed PDF and the
dumps of it, the scraped text) cannot otherwise be made of them. The gold holds the values as the
report prints them (a printing error stays in: the seeds' `source_inconsistencies`), so the page
prints the same numbers as the report. Zeros print as 0, as the seeds' text does; a rise prints
its plus and an amount its 万 where the text prints them.
"""
from __future__ import annotations

import html
import json
import random
import re
from pathlib import Path

from nianbao.training.synth import tables, web
from nianbao.training.synth.agencies import Agency
from nianbao.training.synth.content import Content
from nianbao.training.synth.styles import Style

# The report's sections that hold the three tables, in order; the tables replace everything
# from the first heading to the next section (五、…), which in both national formats is tables only.
SECTIONS = (("主动公开政府信息情况", "active"), ("收到和处理政府信息公开申请情况", "requests"),
            ("行政复议、行政诉讼情况", "appeals"))
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")


def _content(gold: dict) -> Content:
    agency = Agency(name=gold["agency"], level="county", province="", city=None, county=None,
                    website="", short=gold["agency"])
    return Content(doc_id=gold.get("doc", ""), agency=agency, year=gold["year"], fmt=gold["format"],
                   fields=dict(gold["fields"]), metrics={}, metric_style={}, prose_no_appeals=False)


def page(text: str, gold: dict) -> str:
    """The page's HTML: the text's lines before the tables' first section and from the section
    after them, each a paragraph; the three section headings, each followed by its table."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    first = next(i for i, ln in enumerate(lines) if _HEADING.match(ln) and SECTIONS[0][0] in ln)
    last = next(i for i, ln in enumerate(lines) if i > first and _HEADING.match(ln) and ln.startswith("五、"))
    c = _content(gold)
    # print the tables' numbers as the text does: a rise with its plus (行政许可 889 +1196 6269),
    # an amount with 万 after it (政府集中采购 199 18336.88 万): a scrape of the page then runs
    # together what the report's own page would (889+11966269, not 88911966269)
    printed = "\n".join(lines[first:last])
    style = Style("seed", "gbsn", "zenhei", "gbsn", zero="0",
                  plus_sign=bool(re.search(r"(?<![\d.])\+\d", printed)),
                  amount_unit=bool(re.search(r"集中采购\s+\d+\s+[\d.]+\s*万(?!元)", printed)))
    rng = random.Random(0)  # table_html draws cell padding and width only
    body = [f"<h1>{html.escape(lines[0])}</h1>"] + [f"<p>{html.escape(ln)}</p>" for ln in lines[1:first]]
    heads = {}
    for ln in lines[first:last]:
        for words, table in SECTIONS:
            if _HEADING.match(ln) and words in ln:
                heads.setdefault(table, ln)
    for words, table in SECTIONS:
        head = heads.get(table, words)
        body.append(f"<p><strong>{html.escape(head)}</strong></p>")
        grid = web.table_html(tables.BUILDERS[table](c, style), rng, "", wrap_p=False, pretty=False,
                              th_header=False, omit_trailing_blank=False)
        # table_html draws the width's number and unit apart (640 with %: a table six pages
        # wide, whose printed PDF loses every column past the first); the page's own width here
        body.append(re.sub(r"width:[0-9]+(%|px)", "width:100%", grid, count=1))
    body += [f"<p>{html.escape(ln)}</p>" for ln in lines[last:]]
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(lines[0])}</title><style>td{{border:1px solid #000}}</style></head>\n"
            "<body>\n" + "\n".join(body) + "\n</body></html>\n")


def write(text_path: Path, gold_path: Path, out: Path) -> Path:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(text_path.read_text(encoding="utf-8"), gold), encoding="utf-8")
    return out

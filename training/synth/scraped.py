"""A report as text scraped from its web page: site chrome around it, cells run together.

Like the 平潭 pages (../shared/real/pingtan_*.txt, spec variant run_together_cells): a header of
scraped metadata, a breadcrumb line, the body in one line or one line per paragraph, and the
tables' cells printed with no separator (now and then a space), row after row. Zeros print as 0.

Gold: what a reader can know from such a page. Where the digits of a row split into the row's
cells in more than one way that satisfies every identity, no reader can tell which was meant:
the gold of those cells is null (the reader must say `ambiguous_split`). The splits are found
here by brute force over cut positions — independently of the extractor's search — so the
benchmark checks that search, not a copy of it.
"""
from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace

from nianbao import schema
from nianbao.assemble.runs import in_force_keeps

from .content import Content
from .identities import APPEAL_PARTS, REQ_PARTS
from .narrative import build
from .tables import ARTICLE

REQ_HEADER = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计"
              "商业企业科研机构社会公益组织法律服务机构其他")
APPEAL_HEADER = ("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
                 "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")
MAX_COMBOS = 300_000  # cut placements tried per row; a row beyond it keeps its true split as gold


def _cell(key: str, v, fmt: str, printed) -> str:
    table, _, col = schema.parse_key(key)
    if schema.col_type(table, fmt, col) == "decimal":
        s = (f"{v:.2f}" if v != int(v) else str(int(v))) if v else "0"
    else:
        s = str(v)
    return printed.cell_text(key, v, s) if printed is not None else s


class Page:
    """The scraped text and, per printed row, its cells' texts in pieces (what a space parts)."""

    def __init__(self, c: Content, rng: random.Random):
        self.c, self.rng = c, rng
        self.fields = c.fields if c.printed is None else _printed(c)
        self.p_space = rng.choice([0.0, 0.0, 0.03, 0.1])   # a space between two cells
        self.p_label_space = rng.choice([0.0, 0.2, 0.6])    # a space between a label and its cells
        self.runs: dict[tuple[str, str], list[list[str]]] = {}  # (table, row) → pieces of cell texts

    def row(self, table: str, rid: str, keys: list[str]) -> str:
        texts = [_cell(k, self.fields[k], self.c.fmt, self.c.printed) for k in keys]
        spaced = self.rng.random() < 0.05
        pieces: list[list[str]] = [[texts[0]]]
        for t in texts[1:]:
            if spaced or self.rng.random() < self.p_space:
                pieces.append([t])
            else:
                pieces[-1].append(t)
        self.runs[(table, rid)] = pieces
        lead = " " if self.rng.random() < self.p_label_space else ""
        return lead + " ".join("".join(p) for p in pieces)

    def active(self) -> str:
        fmt = self.c.fmt
        cols = schema.columns("active", fmt)
        out, last = [], None
        for r in schema.rows("active", fmt):
            if (ARTICLE[r.id], r.cols) != last:
                last = (ARTICLE[r.id], r.cols)
                printed = self.c.printed
                out.append(ARTICLE[r.id] + "信息内容" + "".join(
                    cols[c].zh if printed is None else printed.col_label(c, cols[c].zh) for c in r.cols))
            out.append(r.zh + self.row("active", r.id, [r.key(c) for c in r.cols]))
        return "".join(out)

    def requests(self) -> str:
        fmt, printed = self.c.fmt, self.c.printed
        rows = printed.rows(fmt) if printed is not None else schema.rows("requests", fmt)
        out, seen = [REQ_HEADER], set()
        for r in rows:
            if r.id.startswith("result.") and "三" not in seen:
                seen.add("三")
                out.append("三、本年度办理结果")
            label = r.zh
            if " " in r.zh:
                grp, label = r.zh.split(" ", 1)
                if grp not in seen:
                    seen.add(grp)
                    out.append(grp)
            if printed is not None:
                label = printed.label(r, label)
            out.append(label + self.row("requests", r.id, [r.key(c) for c in r.cols]))
        return "".join(out)

    def appeals(self) -> str:
        keys = [f"appeals.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
                for c in APPEAL_PARTS + ("total",)]
        return APPEAL_HEADER + self.row("appeals", "all", keys)


def _printed(c: Content) -> dict:
    from .printed import printed_fields
    return printed_fields(c.printed, c.fields, c.fmt)


def render(c: Content, rng: random.Random) -> tuple[str, Page]:
    """The page's text and the record of how each row's cells were printed."""
    # the PDF's prose was built first and marked where it placed a metric: this page places its own
    c = replace(c, metric_style={k: v for k, v in c.metric_style.items() if v != "placed"})
    page = Page(c, rng)
    a = c.agency
    title = f"{a.name}{c.year}年{rng.choice(['度', ''])}政府信息公开工作年度报告"
    date = f"{c.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    site = f"https://www.gov{rng.randint(100, 999)}.gov.cn"
    head = [f"标题: {title}", f"发布时间: {date}", "文号: ", "发布机构: ", "栏目: 政府信息公开年报",
            f"原文链接: {site}/zwgk/zfxxgk/zfxxgknb/{c.year + 1}01/t{c.year + 1}0128_{rng.randint(10000, 99999)}.htm",
            "本地目录: zwgk/zfxxgk/zfxxgknb", "页面链接与图片详见 links.tsv(同目录)", "=" * 20 + " 正文 " + "=" * 20]
    crumbs = (f"当前位置： 首页政务公开政府信息公开政府信息公开年报 {title} 来源：{a.name} 时间：{date} "
              "微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： --> ")
    parts = []
    for kind, b in build(c, rng):
        if kind == "title":
            continue
        if kind == "para":
            parts.append("".join(s for s, _ in b))
        elif kind == "heading":
            parts.append(b)
        elif kind == "table":
            parts.append(getattr(page, b)())
    one_line = rng.random() < 0.6
    body = ("" if one_line else "\n").join(parts)
    tail = rng.choice([" 附件下载", "", " 【打印本页】【关闭窗口】"])
    return "\n".join(head) + "\n" + crumbs + body + tail + "\n", page


# ---------------------------------------------------------------- gold: what the page leaves readable

_INT = re.compile(r"0|[1-9]\d*|-|—|/")
_SIGNED = re.compile(r"0|[+-]?[1-9]\d*|-|—|/")
_DECIMAL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|万|元)?|-|—|/")


def _value(text: str, ctype: str):
    # a negative change printed with a full-width or typographic minus (signed_change) is one
    # character for one, so the cut positions stay those of the page
    text = text.replace("－", "-").replace("−", "-") if ctype == "signed" else text
    pat = {"int": _INT, "signed": _SIGNED, "decimal": _DECIMAL}[ctype]
    if not pat.fullmatch(text):
        return None
    if text in ("-", "—", "/"):
        return 0
    t = text.rstrip("万元")
    return float(t) if "." in t else int(t)


def _splits(pieces: list[list[str]], types: list[str], groups: list[tuple[list[int], int]]) -> list[tuple] | None:
    """Every placement of cuts (a space always one) that gives well-formed cells whose groups add
    up; groups are consecutive blocks, each tried at every place it can start and end."""
    strings = ["".join(p) for p in pieces]
    s = "".join(strings)
    fixed, pos = set(), 0
    for t in strings:
        pos += len(t)
        fixed.add(pos)
    if not groups:
        return _cut(s, 0, len(s), types, fixed, None)
    width = len(types) // len(groups)

    def blocks(a: int, left: int) -> list[tuple] | None:
        if left == 0:
            return [()] if a == len(s) else []
        out = []
        for q in range(a + width, len(s) - (left - 1) * width + 1):
            here = _cut(s, a, q, types[:width], fixed, (list(range(width - 1)), width - 1))
            if here is None:
                return None
            if not here:
                continue
            rest = blocks(q, left - 1)
            if rest is None:
                return None
            out += [h + r for h in here for r in rest]
        return out

    return blocks(0, len(groups))


def _cut(s: str, a: int, b: int, types: list[str], fixed: set[int], group) -> list[tuple] | None:
    """s[a:b] cut into len(types) well-formed cells, every space inside it a cut; with `group`
    (parts, total), only the cuts under which the parts add up to the total."""
    inner = list(range(a + 1, b))
    must = {c for c in fixed if a < c < b}
    need = len(types) - 1
    out = []
    for n, cuts in enumerate(itertools.combinations(inner, need)):
        if n > MAX_COMBOS:
            return None
        if not must <= set(cuts):
            continue
        bounds = (a,) + cuts + (b,)
        vals = [_value(s[x:y], ty) for x, y, ty in zip(bounds, bounds[1:], types)]
        if any(v is None for v in vals):
            continue
        if group is None or sum(vals[i] for i in group[0]) == vals[group[1]]:
            out.append(tuple(vals))
    return out


# the narrative phrases that name a 2021 column (本年制发件数) of a run-together row
STATED = {("2021", "normative_docs"): (0, ("制发的行政规范性文件{n}件", "发布规范性文件{n}件", "发布行政规范性文件{n}件"),
                                       "normative_docs_published"),
          # the 2019 format's 公开 names 本年新公开数量 (nianbao/assemble/settle.py), the metric's column there
          ("2019", "normative_docs"): (1, ("公开本年度制发的行政规范性文件{n}件", "公开规范性文件{n}件",
                                          "公开行政规范性文件{n}件"), "normative_docs_published")}


def _possible(fmt: str, rid: str, o: tuple) -> bool:
    """本年新公开数量 ≤ 对外公开总数量 (2019 format): the reader keeps only such splits of those
    the prose picks, so the gold does too."""
    return not (fmt == "2019" and rid in ("rules", "normative_docs")) or o[1] <= o[2]


def gold_fields(page: Page, gold: dict, text: str = "") -> dict:
    """The gold fields a reader of the scraped page can know: a cell that two splits satisfying
    every identity give different values is null — unless the page's prose states the count of
    one of its columns (本年度制发的行政规范性文件16件) and that leaves the true split among fewer."""
    c, fmt = page.c, page.c.fmt
    squeezed = re.sub(r"\s+", "", text)
    fields = dict(gold["fields"])
    options: dict[str, list[tuple]] = {}
    keys_of: dict[str, list[str]] = {}
    forced: set[str] = set()
    for (table, rid), pieces in page.runs.items():
        if table == "appeals":
            keys = [k for k in fields if k.startswith("appeals.")]
            types = ["int"] * 15
            groups = [([g * 5 + i for i in range(4)], g * 5 + 4) for g in range(3)]
        else:
            row = next(r for r in schema.rows(table, fmt, aggregate=True) if r.id == rid)
            keys = [row.key(col) for col in row.cols]
            types = [schema.col_type(table, fmt, col) if table == "active" else "int" for col in row.cols]
            groups = [(list(range(6)), 6)] if table == "requests" else []
        got = _splits(pieces, types, groups)
        truth = tuple(_value(t, ty) for t, ty in zip([t for p in pieces for t in p], types))
        if got == [] and groups:
            # the page prints an error: the cells are what every well-formed split agrees on
            got = _splits(pieces, types, [])
            forced.add(f"{table}:{rid}")
        stated = STATED.get((fmt, rid)) if table == "active" else None
        if got and stated and stated[2] in c.metrics and any(p.format(n=c.metrics[stated[2]]) in squeezed
                                                             for p in stated[1]):
            narrowed = [o for o in got if o[stated[0]] == c.metrics[stated[2]] and _possible(fmt, rid, o)]
            if truth in narrowed:  # a count that contradicts the table leaves the cells as they were
                got = narrowed
        if got and table == "active":
            # the reader keeps the hard rule 现行有效 ≥ 本年制发 − 本年废止 (2021 format), so the gold does
            kept = [o for o in got if in_force_keeps(row.cols, o)]
            if truth in kept:
                got = kept
        options[f"{table}:{rid}"] = got if got is not None else [truth]
        keys_of[f"{table}:{rid}"] = keys
    _requests_together(options, fmt, c.printed, forced)
    for name, opts in options.items():
        for i, key in enumerate(keys_of[name]):
            if len({o[i] for o in opts}) > 1:
                fields[key] = None
    return fields


def _requests_together(options: dict[str, list[tuple]], fmt: str, printed, forced: set[str]) -> None:
    """Keep, per requests row, the splits that some choice for the whole table uses under which
    the column sums and the balance hold (brute force over the rows with more than one split;
    an equation through a row no split makes consistent is left out)."""
    rows = [n for n in options if n.startswith("requests:") and n not in forced]
    open_ = [n for n in rows if len(options[n]) > 1]
    if not open_:
        return
    aggregate = printed is not None and printed.aggregate
    results = [f"requests:{r}" for r in schema.request_result_rows(fmt, aggregate)]
    balance = ["requests:new_received", "requests:carried_over", "requests:result.total", "requests:carried_forward"]
    eqs = []
    for j in range(len(REQ_PARTS) + 1):
        if all(n in rows for n in results + ["requests:result.total"]):
            eqs.append((results, ["requests:result.total"], j))
        if all(n in rows for n in balance):
            eqs.append((balance[:2], balance[2:], j))
    eqs = [e for e in eqs if any(n in open_ for n in e[0] + e[1])]
    if not eqs:
        return
    total = 1
    for n in open_:
        total *= len(options[n])
    if total > MAX_COMBOS:
        return
    used = {n: set() for n in open_}
    vals = {n: options[n][0] for n in rows if len(options[n]) == 1}
    for combo in itertools.product(*(options[n] for n in open_)):
        vals.update(zip(open_, combo))
        if all(sum(vals[n][j] for n in a) == sum(vals[n][j] for n in b) for a, b, j in eqs):
            for n, o in zip(open_, combo):
                used[n].add(o)
    if all(used.values()):
        for n in open_:
            options[n] = sorted(used[n], key=str)

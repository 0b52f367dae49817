"""The three report tables as ruled grids, in the national formats' shape.

Cells carry token roles: printed row labels `ROW:<table>.<row>`, column labels
`COL:<table>.<col>`, values `VAL:<key>`; group captions (申请人情况, （三）不予公开) are `O`.
"""
from __future__ import annotations

from nianbao import schema

from .content import Content
from .identities import APPEAL_PARTS, REQ_PARTS
from .layout import Table
from .styles import Style

ARTICLE = {"rules": "第二十条第（一）项", "licensing": "第二十条第（五）项", "other_services": "第二十条第（五）项",
           "penalty": "第二十条第（六）项", "fees": "第二十条第（八）项", "procurement": "第二十条第（九）项",
           "normative_docs": "第二十条第（一）项", "enforcement": "第二十条第（六）项"}


def value_text(key: str, v, fmt: str, style: Style) -> str:
    table, _, col = schema.parse_key(key)
    typ = schema.col_type(table, fmt, col)
    if v == 0:
        return {"0": "0", "blank": "", "dash": style.dash}[style.zero]
    if typ == "decimal":
        s = f"{v:.2f}" if v != int(v) else str(int(v))
        if style.amount_unit and key == "active.procurement.amount":
            s += "万"
        return s
    if typ == "signed" and v > 0 and style.plus_sign:
        return f"+{v}"
    return str(v)


def _val(t: Table, r: int, c: int, key: str, c_: Content, style: Style, colspan: int = 1):
    v = c_.fields[key] if key in c_.fields else _printed_fields(c_)[key]
    text = value_text(key, v, c_.fmt, style)
    if c_.printed is not None:
        text = c_.printed.cell_text(key, v, text)
    t.add(r, c, text, f"VAL:{key}", colspan=colspan)


def _printed_fields(c: Content) -> dict:
    from .printed import printed_fields
    return printed_fields(c.printed, c.fields, c.fmt)


def _request_rows(c: Content) -> tuple:
    return c.printed.rows(c.fmt) if c.printed is not None else schema.rows("requests", c.fmt)


def _own(c: Content, r, text: str) -> str:
    """A row's own label as the page prints it (a slip, with synth --variants)."""
    return c.printed.label(r, text) if c.printed is not None else text


def active(c: Content, style: Style) -> Table:
    fmt = c.fmt
    rows = schema.rows("active", fmt)
    cols = schema.columns("active", fmt)
    groups: list[list] = []
    for r in rows:
        if groups and ARTICLE[r.id] == ARTICLE[groups[-1][0].id] and r.cols == groups[-1][0].cols:
            groups[-1].append(r)
        else:
            groups.append([r])
    n_rows = sum(2 + len(g) for g in groups)
    t = Table([0.34, 0.22, 0.22, 0.22], n_rows, header_rows=0)
    i = 0
    for g in groups:
        t.add(i, 0, ARTICLE[g[0].id], colspan=4, align="left")
        i += 1
        t.add(i, 0, "信息内容")
        ncol = len(g[0].cols)
        spans = [1] * ncol
        spans[-1] = 4 - ncol
        if fmt == "2019" and g[0].id == "fees":
            spans = [1, 1]          # the national 2019 form leaves the fourth column empty
        x = 1
        for col, sp in zip(g[0].cols, spans):
            zh = cols[col].zh if c.printed is None else c.printed.col_label(col, cols[col].zh)
            t.add(i, x, zh, f"COL:active.{col}", colspan=sp)
            x += sp
        if x < 4:
            t.add(i, x, "", colspan=4 - x)
        i += 1
        for r in g:
            t.add(i, 0, r.zh, f"ROW:active.{r.id}")
            x = 1
            for col, sp in zip(r.cols, spans):
                _val(t, i, x, r.key(col), c, style, colspan=sp)
                x += sp
            if x < 4:
                t.add(i, x, "", colspan=4 - x)
            i += 1
    return t


def requests_flat(c: Content, style: Style) -> Table:
    """One label column; 三、本年度办理结果 and the （三）… group captions get rows of their own."""
    fmt = c.fmt
    rows = _request_rows(c)
    lines: list[tuple[str, str, object]] = []      # (label, role, row or None for a caption)
    seen: set[str] = set()
    for r in rows:
        if r.id.startswith("result.") and "三、本年度办理结果" not in seen:
            seen.add("三、本年度办理结果")
            lines.append(("三、本年度办理结果", "O", None))
        if " " in r.zh:
            grp, sub = r.zh.split(" ", 1)
            if grp not in seen:
                seen.add(grp)
                lines.append((grp, "O", None))
            lines.append((_own(c, r, sub), f"ROW:requests.{r.id}", r))
        else:
            lines.append((_own(c, r, r.zh), f"ROW:requests.{r.id}", r))
    vw = 0.52 / 7
    t = Table([0.48] + [vw] * 7, 3 + len(lines), header_rows=3)
    t.add(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3)
    t.add(0, 1, "申请人情况", colspan=7)
    t.add(1, 1, "自然人", "COL:requests.natural_person", rowspan=2)
    t.add(1, 2, "法人或其他组织", colspan=5)
    t.add(1, 7, "总计", "COL:requests.total", rowspan=2)
    for j, col in enumerate(REQ_PARTS[1:]):
        t.add(2, 2 + j, schema.columns("requests", fmt)[col].zh, f"COL:requests.{col}")
    for i, (label, role, r) in enumerate(lines, start=3):
        if r is None:
            t.add(i, 0, label, role, colspan=8, align="left")
            continue
        t.add(i, 0, label, role, align="left")
        for j, col in enumerate(REQ_PARTS + ("total",)):
            _val(t, i, 1 + j, r.key(col), c, style)
    return t


def requests(c: Content, style: Style) -> Table:
    if style.flat_labels:
        return requests_flat(c, style)
    fmt = c.fmt
    rows = _request_rows(c)
    label_w = [0.10, 0.11, 0.30]
    vw = (1 - sum(label_w)) / 7
    n_rows = 3 + len(rows)
    t = Table(label_w + [vw] * 7, n_rows, header_rows=3)
    t.add(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
    t.add(0, 3, "申请人情况", colspan=7)
    vert = style.vertical_headers
    t.add(1, 3, "自然人", "COL:requests.natural_person", rowspan=2, vertical=vert)
    t.add(1, 4, "法人或其他组织", colspan=5)
    t.add(1, 9, "总计", "COL:requests.total", rowspan=2, vertical=vert)
    for j, col in enumerate(REQ_PARTS[1:]):
        zh = schema.columns("requests", fmt)[col].zh
        t.add(2, 4 + j, zh, f"COL:requests.{col}", vertical=vert)
    results = [r for r in rows if r.id.startswith("result.")]
    r0 = 3
    i = r0
    group_start: dict[str, int] = {}
    for r in rows:
        role = f"ROW:requests.{r.id}"
        if not r.id.startswith("result."):
            t.add(i, 0, r.zh, role, colspan=3, align="left")
        else:
            if r is results[0]:
                t.add(i, 0, "三、本年度办理结果", rowspan=len(results))
            if " " in r.zh:
                grp, sub = r.zh.split(" ", 1)
                if grp not in group_start:
                    group_start[grp] = i
                    span = sum(1 for x in results if x.zh.startswith(grp + " "))
                    t.add(i, 1, grp, rowspan=span)
                t.add(i, 2, _own(c, r, sub), role, align="left")
            else:
                t.add(i, 1, _own(c, r, r.zh), role, colspan=2, align="left")
        for j, col in enumerate(REQ_PARTS + ("total",)):
            _val(t, i, 3 + j, r.key(col), c, style)
        i += 1
    return t


def appeals(c: Content, style: Style) -> Table:
    t = Table([1 / 15] * 15, 4, header_rows=3)
    t.add(0, 0, "行政复议", "ROW:appeals.review", colspan=5)
    t.add(0, 5, "行政诉讼", colspan=10)
    t.add(1, 5, "未经复议直接起诉", "ROW:appeals.suit_direct", colspan=5)
    t.add(1, 10, "复议后起诉", "ROW:appeals.suit_after_review", colspan=5)
    names = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
    for j, col in enumerate(APPEAL_PARTS + ("total",)):
        t.add(1, j, names[col], f"COL:appeals.{col}", rowspan=2)
        t.add(2, 5 + j, names[col], f"COL:appeals.{col}")
        t.add(2, 10 + j, names[col], f"COL:appeals.{col}")
    for k, row in enumerate(("review", "suit_direct", "suit_after_review")):
        for j, col in enumerate(APPEAL_PARTS + ("total",)):
            _val(t, 3, 5 * k + j, f"appeals.{row}.{col}", c, style)
    if getattr(c.printed, "appeals_apart", False):
        t.break_before = 3  # the row of 15 values on the next page, below no header
    return t


BUILDERS = {"active": active, "requests": requests, "appeals": appeals}

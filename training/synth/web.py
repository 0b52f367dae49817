"""The report as a government web page (`report.html`), in the house styles sites use.

Same content and gold as the PDF. Each style is a page shape met on real sites: a portal page
with navigation, breadcrumbs, scripts, a 发布机构 bar, related-report links and a footer; an old
GB2312 site laid out with nested tables; the bare article body an editor exports; a TRS-style
editor page whose title only lives in <title>. Tables keep their merged cells as rowspan/colspan
and print zeros as 0, blank (empty or &nbsp; cells) or a dash, by style.
"""
from __future__ import annotations

import html
import random
from dataclasses import replace

from . import tables
from .content import Content
from .narrative import build
from .styles import Style

WEB_STYLES = ("portal", "gbk_tables", "fragment", "editor")
ZERO = {"portal": ("0", "0", "blank"), "gbk_tables": ("blank",), "fragment": ("blank",), "editor": ("dash", "blank")}
NAV = ["首页", "机构概况", "政务公开", "政务服务", "互动交流", "走进本地"]


def _esc(s: str) -> str:
    return html.escape(s, quote=False)


def _text(segs) -> str:
    return "".join(s for s, _ in segs) if not isinstance(segs, str) else segs


def table_html(t, rng: random.Random, empty: str, wrap_p: bool, pretty: bool, th_header: bool,
               omit_trailing_blank: bool) -> str:
    """A layout.Table as an HTML table: spans as rowspan/colspan, blank cells as `empty`."""
    by_row: dict[int, list] = {}
    for cell in t.cells:
        by_row.setdefault(cell.row, []).append(cell)
    nl = "\n" if pretty else ""
    ind = "  " if pretty else ""
    out = [f'<table border="1" cellspacing="0" cellpadding="{rng.choice([0, 2, 4])}" '
           f'style="border-collapse:collapse;width:{rng.choice([100, 96, 640])}{"%" if rng.random() < 0.7 else "px"}">', "<tbody>"]
    for r in range(t.n_rows):
        cells = sorted(by_row.get(r, []), key=lambda c: c.col)
        if omit_trailing_blank:
            # some editors leave out a row's trailing empty cells altogether
            while len(cells) > 1 and not _text(cells[-1].segs).strip() and cells[-1].rowspan == 1 and r >= t.header_rows:
                cells.pop()
        tds = []
        tag = "th" if th_header and r < t.header_rows else "td"
        for cell in cells:
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.align == "left" and rng.random() < 0.5:
                attrs += ' style="text-align:left"'
            text = _esc(_text(cell.segs))
            if len(text) > 6 and rng.random() < 0.15:  # a long label broken in the editor
                cut = rng.randrange(2, len(text) - 2)
                text = text[:cut] + "<br />" + text[cut:]
            body = text if text.strip() else empty
            if wrap_p:
                body = f"<p>{body}</p>"
            if pretty:
                body = f"{nl}{ind}{ind}{ind}{body}{nl}{ind}{ind}"
            tds.append(f"{ind}{ind}<{tag}{attrs}>{body}</{tag}>")
        out.append(f"{ind}<tr>{nl}" + nl.join(tds) + f"{nl}{ind}</tr>")
    out += ["</tbody>", "</table>"]
    return nl.join(out) if pretty else "".join(out)


def _title(c: Content, rng: random.Random) -> str:
    if rng.random() < 0.4:
        return f"{c.year}年{c.agency.name}政府信息公开工作年度报告"
    return f"{c.agency.name}{c.year}年政府信息公开工作年度报告"


def _body(c: Content, style: Style, web: str, rng: random.Random, title: str | None) -> list[str]:
    """The article: title (when the style prints it here), paragraphs, headings and tables."""
    blocks = build(c, rng)
    empty = {"gbk_tables": "&nbsp;", "fragment": "&nbsp;", "editor": rng.choice(["", "&nbsp;"]),
             "portal": ""}[web]
    parts = []
    if title:
        parts.append(f"<p style=\"text-align: center;font-weight: bold;\">{_esc(title)}</p>")
    for kind, b in blocks:
        if kind == "title":
            continue
        if kind == "heading":
            parts.append(rng.choice([f"<p><strong>{_esc(b)}</strong></p>", f"<h3>{_esc(b)}</h3>", f"<p>{_esc(b)}</p>"]))
        elif kind == "para":
            indent = "　　" if web == "gbk_tables" else ""
            parts.append(f"<p>{indent}{_esc(_text(b))}</p>")
        elif kind == "table":
            t = tables.BUILDERS[b](c, style)
            parts.append(table_html(t, rng, empty, wrap_p=web in ("fragment", "gbk_tables"), pretty=web == "editor",
                                    th_header=web == "portal", omit_trailing_blank=web == "editor" and rng.random() < 0.5))
    return parts


def _script(rng: random.Random) -> str:
    return (f"<script type=\"text/javascript\">var _hmt = _hmt || []; var siteId = {rng.randint(1000, 9999)};"
            f" document.write('<div class=\"share\">分享到：微信 微博</div>'); if (a < 3) {{ b = \"2021年\"; }}</script>")


def _related(c: Content) -> str:
    items = "".join(f'<li><a href="/art/{y}/1/20/art_{y}.html">{_esc(c.agency.name)}{y}年政府信息公开工作年度报告</a>'
                    f"<span>{y + 1}-01-20</span></li>" for y in range(c.year - 1, c.year - 5, -1))
    return f'<div class="related"><h4>相关阅读</h4><ul>{items}</ul></div>'


def _footer(c: Content, rng: random.Random) -> str:
    return (f'<div class="footer"><p>主办：{_esc(c.agency.name)}　承办：{_esc(c.agency.name)}信息中心</p>'
            f"<p>网站标识码：{rng.randint(1000000000, 9999999999)}　ICP备{rng.randint(10000000, 99999999)}号-1</p>"
            f"<p>联系电话：0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}　地址：人民路{rng.randint(1, 300)}号</p></div>")


def _nav() -> str:
    return '<ul class="nav">' + "".join(f'<li><a href="/col/{i}/index.html">{n}</a></li>' for i, n in enumerate(NAV)) + "</ul>"


def page(c: Content, style: Style, web: str, rng: random.Random) -> tuple[bytes, str]:
    """The page's bytes and the encoding they are in."""
    style = replace(style, zero=rng.choice(ZERO[web]), dash=rng.choice(["—", "-", "－"]))
    title = _title(c, rng)
    date = f"{c.year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
    crumbs = f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>'
    body = "\n".join(_body(c, style, web, rng, title if web == "fragment" else None))
    if web == "fragment":
        return body.encode("utf-8"), "utf-8"
    if web == "portal":
        doc = (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
               f"<title>{_esc(title)}_{_esc(c.agency.name)}门户网站</title>"
               f"<style>.nav li{{float:left}} td{{border:1px solid #000}}</style>{_script(rng)}</head>\n<body>"
               f"<div class=\"header\"><div class=\"logo\">{_esc(c.agency.name)}门户网站</div>{_nav()}</div>\n{crumbs}\n"
               f"<div class=\"article\"><h1 class=\"title\">{_esc(title)}</h1>"
               f"<div class=\"info\">发布机构：{_esc(c.agency.name)}　发布日期：{date}　浏览次数：{rng.randint(100, 9999)}"
               f"　<a href=\"javascript:window.print()\">打印</a></div>\n<div class=\"content\" id=\"zoom\">\n{body}\n</div></div>\n"
               f"{_related(c)}\n{_footer(c, rng)}{_script(rng)}</body></html>\n")
        return doc.encode("utf-8"), "utf-8"
    if web == "gbk_tables":
        doc = (f"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
               f"<title>{_esc(title)}</title>{_script(rng)}</head>\n<body topmargin=\"0\">"
               f"<table width=\"980\" align=\"center\"><tr><td>{_nav()}</td></tr>"
               f"<tr><td>{crumbs}</td></tr><tr><td>"
               f"<table width=\"100%\"><tr><td class=\"bt\" align=\"center\"><b>{_esc(title)}</b></td></tr>"
               f"<tr><td align=\"center\">发布机构：{_esc(c.agency.name)}　{date}</td></tr>"
               f"<tr><td class=\"zw\">\n{body}\n</td></tr></table></td></tr>"
               f"<tr><td>{_footer(c, rng)}</td></tr></table></body></html>\n")
        # GB2312 declared, GB18030 written: rare characters of agency names are not in GB2312,
        # and sites publish them this way anyway
        return doc.encode("gb18030"), "gb18030"
    doc = (f"<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\">\n<html><head>"
           f"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />"
           f"<title>{_esc(title)} - {_esc(c.agency.name)}</title>\n<style type=\"text/css\">p{{line-height:2}}</style></head>\n"
           f"<body>{crumbs}\n<div class=\"main\"><div class=\"TRS_Editor\">\n{body}\n</div></div>\n"
           f"<div class=\"bottom\"><a href=\"/\">网站地图</a> | <a href=\"/\">联系我们</a> | 版权所有</div>{_script(rng)}"
           f"</body></html>\n")
    return doc.encode("utf-8"), "utf-8"


def web_style(index: int, seed: int) -> str:
    return WEB_STYLES[(index + seed) % len(WEB_STYLES)]

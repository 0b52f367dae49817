"""Web pages: a whole saved page, an article body alone, or a saved .mht archive.

The page is parsed with lxml; site chrome (navigation, scripts, styles, breadcrumbs, footers,
link lists) is dropped; the element holding most of the page's own text is taken as the article;
paragraphs become lines and every table becomes a grid (grid.py). The report title, when the
page prints it outside the article (a heading, or only the <title>), and the page's 发布机构 are
put first, so agency and year are read from them as from a printed title.
"""
from __future__ import annotations

import codecs
import email
import email.policy
import re
from pathlib import Path

from nianbao.document import Document, Source
from nianbao.errors import Corrupt, Empty, TooLarge
from nianbao.options import ExtractOptions

from .grid import GridCell, LineSink, clean, span
from .magic import is_html, is_mht  # noqa: F401 - the sniffing moved to readers/magic; old imports work

DROP_TAGS = {"script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "select", "option",
             "button", "input", "textarea", "svg", "canvas", "object", "embed", "audio", "video", "map",
             "head", "link", "meta", "base"}
# class/id words of site chrome (当前位置 bars are "position"/"location"/"dqwz" on Chinese sites)
CHROME_WORDS = {"nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "footer",
                "foot", "sidebar", "share", "toolbar", "copyright", "search", "login", "topbar", "position",
                "location", "dqwz", "skip", "banner", "bottom", "fenxiang", "related", "xgwz", "print"}
BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section",
              "article", "main", "blockquote", "pre", "address", "center", "hr", "tr", "td", "th", "table",
              "tbody", "thead", "tfoot", "caption", "figure", "figcaption", "header", "footer", "body", "html"}
CONTAINER_TAGS = {"body", "div", "section", "article", "main", "td", "th", "table", "tbody", "tr", "center",
                  "font", "span", "html"}
TITLE_WORDS = {"title", "bt", "tit", "headline", "biaoti", "wzbt"}
PUBLISHER = re.compile(r"(?:发布机构|发文机关|发布单位|制发机关)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40})")
CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([-\w:]+)""", re.I)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,100}?encoding\s*=\s*["']([-\w]+)""", re.I)
ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
           "x-cp936": "gb18030", "chinese": "gb18030", "unicode": "utf-16", "utf8": "utf-8"}
MAX_HTML_BYTES = 30 * 1024 * 1024


def _cjk(s: str | None) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff") if s else 0


def declared_charset(data: bytes) -> str | None:
    """The encoding the page declares (meta charset, http-equiv, XML declaration), as a Python codec."""
    head = data[:8192]
    m = XML_ENCODING.match(head) or CHARSET.search(head)
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None = None) -> str:
    """Page bytes to text: BOM, then the declared charset, then UTF-8, then GB18030 (a superset of
    GB2312 and GBK, which pages declare as gb2312 while using GBK characters)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    declared = declared or declared_charset(data)
    tried = []
    for enc in (declared, "utf-8", "gb18030"):
        if enc and enc not in tried:
            tried.append(enc)
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                continue
    return data.decode(declared or "utf-8", "replace")


def mht_html(data: bytes) -> str:
    """The HTML part of a saved web archive (.mht/.mhtml, MIME multipart/related)."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            return decode(payload, _codec(part.get_content_charset()))
    raise Corrupt("web archive (.mht) without an HTML part")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = ALIASES.get(name.lower(), name.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _words(el) -> set[str]:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return set(re.split(r"[^a-z0-9]+", attrs)) - {""}


def _inside(el, tags: set[str]) -> bool:
    return any(a.tag in tags for a in el.iterancestors())


def strip_chrome(root) -> None:
    """Drop what a site prints around every article; never the article's own text or tables."""
    doomed = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:
            continue
        if tag in DROP_TAGS or (tag in ("header", "footer") and not _inside(el, {"article", "main"})):
            doomed.append(el)
        elif tag in ("div", "ul", "ol", "dl", "section", "table", "p", "span", "td") and _is_chrome(el):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the element's tail text


def _is_chrome(el) -> bool:
    own = _cjk(el.text_content())
    links = sum(_cjk(a.text_content()) for a in el.iter("a"))
    if _words(el) & CHROME_WORDS and (own - links < 200 or links > 0.5 * own):
        return True
    n_links = sum(1 for _ in el.iter("a"))
    return n_links >= 3 and own > 0 and links >= 0.6 * own and el.find(".//table") is None


def _weights(root) -> dict:
    """Chinese characters of each element's own text, links left out, summed bottom-up."""
    w = {}

    def visit(el) -> int:
        total = 0 if el.tag == "a" else _cjk(el.text)
        for ch in el:
            if isinstance(ch.tag, str):
                total += visit(ch) if el.tag != "a" else 0
            total += _cjk(ch.tail)
        w[el] = total
        return total

    visit(root)
    return w


def article(root):
    """The innermost container holding most (≥ 75 %) of the page's text."""
    w = _weights(root)
    node = root.find("body")
    node = root if node is None else node
    while True:
        kids = [ch for ch in node if isinstance(ch.tag, str)]
        if not kids or not w.get(node):
            return node
        best = max(kids, key=lambda ch: w.get(ch, 0))
        if best.tag not in CONTAINER_TAGS or w.get(best, 0) < 0.75 * w[node]:
            return node
        if best.tag == "table" and best.find(".//table") is None:
            return node  # a data table: the prose around it belongs to the article too
        node = best


def is_data_table(table) -> bool:
    return table.find(".//table") is None


def table_cells(table) -> list[list]:
    """The cell elements of each row of a data table, in the order the grid places them."""
    return [[cell for cell in tr if cell.tag in ("td", "th")] for tr in table.iter("tr")]


def table_rows(table) -> list[list[GridCell]]:
    return [[GridCell(cell.text_content(), span(cell.get("rowspan")), span(cell.get("colspan"))) for cell in row]
            for row in table_cells(table)]


class Walker:
    def __init__(self, sink: LineSink):
        self.sink = sink
        self.buf: list[str] = []

    def flush(self) -> None:
        if self.buf:
            self.sink.text("".join(self.buf))
            self.buf = []

    def add(self, s: str | None) -> None:
        if s:
            self.buf.append(s.replace("\n", " "))

    def walk(self, el) -> None:
        tag = el.tag if isinstance(el.tag, str) else None
        if tag is None:
            return
        if tag == "br":
            self.flush()
            return
        if tag == "table" and is_data_table(el):
            self.flush()
            cap = el.find("caption")
            if cap is not None:
                self.sink.text(cap.text_content())
            self.sink.table(table_rows(el))
            return
        block = tag in BLOCK_TAGS
        if block:
            self.flush()
        self.add(el.text)
        for ch in el:
            self.walk(ch)
            self.add(ch.tail)
        if block:
            self.flush()


def _title(root, page_title: str | None) -> str | None:
    """The report's title as the page prints it: a heading, else the <title> part naming the report."""
    for found in (root.iter("h1"), (el for el in root.iter("div", "p", "span", "td", "strong", "h2", "h3")
                                    if _words(el) & TITLE_WORDS), root.iter("h2", "h3")):
        for el in found:
            t = clean(el.text_content())
            if 6 <= len(t) <= 80 and _is_report_title(t):
                return t
    if page_title:
        for part in re.split(r"\s*[_|｜]\s*|\s+[-–—]\s+", clean(page_title)):
            if _is_report_title(part):
                return part
    return None


def _is_report_title(t: str) -> bool:
    # not a section heading that mentions 报告 (六、其他需要报告的事项)
    return ("报告" in t or "年报" in t) and "公开" in t


def parse_article(text: str, sink: LineSink, walker=Walker):
    """The page's article walked into `sink` (paragraphs as lines, data tables as grids):
    (article element, the lines printed outside it that go first: title, 发布机构)."""
    import lxml.html
    from lxml import etree

    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    if not text.strip():
        raise Empty("empty input: the page has no content")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise Corrupt(f"unreadable HTML: {e}") from e
    page_title = root.findtext(".//title")
    strip_chrome(root)
    title = _title(root, page_title)
    body = article(root)
    w = walker(sink)
    w.walk(body)
    w.flush()
    if not sink.lines:
        raise Empty("the page has no text once navigation and scripts are removed")
    first = {re.sub(r"\s", "", ln.text) for ln in sink.lines[:3]}
    head = [title] if title and re.sub(r"\s", "", title) not in first else []
    m = PUBLISHER.search(clean(root.text_content()))
    if m and not any(m.group(0) in ln.text for ln in sink.lines[:10]):
        head.append(m.group(0))
    return body, head


def read_html(text: str, source: Source) -> Document:
    sink = LineSink()
    _, head = parse_article(text, sink)
    sink.prepend(head)
    return sink.document(source, "html")


def page_text(path: Path) -> str:
    """The page's HTML as text (a .mht archive's HTML part), decoded."""
    if path.stat().st_size > MAX_HTML_BYTES:
        raise TooLarge(f"web page larger than {MAX_HTML_BYTES // (1 << 20)} MiB")
    data = path.read_bytes()
    return mht_html(data) if is_mht(data[:4096]) else decode(data)


def load(path: Path, source: Source) -> Document:
    return read_html(page_text(path), source)


def read(path: Path, source: Source, options: ExtractOptions) -> Document:
    """The reader protocol's entry (nianbao.readers.Reader): no option changes how a web page is read."""
    return load(path, source)

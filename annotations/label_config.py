"""The annotation vocabulary and the Label Studio labelling config, both from the schema.

One rectangle label per role of docs/token-dataset.md, so a region's label *is* the role its
tokens get: `VAL:<key>`, `MET:<metric_id>`, `ROW:<table>.<row>`, `COL:<table>.<col>`.

What an annotator reads is the Chinese name (`display`: 三（一）予以公开 · 自然人); the role is the
label's `alias`, which is what Label Studio stores and exports (its editor serialises a label
by its alias when it has one, and finds a label by alias or value when it loads a result).
Labels are grouped by table under a Chinese heading, inside a scroll box of their own, so the
per-region editor and the page's table sit beside the image instead of under ~300 labels.

Label Studio gives every label without a `hotkey` one of 33 single keys (1…0, q, w, …): with
a box selected, a stray key press relabels it. Each label gets the hotkey " ": Label Studio
then assigns none, and keymaster binds the blank key to no key code, so nothing fires.

Label Studio accepts results with labels its config does not list without complaint, so every
label that goes to or comes from the server is checked here (`check`).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from xml.sax.saxutils import quoteattr

from nianbao import schema

IMAGE = "image"            # <Image name=…>; task data key of the page image URL
LABEL = "label"            # <RectangleLabels name=…>
TEXT = "transcription"     # <TextArea name=…> (per region)
CELL = "cell"              # <Choices name=…> (per region): the one-click "blank cell"
BLANK = "blank"            # alias of its choice
TABLES_HTML = "tables_html"  # task data key of the page's extracted tables (HyperText)
COLOURS = {"VAL": "#1f77b4", "MET": "#2ca02c", "ROW": "#ff7f0e", "COL": "#9467bd"}
NO_HOTKEY = " "
SECTION = {"active": "二", "requests": "三", "appeals": "四"}
GROUP_TITLES = {"active": "二、主动公开政府信息情况", "requests": "三、收到和处理政府信息公开申请情况",
                "appeals": "四、行政复议、行政诉讼情况", "metrics": "正文中的数字"}


class UnknownLabel(ValueError):
    pass


@functools.cache
def all_labels() -> tuple[str, ...]:
    """Every label of both formats, grouped by table (values, rows, columns), then metrics."""
    out: dict[str, None] = {}
    for table in schema.TABLES:
        out.update(dict.fromkeys(_table_labels(table)))
    for mid in schema.metric_ids():
        out[f"MET:{mid}"] = None
    return tuple(out)


def _table_labels(table: str) -> list[str]:
    out: dict[str, None] = {}
    for fmt in schema.FORMATS:
        for key in schema.table_keys(table, fmt):
            out[f"VAL:{key}"] = None
    for fmt in schema.FORMATS:
        for row in schema.rows(table, fmt):
            out[f"ROW:{table}.{row.id}"] = None
    for fmt in schema.FORMATS:
        for col in schema.columns(table, fmt):
            out[f"COL:{table}.{col}"] = None
    return list(out)


@functools.cache
def _label_set() -> frozenset[str]:
    return frozenset(all_labels())


def check(label: str) -> str:
    if label not in _label_set():
        raise UnknownLabel(f"unknown label {label!r}: not a role of nianbao's schema "
                           f"(VAL:<key>, MET:<metric>, ROW:<table>.<row>, COL:<table>.<col>)")
    return label


def kind(label: str) -> str:
    return label.split(":", 1)[0]


def target(label: str) -> str:
    """'VAL:requests.new_received.total' → 'requests.new_received.total'."""
    return label.split(":", 1)[1]


def group(label: str) -> str:
    return "metrics" if kind(label) == "MET" else target(label).split(".", 1)[0]


def _short_row(zh: str) -> str:
    """A row's printed name, short enough for a list: the format's long explanations cut."""
    zh = zh.replace("政府信息公开申请", "申请")
    zh = re.sub(r"（[^（）]{6,}）$", "", zh)        # （区分处理的，只计这一情形，不计其他情形）
    head, _, tail = zh.rpartition(" ")
    if len(tail) > 14 and "、" in tail:           # 1.申请人无正当理由逾期不补正、行政机关不再处理…
        tail = tail.split("、", 1)[0]
    return f"{head} {tail}".strip()


def _row_name(table: str, row: str) -> str:
    for fmt in schema.FORMATS:
        for r in schema.rows(table, fmt):
            if r.id == row:
                name = _short_row(r.zh)
                sec = SECTION[table]
                return f"{sec}{name}" if name.startswith("（") else f"{sec} {name}"
    raise KeyError(f"{table}.{row}")


def _col_name(table: str, col: str) -> str:
    for fmt in schema.FORMATS:
        cols = schema.columns(table, fmt)
        if col in cols:
            return re.sub(r"（单位：", "（", cols[col].zh)
    raise KeyError(f"{table}.{col}")


@functools.cache
def _display_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for lb in all_labels():
        k, tgt = kind(lb), target(lb)
        if k == "MET":
            name = f"文 {schema.raw()['metrics'][tgt]['zh']}"
        elif k == "ROW":
            table, row = tgt.split(".", 1)
            name = f"行 {_row_name(table, row)}"
        elif k == "COL":
            table, col = tgt.split(".", 1)
            name = f"列 {SECTION[table]} {_col_name(table, col)}"
        else:
            table, row, col = schema.parse_key(tgt)
            name = f"{_row_name(table, row)} · {_col_name(table, col)}"
        out[lb] = name
    seen: dict[str, str] = {}
    for lb, name in out.items():  # two roles must never read the same
        if name in seen:
            out[lb] = f"{name} ({target(lb)})"
        seen[out[lb]] = lb
    return out


def display(label: str) -> str:
    """The Chinese name an annotator reads for a role: 三（一）予以公开 · 自然人."""
    return _display_names()[check(label)]


def norm(s: str) -> str:
    """Printed text as labels are compared: NFKC (full-width → ASCII), no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@functools.cache
def names(label: str) -> tuple[str, ...]:
    """The printed words of a row or column label role (normalised: NFKC, no spaces): the
    row's own words without its group caption, the column's name, and their match phrases."""
    k, tgt = kind(label), target(check(label))
    if k not in ("ROW", "COL"):
        return ()
    table, rest = tgt.split(".", 1)
    out: list[str] = []
    for fmt in schema.FORMATS:
        if k == "ROW":
            for r in schema.rows(table, fmt, fmt == "2021"):
                if r.id == rest:
                    out += [r.zh.split()[-1].split("·")[-1], *r.match]
        elif rest in schema.columns(table, fmt):
            c = schema.columns(table, fmt)[rest]
            out += [c.zh, *c.match]
    return tuple(dict.fromkeys(norm(n) for n in out if n))


def words_of(label: str, text: str) -> float:
    """How much of `text` is the label's own words: the share of its characters found in the
    best-matching name (0 when the label has no names)."""
    t = norm(text)
    if not t:
        return 0.0
    return max((sum(ch in n for ch in t) / len(t) for n in names(label)), default=0.0)


_ITEM = re.compile(r"\d{1,2}\.(?!\d)")


def own_item_span(label: str, pieces: list[str]) -> tuple[int, int]:
    """A row whose label starts with its item number (4.保护第三方合法权益), printed as
    `pieces` (characters or tokens): the pieces from that number up to the next item number.
    Before it stands the label printed before it (a caption, the wrapped end of the row above),
    from the next number on the row below. All of them when the number is not there."""
    found = _own_item(label, pieces)
    if found is None:
        return 0, len(pieces)
    k, item, joined, where = found
    nxt = _ITEM.search(joined, k + len(item))
    return where[k], where[nxt.start()] if nxt else len(pieces)


def has_own_item(label: str, pieces: list[str]) -> bool:
    """Whether the row's own item number (4. of 4.保护第三方合法权益) is among `pieces`."""
    return _own_item(label, pieces) is not None


def _own_item(label: str, pieces: list[str]):
    first = names(label)[0] if names(label) else ""
    m = _ITEM.match(first)
    if kind(label) != "ROW" or not m:
        return None
    joined, where = "", []
    for i, piece in enumerate(pieces):
        n = norm(piece)
        joined += n
        where += [i] * len(n)
    k = joined.find(m.group())
    return None if k < 0 else (k, m.group(), joined, where)


def covers(label: str, text: str) -> float:
    """How much of the label's best-matching name `text` holds (share of the name's characters)."""
    t = norm(text)
    return max((sum(ch in t for ch in n) / len(n) for n in names(label) if n), default=0.0)


@functools.cache
def caption(label: str) -> str:
    """The group caption printed before a sub-row's own words (（五）不予处理 of （五）不予处理
    1.信访举报投诉类申请), normalised; empty for a row without one."""
    if kind(label) != "ROW":
        return ""
    table, row = target(label).split(".", 1)
    for fmt in schema.FORMATS:
        for r in schema.rows(table, fmt, fmt == "2021"):
            if r.id == row and " " in r.zh:
                return norm(r.zh.rsplit(" ", 1)[0])
    return ""


def labelling_config() -> str:
    groups: dict[str, list[str]] = {}
    for lb in all_labels():
        groups.setdefault(group(lb), []).append(lb)
    parts = []
    for g, lbs in groups.items():
        items = "\n".join(f'        <Label value={quoteattr(display(lb))} alias={quoteattr(lb)} hint={quoteattr(lb)} '
                          f'hotkey="{NO_HOTKEY}" background="{COLOURS[kind(lb)]}"/>' for lb in lbs)
        parts.append(f'      <View>\n        <Header value={quoteattr(GROUP_TITLES[g])} size="5" style="font-size:13px;font-weight:600;margin:2px 0"/>\n{items}\n      </View>')
    labels = "\n".join(parts)
    return f"""<View>
  <View style="display:flex;align-items:flex-start;gap:10px">
    <View style="flex:3 1 0;min-width:0">
      <Image name="{IMAGE}" value="${IMAGE}" zoom="true" zoomControl="true" rotateControl="false"/>
    </View>
    <View style="flex:2 1 0;min-width:360px;max-width:640px">
      <View visibleWhen="region-selected" style="background:#fffde7;border:1px solid #e0d890;padding:6px 8px;margin-bottom:6px">
        <Header value="所选框印的数字（改正后回车；空格未印数字：点“空白”）" size="5" style="font-size:13px;font-weight:600;margin:2px 0"/>
        <TextArea name="{TEXT}" toName="{IMAGE}" perRegion="true" editable="true" required="false"
                  maxSubmissions="1" rows="1" placeholder="印的数字，如 1,234"/>
        <Choices name="{CELL}" toName="{IMAGE}" perRegion="true" choice="multiple" showInline="true">
          <Choice value="空白（此格未印数字）" alias="{BLANK}" hotkey="alt+b"/>
        </Choices>
        <Header value="改标签：在下方筛选框输入中文（如 新收、自然人），点选" size="5" style="font-size:13px;font-weight:600;margin:2px 0"/>
      </View>
      <Filter name="label_filter" toName="{LABEL}" minlength="1" hotkey="alt+f" placeholder="筛选标签：新收、自然人、予以公开…"/>
      <View style="max-height:240px;overflow-y:auto;border:1px solid #ddd;padding:2px 4px">
        <RectangleLabels name="{LABEL}" toName="{IMAGE}" showInline="false" strokeWidth="2" opacity="0.9" fillOpacity="0.12">
{labels}
        </RectangleLabels>
      </View>
      <Header value="本页提取的表格（红：勾稽不符；黄：置信度低；绿：勾稽相符）" size="5" style="font-size:13px;font-weight:600;margin:2px 0"/>
      <HyperText name="tables" value="${TABLES_HTML}"/>
    </View>
  </View>
</View>
"""

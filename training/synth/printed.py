"""Printed deviations of real reports (spec `variants`), put on a synthetic report with their gold.

`nianbao synth --variants` draws, per document, some of the ways real tables deviate from the
national formats (../shared/real): the single （六）其他处理 row of a WPS-made 2021 table
(aggregate_other_in_2021), row labels printed short or with a slip (truncated_or_miswritten_labels),
money printed in 元 (amounts_in_yuan), a 总计 column left blank on every result row (blank_totals),
zeros printed as —, －, / or 无 (zero_marks), negative 本年增/减 printed with a full-width or
typographic minus (signed_change: -72, －72, −72), a money column whose header names 元
(采购总金额（元）, 本年收费金额（单位：元）) over bare numbers in yuan (amounts_in_yuan). The
content's true values stay; what changes is what the page prints and therefore what the gold
says a reader must output.

Besides the spec variants, one printing habit that changes no value (so no gold `variants`
name): the appeals table's row of 15 values printed on the next page below no header, as a
browser prints a web page whose table meets a page break (appeals_apart; issue 24: a printed
2019 page had two 行政诉讼 cells placed by the row identities, swapped). Another: page numbers
at the outer foot corner (odd pages right, even left; `-3-`, `— 3 —`, `第3页`), as 公文 print them —
the real 洪泽 PDF's `-3-` sits right under its table's values column, and a fine-tune that had
seen only centred numbers tagged it a value (docs/model.md, issue 28).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace

from nianbao import schema

from .identities import REQ_PARTS

ZERO_MARKS = ("—", "－", "/", "无")
MINUS_SIGNS = ("-", "－", "−")  # hyphen-minus, full-width minus, minus sign: all print a negative change
MONEY = ("active.fees.amount", "active.procurement.amount")
P_AGGREGATE, P_LABELS, P_YUAN, P_BLANK_TOTALS, P_ZERO_MARKS = 0.4, 0.4, 0.35, 0.25, 0.35
P_SIGNED, P_YUAN_HEADER, P_SHRINK = 0.5, 0.5, 0.5  # minus glyph of a 2019 report; 元 in the header; shrunk lists
P_APPEALS_APART = 0.2
P_PAGE_OUTER = 0.3  # page numbers at the outer foot corner (GB/T 9704), often right under a table's values
PAGE_NUMBER_FORMS = ("dash", "emdash", "zh")


@dataclass
class Printed:
    aggregate: bool = False
    labels: dict[str, str] = field(default_factory=dict)  # row id → the label as printed
    yuan: bool = False
    blank_totals: bool = False
    zero_mark: str | None = None
    minus: str | None = None  # the minus of negative changes (signed_change); None: no negative printed
    yuan_header: bool = False  # with yuan: the unit is printed in the money column's header, not the cell
    appeals_apart: bool = False  # a layout habit, not a spec variant: not in `names`
    page_number: str | None = None  # with the number at the outer corner: its form (a habit, not in `names`)

    @property
    def names(self) -> list[str]:
        out = []
        if self.aggregate:
            out.append("aggregate_other_in_2021")
        if self.labels:
            out.append("truncated_or_miswritten_labels")
        if self.yuan:
            out.append("amounts_in_yuan")
        if self.blank_totals:
            out.append("blank_totals")
        if self.zero_mark:
            out.append("zero_marks")
        if self.minus:
            out.append("signed_change")
        return out

    def col_label(self, col: str, zh: str) -> str:
        """A money column's header as printed: its unit 元 when the cells print bare yuan."""
        if self.yuan_header and col == "amount":
            stem = re.split(r"[（(]", zh, maxsplit=1)[0]
            return stem + ("（单位：元）" if "单位" in zh else "（元）")
        return zh

    def rows(self, fmt: str) -> tuple[schema.Row, ...]:
        """The requests rows the page prints."""
        if not self.aggregate:
            return schema.rows("requests", fmt)
        hidden = set(schema.aggregated_rows(fmt))
        return tuple(r for r in schema.rows("requests", fmt, aggregate=True) if r.id not in hidden)

    def label(self, row: schema.Row, printed: str) -> str:
        """The own label as printed (`printed`, the format's wording) or its slip."""
        return self.labels.get(row.id, printed)

    def cell_text(self, key: str, value, text: str) -> str:
        if self.blank_totals and key.startswith("requests.result.") and key.endswith(".total") \
                and not key.startswith("requests.result.total."):
            return ""
        if self.yuan and key in MONEY and value:
            yuan = round(value * 10000, 2)
            return (f"{int(yuan)}" if float(yuan).is_integer() else f"{yuan:.2f}") + ("" if self.yuan_header else "元")
        if self.minus and key.endswith(".change") and isinstance(value, int) and value < 0 and text.startswith("-"):
            return self.minus + text[1:]
        return text


def slip(label: str, rng: random.Random) -> str:
    """The own label printed short (its tail cut) or with a few characters missing from its
    middle; the item marker and at least 75 % of the rest stay."""
    mark = ""
    if label[:1].isdigit() and label[1:2] == ".":
        mark, label = label[:2], label[2:]
    n = len(label)
    cut = max(1, n // 5)
    if rng.random() < 0.5:
        return mark + label[: n - cut]
    i = rng.randint(1, n - cut - 1)
    return mark + label[:i] + label[i + cut:]


def choose(rng: random.Random, c) -> Printed:
    """The deviations one document prints; none that would make an injected source error
    unreadable (a blank total over a row whose total was made wrong)."""
    p = Printed()
    fmt = c.fmt
    if fmt == "2021" and rng.random() < P_AGGREGATE and not _touches(c, schema.aggregated_rows(fmt)):
        p.aggregate = True
    if rng.random() < P_LABELS:
        cand = [r for r in p.rows(fmt) if len(r.zh.split()[-1]) >= 9]
        for r in rng.sample(cand, min(len(cand), rng.randint(1, 2))):
            p.labels[r.id] = slip(r.zh.split()[-1], rng)
    if rng.random() < P_YUAN and any(c.fields.get(k) for k in MONEY):
        p.yuan = True
        p.yuan_header = rng.random() < P_YUAN_HEADER
    if rng.random() < P_BLANK_TOTALS and not c.injected:
        p.blank_totals = True
    if rng.random() < P_ZERO_MARKS:
        p.zero_mark = rng.choice(ZERO_MARKS)
    if fmt == "2019" and rng.random() < P_SHRINK:
        _shrink(rng, c.fields)
    if fmt == "2019" and any(isinstance(v, int) and v < 0 for k, v in c.fields.items() if k.endswith(".change")):
        # a negative change is printed whatever its minus: -72, －72 or −72
        p.minus = rng.choice(MINUS_SIGNS) if rng.random() < P_SIGNED else "-"
    # drawn last: the draws above, and so the corpora made before it, stay as they were
    if rng.random() < P_APPEALS_APART:
        p.appeals_apart = True
    if rng.random() < P_PAGE_OUTER:  # after appeals_apart, for the same reason
        p.page_number = rng.choice(PAGE_NUMBER_FORMS)
    return p


def _shrink(rng: random.Random, fields: dict) -> None:
    """Lists that shrank, as the report that prints 行政许可 88 | -72 | 0 does: one or two rows' 本年增/减
    redrawn negative (down to the whole of last year's count), their decisions now and then 0.
    Before anything is printed, so page, gold and tokens all carry the same values; the active
    table has no identity that these values could break."""
    rows = [r for r in ("licensing", "other_services", "penalty", "enforcement", "fees")
            if fields.get(f"active.{r}.prev_items", 0) > 0]
    for r in rng.sample(rows, min(len(rows), rng.randint(1, 2))):
        fields[f"active.{r}.change"] = -rng.randint(1, fields[f"active.{r}.prev_items"])
        if r != "fees" and rng.random() < 0.5:
            fields[f"active.{r}.decisions"] = 0


def _touches(c, rows) -> bool:
    keys = {k for e in c.injected for k in e.get("keys", [])}
    return any(k.startswith(tuple(f"requests.{r}." for r in rows)) for k in keys)


def style_for(p: Printed, style):
    """Zeros printed with the document's zero mark; page numbers at the outer foot corner, in the
    document's form (page furniture a reader must tag O: a number that sits under the values
    column is not a value)."""
    if p.zero_mark:
        style = replace(style, zero="dash", dash=p.zero_mark)
    if p.page_number:
        style = replace(style, page_number=p.page_number, page_number_at="outer")
    return style


def printed_fields(p: Printed, fields: dict, fmt: str) -> dict:
    """The content's fields plus the aggregate row's values (the sums of its sub-rows)."""
    out = dict(fields)
    if p.aggregate:
        for col in REQ_PARTS + ("total",):
            out[f"requests.result.other.{col}"] = sum(fields[f"requests.{r}.{col}"] for r in schema.aggregated_rows(fmt))
    return out


def gold(p: Printed, g: dict) -> dict:
    """What a reader must output for the page as printed: the aggregate's keys and not its
    sub-rows' (null, not printed), blank totals as 0 with one violation for the blank column."""
    fmt = g["format"]
    fields = printed_fields(p, g["fields"], fmt)
    if p.aggregate:
        for r in schema.aggregated_rows(fmt):
            for col in REQ_PARTS + ("total",):
                fields[f"requests.{r}.{col}"] = None
    g = dict(g, fields={k: fields[k] for k in schema.field_keys(fmt, p.aggregate)})
    if p.blank_totals:  # chosen only without an injected error: these are the only broken identities
        rows = schema.request_result_rows(fmt, p.aggregate)
        keys = [f"requests.{r}.total" for r in rows]
        filled = [r for r in rows if g["fields"][f"requests.{r}.total"]]
        for k in keys:
            g["fields"][k] = 0
        if len(filled) >= 2:
            found = [{"identity": "requests.blank_total", "keys": keys,
                      "text": "requests: every result row leaves its 总计 cell blank (read as 0)"}]
        else:
            found = [{"identity": "requests.row_sum", "keys": [f"requests.{r}.{c}" for c in REQ_PARTS + ("total",)],
                      "text": f"requests row {r}: total left blank"} for r in filled]
            found += [{"identity": "requests.column_sum", "keys": ["requests.result.total.total"] + keys,
                       "text": "requests column total: result rows' totals left blank"} for _ in filled[:1]]
        g["violations"] = list(g.get("violations", [])) + found
        g["source_inconsistencies"] = list(g.get("source_inconsistencies", [])) + [v["text"] for v in found]
    g["variants"] = p.names
    return g

"""The annotation vocabulary and the Label Studio labelling config, both from the schema.

One rectangle label per role of docs/token-dataset.md, so a region's label *is* the role its
tokens get: `VAL:<key>`, `MET:<metric_id>`, `ROW:<table>.<row>`, `COL:<table>.<col>`. About
440 labels: too many to pick from a palette, so the config puts a Filter box above them
(type `new_rec` to find `VAL:requests.new_received.*`). A per-region text area holds the
value as printed; correcting a misread number is one edit of that text.

Label Studio accepts results with labels its config does not list without complaint, so every
label that goes to or comes from the server is checked here (`check`).
"""
from __future__ import annotations

import functools
from xml.sax.saxutils import quoteattr

from nianbao import schema

IMAGE = "image"          # <Image name=…>; task data key of the page image URL
LABEL = "label"          # <RectangleLabels name=…>
TEXT = "transcription"   # <TextArea name=…> (per region)
ROLE_KINDS = ("VAL", "MET", "ROW", "COL")
COLOURS = {"VAL": "#1f77b4", "MET": "#2ca02c", "ROW": "#ff7f0e", "COL": "#9467bd"}


class UnknownLabel(ValueError):
    pass


@functools.cache
def all_labels() -> tuple[str, ...]:
    """Every label of both formats, in schema order: values, metrics, rows, columns."""
    out: dict[str, None] = {}
    for fmt in schema.FORMATS:
        for key in schema.field_keys(fmt):
            out[f"VAL:{key}"] = None
    for mid in schema.metric_ids():
        out[f"MET:{mid}"] = None
    for fmt in schema.FORMATS:
        for table in schema.TABLES:
            for row in schema.rows(table, fmt):
                out[f"ROW:{table}.{row.id}"] = None
    for fmt in schema.FORMATS:
        for table in schema.TABLES:
            for col in schema.columns(table, fmt):
                out[f"COL:{table}.{col}"] = None
    return tuple(out)


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


def labelling_config() -> str:
    labels = "\n".join(f'    <Label value={quoteattr(lb)} background="{COLOURS[kind(lb)]}"/>'
                       for lb in all_labels())
    return f"""<View>
  <Header value="Correct each box: its label (filter by typing part of a key) and the text as printed"/>
  <Image name="{IMAGE}" value="${IMAGE}" zoom="true" zoomControl="true" rotateControl="false"/>
  <Filter name="label_filter" toName="{LABEL}" minlength="0" placeholder="filter labels: new_received, MET:, ROW:…"/>
  <RectangleLabels name="{LABEL}" toName="{IMAGE}" showInline="false" strokeWidth="1">
{labels}
  </RectangleLabels>
  <TextArea name="{TEXT}" toName="{IMAGE}" perRegion="true" editable="true" required="false"
            maxSubmissions="1" rows="1" placeholder="text as printed (blank cell: leave empty)"/>
</View>
"""

"""A Document as Label Studio tasks: one task per page, with the extractor's output as the
task's prediction (pre-annotation) and the page's tokens kept in the task data.

The tokens travel with the task so that a pull, possibly on another machine and after the
model changed, turns the corrected regions into token roles for exactly the tokens the page
had at push time.

Boxes: Document boxes are PDF points, origin top-left; Label Studio wants percent of the
image (x, y, width, height), which does not depend on the rendering dpi.
"""
from __future__ import annotations

import re
from pathlib import Path

from nianbao import __version__, schema
from nianbao.document import Cell, Document, Metric, Page
from nianbao.output import to_dict
from nianbao.review.page import tables_fragment

from . import label_config as labels
from .layout_roles import layout_regions

BOOL_TEXT = {True: "是", False: "否"}
NO_TABLE = "<p style='color:#666;font:13px sans-serif'>本页没有提取到表格数字 (no table cell on this page)</p>"


def doc_id_of(path: str | Path) -> str:
    """The eval harness's rule: synth's `docs/<doc>/report.pdf` is `<doc>`, else the stem."""
    from nianbao.names import CORPUS_KIND_BY_NAME
    p = Path(path)
    return p.parent.name if p.name.lower() in CORPUS_KIND_BY_NAME else p.stem


def model_version(doc: Document) -> str:
    return doc.model or f"nianbao-rules-{__version__}"


def page_tokens(page: Page) -> tuple[list[str], list[list[int]], list[str | None]]:
    """One character per token (whitespace dropped), boxes in 0–1000 of the page, and the
    model's BIO label of each, if any. A multi-character token is split evenly along x."""
    toks, boxes, tags = [], [], []
    w, h = page.width or 1.0, page.height or 1.0

    def norm(v, size):
        return max(0, min(1000, int(round(v / size * 1000))))
    for line in page.lines:
        for t in line.tokens:
            if t.bbox is None:
                continue
            chars = [c for c in t.text if not c.isspace()]
            if not chars:
                continue
            x0, y0, x1, y1 = t.bbox
            step = (x1 - x0) / len(t.text) if t.text else 0
            tag = t.label
            for i, c in enumerate(t.text):
                if c.isspace():
                    continue
                toks.append(c)
                boxes.append([norm(x0 + i * step, w), norm(y0, h), norm(x0 + (i + 1) * step, w), norm(y1, h)])
                tags.append(tag)
                if tag and tag.startswith("B-"):  # the token's later characters continue its span
                    tag = "I-" + tag[2:]
    return toks, boxes, tags


def _percent(bbox, w: float, h: float) -> dict:
    x0, y0, x1, y1 = bbox
    clamp = lambda v: max(0.0, min(100.0, v))  # noqa: E731
    return {"x": clamp(x0 / w * 100), "y": clamp(y0 / h * 100),
            "width": clamp((x1 - x0) / w * 100), "height": clamp((y1 - y0) / h * 100), "rotation": 0}


def region(rid: str, label: str, text: str, box: dict, img_w: int, img_h: int, score: float | None = None,
           blank: bool = False, note: str | None = None) -> list[dict]:
    """A rectangle with its label and its per-region transcription (and, for a cell printed
    blank, the "blank" choice ticked): results sharing one id. `note`: the region's meta text,
    shown with the selected region (confidence, whether its identities hold)."""
    labels.check(label)
    common = {"id": rid, "to_name": labels.IMAGE, "original_width": img_w, "original_height": img_h,
              "image_rotation": 0}
    rect = {**common, "from_name": labels.LABEL, "type": "rectanglelabels",
            "value": {**box, "rectanglelabels": [label]}}
    out = [rect, {**common, "from_name": labels.TEXT, "type": "textarea", "value": {**box, "text": [text]}}]
    if blank:
        out.append({**common, "from_name": labels.CELL, "type": "choices", "value": {**box, "choices": [labels.BLANK]}})
    if score is not None:
        for r in out:
            r["score"] = round(float(score), 4)
    if note:
        for r in out:
            r["meta"] = {"text": [note]}
    return out


VERIFIED_NOTE = {True: "勾稽相符 ✓ identities hold", False: "勾稽不符 ✗ an identity breaks", None: "未核验 unchecked"}


def cell_note(c: Cell) -> str:
    return f"置信度 {c.confidence:.2f} · {VERIFIED_NOTE[c.verified]}" + (f" · {c.reason}" if c.reason else "")


# what a blank cell is printed as, or read as: a dash, a slash, a stroke OCR reads as the hanzi 一
DASHES = {"-", "—", "–", "－", "/", "／", "一", "―", "─", "无"}


def cell_is_blank(c: Cell) -> bool:
    """A cell printed empty or as a dash (its value 0): the annotator sees an empty value."""
    t = re.sub(r"\s+", "", c.text or "")
    return c.value == 0 and (c.blank or t == "" or t in DASHES or set(t) <= DASHES)


def cell_text(c: Cell) -> str:
    """The value as the annotator should see it: as printed when the printed text reads as the
    value, empty for a blank or dashed cell, else the value (never the OCR's 一 for a dash)."""
    if c.value is None:
        return c.text or ""
    if cell_is_blank(c):
        return ""
    from .convert import parse_value
    try:
        if c.text and parse_value(c.text, "decimal" if isinstance(c.value, float) else "signed") == c.value:
            return c.text.strip()
    except ValueError:
        pass
    return str(c.value)


def metric_text(m: Metric) -> str:
    if isinstance(m.value, bool):
        return BOOL_TEXT[m.value]
    return "" if m.value is None else str(m.value)


def number_in_clause(page: Page, m: Metric) -> tuple[str, tuple]:
    """A metric's evidence box is its whole line; its role belongs to the number only, so
    shrink the box to the characters of the number inside the evidence clause (the whole
    clause for a yes/no metric such as fee_collected, as in the synthetic dataset)."""
    if isinstance(m.value, bool):
        return metric_text(m), m.bbox
    x0, y0, x1, y1 = m.bbox
    if m.line is not None:  # the clause may go on to the next lines; its box is the first line's
        lines = [ln for ln in page.lines if m.line <= ln.number <= m.line + 2]
        inside = [t for ln in lines for t in ln.tokens if t.bbox and not t.text.isspace()]
    else:
        inside = [t for ln in page.lines for t in ln.tokens if t.bbox and not t.text.isspace()
                  and x0 <= (t.bbox[0] + t.bbox[2]) / 2 <= x1 and y0 <= (t.bbox[1] + t.bbox[3]) / 2 <= y1]
    chars = "".join(t.text for t in inside)
    num = metric_text(m)
    printed = re.search(r"\d[\d,，.]*", m.evidence or "")
    if printed:
        num = printed.group(0)
    ev = (m.evidence or "").replace(" ", "")
    k = ev.find(num)
    at = chars.find(ev[max(0, k - 4):k] + num) if k >= 0 else -1
    at = at + len(ev[max(0, k - 4):k]) if at >= 0 else chars.find(num)
    if at < 0 or len(inside) != len(chars):  # multi-character tokens: keep the clause's box
        return metric_text(m), m.bbox
    toks = inside[at:at + len(num)]
    return num, (min(t.bbox[0] for t in toks), min(t.bbox[1] for t in toks),
                 max(t.bbox[2] for t in toks), max(t.bbox[3] for t in toks))


def _token_spans(tokens, boxes, tags) -> list[tuple[str, list[int], str]]:
    """Runs of tokens the model labelled ROW:/COL: (BIO tags), as (role, 0–1000 box, text),
    tight on the printed label: a run is cut where the next character is not beside the last
    one (another line, a gap, a column further left), the pieces of a label wrapped over
    lines are joined again, and pieces that are not the role's own words (a group caption
    such as 三、本年度办理结果 read into a row's run) are left out."""
    pieces: list[list] = []
    cur = None
    for tok, box, tag in zip(tokens, boxes, tags):
        role = tag[2:] if tag and tag[:2] in ("B-", "I-") else tag
        if not (role and labels.kind(role) in ("ROW", "COL") and role in labels.all_labels()):
            cur = None
            continue
        # a B- tag beside a run of the same role continues it: on OCR pages the model often
        # begins each character anew
        if cur and cur[0] == role and _beside(cur[3][-1], box):
            cur[2] += tok
            cur[3].append(box)
            continue
        cur = [role, None, tok, [box]]
        pieces.append(cur)
    for p in pieces:
        p[2], p[3] = _trim(p[0], *_own_item(p[0], *_drop_caption(p[0], p[2], p[3])))
        p[1] = _union(p[3]) if p[3] else None
    # a piece left with marks only (the "." of another row's "1.") is nothing to join
    pieces = _join_wrapped([p for p in pieces if any(ch.isalnum() for ch in p[2])])
    for p in pieces:  # joining may have stacked the wrapped end of the row above onto a label
        text, boxes = _own_item(p[0], p[2], p[3])
        if text != p[2]:
            p[2], p[3] = text, boxes
            p[1] = _union(boxes) if boxes else None
    pieces = [p for p in pieces if p[2]]
    # one character is no label's box (规 of 规范性文件 read as 规章 covers half of that name)
    kept = [(role, b, text) for role, b, text, _ in pieces
            if len(labels.norm(text)) > 1 and labels.words_of(role, text) >= 0.75 and labels.covers(role, text) >= 0.5]
    # a row label is printed once on a page (column labels repeat: the appeals table's 结果维持
    # under each group): of two runs of one row's role, the one that holds more of its name
    # (年度办理结 of a caption read as 四、结转下年度继续办理's role loses to the label)
    best: dict[str, float] = {}
    for role, _, text in kept:
        best[role] = max(best.get(role, 0.0), labels.covers(role, text))
    return [(role, b, text) for role, b, text in kept
            if labels.kind(role) != "ROW" or labels.covers(role, text) >= best[role] - 1e-9]


def _own_item(role: str, text: str, boxes: list) -> tuple[str, list]:
    start, end = labels.own_item_span(role, list(text))
    return text[start:end], boxes[start:end]


def _union(boxes) -> list:
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def _trim(role: str, text: str, boxes: list) -> tuple[str, list]:
    """Characters at either end of a run that are not in the label's words: a character of a
    group caption printed vertically beside the label (年 of 三、本年度办理结果) read into it."""
    own = set("".join(labels.names(role)))
    a, b = 0, len(text)
    while a < b and labels.norm(text[a]) not in own:
        a += 1
    while b > a and labels.norm(text[b - 1]) not in own:
        b -= 1
    return text[a:b], boxes[a:b]


def _drop_caption(role: str, text: str, boxes: list) -> tuple[str, list]:
    """A sub-row's run that starts with its group's caption, printed on the same line to its
    left ((五)不予处理1.信访…): the caption's characters are the group's, not the row's."""
    cap = labels.caption(role)
    if cap and len(text) > len(cap):
        k = 0
        while k < len(cap) and k < len(text) and labels.norm(text[k]) == cap[k]:
            k += 1
        if k == len(cap):
            return text[k:], boxes[k:]
    return text, boxes


def _beside(last, box) -> bool:
    h = max(last[3] - last[1], box[3] - box[1], 1)
    same_line = abs((last[1] + last[3]) - (box[1] + box[3])) / 2 < h * 0.6
    return same_line and -h * 0.5 <= box[0] - last[2] <= h * 1.2


def _join_wrapped(pieces: list[list]) -> list[list]:
    """A label wrapped in a narrow cell: pieces of one role stacked right under each other."""
    out: list[list] = []
    for p in sorted(pieces, key=lambda p: (p[1][1], p[1][0])):
        for q in out:
            qb, pb = q[1], p[1]
            h = max(pb[3] - pb[1], 1)
            overlap = min(qb[2], pb[2]) - max(qb[0], pb[0])
            if q[0] == p[0] and -0.5 * h <= pb[1] - qb[3] < 0.8 * h and overlap > 0:
                # a wrapped line starts under the label, not left of it: characters wholly left
                # of the line above belong to the cell beside (a caption printed over two lines)
                k = 0
                if not labels.has_own_item(p[0], list(p[2])):  # a label's first line is all its own
                    while k < len(p[3]) - 1 and p[3][k][2] <= qb[0]:
                        k += 1
                text, boxes = p[2][k:], p[3][k:]
                pb = _union(boxes)
                q[1] = [min(qb[0], pb[0]), qb[1], max(qb[2], pb[2]), max(qb[3], pb[3])]
                q[2] += text
                q[3] = q[3] + boxes
                break
        else:
            out.append(p)
    return out


def prediction_result(doc: Document, page: Page, img_w: int, img_h: int,
                      label_regions: list[tuple[str, tuple, str]] | None = None) -> list[dict]:
    """The page's regions. `label_regions`: the row and column label boxes (role, box in page
    units, text) of a rendered HTML or Word page, read from its table grid (grid_labels);
    None: a PDF or image page, whose labels come from the token model and the cells' layout."""
    w, h = page.width, page.height
    out: list[dict] = []
    n = 0
    for key, c in doc.fields.items():
        if c.page == page.number and c.bbox:
            n += 1
            out += region(f"v{n}", f"VAL:{key}", cell_text(c), _percent(c.bbox, w, h), img_w, img_h, c.confidence,
                          blank=cell_is_blank(c), note=cell_note(c))
    for mid, m in doc.metrics.items():
        if m.page == page.number and m.bbox and m.value is not None:
            n += 1
            text, box = number_in_clause(page, m)
            out += region(f"m{n}", f"MET:{mid}", text, _percent(box, w, h), img_w, img_h, m.confidence)
    if label_regions is not None:
        for role, bbox, text in label_regions:
            n += 1
            out += region(f"g{n}", role, text, _percent(bbox, w, h), img_w, img_h)
        return out
    toks, boxes, tags = page_tokens(page)
    spans = _token_spans(toks, boxes, tags)
    for role, b, text in spans:
        n += 1
        box = {"x": b[0] / 10, "y": b[1] / 10, "width": (b[2] - b[0]) / 10, "height": (b[3] - b[1]) / 10,
               "rotation": 0}
        out += region(f"t{n}", role, text, box, img_w, img_h)
    # the row and column labels the model did not give: proposed from the layout of the cells
    have = {role for role, _, _ in spans}
    for role, bbox, text in layout_regions(doc, page):
        if role not in have:
            n += 1
            out += region(f"l{n}", role, text, _percent(bbox, w, h), img_w, img_h, 0.5)
    return out


def predicted_values(doc: Document) -> dict:
    """The document-level output the gold starts from where no region says otherwise."""
    # a report printing the aggregate （六）其他处理 row has its keys too (schema.field_keys)
    fields = {k: doc.fields[k].value if k in doc.fields else None
              for k in schema.field_keys(doc.format, bool(doc.aggregate))}
    metrics = {mid: m.value for mid, m in doc.metrics.items() if m.value is not None}
    return {"fields": fields, "metrics": metrics}


def page_tasks(doc: Document, doc_id: str, images: list[dict],
               label_regions: dict[int, list] | None = None) -> list[dict]:
    """Tasks for Label Studio's import: data (image URL, tokens, document facts) and one
    prediction each. `images[i]` = {"url", "width_px", "height_px"} of page i+1;
    `label_regions`: {page: row and column label boxes} of a rendered HTML or Word document."""
    version = model_version(doc)
    common = {"doc_id": doc_id, "source": doc.source.path, "sha256": doc.source.sha256, "kind": doc.source.kind,
              "pages": len(doc.pages), "format": doc.format, "agency": doc.agency, "year": doc.year,
              "aggregate": bool(doc.aggregate), "predicted": predicted_values(doc), "model_version": version}
    tasks = []
    report = to_dict(doc)
    for page, img in zip(doc.pages, images):
        toks, boxes, _ = page_tokens(page)
        result = prediction_result(doc, page, img["width_px"], img["height_px"],
                                   None if label_regions is None else label_regions.get(page.number, []))
        scores = [r["score"] for r in result if "score" in r and r["from_name"] == labels.LABEL]
        boxed = sorted({labels.target(r["value"]["rectanglelabels"][0]) for r in result
                        if r["from_name"] == labels.LABEL and r["value"]["rectanglelabels"][0].startswith("VAL:")})
        on_page = {k for k, c in doc.fields.items() if c.page == page.number}
        tasks.append({
            "data": {**common, labels.IMAGE: img["url"], "page": page.number, "width": page.width,
                     "height": page.height, "tokens": toks, "bboxes": boxes, "boxed": boxed,
                     labels.TABLES_HTML: tables_fragment(report, on_page) if on_page else NO_TABLE},
            "predictions": [{"model_version": version, "result": result,
                             "score": round(min(scores), 4) if scores else None}],
        })
    return tasks

"""Pulled annotations → training and evaluation data.

(a) the token-level dataset (docs/token-dataset.md): each token of an annotated page gets the
role of the smallest annotated region containing its centre, `O` outside every region;
(b) document-level gold JSON in the seeds' format, for documents whose every page is annotated:
the values start from the extractor's prediction (stored in the task at push time) and each
annotated region's transcription replaces its key's value, so a correction always wins.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nianbao import schema

from . import label_config as labels

ZERO_MARKS = {"", "-", "—", "–", "－", "/", "／", "无", "0", "一", "―", "─"}  # 一: a dash as OCR reads it
TRUE_TEXT = {"是", "true", "yes", "1", "收取", "有"}
FALSE_TEXT = {"否", "false", "no", "0", "未收取", "无", "不收取"}


@dataclass
class Region:
    id: str
    label: str | None
    text: str
    box: tuple[float, float, float, float] | None  # 0–1000 of the page: x0, y0, x1, y1
    blank: bool = False  # the annotator ticked "blank cell" (nothing printed)


def regions(result: list[dict]) -> tuple[list[Region], list[str]]:
    """Results grouped by region id: label (rectangle) + transcription (text area). Labels not
    in the schema are reported, not used: Label Studio stores whatever label it is sent."""
    by_id: dict[str, dict] = {}
    for r in result or []:
        rid = str(r.get("id"))
        g = by_id.setdefault(rid, {"label": None, "text": "", "box": None, "blank": False})
        v = r.get("value") or {}
        if all(k in v for k in ("x", "y", "width", "height")):
            g["box"] = (v["x"] * 10, v["y"] * 10, (v["x"] + v["width"]) * 10, (v["y"] + v["height"]) * 10)
        if r.get("type") == "rectanglelabels" and v.get("rectanglelabels"):
            g["label"] = v["rectanglelabels"][0]
        elif r.get("type") == "textarea":
            g["text"] = "".join(v.get("text") or [])
        elif r.get("type") == "choices" and r.get("from_name") == labels.CELL:
            g["blank"] = labels.BLANK in (v.get("choices") or [])
    out, problems = [], []
    for rid, g in by_id.items():
        if g["label"] is None:
            problems.append(f"region {rid} has no label")
            continue
        try:
            labels.check(g["label"])
        except labels.UnknownLabel as e:
            problems.append(f"region {rid}: {e}")
            continue
        out.append(Region(rid, g["label"], g["text"], g["box"], g["blank"]))
    return out, problems


def token_roles(bboxes: list[list[int]], regs: list[Region]) -> list[str]:
    boxed = sorted((r for r in regs if r.box), key=lambda r: (r.box[2] - r.box[0]) * (r.box[3] - r.box[1]))
    roles = []
    for x0, y0, x1, y1 in bboxes:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        role = "O"
        for r in boxed:
            if r.box[0] <= cx <= r.box[2] and r.box[1] <= cy <= r.box[3]:
                role = r.label
                break
        roles.append(role)
    return roles


def parse_value(text: str, ctype: str):
    """A cell's transcription as the number printed; an empty cell or a dash reads as 0."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"\s+", "", t).replace(",", "")
    if t in ZERO_MARKS:
        return 0
    t = re.sub(r"(万元|万|元|件|条|个|次|场次|场)$", "", t)
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", t):
        raise ValueError(f"not a number: {text!r}")
    if ctype == "decimal" or "." in t:
        f = float(t)
        return int(f) if ctype != "decimal" and f.is_integer() else f
    return int(t)


def parse_metric(text: str, mid: str):
    if schema.metric_unit(mid) == "bool":
        t = unicodedata.normalize("NFKC", text or "").strip().lower()
        if t in TRUE_TEXT:
            return True
        if t in FALSE_TEXT:
            return False
        raise ValueError(f"not yes/no: {text!r}")
    t = re.sub(r"^(约|近|超过|逾|共)", "", unicodedata.normalize("NFKC", text or "").strip())
    t = re.sub(r"(多|余)$", "", t)
    return parse_value(t, "decimal" if "." in t else "int")


def page_example(rec: dict) -> tuple[dict, list[str]]:
    d = rec["data"]
    regs, problems = regions(rec["result"])
    ex = {"doc_id": d["doc_id"], "page": int(d["page"]), "width": float(d["width"]), "height": float(d["height"]),
          "kind": d.get("kind") or "", "tokens": list(d["tokens"]), "bboxes": [list(b) for b in d["bboxes"]],
          "roles": token_roles(d["bboxes"], regs)}
    return ex, problems


def document_gold(doc_id: str, pages: list[dict]) -> tuple[dict, list[str]]:
    """Gold for one document from the current annotation of each of its pages (page order)."""
    pages = sorted(pages, key=lambda r: int(r["data"]["page"]))
    d0 = pages[0]["data"]
    fmt = d0["format"]
    predicted = d0.get("predicted") or {"fields": {}, "metrics": {}}
    # tasks pushed before `aggregate` was recorded: the predicted keys tell (the aggregate row's own)
    aggregate = d0.get("aggregate")
    if aggregate is None:
        aggregate = bool(set(predicted["fields"]) - set(schema.field_keys(fmt)))
    keys = schema.field_keys(fmt, bool(aggregate))
    fields = {k: predicted["fields"].get(k) for k in keys}
    metrics = dict(predicted.get("metrics") or {})
    problems: list[str] = []
    seen: dict[str, str] = {}
    corrected: dict[str, dict] = {}
    deleted: list[tuple[str, object]] = []
    for rec in pages:
        regs, probs = regions(rec["result"])
        page = rec["data"]["page"]
        problems += [f"page {page}: {p}" for p in probs]
        # a value box pushed on this page and deleted by the annotator: nothing is printed there
        kept = {labels.target(r.label) for r in regs if labels.kind(r.label) == "VAL"}
        deleted += [(k, page) for k in rec["data"].get("boxed") or [] if k not in kept]
        for r in regs:
            kind, tgt = labels.kind(r.label), labels.target(r.label)
            if kind not in ("VAL", "MET"):
                continue
            if r.label in seen:
                problems.append(f"page {page}: a second region for {r.label} (first on {seen[r.label]}) ignored")
                continue
            seen[r.label] = f"page {page}"
            try:
                if kind == "VAL":
                    if tgt not in fields:
                        problems.append(f"page {page}: {r.label} is not a key of format {fmt}")
                        continue
                    value = 0 if r.blank else parse_value(r.text, schema.col_type(*_table_col(tgt, fmt)))
                    before = fields[tgt]
                    fields[tgt] = value
                else:
                    value = parse_metric(r.text, tgt)
                    before = metrics.get(tgt)
                    metrics[tgt] = value
            except ValueError as e:
                problems.append(f"page {page}: {r.label}: {e}; the prediction stands")
                continue
            if before != value:
                corrected[r.label] = {"predicted": before, "annotated": value}
    for key, page in deleted:
        if f"VAL:{key}" in seen or key not in fields:  # moved to another box, or not of this format
            continue
        before, fields[key] = fields[key], 0
        seen[f"VAL:{key}"] = f"page {page} (box deleted: blank)"
        if before != 0:
            corrected[f"VAL:{key}"] = {"predicted": before, "annotated": 0, "how": "box deleted: blank cell"}
    missing = [k for k, v in fields.items() if v is None]
    if missing:
        problems.append(f"{len(missing)} key(s) with no value (e.g. {missing[0]}): neither predicted nor annotated")
    gold = {
        "doc": doc_id, "agency": d0.get("agency"), "year": d0.get("year"), "format": fmt,
        "fields": fields, "metrics": metrics,
        "source_inconsistencies": inconsistencies(fmt, fields, metrics),
        "annotation": {
            "project": pages[0]["project"],
            "tasks": [int(r["task_id"]) for r in pages],
            "annotators": sorted({r["annotator"] for r in pages if r.get("annotator")}),
            "updated_at": max(r["updated_at"] for r in pages),
            "model_version": d0.get("model_version"),
            "source": d0.get("source"), "sha256": d0.get("sha256"),
            "corrected": corrected,
            "problems": problems,
        },
    }
    return gold, problems


def _table_col(key: str, fmt: str) -> tuple[str, str, str]:
    table, _, col = schema.parse_key(key)
    return table, fmt, col


def inconsistencies(fmt: str, fields: dict, metrics: dict) -> list[str]:
    """The identities the annotated values break, as the reconciler words them (the seeds'
    gold lists the printed inconsistencies the same way, one string each)."""
    from nianbao.document import Cell, Document, Metric, Source
    from nianbao.reconcile import reconcile
    doc = Document(source=Source(path="<gold>"), format=fmt,
                   fields={k: Cell(value=v, confidence=1.0) for k, v in fields.items()})
    doc.metrics = {m: Metric(value=v) for m, v in metrics.items()}
    try:
        reconcile(doc)
    except Exception as e:  # noqa: BLE001 - gold is still useful without the list
        return [f"(not checked: {type(e).__name__}: {e})"]
    return [f.message for f in doc.flags]

"""How good are the boxes `nianbao annotate push` proposes? Agreement of the pushed regions
(value, row-label and column-label boxes) with gold, page by page, without a server.

Synthetic documents (their tokens.jsonl gives every printed character its role): each token
the extractor sees on the page is matched to the gold character at the same place (same
character, nearest centre, as eval/oracle_labels.py does), and then
  box agreement   a pushed VAL/ROW/COL box is right when the gold roles of the characters
                  inside it are all its own role (a value box on its gold cell, a label box on
                  its label and nothing else);
  token agreement a gold character of a role gets that role from the pushed boxes (the
                  smallest box containing its centre, as pull assigns roles).
A real report with a gold JSON (no character roles): a value box is right when the text inside
it reads as the gold value of its key (or is the cell's own printed text in another unit than
the column's, 251000元 under 万元, which the extractor read as the gold value); a row or column label box when its text is the label's
own words (at least 60 % of the label's characters, at most 25 % foreign ones).
Also counts pushed value texts that are not numbers (the 一 a dash used to come through as).

    python -m nianbao.eval.annotate_boxes --synth data/synth --limit 10 [--kind scan]
    python -m nianbao.eval.annotate_boxes --real ../shared/real/hongze_2024.pdf --page 3
    python -m nianbao.eval.annotate_boxes --real ../shared/real/shanghai_office_2019.html
    python -m nianbao.eval.annotate_boxes --synth data/synth --kind html|docx   (rendered as push renders them)
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from nianbao import schema
from nianbao.annotations import label_config as labels, tasks
from nianbao.annotations.render import STRUCTURED_KINDS
from nianbao.annotations.convert import parse_value

KINDS = ("VAL", "ROW", "COL")


def _pushed(doc, page, label_regions=None) -> list[tuple[str, tuple, str]]:
    """(role, box in 0–1000 of the page, text) of every region push would send for the page
    (`label_regions`: a rendered HTML or Word page's label boxes, as push passes them)."""
    out, by = [], {}
    for r in tasks.prediction_result(doc, page, 1000, 1000, label_regions):
        g = by.setdefault(r["id"], {})
        v = r["value"]
        g["box"] = (v["x"] * 10, v["y"] * 10, (v["x"] + v["width"]) * 10, (v["y"] + v["height"]) * 10)
        if r["from_name"] == labels.LABEL:
            g["role"] = v["rectanglelabels"][0]
        elif r["from_name"] == labels.TEXT:
            g["text"] = v["text"][0]
    for g in by.values():
        out.append((g["role"], g["box"], g.get("text", "")))
    return out


def _page_chars(page) -> list[tuple[str, tuple]]:
    """The page's characters, less those whose box is many lines tall (a text layer's box of a
    rotated or vertical caption character can span a quarter of the table; its centre says
    nothing about where it is printed)."""
    import statistics
    toks, boxes, _ = tasks.page_tokens(page)
    if not boxes:
        return []
    h = statistics.median(b[3] - b[1] for b in boxes) or 1
    return [(t, b) for t, b in zip(toks, boxes) if b[3] - b[1] <= 4 * h and b[2] - b[0] <= 8 * h]


def _inside(box, b) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _match_gold(chars, gold: dict, tol: float = 20.0) -> list[str | None]:
    index: dict[str, list[int]] = {}
    for i, ch in enumerate(gold["tokens"]):
        index.setdefault(ch, []).append(i)
    out = []
    for ch, b in chars:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        best, bd = None, tol
        for i in index.get(ch, ()):
            g = gold["bboxes"][i]
            d = abs((g[0] + g[2]) / 2 - cx) + abs((g[1] + g[3]) / 2 - cy)
            if d < bd:
                best, bd = i, d
        out.append(gold["roles"][best] if best is not None else None)
    return out


def _gold_as_read(gold: dict, page) -> dict:
    """Gold boxes (0–1000 of the page as published) in the frame of the page as read, where the
    page was straightened before it was read (push shows that frame)."""
    if page.to_source is None or not page.width:
        return gold
    import numpy as np
    inv = np.linalg.inv(np.array(page.to_source).reshape(3, 3))
    gw, gh = gold.get("width") or page.width, gold.get("height") or page.height
    boxes = np.array(gold["bboxes"], dtype=float).reshape(-1, 4)
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2000 * gw, (boxes[:, 1] + boxes[:, 3]) / 2000 * gh
    p = np.c_[cx, cy, np.ones(len(cx))] @ inv.T
    x, y = p[:, 0] / p[:, 2] / page.width * 1000, p[:, 1] / p[:, 2] / page.height * 1000
    hw, hh = (boxes[:, 2] - boxes[:, 0]) / 2, (boxes[:, 3] - boxes[:, 1]) / 2
    mapped = np.c_[x - hw, y - hh, x + hw, y + hh].tolist()
    return {**gold, "bboxes": mapped}


def score_synth_page(doc, page, gold: dict, acc: Counter, detail: list | None = None,
                     values: dict | None = None) -> None:
    """`values`: the document's gold values, for value boxes on blank cells (nothing inside)."""
    gold = _gold_as_read(gold, page)
    chars = _page_chars(page)
    roles = _match_gold(chars, gold)
    acc["chars"] += len(chars)
    acc["chars_matched"] += sum(r is not None for r in roles)
    regs = [r for r in _pushed(doc, page) if labels.kind(r[0]) in KINDS]
    for role, box, text in regs:
        k = labels.kind(role)
        inside = [g for (ch, b), g in zip(chars, roles) if _inside(box, b) and g is not None]
        printed = "".join(ch for ch, b in chars if _inside(box, b))
        if k == "VAL" and not inside and printed and set(printed) <= getattr(tasks, "DASHES", {"一", "-", "—"}):
            inside = []  # a dash (OCR reads it as 一, the gold has its own dash): a blank cell
        elif k == "VAL" and not inside and printed:
            acc["VAL_unmatched_boxes"] += 1  # characters the gold does not have at that place (misread)
            if detail is not None:
                detail.append(f"{doc.source.path} p{page.number} {role}: box text "
                              f"{''.join(ch for ch, b in chars if _inside(box, b))!r} not matched to gold")
            continue
        if k == "VAL" and not inside:
            # no character read inside (a blank or dashed cell, or a digit OCR missed that the
            # grid read from the cell's crop): right when the gold prints this key's characters
            # there, or prints nothing there and the key is blank
            acc["VAL_unread_boxes"] += 1
            grown = (box[0] - 5, box[1] - 5, box[2] + 5, box[3] + 5)
            there = {r for r, b in zip(gold["roles"], gold["bboxes"]) if _inside(box, b) and r != "O"}
            near = {r for r, b in zip(gold["roles"], gold["bboxes"]) if _inside(grown, b) and r != "O"}
            ok = (there == {role} or (not there and role in near)
                  or (not near and bool(values) and values.get(labels.target(role)) == 0))
            acc["VAL_unread_boxes_right"] += ok
            if not ok and detail is not None:
                detail.append(f"{doc.source.path} p{page.number} {role}: box with no character read {printed!r}, "
                              f"gold roles there {sorted(near)[:3]}, gold value "
                              f"{values.get(labels.target(role)) if values else None}")
            continue
        acc[f"{k}_boxes"] += 1
        if inside and all(g == role for g in inside):
            acc[f"{k}_boxes_right"] += 1
        elif detail is not None:
            text = "".join(ch for (ch, b) in chars if _inside(box, b))
            detail.append(f"{doc.source.path} p{page.number} {role}: box text {text!r}, gold roles "
                          f"{sorted(set(g or '?' for g in inside))[:3]}")
        if k == "VAL" and text and not _number(text):
            acc["VAL_not_a_number"] += 1
    smallest = sorted(regs, key=lambda r: (r[1][2] - r[1][0]) * (r[1][3] - r[1][1]))
    for (ch, b), g in zip(chars, roles):
        if g is None or labels.kind(g) not in KINDS:
            continue
        got = next((r[0] for r in smallest if _inside(r[1], b)), "O")
        acc[f"{labels.kind(g)}_tokens"] += 1
        acc[f"{labels.kind(g)}_tokens_right"] += got == g


def _number(text: str) -> bool:
    try:
        parse_value(text, "decimal")
        return True
    except ValueError:
        return False


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def _names(role: str, fmt: str) -> list[str]:
    k, tgt = labels.kind(role), labels.target(role)
    table, rest = tgt.split(".", 1)
    if k == "ROW":
        rows = [r for f in schema.FORMATS for r in schema.rows(table, f, f == fmt) if r.id == rest]
        return [_norm(n) for r in rows for n in (r.zh.split()[-1].split("·")[-1], *r.match)]
    cols = [schema.columns(table, f)[rest] for f in schema.FORMATS if rest in schema.columns(table, f)]
    return [_norm(n) for c in cols for n in (c.zh, *c.match)]


def label_box_right(role: str, text: str, fmt: str) -> bool:
    t = _norm(text)
    if not t:
        return False
    for name in _names(role, fmt):
        own = sum(ch in name for ch in t)
        if own / len(t) >= 0.75 and sum(ch in t for ch in name) / len(name) >= 0.6:
            return True
    return False


def _name(role: str) -> str:
    return getattr(labels, "display", str)(role)


def score_real_page(doc, page, gold: dict, acc: Counter, detail: list, label_regions=None,
                    found_labels: set | None = None) -> None:
    """`found_labels`: collect the roles with a right label box here instead of counting the
    labels the page prints (score_rendered counts them per document)."""
    chars = _page_chars(page)
    pushed = _pushed(doc, page, label_regions)
    # the row and column labels the page prints: those of the values it holds
    wanted = set()
    for role, _, _ in pushed:
        if labels.kind(role) == "VAL":
            table, row, col = schema.parse_key(labels.target(role))
            wanted |= {f"ROW:{table}.{row}", f"COL:{table}.{col}"}
    # a table continued from the page before does not repeat its header: its column labels are
    # wanted only where the page prints one of that table's column names
    page_text = _norm("".join(ch for ch, _ in chars))
    headed = {labels.target(r).split(".")[0] for r in wanted if labels.kind(r) == "COL"
              and any(n in page_text for n in _names(r, doc.format) if len(n) >= 3)}
    wanted = {r for r in wanted if labels.kind(r) == "ROW" or labels.target(r).split(".")[0] in headed}
    found = set()
    for role, box, text in pushed:
        k = labels.kind(role)
        if k not in KINDS:
            continue
        inside = "".join(ch for ch, b in chars if _inside(box, b))
        acc[f"{k}_boxes"] += 1
        if k == "VAL":
            key = labels.target(role)
            try:
                ok = parse_value(inside or "", "decimal") == gold["fields"].get(key)
            except ValueError:
                ok = False
            cell = doc.fields.get(key)
            if not ok and cell is not None and inside and _norm(inside) == _norm(cell.text or "") \
                    and cell.value == gold["fields"].get(key):
                ok = True  # the cell's own characters, printed in another unit (251000元 under 万元)
                acc["VAL_other_unit"] += 1
            if text and not _number(text):
                acc["VAL_not_a_number"] += 1
        else:
            ok = label_box_right(role, inside, doc.format)
            if ok:
                found.add(role)
        acc[f"{k}_boxes_right"] += ok
        if not ok:
            detail.append(f"page {page.number} {role} ({_name(role)}): box text {inside!r}")
    if found_labels is not None:
        found_labels |= found
        return
    for role in wanted:
        acc[f"{labels.kind(role)}_labels"] += 1
        acc[f"{labels.kind(role)}_labels_right"] += role in found
    detail += [f"page {page.number} no box on the label of {role} ({_name(role)})"
               for role in sorted(wanted - found)]


def score_rendered(v, gold: dict, acc: Counter, detail: list) -> None:
    """An HTML or Word report's rendered pages (`v`: nianbao.annotations.render.View), scored as
    a real page is, and: every value with a box (`VAL_values`), and every value box with
    nothing printed inside (a blank cell) in line with the other cells of its grid column and
    grid row, i.e. drawn by the browser in the slot the reader's grid gives it (`VAL_blank`)."""
    doc = v.doc
    found: set[str] = set()
    for page in doc.pages:
        score_real_page(doc, page, gold, acc, detail, v.labels.get(page.number, []), found)
    # labels per document: a table split over pages prints its header once, above its first rows
    wanted = set()
    for key, c in doc.fields.items():
        if c.page is not None:
            table, row, col = schema.parse_key(key)
            wanted |= {f"ROW:{table}.{row}", f"COL:{table}.{col}"} & set(labels.all_labels())
    for role in sorted(wanted):
        acc[f"{labels.kind(role)}_labels"] += 1
        acc[f"{labels.kind(role)}_labels_right"] += role in found
        if role not in found:
            detail.append(f"no box on the label of {role} ({_name(role)})")
    grid = list(v.cells.values())
    for key, c in doc.fields.items():
        acc["VAL_values"] += 1
        acc["VAL_values_right"] += c.page is not None
        if c.page is None:
            detail.append(f"{key}: no box (grid cell {c.table_cell})")
            continue
        g = v.cells[tuple(c.table_cell)]
        if g.chars:
            continue
        acc["VAL_blank"] += 1
        # its left edge is where other cells of its first grid column start, its right edge
        # where those of its last column end; the same for its rows, on its page
        same = [h for h in grid if h.table == g.table and h is not g]
        checks = []
        for lo, hi, a, z, n in (("col", "cols", 0, 2, g.col), ("row", "rows", 1, 3, g.row)):
            first = [h for h in same if getattr(h, lo) == n and (lo == "col" or h.page == g.page)]
            end = getattr(g, lo) + getattr(g, hi)
            last = [h for h in same if getattr(h, lo) + getattr(h, hi) == end and (lo == "col" or h.page == g.page)]
            if first and last:
                checks.append(any(abs(h.box[a] - g.box[a]) < 2 for h in first)
                              and any(abs(h.box[z] - g.box[z]) < 2 for h in last))
        if not checks:  # no other cell of its column or row to compare with
            acc["VAL_blank_unchecked"] += 1
            continue
        ok = all(checks)
        acc["VAL_blank_right"] += ok
        if not ok:
            detail.append(f"{key}: blank cell box {g.box} not in line with grid column {g.col} / row {g.row}")


def report(acc: Counter) -> dict:
    out = {}
    for k in KINDS:
        for what in ("boxes", "unread_boxes", "tokens", "labels", "values", "blank"):
            n = acc[f"{k}_{what}"]
            if n:
                out[f"{k}_{what}"] = f"{acc[f'{k}_{what}_right']}/{n} ({acc[f'{k}_{what}_right'] / n:.1%})"
    if acc["VAL_other_unit"]:
        out["VAL_other_unit"] = acc["VAL_other_unit"]
    if acc["VAL_blank_unchecked"]:
        out["VAL_blank_unchecked"] = acc["VAL_blank_unchecked"]
    out["VAL_not_a_number"] = acc["VAL_not_a_number"]
    out["VAL_unmatched_boxes"] = acc["VAL_unmatched_boxes"]
    if acc["chars"]:
        out["chars_matched_to_gold"] = f"{acc['chars_matched']}/{acc['chars']}"
    return out


STRUCTURED = {"html": "report.html", "docx": "report.docx"}


def main(argv=None) -> int:
    from nianbao.pipeline import extract
    p = argparse.ArgumentParser(prog="python -m nianbao.eval.annotate_boxes")
    p.add_argument("--synth", type=Path, help="a synth corpus (docs/<doc>/{report.pdf,scan.pdf,report.html,"
                                              "report.docx,tokens.jsonl}, gold/<doc>.gold.json)")
    p.add_argument("--kind", default="scan", choices=("scan", "report", *STRUCTURED),
                   help="which input of each document (html, docx: rendered as push renders them)")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--real", type=Path, help="a real PDF, HTML or Word report with <stem>.gold.json beside it")
    p.add_argument("--page", type=int, action="append", help="only these pages of --real")
    p.add_argument("--model", default="auto", help="as extract: auto (default), default, DIR, or none")
    a = p.parse_args(argv)
    model = None if a.model == "none" else a.model
    result = {}
    with _Renderer() as rendered:
        if a.synth:
            acc, detail = Counter(), []
            for d in sorted((a.synth / "docs").iterdir())[:a.limit]:
                values = json.loads((a.synth / "gold" / f"{d.name}.gold.json").read_text(encoding="utf-8"))
                if a.kind in STRUCTURED:
                    if (d / STRUCTURED[a.kind]).is_file():
                        score_rendered(rendered(extract(d / STRUCTURED[a.kind], model=model)), values, acc, detail)
                    continue
                doc = extract(d / f"{a.kind}.pdf", model=model)
                # tokens.jsonl holds the digital PDF's pages and, where the scan's pages differ
                # (stamped, photographed), the scan's: each input against its own
                want = "digital_pdf" if a.kind == "report" else "scanned_pdf"
                entries = list(map(json.loads, (d / "tokens.jsonl").read_text(encoding="utf-8").splitlines()))
                gold = {g["page"]: g for g in entries if g.get("kind", want) == want}
                gold = gold or {g["page"]: g for g in entries}
                for page in doc.pages:
                    if page.number in gold:
                        score_synth_page(doc, page, gold[page.number], acc, detail, values["fields"])
            result["synth"] = {**report(acc), "wrong": detail[:40]}
        if a.real:
            acc, detail = Counter(), []
            doc = extract(a.real, model=model)
            gold = json.loads(a.real.with_name(a.real.stem + ".gold.json").read_text(encoding="utf-8"))
            if doc.source.kind in STRUCTURED_KINDS:
                score_rendered(rendered(doc), gold, acc, detail)
            else:
                for page in doc.pages:
                    if not a.page or page.number in a.page:
                        score_real_page(doc, page, gold, acc, detail)
            result["real"] = {**report(acc), "wrong": detail}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


class _Renderer:
    """Renders documents as push does, with one browser for all of them."""

    def __enter__(self):
        import tempfile
        self.browser, self.tmp = None, tempfile.TemporaryDirectory(prefix="nianbao-boxes-")
        self.n = 0
        return self

    def __call__(self, doc):
        from nianbao.annotations import render
        if self.browser is None:
            self.browser = render.browser()
        self.n += 1
        return render.view(doc, Path(self.tmp.name) / str(self.n), self.browser)

    def __exit__(self, *exc):
        if self.browser is not None:
            self.browser.close()
        self.tmp.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())

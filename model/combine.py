"""Merge the model's reading of a report with the rules' reading.

Two policies, both measured by `nianbao eval` (variants `model` and `model+reconciler`):
- "model": the model's cells and metrics win; the rules fill what the model did not read. On an
  OCR'd page a blank the model inferred does not overrule digits OCR'd at the cell, nor its
  reading of the very characters the rules read there (issue 28 item 4: `_blank_over_read`, `_same_ink`).
- "reconcile": where the two readings of a cell differ, keep the one under which the report's
  identities (勾稽关系) hold; on a tie the rules' reading unless the model is clearly (TIE_MARGIN) more confident. Both readings are what the
  document printed as one reader or the other saw it — nothing is computed — and the losing
  reading stays in the cell's alternatives for the reviewer. The identities count what they
  can still check where cells are unread (nianbao/schema/checks.py: bounds and derivations).
A value only the model read says so in `reason` and claims at most CONF_MODEL_ONLY.
"""
from __future__ import annotations

import re

from nianbao import cell_writer
from nianbao.document import Cell, Document, Metric
from nianbao.schema.equations import broken, chosen_by, equations
from nianbao.textnorm import SPECK_MARKS, norm
from nianbao.variants import blank_columns

EPS = 1e-6
# a value only the model read has nothing but the model's softmax behind it, which runs near 1
# whether the value sits in the right row or not (洪泽 2024: another row's value at 0.997); the
# reconciler raises it again when an identity vouches for it
CONF_MODEL_ONLY = 0.85
ONLY_MODEL = "read only by the token model"
# on a tie of the identities the model's reading wins only by this much more confidence: its
# softmax scores run near 1 and are not calibrated against the OCR's (a model reading of 1.0
# beat an OCR reading of 0.9998 in a row it had placed wrongly); a rules cell placed by fitting
# the identities (0.5) still loses to a clear model reading
TIE_MARGIN = 0.2
# a digit only a crop re-read found counts as read at the cell — above an inferred blank, as the
# page OCR's digits do — when the crop read it this surely (the OCR stage's no-second-look level):
# on fresh scans (seeds 2491-2495) the model's blanks the identities chose over crop digits were
# right over crop readings of 0.71-0.88 and wrong over three of 0.998-0.9997, printed 1s a
# report's own balance error (balance_off) made the blanks "fit"
CROP_READ_AT_CELL = 0.9


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    try:
        return abs(float(a) - float(b)) < EPS
    except (TypeError, ValueError):
        return a == b


def _alone(cell: Cell, reason: str = ONLY_MODEL) -> Cell:
    """The model's cell, marked as the model's reading alone."""
    cell.confidence = min(cell.confidence, CONF_MODEL_ONLY)
    if not cell.blank:
        cell.reason = reason
    return cell


def _take(doc: Document, key: str, cell: Cell, other: Cell | None) -> None:
    if other is not None and other.value is not None and not _same(other.value, cell.value):
        cell.alternatives = sorted({*cell.alternatives, other.value} - {cell.value}, key=str)
    # the cell's reason says why it won (the cell writer records it; the rules' own cell: kept)
    cell_writer.write(doc, key, cell, stage="model", why=cell.reason or "the token model's reading")


def combine(doc: Document, model_cells: dict[str, Cell], model_metrics: dict[str, Metric],
            policy: str = "reconcile") -> None:
    differ, later = [], []
    for key, mc in model_cells.items():
        rc = doc.fields.get(key)
        if rc is None or rc.value is None:
            if mc.blank and not mc.text and not _text_layer(doc, mc.page):
                # the rules could not read this cell. On an OCR'd page a blank the model infers
                # (no token there) may be a digit the OCR lost, so it fills the gap only after
                # the identities have settled the cells both read: it must not tip them
                later.append(key)
                continue
            _take(doc, key, _alone(mc), rc)
        elif not _same(rc.value, mc.value):
            differ.append(key)
        elif not _ocr_read(doc, rc.page):
            rc.confidence = max(rc.confidence, mc.confidence)
        # on an OCR'd page both read the OCR's tokens: the model agreeing says where the value
        # sits, not that its digits were read right, so the OCR's confidence stands (a zero mark
        # / read as 1 on a stamped scan, the model agreeing: 1.0 on a cell no identity checks)
    if policy == "model":
        for key in differ:
            why = _rules_stand(doc, doc.fields[key], model_cells[key])
            if why:
                _keep_rules(doc, key, model_cells[key], why)
            else:
                _take(doc, key, _alone(model_cells[key], f"{ONLY_MODEL} (the rules read {doc.fields[key].value})"),
                      doc.fields.get(key))
    elif differ:
        _by_identities(doc, model_cells, differ)
    for key in later:
        _take(doc, key, _alone(model_cells[key]), doc.fields.get(key))
    # metrics have no identities to settle a difference: under "reconcile" the rules' clause
    # reading stands (it was right on every set measured, docs/model.md) and the model only
    # fills metrics the rules did not find
    for mid, mm in model_metrics.items():
        rm = doc.metrics.get(mid)
        if rm is None or rm.value is None or policy == "model":
            doc.metrics[mid] = mm


def _rules_stand(doc: Document, rc: Cell, mc: Cell) -> str | None:
    """For the model alone: why the rules' cell stands against the model's differing reading, or
    None where the model's reading is taken. The first test that holds gives the reason:
    - a digit only a crop re-read found stands too: the model alone has no identities to weigh it
      by, and its blank there is no reading at all (92 of the shipped model alone's 158 wrong cells
      on 50 unseen scans were such lone 1s, seeds 2471-75);
    - the same characters at the same cell: the model's value is their plain parse, the rules' is
      the ink judged (a phone photo of zero marks, seed 2473: 116 cells of one report became 1);
    - a crop's re-reading of the very token the model read;
    - a token from outside the cell, against a reading that claims as much;
    - a mark beside the digits read as the cell's zero."""
    for holds, why in ((lambda: _blank_over_read(doc, mc, rc, crop_found=True), KEPT_OVER_BLANK),
                       (lambda: _same_ink(doc, rc, mc), KEPT_SAME_INK),
                       (lambda: _crop_reread_of(doc, rc, mc), KEPT_CROP_REREAD),
                       (lambda: _elsewhere(doc, rc, mc), KEPT_SURE),
                       (lambda: _mark_beside_digits(doc, rc, mc), KEPT_MARK)):
        if holds():
            return why
    return None


KEPT_READ = ("digits read at the cell kept: the token model's reading (a blank there, or a "
             "token from outside the cell) satisfies the identities no better")


KEPT_OVER_BLANK = "digits read at the cell kept: the token model inferred a blank there"
KEPT_SAME_INK = "the rules' reading of the cell's ink kept: the token model read the same characters"


def _inferred_blank(cell: Cell) -> bool:
    """The model's cell is a blank it inferred (no token of its own there), not a read 0 or dash."""
    return cell.blank and not cell.text


def _blank_over_read(doc: Document, mc: Cell, rc: Cell, crop_found: bool = False) -> bool:
    """The model inferred a blank where the OCR read digits at the cell: under either policy the
    printed digits stand (issue 28 item 4; the reasons are at `pinned` in _by_identities). Digits
    only a crop re-read found, where the page OCR saw nothing, count only with `crop_found`: the
    crop reader calls stray ink a digit too, so the merge lets the identities weigh them."""
    return (_inferred_blank(mc) and _read_at_cell(rc) and _ocr_read(doc, rc.page)
            and (crop_found or "the page OCR missed it" not in (rc.reason or "")
                 or rc.confidence >= CROP_READ_AT_CELL))


def _keep_rules(doc: Document, key: str, mc: Cell, why: str) -> None:
    """The rules' cell stands, saying why, with the model's reading among its alternatives."""
    rc = doc.fields[key]
    rc.reason = "; ".join(filter(None, [rc.reason, why]))
    _take(doc, key, rc, mc)


def _read_at_cell(cell: Cell) -> bool:
    """The rules read digits printed at this cell (not a blank or dash, not an inference): a
    value the rules placed by fitting the identities (blank cells of a row placed by its sum)
    was read somewhere in the row, not at this cell."""
    return not cell.blank and any(ch.isdigit() for ch in cell.text or "") and not chosen_by(cell.reason)


def _inside(box, outer, page, outer_page) -> bool:
    """A token box whose centre lies in the other box, on the same page."""
    if not box or not outer or page != outer_page:
        return False
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _keep_read_digits(doc: Document, model_cells: dict[str, Cell], choice: dict[str, str], eqs,
                      vals: dict) -> set[str]:
    """Digits found at a cell beat an inferred blank: where the model's chosen reading has a
    blank, or a token from outside the cell, at a cell whose digits the rules read (and gave
    those digits' token to another cell: a row moved), the rules' reading of those cells is
    restored whenever the identities hold no worse with it. A photographed 2019 page lost five printed values to the model's blanks
    and 12 moved from 予以公开 to 部分公开 because the group as a whole broke fewer identities
    (issue 24). Tried first all together (a row's values and its total), then one by one."""
    def elsewhere(k: str) -> bool:
        """The model's reading is not of this cell's ink: a blank it inferred, or a token that
        lies outside the cell the rules read (the next column's 0 on a photographed page)."""
        mc, rc = model_cells[k], doc.fields[k]
        if mc.blank and not mc.text:
            return True
        return rc.bbox is not None and mc.bbox is not None and not _inside(mc.bbox, rc.bbox, mc.page, rc.page)

    def at_blank(k: str) -> bool:
        return choice[k] == "model" and _read_at_cell(doc.fields[k]) and elsewhere(k)

    def with_moved(k: str) -> list[str]:
        rc = doc.fields[k]
        return [k] + [j for j, who in choice.items() if who == "model" and j != k
                      and _inside(model_cells[j].bbox, rc.bbox, model_cells[j].page, rc.page)]

    todo = [with_moved(k) for k in choice if at_blank(k)]
    kept: set[str] = set()
    for groups in ([[k for g in todo for k in g]], todo):
        for group in groups:
            group = [k for k in dict.fromkeys(group) if choice[k] == "model"]
            if not group:
                continue
            mine = [eq for eq in eqs if any(k in eq.keys() for k in group)]
            trial = {**vals, **{k: doc.fields[k].value for k in group}}
            if broken(mine, trial) <= broken(mine, vals):
                for k in group:
                    choice[k] = "rules"
                    vals[k] = doc.fields[k].value
                    kept.add(k)
    return kept


def _same_ink(doc: Document, rc: Cell, mc: Cell) -> bool:
    """On an OCR'd page, the model's value is the very characters the rules read at the cell and
    then judged by the cell's ink (a 1 whose one mark leans like the zero mark /, kept as 0):
    the model's confidence is its certainty about where the token sits, not about the ink, so
    it is no reason to overrule the rules' reading of that ink (a worn scan of zero marks, seed
    2474: fifteen /s the rules read as 0 became 1 "the identities cannot tell")."""
    if not _ocr_read(doc, rc.page) or not rc.text or not mc.text:
        return False
    if rc.bbox is not None and mc.bbox is not None and not _inside(mc.bbox, rc.bbox, mc.page, rc.page):
        return False
    mine = "".join(norm(mc.text).split())
    theirs = "".join(norm(rc.text).split())
    # the model's value is a token's digits, a point the OCR read beside them left out: the rules
    # read '1.' and judged its one mark a zero mark /, the model read the 1 of it (a worn copy,
    # seed 2502: 7 of the fine-tuned model alone's 11 wrong cells where the rules were right)
    if theirs == mine or (theirs[:-1] == mine and theirs[-1] in SPECK_MARKS):
        return True
    page_read = _page_ocr_text(rc)
    # the page OCR read a 1 as a letter beside it ('i1'), the crop re-read 11: the model's 1 is
    # the digit part of those very characters (a worn copy, seed 2503)
    if page_read is not None and (page_read == mine or (mine.isdigit() and re.sub(r"\D", "", page_read) == mine)):
        return True
    # the rules judged the cell's one mark by its shape (an upright stroke: a 1): the model's
    # mark there (一, read as a dash) is that ink, not a second reading of it (a phone photo,
    # seeds 2504 and 2534: 1 became 0 in the model-alone reader)
    return STROKE_SHAPE in (rc.reason or "") and len(mine) == 1 and not mine.isdigit()


# a value only the model read claims at most CONF_MODEL_ONLY: a token the model put into a cell
# from outside the box the rules read the cell in does not overrule a rules reading of the cell
# that claims at least as much. On the tuning scans (evals30-32, 1,800 reports) the model alone
# overruled the rules that way six times, with its softmax at 0.35-0.92 against the rules'
# 0.85-1.0, each a neighbour's token (the 14 beside 15, the 2 a row above); it was right on
# none. Where the rules' cell has no box (the text path's guess) the model stays free: there it
# was right 7 times of 8.
KEPT_SURE = ("the rules' reading of the cell kept: the token model read a token outside the cell")


def _elsewhere(doc: Document, rc: Cell, mc: Cell) -> bool:
    """For the model alone: the model's value is a token lying outside the box the rules read
    the cell in, where the rules' reading (a blank the grid saw empty, digits at the cell) claims
    at least what a model-only reading may: a neighbour's token is no reading of this cell."""
    if not _ocr_read(doc, rc.page) or rc.value is None or rc.bbox is None or mc.bbox is None:
        return False
    return rc.confidence >= CONF_MODEL_ONLY and not _inside(mc.bbox, rc.bbox, mc.page, rc.page)


KEPT_MARK = ("digits read at the cell kept: the token model read a mark beside them as the cell's "
             "zero mark")


def _mark_beside_digits(doc: Document, rc: Cell, mc: Cell) -> bool:
    """For the model alone: the model read a mark in the cell as its zero mark (a dash, no digit),
    where the rules read digits at the cell and that mark among them — a speck before a 1 read
    '-1', the model's '-' a dash. Like a blank it inferred, a mark it read as zero does not
    overrule the digits read at the cell (issue 28 item 4; a phone photo of seed 2574)."""
    if not _ocr_read(doc, rc.page) or not mc.blank or not mc.text or not _read_at_cell(rc):
        return False
    mark = "".join(norm(mc.text).split())
    if not mark or any(ch.isdigit() for ch in mark) or mark not in "".join(norm(rc.text).split()):
        return False
    return rc.bbox is None or mc.bbox is None or _inside(mc.bbox, rc.bbox, mc.page, rc.page)


def _crop_reread_of(doc: Document, rc: Cell, mc: Cell) -> bool:
    """For the model alone: the rules' cell is the OCR's second look at the very token the model
    read — a tight crop re-read the page OCR's reading the model took (`first reading 78` and
    the model's 78; `page OCR read '9': a digit lost` and the model's 9). The model placed the
    token; what its digits are is the OCR's best reading of the ink (on 1,350 tuning scans the
    model alone was wrong on 3 such cells, the crop on none, where the crop read one run of ink
    with no fewer digits than the token). A crop that read fewer digits (+12 of +412: it lost
    ink) or two runs (2 13) is no better reading, and the merge still weighs all of these by
    the identities (a crop's 322 of a printed 32, seed 2485)."""
    if not _ocr_read(doc, rc.page) or not mc.text or rc.value is None or mc.value is None:
        return False
    if rc.bbox is not None and mc.bbox is not None and not _inside(mc.bbox, rc.bbox, mc.page, rc.page):
        return False
    m = _CROP_REREAD.search(rc.reason or "")
    if m is None:
        return False
    crop, first, page = m.group("crop").strip(), m.group("first"), m.group("page")
    mine = "".join(mc.text.split())
    same_token = (page is not None and "".join(page.split()) == mine) or (first is not None and _same(first, mc.value)
                                                                           and _digits(mine) == _digits(first))
    return same_token and " " not in crop and (_digits(crop) >= _digits(mine) or _doubled(mine, crop, mc.bbox))


def _doubled(mine: str, crop: str, box) -> bool:
    """The page OCR read one digit twice: its token is the crop's one digit doubled, in a box
    narrower than 0.8 of its height — one glyph's width, not two (a phone photo's 2 read 22 in
    6.8 × 10 pt, seed 2554). A 1 is excepted: two printed 1s are that narrow."""
    return (box is not None and len(crop) == 1 and crop.isdigit() and crop != "1" and mine == crop * 2
            and box[2] - box[0] < 0.8 * (box[3] - box[1]))


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in str(s))


_CROP_REREAD = re.compile(r"re-read on a tight crop: (?P<crop>.+?) \((?:first reading (?P<first>[^)]*)|"
                          r"page OCR read '(?P<page>[^']*)': a digit lost)\)")
KEPT_CROP_REREAD = "the tight crop's re-reading of the token the token model read kept"


def _page_ocr_text(rc: Cell) -> str | None:
    """What the page OCR read at a cell the rules then re-read on a tight crop (the grid says so
    in the cell's reason, ocr/assemble_grid.py `_take_reread`): the model's token there is those
    very characters. A lone 1 the page OCR read as 一: the model tags the 一 a value and reads it
    as a dash, 0; the crop reads the ink, 1 (issue 28: 9 of the model alone's wrong cells on 300
    unseen phone photos, worn copies and phone captures)."""
    m = _PAGE_READ.search(rc.reason or "")
    return "".join(m.group(1).split()) if m else None


# only the re-read of a mark (一 read 1): a crop that claims digits the page OCR lost ("re-read on
# a tight crop: 322 (page OCR read '32': a digit lost)") read more ink than the model's token, and
# the crop reader calls stray ink a digit too — there the merge keeps weighing the model's reading
# by the identities (a worn copy's 32 became 322 when it did not, seed 2485)
# ocr/assemble_grid.py's STROKE_REASON: the ink's shape read the cell as a 1
STROKE_SHAPE = "upright stroke of digit height"
_PAGE_READ = re.compile(r"re-read on a tight crop \(page OCR read '([^']*)'\)")


def _clearly_surer(conf_model: float, conf_rules: float) -> bool:
    return conf_model > conf_rules + TIE_MARGIN


def _ocr_read(doc: Document, page: int | None) -> bool:
    """The cell's page was read by OCR (a cell with no page: any page was)."""
    if page is None or not 0 < page <= len(doc.pages):
        return any(p.source == "ocr" for p in doc.pages)
    return doc.pages[page - 1].source == "ocr"


def _text_layer(doc: Document, page: int | None) -> bool:
    return page is not None and 0 < page <= len(doc.pages) and doc.pages[page - 1].source == "text_layer"


def _linked(keys: list[str], eqs) -> list[list[str]]:
    """The differing cells in groups joined by shared equations (connected components)."""
    parent = {k: k for k in keys}

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for eq in eqs:
        ks = [k for k in eq.keys() if k in parent]
        for a, b in zip(ks, ks[1:]):
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(root(k), []).append(k)
    return list(groups.values())


def _by_identities(doc: Document, model_cells: dict[str, Cell], differ: list[str]) -> None:
    eqs = equations(doc.format, doc.aggregate) if doc.format else []
    vals = {k: c.value for k, c in doc.fields.items()}
    # a 总计 column the report left blank (variant blank_totals) is not printed: the identities
    # through it cannot weigh either reading (reconcile reads it the same way)
    for keys in blank_columns(doc).values():
        vals.update(dict.fromkeys(keys))
    # the model does not win by inferring a blank where the rules read digits at the cell (issue
    # 28 item 4): a blank is the model finding no token it would place there, not a reading of
    # the cell's ink. Even where the blank satisfies the identities, the printed digits stand and
    # the identity they break is the reconciler's to flag (a total printed 1 over a row of 0s,
    # a source error, became 0 at 0.8: "the identities hold with it")
    # (digits only a crop re-read found where the page OCR saw nothing, ocr.assemble_grid.MISSED_BY_PAGE,
    # are the identities' to weigh:
    # the crop reader calls stray ink a digit too, and the model's blank was right there)
    # (on OCR'd pages: a text layer's digits are weighed by the identities as before)
    pinned = [k for k in differ if _blank_over_read(doc, model_cells[k], doc.fields[k])]
    differ = [k for k in differ if k not in pinned]
    choice = {k: "rules" for k in differ}
    by_conf: set[str] = set()  # cells the model won on confidence alone, the identities tied
    # readings differ in whole groups (a row the rules shifted into the wrong cells): a cell at a
    # time, either switch breaks the row's sum, so first weigh each group of linked cells whole
    for group in _linked(differ, eqs):
        mine = [eq for eq in eqs if any(k in eq.keys() for k in group)]
        b_rules = broken(mine, vals)
        b_model = broken(mine, {**vals, **{k: model_cells[k].value for k in group}})
        conf_m = sum(model_cells[k].confidence for k in group) / len(group)
        conf_r = sum(doc.fields[k].confidence for k in group) / len(group)
        same_ink = any(_same_ink(doc, doc.fields[k], model_cells[k]) for k in group)
        if b_model < b_rules or (b_model == b_rules and not same_ink and _clearly_surer(conf_m, conf_r)):
            for k in group:
                choice[k] = "model"
                vals[k] = model_cells[k].value
                if b_model == b_rules:
                    by_conf.add(k)
    for _ in range(2):  # a second pass lets one switch make another pay off
        for key in sorted(differ, key=lambda k: -model_cells[k].confidence):
            mine = [eq for eq in eqs if key in eq.keys()]
            rules_v, model_v = doc.fields[key].value, model_cells[key].value
            vals[key] = rules_v
            b_rules = broken(mine, vals)
            vals[key] = model_v
            b_model = broken(mine, vals)
            if b_model != b_rules:
                choice[key] = "model" if b_model < b_rules else "rules"
                by_conf.discard(key)
            elif not _same_ink(doc, doc.fields[key], model_cells[key]) and \
                    _clearly_surer(model_cells[key].confidence, doc.fields[key].confidence):
                choice[key] = "model"
                by_conf.add(key)
            # otherwise a tie: the reading the group chose stays
            vals[key] = model_v if choice[key] == "model" else rules_v
    kept = _keep_read_digits(doc, model_cells, choice, eqs, vals)
    for key in pinned:
        _keep_rules(doc, key, model_cells[key], KEPT_OVER_BLANK)
    for key, who in choice.items():
        rc = doc.fields[key]
        if key in kept:
            rc.reason = "; ".join(filter(None, [rc.reason, KEPT_READ]))
        if who == "model":
            mc = model_cells[key]
            if key in by_conf:
                _alone(mc, f"{ONLY_MODEL} (the rules read {rc.value}; the identities cannot tell)")
            elif _same_ink(doc, rc, mc):
                # the same characters, read two ways, and an identity can hold by one misread
                # making up for another (a / read as 1 in a row whose total's / was read as 1 too)
                mc.confidence = min(mc.confidence, CONF_MODEL_ONLY)
                mc.reason = (f"token model's reading of {mc.text!r}: the identities hold with it "
                             f"(the rules read the same ink as {rc.value})")
            else:
                mc.reason = "token model's reading: the identities hold with it"
            _take(doc, key, mc, rc)
        else:
            _take(doc, key, rc, model_cells[key])

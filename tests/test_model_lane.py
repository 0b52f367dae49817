"""The token model stays in its lane: a value goes to a row whose label the model saw on that
value's line, and a value only the model read says so and claims no more than the model's
evidence. Built from 洪泽 2024 (../shared/real/hongze_2024.pdf), where the WPS text layer gives
the 果 of the vertical caption 三、本年度办理结果 a box as tall as the table: joined to row 2's
label (2.其他法律行政止公开), it took the 1 … 1 of row 3 into row 2 at confidence 0.997."""
from pathlib import Path

import pytest

from nianbao import schema
from nianbao.document import Cell, Document, Line, Page, Source, Token
from nianbao.model import read_labels
from nianbao.model.combine import CONF_MODEL_ONLY, combine

SHARED = Path(__file__).parents[1].parent / "shared"
ROW2 = "requests.result.withheld.prohibited_by_law"
ROW3 = "requests.result.withheld.three_safeties"
COLS = ("natural_person", "total")


def _tok(text, box, tag):
    return Token(text, box, label=tag, label_conf=0.997)


def _page():
    lines = []
    heads = [("自然人", 320, "COL:requests.natural_person"), ("总计", 490, "COL:requests.total")]
    ln = Line(text="自然人 总计", number=1, page=3)
    for word, x, role in heads:
        ln.tokens += [_tok(ch, (x + 9 * i, 480, x + 9 * i + 9, 492), ("B-" if i == 0 else "I-") + role)
                      for i, ch in enumerate(word)]
    lines.append(ln)
    rows = [(601, "1.属于国家秘密", "ROW:requests.result.withheld.state_secret", "0"),
            (619, "2.其他法律行政止公开", f"ROW:{ROW2}", "0"),
            (640, "3.危及三安全一稳定", f"ROW:{ROW3}", "1")]
    # the caption glyph: one token whose box spans the rows, tagged inside row 2's label
    giant = _tok("果", (86, 529, 285, 728), f"I-ROW:{ROW2}")
    for n, (y, label, role, value) in enumerate(rows, 2):
        ln = Line(text=label, number=n, page=3)
        if role.endswith("prohibited_by_law"):
            ln.tokens.append(giant)
        ln.tokens += [_tok(ch, (181 + 9 * i, y, 190 + 9 * i, y + 12),
                           ("B-" if i == 0 and not role.endswith("prohibited_by_law") else "I-") + role)
                      for i, ch in enumerate(label)]
        for x in (322, 496):
            ln.tokens.append(_tok(value, (x, y, x + 7, y + 14), "B-VAL"))
        lines.append(ln)
    return Page(number=3, width=595.0, height=842.0, lines=lines, source="text_layer")


def test_a_value_goes_to_the_row_label_on_its_own_line():
    doc = Document(source=Source("hongze.pdf", kind="digital_pdf"), pages=[_page()])
    cells = read_labels.cells(doc, "2021")
    for c in COLS:
        assert cells[f"{ROW2}.{c}"].value == 0      # row 2's own zeros, not row 3's ones
        assert cells[f"{ROW3}.{c}"].value == 1


def test_a_value_only_the_model_read_says_so_and_claims_less():
    doc = Document(source=Source("hongze.pdf", kind="digital_pdf"), format="2021",
                   pages=[_page()])
    for key in schema.field_keys("2021"):
        doc.fields[key] = Cell(value=0, confidence=0.99)
    for c in COLS:
        doc.fields[f"{ROW2}.{c}"] = Cell(value=None, reason="row label not found")  # the rules' short label
    combine(doc, {f"{ROW2}.{c}": Cell(value=1, text="1", confidence=0.997, reason="read by the token model")
                  for c in COLS}, {}, "reconcile")
    for c in COLS:
        cell = doc.fields[f"{ROW2}.{c}"]
        assert cell.value == 1 and cell.confidence <= CONF_MODEL_ONLY < 0.9
        assert cell.reason == "read only by the token model"


@pytest.mark.skipif(not (SHARED / "real" / "hongze_2024.pdf").exists(), reason="shared/real is missing")
def test_hongze_row_two_keeps_its_own_zeros():
    import json

    from nianbao.pipeline import extract
    gold = json.loads((SHARED / "real" / "hongze_2024.gold.json").read_text(encoding="utf-8"))["fields"]
    doc = extract(SHARED / "real" / "hongze_2024.pdf")
    assert doc.model  # the token model ran
    for c in ("natural_person", "enterprise", "total"):
        for row in (ROW2, ROW3):
            assert doc.value(f"{row}.{c}") == gold[f"{row}.{c}"]

"""The merge of the token model's reading with the rules' (model/combine.py, issue 24 item 8):
when two readings both satisfy the identities, the one that keeps what the OCR read at the
cell wins over a blank the model inferred there."""
from nianbao import schema
from nianbao.document import Cell, Document, Page, Source
from nianbao.model.combine import combine
from nianbao.reconcile import reconcile
from reportgen import make_values

A, B = "requests.result.disclosed", "requests.result.partially_disclosed"
COLS = list(schema.columns("requests", "2019"))


def _values():
    """A 2019 report's values with 部分公开 printed blank and its numbers added to 予以公开 (the
    identities still hold: the column sums and the row totals are unchanged)."""
    v = make_values("2019", seed=31)
    for c in COLS:
        v[f"{A}.{c}"] += v[f"{B}.{c}"]
        v[f"{B}.{c}"] = 0
    assert v[f"{A}.total"] > 0
    return v


ROWS = list(dict.fromkeys(k.rsplit(".", 1)[0] for k in schema.field_keys("2019")))


def _box(key):
    row = ROWS.index(key.rsplit(".", 1)[0])
    col = COLS.index(key.rsplit(".", 1)[1]) if key.startswith("requests.") else 0
    return (100.0 + 40 * col, 20.0 * row, 130.0 + 40 * col, 20.0 * row + 12)


import pytest


@pytest.mark.parametrize("model_reads", ["a blank", "a token from outside the cell"])
def test_digits_read_at_a_cell_beat_a_blank_the_model_inferred(model_reads):
    gold = _values()
    doc = Document(source=Source(path="p.png", kind="image"), format="2019", pages=[Page(number=1, source="ocr")])
    for k, x in gold.items():
        blank = x == 0 and k.startswith("requests.") and model_reads == "a blank"
        doc.fields[k] = Cell(value=x, text="" if blank else str(x), confidence=0.99, page=1, bbox=_box(k), blank=blank)
    # the page OCR misread one total: the rules' reading breaks the 自然人 column
    t = "requests.result.total.natural_person"
    doc.fields[t] = Cell(value=gold[t] + 10, text=str(gold[t] + 10), confidence=0.99, page=1, bbox=_box(t))
    # the model reads that total right, but puts 予以公开's printed row under 部分公开 and
    # infers 予以公开 blank: its reading satisfies every identity too
    model = {t: Cell(value=gold[t], text=str(gold[t]), confidence=0.99, page=1, bbox=_box(t))}
    for c in COLS:
        a, b = f"{A}.{c}", f"{B}.{c}"
        if gold[a] and model_reads == "a blank":
            model[a] = Cell(value=0, text="", confidence=0.8, page=1, blank=True,
                            reason="blank: the token model found no value where its row and column labels cross")
        if gold[a] and model_reads != "a blank":  # 部分公开's printed 0, below
            model[a] = Cell(value=0, text="0", confidence=0.99, page=1, bbox=_box(b))
        if gold[a]:
            model[b] = Cell(value=gold[a], text=str(gold[a]), confidence=0.99, page=1, bbox=_box(a))
    combine(doc, model, {}, "reconcile")
    reconcile(doc)
    wrong = {k: (doc.fields[k].value, x) for k, x in gold.items() if doc.fields[k].value != x}
    assert wrong == {}
    assert "digits read at the cell kept" in doc.fields[f"{A}.total"].reason
    assert doc.fields[t].value == gold[t]  # the model's right reading of the total still wins
    assert not doc.flags

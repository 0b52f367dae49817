"""Confidence after reconciling says what the evidence supports: no cell nothing vouches for
claims 0.9 or more where its reading is known to fail unseen (scans), and no cell an identity
breaks through claims it anywhere."""
import zlib

from nianbao import schema
from nianbao.document import Cell, Document, Page, Source
from nianbao.reconcile import reconcile
from reportgen import make_values


def scanned(fmt="2019", seed=21, source="ocr"):
    v = make_values(fmt, seed=seed)
    doc = Document(source=Source(path="s.pdf", kind="scanned_pdf" if source == "ocr" else "digital_pdf"),
                   format=fmt, pages=[Page(number=1, source=source)])
    doc.fields = {k: Cell(value=x, text=str(x), confidence=0.9999, page=1, bbox=_box(k)) for k, x in v.items()}
    return doc


def _box(key: str, col: int = 0) -> tuple:
    """A box on the printed line of the key's row, as a PDF or scan reader gives one: a cell
    located by position (without one a cell nothing checks claims less than 0.9)."""
    y = 20.0 * (zlib.crc32(key.rsplit(".", 1)[0].encode()) % 1000)
    return (100.0 + 40 * col, y, 120.0 + 40 * col, y + 10)


def test_an_unchecked_scan_cell_claims_0_9_only_on_a_sure_reading():
    doc = scanned()
    doc.fields["active.rules.made"] = Cell(value=4, text="4", confidence=0.99, page=1, bbox=_box("active.rules.made"))        # OCR unsure
    doc.fields["active.rules.published"] = Cell(value=0, text="", confidence=0.9, page=1, blank=True, bbox=_box("active.rules.published"))
    doc.fields["active.licensing.change"] = Cell(value=179, text="179", confidence=1.0, page=1, bbox=_box("active.licensing.change"))  # sign lost?
    doc.fields["active.penalty.change"] = Cell(value=-7, text="-7", confidence=1.0, page=1, bbox=_box("active.penalty.change"))
    reconcile(doc)
    assert doc.fields["active.rules.made"].confidence < 0.9
    assert doc.fields["active.rules.published"].confidence < 0.9
    assert doc.fields["active.licensing.change"].confidence < 0.9
    assert doc.fields["active.penalty.change"].confidence == 1.0          # the sign was seen
    assert doc.fields["active.rules.total_published"].confidence == 0.9999  # a sure reading stands


def test_zeros_that_add_up_vouch_for_no_blank_on_a_scan():
    doc = scanned("2021", seed=22)
    for c in ("upheld", "corrected", "other", "pending", "total"):
        doc.fields[f"appeals.review.{c}"] = Cell(value=0, text="", confidence=0.9, page=1, blank=True)
    reconcile(doc)
    assert doc.flags == []
    cell = doc.fields["appeals.review.upheld"]
    assert cell.verified is True and cell.confidence < 0.9  # 0 = 0 + 0 + 0 + 0 holds with a 1 lost twice
    # a blank whose row or column prints a number is vouched for: a lost digit would break it
    doc = scanned("2021", seed=22)
    key = next(k for k in schema.field_keys("2021") if k.startswith("requests.result.") and doc.fields[k].value == 0
               and doc.fields[k.rsplit(".", 1)[0] + ".total"].value)
    doc.fields[key] = Cell(value=0, text="", confidence=0.9, page=1, blank=True)
    reconcile(doc)
    assert doc.fields[key].verified is True and doc.fields[key].confidence == 0.9


def test_a_text_layer_keeps_its_confidence_and_a_broken_identity_lowers_it():
    doc = scanned("2019", seed=23, source="text_layer")
    doc.fields["active.rules.made"] = Cell(value=4, text="4", confidence=0.99, page=1, bbox=_box("active.rules.made"))
    doc.fields["active.licensing.change"] = Cell(value=179, text="179", confidence=1.0, page=1, bbox=_box("active.licensing.change"))
    doc.fields["requests.new_received.total"].value += 1
    reconcile(doc)
    assert doc.fields["active.rules.made"].confidence == 0.99
    assert doc.fields["active.licensing.change"].confidence == 1.0
    assert doc.fields["requests.new_received.total"].confidence < 0.9
    assert doc.fields["requests.new_received.natural_person"].confidence < 0.9  # in the broken row too


def test_a_row_of_zeros_with_a_suspect_in_it_vouches_for_no_blank_there():
    """synth3033-00012 (phone photo): a 1 lost in 重复申请's 商业企业 and in its 总计; the 总计 column
    still added up because another row printed its total 1 too high, so the lost total looked
    vouched for."""
    doc = scanned("2021", seed=24)
    row = "requests.result.withheld.query_matter"
    for c in schema.columns("requests", "2021"):
        doc.fields[f"{row}.{c}"] = Cell(value=0, text="", confidence=0.9, page=1, blank=True)
    doc.fields["requests.result.total.enterprise"].value += 1  # the enterprise column now breaks
    reconcile(doc)
    assert doc.fields[f"{row}.total"].verified is True
    assert doc.fields[f"{row}.total"].confidence < 0.9

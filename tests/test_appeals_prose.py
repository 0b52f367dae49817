"""The report's prose as evidence for an appeals row whose zeros print blank (issue 24): a dump of
上海 2019 reads `5 2 7 8 1 9` for fifteen cells, which the group identities fit in many ways; its
prose says 行政复议7件，诉讼9件，均获维持. 均获维持 is read as "no decided case was corrected or ended
otherwise" — not "every case upheld", which would contradict the 2 and 1 cases the table prints
尚未审结."""
import re

from nianbao import schema
from nianbao.assemble import settle
from nianbao.pipeline import extract_text
from reportgen import make_values, report_text

SAID = re.compile(r"（二）依申请公开方面。[^\n]*")
ROW = dict(zip([f"appeals.{r}.{c}" for r in ("review", "suit_direct", "suit_after_review")
                for c in ("upheld", "corrected", "other", "pending", "total")],
               [5, 0, 0, 2, 7, 8, 0, 1, 0, 9, 0, 0, 0, 0, 0]))


def _doc(sentence: str, printed: str = "5 2 7 8 1 9"):
    """A 2019 report whose appeals row prints `printed` (its zeros blank, no positions) and whose
    prose says `sentence`."""
    values = make_values("2019", seed=5)
    values.update(ROW)
    text = report_text("2019", values)
    assert SAID.search(text)
    text = SAID.sub("（二）依申请公开方面。" + sentence, text)
    line = " ".join(str(ROW[k]) for k in schema.table_keys("appeals", "2019"))
    assert line in text
    return extract_text(text.replace(line, printed)), values


def test_the_appeals_prose_is_read_per_group():
    got = settle.appeal_statements(["信息公开类行政复议7件，诉讼9件，均获维持，继续保持了零败诉的记录。"])
    assert [(s.rows, s.cols, s.value) for s in got] == [
        (("review",), ("total",), 7),
        (("suit_direct", "suit_after_review"), ("total",), 9),
        (("review", "suit_direct", "suit_after_review"), ("corrected", "other"), 0),
        (("suit_direct", "suit_after_review"), ("corrected",), 0)]  # 败诉: only a lawsuit is lost
    # a result phrase speaks of the groups named since the one before it
    got = settle.appeal_statements(["行政复议3件，均获维持，行政诉讼2件，其中1件被纠正。"])
    assert [(s.rows, s.cols, s.value) for s in got][1:] == [
        (("review",), ("corrected", "other"), 0),
        (("suit_direct", "suit_after_review"), ("total",), 2),
        (("suit_direct", "suit_after_review"), ("corrected",), 1)]
    assert settle.appeal_statements(["累计办理行政复议70件。"]) == []


def test_all_upheld_settles_the_review_group_and_keeps_its_pending_cases():
    doc, values = _doc("信息公开类行政复议7件，诉讼9件，均获维持。")
    for c in ("upheld", "corrected", "other", "pending", "total"):
        cell = doc.fields[f"appeals.review.{c}"]
        assert cell.value == values[f"appeals.review.{c}"], c
        assert cell.confidence <= 0.85  # no geometry
    pending = doc.fields["appeals.review.pending"]
    assert pending.value == 2 and "the report's prose" in pending.reason and "均获维持" in pending.reason
    # 诉讼9件 sums both 行政诉讼 groups: which of them the 9 cases are the prose does not say
    direct = doc.fields["appeals.suit_direct.total"]
    assert direct.confidence == 0.5 and direct.reason.startswith("ambiguous:") and direct.alternatives == [0, 9]
    # but 均获维持 says none of them was corrected or ended otherwise: 1 is 尚未审结 in either group
    assert doc.fields["appeals.suit_direct.other"].value == 0
    assert doc.fields["appeals.suit_direct.other"].confidence == 0.85


def test_without_the_prose_the_cells_stay_guesses():
    doc, _ = _doc("本年度依申请公开工作规范有序开展。")
    cell = doc.fields["appeals.review.pending"]
    assert cell.confidence == 0.5 and cell.reason.startswith("ambiguous:") and "prose" not in cell.reason


def test_prose_that_fits_no_placement_removes_nothing():
    # 行政复议6件 fits no split of 5 2 7 8 1 9: the page and its prose disagree, nothing is settled by it
    doc, _ = _doc("行政复议6件。")
    cell = doc.fields["appeals.review.total"]
    assert "prose" not in cell.reason

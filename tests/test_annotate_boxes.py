"""The boxes push proposes, against gold: on the real hongze_2024.pdf page 3 (its table header
wraps, its row labels sit beside a vertical group caption) and on synthetic scans (every
character's role known). nianbao.eval.annotate_boxes is the benchmark; these check the same
measures on a small sample."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from nianbao.annotations import label_config as labels, tasks
from nianbao.eval import annotate_boxes as AB
from nianbao.pipeline import extract

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


@pytest.fixture(scope="module")
def hongze():
    pdf = REAL / "hongze_2024.pdf"
    if not pdf.is_file():
        pytest.skip(f"no {pdf}")
    return extract(pdf), json.loads((REAL / "hongze_2024.gold.json").read_text(encoding="utf-8"))


def test_hongze_page3_label_boxes_sit_on_their_labels(hongze):
    doc, gold = hongze
    page = doc.pages[2]
    acc, detail = Counter(), []
    AB.score_real_page(doc, page, gold, acc, detail)
    assert acc["ROW_boxes"] >= 15 and acc["ROW_boxes_right"] == acc["ROW_boxes"], detail
    assert acc["COL_boxes"] >= 9 and acc["COL_boxes_right"] == acc["COL_boxes"], detail
    assert acc["COL_labels_right"] == acc["COL_labels"], detail
    assert acc["VAL_not_a_number"] == 0
    chars = AB._page_chars(page)
    text = {}
    for role, box, _ in AB._pushed(doc, page):
        text.setdefault(role, "".join(ch for ch, b in chars if AB._inside(box, b)))
    # what the issue saw: swapped column boxes, a row box over a quarter of the table, a row
    # box on a fragment, the short printed label keyed as another row
    assert text["COL:requests.research"] == "科研机构" and text["COL:requests.legal_service"] == "法律服务机构"
    assert text["ROW:requests.result.disclosed"] == "（一）予以公开"
    assert text["ROW:requests.result.partially_disclosed"].startswith("（二）部分公开")
    assert text.get("ROW:requests.result.withheld.prohibited_by_law") == "2.其他法律行政止公开"


def test_model_spans_are_cut_to_the_label_and_wrapped_headers_joined():
    # 三、本（一）予以公开 read as one run of ROW:…disclosed: the caption piece is left out
    row = "ROW:requests.result.disclosed"
    toks = list("三、本") + list("（一）予以公开")
    boxes = [[100 + 10 * i, 300, 110 + 10 * i, 315] for i in range(3)] + \
            [[200 + 10 * i, 300, 210 + 10 * i, 315] for i in range(7)]
    spans = tasks._token_spans(toks, boxes, [f"B-{row}"] + [f"I-{row}"] * 9)
    assert [(r, t) for r, _, t in spans] == [(row, "（一）予以公开")]
    assert spans[0][1][0] == 200
    # 法律服务 / 机构 wrapped over two lines of one header cell: one box
    col = "COL:requests.legal_service"
    toks = list("法律服务") + list("机构")
    boxes = [[500 + 10 * i, 200, 510 + 10 * i, 214] for i in range(4)] + \
            [[510 + 10 * i, 216, 520 + 10 * i, 230] for i in range(2)]
    spans = tasks._token_spans(toks, boxes, [f"B-{col}"] * 6)
    assert [(r, t, b) for r, b, t in spans] == [(col, "法律服务机构", [500, 200, 540, 230])]
    # a sub-row run that starts with its group caption
    sub = "ROW:requests.result.not_processed.petition"
    toks = list("(五)不予处理1.信访举报投诉类申请")
    boxes = [[100 + 10 * i, 400, 110 + 10 * i, 414] for i in range(len(toks))]
    (span,) = tasks._token_spans(toks, boxes, [f"I-{sub}"] * len(toks))
    assert span[2] == "1.信访举报投诉类申请" and span[1][0] == 100 + 10 * len("(五)不予处理")
    assert labels.caption(sub) == "(五)不予处理"


def test_a_row_span_keeps_its_own_item_only():
    """From stamped and photographed synthetic scans: a row's run that starts inside the label
    printed before it, a run that goes on into the next row's label, the lone "." left of
    another row's "1." joined under a label, and one character taken for a two-character label."""
    third = "ROW:requests.result.withheld.third_party_rights"
    toks = list("三)不4.保护第三方合法权益")
    boxes = [[100 + 10 * i, 300, 110 + 10 * i, 315] for i in range(len(toks))]
    (span,) = tasks._token_spans(toks, boxes, [f"I-{third}"] * len(toks))
    assert span[2] == "4.保护第三方合法权益" and span[1][0] == 130
    query = "ROW:requests.result.withheld.query_matter"
    toks = list("8.属于行政查询事项") + list("1.本机")
    boxes = [[300 + 10 * i, 600, 310 + 10 * i, 615] for i in range(10)] + \
            [[300 + 10 * i, 618, 310 + 10 * i, 633] for i in range(4)]
    (span,) = tasks._token_spans(toks, boxes, [f"B-{query}"] + [f"I-{query}"] * 9 + [f"B-{query}"] * 4)
    assert span[2] == "8.属于行政查询事项" and span[1][3] == 615
    assert labels.own_item_span(query, list("8.属于行政查询事项1.本机关")) == (0, 10)
    assert labels.own_item_span(query, list("属于行政查询事项")) == (0, 8)  # no number printed: all kept
    rules = "ROW:active.rules"
    assert tasks._token_spans(["规"], [[100, 100, 110, 115]], [f"B-{rules}"]) == []


def test_a_wrapped_label_does_not_take_the_caption_beside_it_and_a_row_is_boxed_once():
    fee = "ROW:requests.result.other.overdue_fee"
    # line 1: 2.申请人逾期未按收费通知要 ; line 2: the caption's 他处理 (left, in its own cell) and
    # the label's 求缴纳费用 under line 1
    first = list("2.申请人逾期未按收费通知要")
    toks = first + list("他处理") + list("求缴纳费用")
    boxes = [[280 + 17 * i, 256, 297 + 17 * i, 274] for i in range(len(first))] + \
            [[212 + 15 * i, 263, 227 + 15 * i, 284] for i in range(3)] + \
            [[279 + 17 * i, 271, 296 + 17 * i, 289] for i in range(5)]
    (span,) = tasks._token_spans(toks, boxes, [f"B-{fee}"] + [f"I-{fee}"] * (len(toks) - 1))
    assert span[2] == "2.申请人逾期未按收费通知要求缴纳费用" and span[1][0] == 279  # 求, not 他 at 212
    # 年度办理结 of a caption taken for the row 四、结转下年度继续办理: the label's own run wins
    fwd = "ROW:requests.carried_forward"
    toks = list("年度办理结") + list("四、结转下年度继续办理")
    boxes = [[137 + 18 * i, 347, 155 + 18 * i, 359] for i in range(5)] + \
            [[132 + 18 * i, 628, 150 + 18 * i, 640] for i in range(11)]
    spans = tasks._token_spans(toks, boxes, [f"I-{fwd}"] * 5 + [f"B-{fwd}"] + [f"I-{fwd}"] * 10)
    assert [t for _, _, t in spans] == ["四、结转下年度继续办理"]


def test_synthetic_scan_boxes_agree_with_the_gold(tmp_path):
    from nianbao.cli import main
    # a plain scan (the boxes are compared in the scan image's frame; a photographed page is read
    # flattened, in another frame)
    assert main(["synth", "--n", "1", "--out", str(tmp_path), "--seed", "3", "--workers", "1", "--kinds", "scan",
                 "--degradations", "light_scan,photocopy,phone_photo,worn_copy", "--no-progress"]) == 0
    (d,) = (tmp_path / "docs").iterdir()
    doc = extract(d / "scan.pdf")
    gold = {g["page"]: g for g in map(json.loads, (d / "tokens.jsonl").read_text(encoding="utf-8").splitlines())}
    values = json.loads((tmp_path / "gold" / f"{d.name}.gold.json").read_text(encoding="utf-8"))["fields"]
    acc, detail = Counter(), []
    for page in doc.pages:
        AB.score_synth_page(doc, page, gold[page.number], acc, detail, values)
    assert acc["VAL_boxes"] + acc["VAL_unread_boxes"] > 100 and acc["VAL_boxes_right"] == acc["VAL_boxes"], detail
    assert acc["VAL_unread_boxes_right"] == acc["VAL_unread_boxes"], detail
    assert acc["VAL_not_a_number"] == 0
    for k in ("ROW", "COL"):
        assert acc[f"{k}_tokens_right"] >= 0.95 * acc[f"{k}_tokens"], (k, detail)
        assert acc[f"{k}_boxes_right"] >= 0.95 * acc[f"{k}_boxes"], (k, detail)

"""The OCR token dataset (`nianbao ocr-tokens`, training/ocr_tokens.py): the pipeline's own
reading of a synthetic scan, with gold roles on the tokens the OCR produced — not the digital
page's characters carried onto the image."""
from __future__ import annotations

import json
import sys

import pytest

from nianbao.training import ocr_tokens as ot


def _gold(tokens, boxes, roles):
    return {"tokens": list(tokens), "bboxes": [list(b) for b in boxes], "roles": list(roles),
            "width": 600.0, "height": 800.0}


def test_runs_split_by_line_and_role():
    # a wrapped row label: one region per line, so a value printed between its lines is not inside
    g = _gold("收到申请12", [(10, 10, 20, 20), (20, 10, 30, 20), (10, 40, 20, 50), (20, 40, 30, 50),
                          (100, 25, 108, 35), (108, 25, 116, 35)],
              ["ROW:a"] * 4 + ["VAL:k"] * 2)
    regs = ot.gold_runs(g)
    assert [(r.label, r.box) for r in regs] == [("ROW:a", (10, 10, 30, 20)), ("ROW:a", (10, 40, 30, 50)),
                                                 ("VAL:k", (100, 25, 116, 35))]


class _Page:
    def __init__(self, number=1, width=600.0, height=800.0):
        self.number, self.width, self.height, self.to_source = number, width, height, None


def test_misread_and_extra_tokens_get_the_role_of_what_is_printed_there():
    g = _gold("申请12", [(10, 10, 20, 20), (20, 10, 30, 20), (100, 10, 108, 20), (108, 10, 116, 20)],
              ["ROW:a", "ROW:a", "VAL:k", "VAL:k"])

    class T:
        def __init__(self, text):
            self.text = text
    # the OCR read 1 as 7 (no gold character of its text), and a seal's 印 far from any run
    toks = [T("申"), T("请"), T("7"), T("2"), T("印")]
    boxes = [(10, 10, 20, 20), (20, 10, 30, 20), (101, 11, 108, 20), (108, 10, 116, 20), (400, 400, 420, 420)]
    ex = ot.page_example("d", _Page(), [(1, toks, boxes)], g, "ocr:stamped_scan")
    assert ex["tokens"] == ["申", "请", "7", "2", "印"]
    assert ex["roles"] == ["ROW:a", "ROW:a", "VAL:k", "VAL:k", "O"]
    assert ex["kind"] == "ocr:stamped_scan" and all(len(b) == 4 for b in ex["bboxes"])


def test_a_scanned_document_becomes_ocr_examples_with_gold_roles(tmp_path):
    pytest.importorskip("datasets")
    from nianbao.training.synth.cli import generate_corpus
    corpus = tmp_path / "c"
    generate_corpus(n=1, out=corpus, seed=11, kinds=("scan",), workers=1, progress=False,
                    degradations=("stamped_scan",))
    row = json.loads((corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[0])
    gold = ot.gold_pages(corpus / "docs" / row["doc_id"])
    stats = ot.build(corpus, tmp_path / "out", log=lambda s: None)
    assert not stats["errors"]
    from nianbao.training.train import read_splits
    pages = [p for s in read_splits(tmp_path / "out" / "tokens").values() for p in s]
    assert pages and {p["kind"] for p in pages} == {"ocr:stamped_scan"}
    same = found = 0
    for p in pages:
        g = gold[p["page"]]
        assert p["tokens"] != g["tokens"]  # the OCR's own tokens, not the carried digital characters
        printed, read = _values(g), _values(p)
        found += len(read)
        same += sum(read[k] == printed.get(k) for k in read)
    # the values the OCR read carry the key printed there: the gold went into the frame of the
    # page as read (tilted up to 15°, straightened before reading); a shifted frame gives
    # other cells' roles
    assert found >= 10 and same >= 0.8 * found, (same, found)
    # a second run reads nothing again (pages cached per document)
    again = ot.build(corpus, tmp_path / "out", log=lambda s: None)
    assert again["pages"] == stats["pages"]


def _values(ex):
    out = {}
    for t, r in zip(ex["tokens"], ex["roles"]):
        if r.startswith("VAL:"):
            out[r] = out.get(r, "") + t
    return out


def test_read_splits_without_datasets_reads_the_same_pages(tmp_path, monkeypatch):
    pytest.importorskip("datasets")
    from datasets import Dataset, DatasetDict

    from nianbao.training.synth.dataset import features
    from nianbao.training.train import read_splits
    rows = [{"doc_id": f"d{i}", "page": 1, "width": 1.0, "height": 2.0, "kind": "ocr:light_scan",
             "tokens": ["1", "2"], "bboxes": [[0, 0, 1, 1], [1, 0, 2, 1]], "roles": ["VAL:k", "O"]} for i in range(3)]
    DatasetDict({"train": Dataset.from_list(rows[:2], features=features()),
                 "test": Dataset.from_list(rows[2:], features=features())}).save_to_disk(str(tmp_path / "t"))
    with_lib = read_splits(tmp_path / "t")
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets now raises ImportError
    without = read_splits(tmp_path / "t")
    assert without == with_lib and without["train"][1]["doc_id"] == "d1"


def test_per_kind_split_puts_every_degradation_into_test():
    # 80/10/10 over 7 documents drawn at random can leave a degradation out of the test split;
    # drawn per degradation, each one is measured
    rows = [{"doc_id": f"d{i}", "degradation": d, "split": "train"}
            for i, d in enumerate(["light_scan"] * 3 + ["stamped_scan"] * 3 + [None])]
    split = ot.per_kind_splits(rows, test=1, validation=1, seed=3)
    by_group: dict = {}
    for r in rows:
        by_group.setdefault(ot.group_of(r), []).append(split[r["doc_id"]])
    assert sorted(by_group["light_scan"]) == sorted(by_group["stamped_scan"]) == ["test", "train", "validation"]
    assert by_group["digital"] == ["test"]  # a kind with one document is measured rather than trained on
    assert ot.per_kind_splits(rows, test=1, validation=1, seed=3) == split  # seeded


@pytest.fixture(scope="module")
def tiny_scans(tmp_path_factory):
    pytest.importorskip("datasets")
    from nianbao.training.synth.cli import generate_corpus
    corpus = tmp_path_factory.mktemp("scans") / "c"
    # n=2: the manifest's split puts both documents in train (no test split at all)
    generate_corpus(n=2, out=corpus, seed=12, kinds=("scan",), workers=1, progress=False,
                    degradations=("light_scan", "stamped_scan"), variants=True)
    return corpus


def test_digital_pages_join_the_ocr_pages_and_each_kind_has_a_test_part(tiny_scans, tmp_path):
    from nianbao.training.train import read_splits
    manifest = [json.loads(s) for s in (tiny_scans / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {r["split"] for r in manifest} == {"train"}
    stats = ot.build(tiny_scans, tmp_path / "out", log=lambda s: None, kinds=("digital", "ocr"), test_per_kind=1)
    assert not stats["errors"]
    splits = read_splits(tmp_path / "out" / "tokens")
    assert set(splits) == {"test"}
    kinds = {p["kind"] for p in splits["test"]}
    assert kinds == {"digital_pdf", "ocr:light_scan", "ocr:stamped_scan"}
    # each kind's pages carry roles: the digital pages their own gold, the OCR'd ones the mapped gold
    for k in kinds:
        pages = [p for p in splits["test"] if p["kind"] == k]
        assert sum(r.startswith("VAL:") for p in pages for r in p["roles"]) >= 10, k
    # the digital pages are the corpus's own, and the same documents as the OCR'd pages
    digital = {(p["doc_id"], p["page"]): p for p in splits["test"] if p["kind"] == "digital_pdf"}
    assert {p["doc_id"] for p in digital.values()} == {r["doc_id"] for r in manifest}
    gold = ot.gold_pages(tiny_scans / "docs" / manifest[0]["doc_id"])  # scanned_pdf entries
    own = [json.loads(s) for s in (tiny_scans / "docs" / manifest[0]["doc_id"] / "tokens.jsonl")
           .read_text(encoding="utf-8").splitlines() if '"digital_pdf"' in s]
    assert gold and own and digital[(manifest[0]["doc_id"], 1)]["tokens"] == own[0]["tokens"]
    card = (tmp_path / "out" / "tokens" / "README.md").read_text(encoding="utf-8")
    assert '"split": "per kind"' in card


def test_digital_only_reads_no_scan(tiny_scans, tmp_path, monkeypatch):
    monkeypatch.setattr(ot, "read_document", lambda *a: pytest.fail("digital pages need no OCR"))
    stats = ot.build(tiny_scans, tmp_path / "out", log=lambda s: None, kinds=("digital",), test_per_kind=0)
    assert stats["pages"] == {"train": {"digital_pdf": stats["pages"]["train"]["digital_pdf"]}}
    assert not (tmp_path / "out" / "pages").exists() or not any((tmp_path / "out" / "pages").iterdir())
    with pytest.raises(ValueError):
        ot.build(tiny_scans, tmp_path / "o2", log=lambda s: None, kinds=("scans",))

"""Gold ↔ input matching and input kinds (eval/corpus.py)."""
import pytest

from eval_fixtures import gold, synth_corpus, write
from nianbao.eval.corpus import CorpusError, discover, discover_many


def test_seed_layout_matches_by_stem(tmp_path):
    write(tmp_path / "a.gold.json", gold("a"))
    write(tmp_path / "b.gold.json", gold("b", "2019"))
    write(tmp_path / "a.txt", "text")
    write(tmp_path / "stray.txt", "text")
    c = discover(tmp_path, tmp_path)
    assert [(i.doc, i.kind) for i in c.inputs] == [("a", "text")]
    assert [p.name for p in c.unmatched_inputs] == ["stray.txt"]
    assert c.gold_without_input == ["b"]


def test_synth_layout_matches_by_folder_and_manifest_overrides(tmp_path):
    root = synth_corpus(tmp_path)
    c = discover(root / "gold", root / "docs")
    got = sorted((i.doc, i.path.name, i.kind, i.degradation) for i in c.inputs)
    # A document's degradation describes its scan; text dumps come from the clean digital PDF.
    assert got == [
        ("s1", "layout.txt", "pdftotext-layout", None),
        ("s1", "raw.txt", "ocr-text", None),
        ("s1", "scan.pdf", "scanned_pdf", "clean"),
        ("s2", "layout.txt", "pdftotext-layout", None),
        ("s2", "raw.txt", "pdftotext-raw", None),
        ("s2", "scan.pdf", "scanned_pdf", "noisy"),
    ]
    assert {i.group for i in c.inputs if i.doc == "s2"} == {"pdftotext-layout", "pdftotext-raw", "scanned_pdf/noisy"}
    assert len({i.name for i in c.inputs}) == 6
    only = discover(root / "gold", root / "docs", kinds=["scanned_pdf"])
    assert [i.path.name for i in only.inputs] == ["scan.pdf", "scan.pdf"]
    test = discover(root / "gold", root / "docs", split="test")
    assert {i.doc for i in test.inputs} == {"s2"} and all(i.split == "test" for i in test.inputs)


def test_split_from_gold_when_no_manifest(tmp_path):
    g = gold("a")
    g["synth"] = {"split": "test"}
    write(tmp_path / "a.gold.json", g)
    c = gold("c")
    c["split"] = "train"
    write(tmp_path / "b.gold.json", gold("b"))
    write(tmp_path / "c.gold.json", c)
    for d in "abc":
        write(tmp_path / f"{d}.txt", "x")
    assert [i.doc for i in discover(tmp_path, tmp_path, split="test").inputs] == ["a", "b"]
    assert [i.doc for i in discover(tmp_path, tmp_path, split="train").inputs] == ["b", "c"]


def test_gold_errors_are_clear(tmp_path):
    with pytest.raises(CorpusError, match="gold folder not found"):
        discover(tmp_path / "nope", None)
    with pytest.raises(CorpusError, match="no \\*.gold.json"):
        discover(tmp_path, None)
    write(tmp_path / "x.gold.json", "{not json")
    with pytest.raises(CorpusError, match="unreadable gold file"):
        discover(tmp_path, None)
    write(tmp_path / "x.gold.json", {"doc": "y", "fields": {}})
    with pytest.raises(CorpusError, match="names doc 'y'"):
        discover(tmp_path, None)


def test_by_products_in_a_doc_folder_are_skipped_unless_the_manifest_lists_them(tmp_path):
    root = synth_corpus(tmp_path, docs=("s1",))
    write(root / "docs" / "s1" / "page-001.png", "png")
    write(root / "docs" / "s1" / "tokens.json", "{}")
    write(root / "docs" / "s1" / "phone.jpg", "jpg")
    with open(root / "manifest.jsonl", "a") as f:
        f.write('{"doc_id": "s1", "path": "docs/s1/phone.jpg", "kind": "photo", "degradation": "blur"}\n')
    c = discover(root / "gold", root / "docs")
    assert sorted(i.path.name for i in c.inputs) == ["layout.txt", "phone.jpg", "raw.txt", "scan.pdf"]
    assert [i.group for i in c.inputs if i.path.name == "phone.jpg"] == ["photo/blur"]
    assert c.unmatched_inputs == []


def test_several_corpora_in_one_run(tmp_path):
    seeds = tmp_path / "seeds"
    write(seeds / "a.gold.json", gold("a"))
    write(seeds / "a.txt", "x")
    root = synth_corpus(tmp_path / "synth")
    c = discover_many([(str(seeds), str(seeds)), (str(root / "gold"), str(root / "docs"))], split="test")
    # The seeds have no split and stay; of the generated documents only the test split does.
    assert sorted({i.doc for i in c.inputs}) == ["a", "s2"]
    assert c.origin == {"a": "seeds", "s2": "synth"}
    write(root / "gold" / "a.gold.json", gold("a"))
    with pytest.raises(CorpusError, match="document 'a' has gold in two folders"):
        discover_many([(str(seeds), str(seeds)), (str(root / "gold"), str(root / "docs"))])

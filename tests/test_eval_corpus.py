"""Gold ↔ input matching and input kinds (eval/corpus.py)."""
import pytest

from eval_fixtures import gold, synth_corpus, write
from nianbao.eval.corpus import CorpusError, discover


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
    assert got == [
        ("s1", "layout.txt", "pdftotext-layout", "clean"),
        ("s1", "raw.txt", "ocr-text", "clean"),
        ("s1", "scan.pdf", "scanned_pdf", "clean"),
        ("s2", "layout.txt", "pdftotext-layout", "noisy"),
        ("s2", "raw.txt", "pdftotext-raw", "noisy"),
        ("s2", "scan.pdf", "scanned_pdf", "noisy"),
    ]
    assert {i.group for i in c.inputs if i.doc == "s2"} == {"pdftotext-layout/noisy", "pdftotext-raw/noisy",
                                                             "scanned_pdf/noisy"}
    assert len({i.name for i in c.inputs}) == 6
    only = discover(root / "gold", root / "docs", kinds=["scanned_pdf"])
    assert [i.path.name for i in only.inputs] == ["scan.pdf", "scan.pdf"]


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

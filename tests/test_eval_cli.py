"""`nianbao eval` end to end on hand-made gold, inputs and predictions."""
import json
import textwrap
from pathlib import Path

import pytest

from eval_fixtures import gold, pred_from, synth_corpus, write
from nianbao.cli import main

SUMMARY_KEYS = {"documents", "failed", "cells", "exact_documents", "metrics", "flags", "meta", "speed",
                "worst_documents", "confusions", "errors"}


@pytest.fixture
def seeds_like(tmp_path):
    g = tmp_path / "gold"
    for i, d in enumerate(("a", "b", "c")):
        gd = gold(d, "2021" if i < 2 else "2019", seed=i)
        write(g / f"{d}.gold.json", gd)
        write(tmp_path / "inputs" / f"{d}.txt", f"report {d}\n")
        write(tmp_path / "preds" / f"{d}__good.json", pred_from(gd, f"{d}.txt"))
        write(tmp_path / "preds" / f"{d}__bad.json", pred_from(gd, f"{d}.txt", wrong=20 * (i + 1)))
    return tmp_path


def test_preds_mode_writes_three_reports_and_prints_tables(seeds_like, capsys):
    out = seeds_like / "report"
    rc = main(["eval", "--gold", str(seeds_like / "gold"), "--preds", str(seeds_like / "preds"), "-o", str(out), "-q"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "Cell accuracy by input kind" in printed and "Reconciler flags" in printed
    s = json.loads((out / "summary.json").read_text())
    assert set(s["variants"]) == {"good", "bad"}
    for v in s["variants"].values():
        assert SUMMARY_KEYS <= set(v)
    good, bad = s["variants"]["good"], s["variants"]["bad"]
    assert good["cells"]["overall"]["accuracy"] == 1.0 and good["exact_documents"]["rate"] == 1.0
    assert bad["cells"]["overall"]["correct"] == 598 - 120
    assert bad["confusions"]["counts"]
    assert good["flags"]["recall"] == 1.0 and good["flags"]["precision"] == 1.0
    assert good["speed"]["stages_ms"]["assemble"]["p50"] == 4.0
    assert "| variant |" in (out / "summary.md").read_text()
    assert (out / "report.html").read_text().count("data:image/png;base64,") == 5
    assert len((out / "documents.jsonl").read_text().splitlines()) == 6


def test_compare_flags_regressions(seeds_like, capsys):
    base = ["eval", "--gold", str(seeds_like / "gold"), "-q", "--no-html"]
    assert main(base + ["--preds", str(seeds_like / "preds"), "-o", str(seeds_like / "r1")]) == 0
    old = str(seeds_like / "r1" / "summary.json")
    assert main(base + ["--preds", str(seeds_like / "preds"), "-o", str(seeds_like / "r2"), "--compare", old]) == 0
    # Make "good" worse: one wrong cell per document.
    for d in ("a", "b", "c"):
        p = seeds_like / "preds" / f"{d}__good.json"
        data = json.loads(p.read_text())
        data["fields"]["appeals.review.total"]["value"] = -5
        p.write_text(json.dumps(data))
    capsys.readouterr()
    rc = main(base + ["--preds", str(seeds_like / "preds"), "-o", str(seeds_like / "r3"), "--compare", old])
    assert rc == 1
    out = capsys.readouterr().out
    assert "REGRESSION" in out and "cells.by_table.appeals.accuracy" in out
    # A tolerance as large as the drop (exact-document rate 1 → 0) lets it pass.
    assert main(base + ["--preds", str(seeds_like / "preds"), "-o", str(seeds_like / "r4"), "--compare", old,
                        "--tolerance", "1.0"]) == 0


def test_gate(seeds_like, tmp_path):
    gate = write(tmp_path / "gate.json", {"variant": "bad", "min": {"cells.overall.accuracy": 0.9}})
    args = ["eval", "--gold", str(seeds_like / "gold"), "--preds", str(seeds_like / "preds"), "-o",
            str(tmp_path / "r"), "-q", "--no-html", "--gate", str(gate)]
    assert main(args) == 1
    write(gate, {"variant": "good", "min": {"cells.overall.accuracy": 0.9, "flags.recall": 1.0}})
    assert main(args) == 0


def test_usage_errors_are_clear(seeds_like, capsys):
    g = str(seeds_like / "gold")
    assert main(["eval", "--gold", g, "--inputs", str(seeds_like / "inputs"), "--variant", "nope", "-o",
                 str(seeds_like / "r")]) == 2
    assert "unknown variant 'nope'; known variants: extract, model, model+reconciler, ocr-onnxruntime, ocr-paddle, rules, text-path" in capsys.readouterr().err
    assert main(["eval", "--gold", g, "-o", str(seeds_like / "r")]) == 2
    assert "--inputs DIR" in capsys.readouterr().err
    assert main(["eval", "--gold", str(seeds_like / "none"), "--inputs", str(seeds_like), "-o",
                 str(seeds_like / "r")]) == 2
    assert "gold folder not found" in capsys.readouterr().err
    assert main(["eval", "--gold", g, "--gold", g, "--inputs", str(seeds_like / "inputs"), "-o",
                 str(seeds_like / "r")]) == 2
    assert "2 --gold but 1 --inputs" in capsys.readouterr().err


VARIANTS_MODULE = textwrap.dedent('''
    import json, os, time
    from pathlib import Path

    def _doc(path):
        gold_dir = Path(os.environ["EVAL_TEST_GOLD"])
        for name in (path.stem, path.parent.name):
            g = gold_dir / f"{name}.gold.json"
            if g.exists():
                return json.loads(g.read_text())

    def perfect(path):
        g = _doc(path)
        return {"source": {"path": str(path), "pages": 3}, "format": g["format"], "agency": g["agency"],
                "year": g["year"], "fields": {k: {"value": v} for k, v in g["fields"].items()},
                "metrics": {}, "flags": [], "errors": [], "timings_ms": {"assemble": 1.0}}

    def first_crashes(path):
        if path.stem == "a":
            os._exit(4)
        return perfect(path)

    def flaky(path):
        if path.stem == "b":
            os._exit(3)
        if path.stem == "c":
            time.sleep(30)
        return perfect(path)
''')


@pytest.fixture
def test_variants(tmp_path, monkeypatch, seeds_like):
    write(tmp_path / "evalvariants_t.py", VARIANTS_MODULE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("EVAL_TEST_GOLD", str(seeds_like / "gold"))
    return seeds_like


def test_variants_run_in_a_worker_and_survive_crashes_and_hangs(test_variants, capsys):
    root = test_variants
    rc = main(["eval", "--gold", str(root / "gold"), "--inputs", str(root / "inputs"), "-o", str(root / "r"), "-q",
               "--variant", "evalvariants_t:perfect", "--variant", "evalvariants_t:flaky", "--timeout", "5"])
    assert rc == 0
    s = json.loads((root / "r" / "summary.json").read_text())
    perfect, flaky = s["variants"]["evalvariants_t:perfect"], s["variants"]["evalvariants_t:flaky"]
    assert perfect["cells"]["overall"]["accuracy"] == 1.0 and perfect["failed"] == 0
    assert perfect["speed"]["pages"] == 9 and perfect["speed"]["peak_rss_mb"] > 0
    assert perfect["speed"]["cold_start_ms"] > 0
    assert flaky["documents"] == 3 and flaky["failed"] == 2 and sum(flaky["errors"].values()) == 2
    assert [w["input"] for w in flaky["worst_documents"]] == ["a__text"]
    errors = {d["input"]: d["errors"] for d in s["documents"] if d["variant"] == "evalvariants_t:flaky"}
    assert errors["a__text"] == []
    assert "worker died (exit 3)" in errors["b__text"][0] and "timed out" in errors["c__text"][0]
    # What a run wrote can be scored again without re-running.
    assert main(["eval", "--gold", str(root / "gold"), "--preds", str(root / "r" / "preds"), "-o",
                 str(root / "r2"), "-q"]) == 0
    s2 = json.loads((root / "r2" / "summary.json").read_text())
    assert s2["variants"]["evalvariants_t:perfect"]["cells"]["overall"]["accuracy"] == 1.0


def test_a_crash_during_warm_up_fails_that_input_only(test_variants):
    root = test_variants
    assert main(["eval", "--gold", str(root / "gold"), "--inputs", str(root / "inputs"), "-o", str(root / "r"),
                 "-q", "--variant", "evalvariants_t:first_crashes"]) == 0
    s = json.loads((root / "r" / "summary.json").read_text())
    v = s["variants"]["evalvariants_t:first_crashes"]
    assert v["documents"] == 3 and v["failed"] == 1 and v["speed"]["cold_start_ms"] is None
    assert s["documents"][0]["errors"] == ["[eval] worker died (exit 4)"]
    assert v["cells"]["by_format"]["2019"]["accuracy"] == 1.0


def test_synth_layout_reports_by_kind_and_degradation(tmp_path, monkeypatch, capsys):
    root = synth_corpus(tmp_path / "synth")
    write(tmp_path / "evalvariants_t.py", VARIANTS_MODULE)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("EVAL_TEST_GOLD", str(root / "gold"))
    rc = main(["eval", "--gold", str(root / "gold"), "--inputs", str(root / "docs"), "-o", str(tmp_path / "r"),
               "-q", "--variant", "evalvariants_t:perfect", "--kind", "pdftotext-layout", "--kind", "scanned_pdf"])
    assert rc == 0
    assert main(["eval", "--gold", str(root / "gold"), "--inputs", str(root / "docs"), "-o", str(tmp_path / "r1"),
                 "-q", "--no-html", "--variant", "evalvariants_t:perfect", "--limit", "1"]) == 0
    assert not (tmp_path / "r1" / "report.html").exists()
    one = json.loads((tmp_path / "r1" / "summary.json").read_text())
    assert sorted(d["input"] for d in one["documents"]) == ["s1__ocr-text", "s1__pdftotext-layout",
                                                             "s1__scanned_pdf__clean"]
    s = json.loads((tmp_path / "r" / "summary.json").read_text())
    by_kind = s["variants"]["evalvariants_t:perfect"]["cells"]["by_kind"]
    assert list(by_kind) == ["pdftotext-layout", "scanned_pdf/clean", "scanned_pdf/noisy"]
    assert all(v["accuracy"] == 1.0 for v in by_kind.values())
    # Scoring those outputs again, for the test split (known from the manifest) only.
    assert main(["eval", "--gold", str(root / "gold"), "--inputs", str(root / "docs"), "--preds",
                 str(tmp_path / "r" / "preds"), "--split", "test", "-o", str(tmp_path / "r2"), "-q", "--no-html"]) == 0
    s2 = json.loads((tmp_path / "r2" / "summary.json").read_text())
    assert {d["input"].split("__")[0] for d in s2["documents"]} == {"s2"}


def test_preds_from_nianbao_extract_flat_layout(tmp_path):
    """`nianbao extract docs/ -o OUT` names outputs layout.json, layout.2.json…: the document and
    kind come from each output's source.path."""
    root = synth_corpus(tmp_path / "synth")
    preds = tmp_path / "extracted"
    n = 0
    for d in ("s1", "s2"):
        g = json.loads((root / "gold" / f"{d}.gold.json").read_text())
        for name in ("layout.txt", "scan.pdf"):
            n += 1
            write(preds / f"{Path(name).stem}.{n}.json", pred_from(g, f"synth/docs/{d}/{name}", wrong=n))
    out = tmp_path / "r"
    assert main(["eval", "--gold", str(root / "gold"), "--preds", str(preds), "-o", str(out), "-q", "--no-html"]) == 0
    s = json.loads((out / "summary.json").read_text())
    assert sorted(d["input"] for d in s["documents"]) == ["s1__pdftotext-layout", "s1__scanned_pdf",
                                                         "s2__pdftotext-layout", "s2__scanned_pdf"]
    assert s["variants"]["preds"]["cells"]["overall"]["correct"] == 4 * 200 - (1 + 2 + 3 + 4)


def test_grid_ablation_variant_skips_the_grid_stage(tmp_path):
    from nianbao.eval.ablations import get
    sample = Path(__file__).parent / "eval_samples" / "synth" / "docs"
    pdf = next(sample.rglob("report.pdf"))
    with_grid, text_path = get("rules").extract(pdf), get("text-path").extract(pdf)
    assert "grid" in with_grid["timings_ms"] and "grid" not in text_path["timings_ms"]
    assert set(with_grid["fields"]) == set(text_path["fields"])

"""A small generated corpus: determinism, token labels against the gold, text dumps, scans, dataset."""
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pytest

os.environ.setdefault("HF_DATASETS_CACHE", tempfile.mkdtemp(prefix="hf-cache-"))

from nianbao import cli, schema  # noqa: E402
from nianbao.training.synth import styles  # noqa: E402
from nianbao.training.synth.dataset import load  # noqa: E402

N = 6


def _run(out: Path, *extra: str) -> None:
    rc = cli.main(["synth", "--n", str(N), "--out", str(out), "--seed", "5", "--workers", "1",
                   "--no-progress", *extra])
    assert rc == 0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    _run(out)
    return out


def _manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _examples(out: Path, doc_id: str) -> list[dict]:
    lines = (out / "docs" / doc_id / "tokens.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _parse(text: str, typ: str):
    if text.endswith("万"):
        text = text[:-1]
    if text in ("", "—", "-", "－"):
        return 0
    return float(text) if typ == "decimal" else int(text)


def test_layout_and_manifest(corpus):
    rows = _manifest(corpus)
    assert [r["index"] for r in rows] == list(range(N))
    assert len({r["style"] for r in rows}) >= 4 and len({r["format"] for r in rows}) == 2
    for r in rows:
        d = corpus / "docs" / r["doc_id"]
        for name in ("report.pdf", "scan.pdf", "layout.txt", "raw.txt", "pdfium.txt", "tokens.jsonl"):
            assert (d / name).stat().st_size > 0, (r["doc_id"], name)
        gold = json.loads((corpus / "gold" / f"{r['doc_id']}.gold.json").read_text(encoding="utf-8"))
        assert gold["doc"] == r["doc_id"] and gold["format"] == r["format"]
        assert r["tokens_exact"], r["doc_id"]


def test_deterministic_for_a_seed(corpus, tmp_path):
    again = tmp_path / "again"
    _run(again)
    for r in _manifest(corpus):
        for name in ("report.pdf", "scan.pdf", "layout.txt", "tokens.jsonl"):
            a = (corpus / "docs" / r["doc_id"] / name).read_bytes()
            b = (again / "docs" / r["doc_id"] / name).read_bytes()
            assert a == b, (r["doc_id"], name)
        g = f"gold/{r['doc_id']}.gold.json"
        assert (corpus / g).read_bytes() == (again / g).read_bytes()


def test_value_tokens_rederive_every_cell(corpus):
    for r in _manifest(corpus):
        gold = json.loads((corpus / "gold" / f"{r['doc_id']}.gold.json").read_text(encoding="utf-8"))
        fmt = gold["format"]
        blank_zero = styles.get(r["style"]).zero == "blank"
        vals: dict[str, str] = defaultdict(str)
        rows: dict[str, str] = defaultdict(str)
        mets: dict[str, str] = defaultdict(str)
        for ex in _examples(corpus, r["doc_id"]):
            if ex["kind"] != "digital_pdf":
                continue
            for tok, role in zip(ex["tokens"], ex["roles"]):
                if role.startswith("VAL:"):
                    vals[role[4:]] += tok
                elif role.startswith("ROW:"):
                    rows[role[4:]] += tok
                elif role.startswith("MET:"):
                    mets[role[4:]] += tok
        assert set(vals) <= set(gold["fields"])
        for key, want in gold["fields"].items():
            table, _, col = schema.parse_key(key)
            if key not in vals:
                assert want == 0 and blank_zero, (r["doc_id"], key, want)
                continue
            got = _parse(vals[key], schema.col_type(table, fmt, col))
            assert abs(got - want) < 1e-9, (r["doc_id"], key, vals[key], want)
        for row in schema.rows("requests", fmt):
            printed = row.zh.split(" ", 1)[-1]
            assert rows[f"requests.{row.id}"] == printed, (row.id, rows.get(f"requests.{row.id}"))
        for mid, want in gold["metrics"].items():
            if mid == "fee_collected":
                assert "收取" in mets[mid]
            elif mid == "requests_received" and want == 0:
                assert "未收到" in mets[mid]  # 未收到政府信息公开申请: a stated 0, tagged as its clause
            else:
                assert int(mets[mid]) == want, (r["doc_id"], mid, mets[mid], want)


def test_boxes_sit_on_the_page_text(corpus):
    r = _manifest(corpus)[0]
    pdf = pdfium.PdfDocument(str(corpus / "docs" / r["doc_id"] / "report.pdf"))
    digital = [ex for ex in _examples(corpus, r["doc_id"]) if ex["kind"] == "digital_pdf"]
    assert len(digital) == len(pdf)
    for ex, page in zip(digital, pdf):
        w, h = page.get_size()
        assert (ex["width"], ex["height"]) == pytest.approx((w, h), abs=0.01)
        for x0, y0, x1, y1 in ex["bboxes"]:
            assert 0 <= x0 <= x1 <= 1000 and 0 <= y0 <= y1 <= 1000
        # the box of a value token, cut out of the page text layer, gives back that token
        tp = page.get_textpage()
        for tok, (x0, y0, x1, y1), role in zip(ex["tokens"], ex["bboxes"], ex["roles"]):
            if role.startswith("VAL:") and tok.isdigit():
                cx, cy = (x0 + x1) / 2000 * w, h - (y0 + y1) / 2000 * h
                i = tp.get_index(cx, cy, 2, 2)
                assert i >= 0 and tp.get_text_range(i, 1) == tok
                break
    pdf.close()


def test_scans_are_image_only_and_text_dumps_are_real(corpus):
    for r in _manifest(corpus)[:2]:
        d = corpus / "docs" / r["doc_id"]
        scan = pdfium.PdfDocument(str(d / "scan.pdf"))
        assert len(scan) == r["pages"]
        assert all(p.get_textpage().count_chars() == 0 for p in scan)
        scan.close()
        gold = json.loads((corpus / "gold" / f"{r['doc_id']}.gold.json").read_text(encoding="utf-8"))
        layout = (d / "layout.txt").read_text(encoding="utf-8")
        assert "收到和处理政府信息公开申请情况" in layout and layout.count("\f") == r["pages"]
        assert gold["agency"] in (d / "raw.txt").read_text(encoding="utf-8").replace("\n", "")
        assert "\f" in (d / "pdfium.txt").read_text(encoding="utf-8")


def test_dataset_loads_with_documented_columns(corpus):
    dd = load(corpus)
    assert set(dd) == {"train", "validation", "test"}
    cols = ["doc_id", "page", "width", "height", "kind", "tokens", "bboxes", "roles"]
    seen: dict[str, str] = {}
    for split, ds in dd.items():
        assert ds.column_names == cols
        for ex in ds:
            assert len(ex["tokens"]) == len(ex["bboxes"]) == len(ex["roles"])
            assert seen.setdefault(ex["doc_id"], split) == split   # a document lives in one split
    assert {ex["kind"] for ex in dd["train"]} == {"digital_pdf", "scanned_pdf"}
    assert len(seen) == N
    assert (corpus / "tokens" / "README.md").read_text(encoding="utf-8").startswith("---")


def test_bad_arguments_are_refused(tmp_path, capsys):
    assert cli.main(["synth", "--n", "0", "--out", str(tmp_path)]) == 2
    with pytest.raises(SystemExit):
        cli.main(["synth", "--n", "1", "--out", str(tmp_path), "--kinds", "pdf,bogus"])

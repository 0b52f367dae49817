"""Bad and unusual inputs through the real pipeline and the batch: each gets a clear per-file
result, the batch goes on, and nothing is half-written."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import pdf_fixtures as F
from nianbao.batch import Options, run_batch
from nianbao.pipeline import extract
from pdfgen import render_report
from reportgen import make_values

NOT_REPORT = "这是一份关于城市绿化工作的总结材料，其中没有任何政府信息公开年度报告的表格内容。\n" * 3


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bad")
    good = render_report(d / "good report 2023.pdf", "2021", make_values("2021", seed=5))
    data = good.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.5\n" + os.urandom(4000))
    (d / "html.pdf").write_bytes(b"<!DOCTYPE html><html><body>404 Not Found</body></html>")
    (d / "binary.pdf").write_bytes(bytes(range(256)) * 10)
    F.encrypted_pdf(d / "locked.pdf", "secret")
    F.zero_page_pdf(d / "zero pages.pdf")
    F.text_pdf(d / "not a report.pdf", [NOT_REPORT])
    F.bomb_pdf(d / "bomb.pdf", side=6000)
    gbk = os.path.join(os.fsencode(d), "政府信息公开年报".encode("gb18030") + b".pdf")
    with open(gbk, "wb") as f:
        f.write(data)
    return d


EXPECTED = {  # file name -> failure reason (None: extracted)
    "good report 2023.pdf": None,
    "政府信息公开年报.pdf": None,
    "truncated.pdf": "corrupt_pdf",
    "corrupt.pdf": "corrupt_pdf",
    "html.pdf": "not_pdf",
    "binary.pdf": "not_pdf",
    "locked.pdf": "encrypted",
    "zero pages.pdf": "no_pages",
    "not a report.pdf": "not_a_report",
    "bomb.pdf": "not_a_report",  # an image-only page of 36 M pixels: rendered within the cap, OCR finds no report
}


def test_each_bad_input_gets_a_clear_error(bad_dir):
    from nianbao.batch.worker import reason_for
    for p in sorted(bad_dir.iterdir()):
        doc = extract(p)
        name = os.fsdecode(os.fsencode(p.name)) if p.name in EXPECTED else "政府信息公开年报.pdf"
        want = EXPECTED[name]
        assert reason_for(doc.errors) == want, (p.name, doc.errors)
        if want is None:
            assert doc.format == "2021" and doc.fields
        else:
            assert doc.errors[0]["message"] and not doc.fields


def test_why_a_pdf_is_refused_comes_from_its_bytes_not_pdfiums_last_error(bad_dir, monkeypatch):
    """pdfium's refusal message is its process-wide last error: under load a batch worker's
    zero-page PDF came back "password" (another file's code) and was counted as encrypted. Every
    refusal here carries that stale message; each file is still counted for what it is."""
    import pypdfium2 as pdfium
    from nianbao.batch.worker import reason_for

    def refuse(*a, **k):
        raise pdfium.PdfiumError("Failed to load document (PDFium: Incorrect password error).")

    monkeypatch.setattr(pdfium, "PdfDocument", refuse)
    for name in ("zero pages.pdf", "truncated.pdf", "corrupt.pdf", "locked.pdf"):
        assert reason_for(extract(bad_dir / name).errors) == EXPECTED[name], name


def test_encrypted_with_empty_user_password_is_read(tmp_path):
    pdf = render_report(tmp_path / "r.pdf", "2021", make_values("2021", seed=6))
    pypdf = pytest.importorskip("pypdf")
    w = pypdf.PdfWriter(clone_from=str(pdf))
    w.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    w.write(str(tmp_path / "enc.pdf"))
    assert pypdf.PdfReader(str(tmp_path / "enc.pdf")).is_encrypted
    assert (tmp_path / "enc.pdf").read_bytes() != pdf.read_bytes()
    doc = extract(tmp_path / "enc.pdf")
    assert doc.errors == [] and doc.format == "2021"
    assert {k: c.value for k, c in doc.fields.items()} == {k: c.value for k, c in extract(pdf).fields.items()}


def test_500_page_pdf(tmp_path):
    pages = [f"第 {i} 页 一些文字，用于测试很长的文件是否能够被完整读取。" for i in range(500)]
    pdf = F.text_pdf(tmp_path / "long.pdf", pages)
    doc = extract(pdf)
    assert doc.source.pages == 500
    assert doc.errors and doc.errors[0]["stage"] == "assemble"  # read in full, then: not a report
    assert "政府信息公开年度报告" in doc.errors[0]["message"]


def test_batch_over_bad_inputs_goes_on(bad_dir, tmp_path):
    out = tmp_path / "out"
    s = run_batch(bad_dir, out, Options(workers=2, progress=False, timeout_s=60, max_memory_mb=2048))
    # the GBK-named file has the same content as the good one: one entry, one output
    assert s["files_total"] == len(EXPECTED) - 1 and s["this_run"]["skipped"] == {"duplicate": 1}
    assert s["done"] == 1 and s["failed"] == len(EXPECTED) - 2
    want = {}
    for r in EXPECTED.values():
        if r:
            want[r] = want.get(r, 0) + 1
    assert s["failed_by_reason"] == want
    outputs = list((out / "reports").iterdir())
    assert len(outputs) == len(EXPECTED) - 1
    for p in outputs:
        data = json.loads(p.read_text(encoding="utf-8"))
        assert data["source"]["sha256"]
        assert bool(data.get("errors")) != bool(data.get("fields"))

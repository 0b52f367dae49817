"""Peak memory of `nianbao extract` on a long scanned PDF (issue 26, item 6).

    python eval/bench_page_memory.py --pages 500 [--nianbao .venv/bin/nianbao] [--work DIR]

Makes a PDF of N blank A4 pages without a text layer (every page is rendered at 200 dpi and
OCR'd, as a scan), runs `nianbao extract` on it under `/usr/bin/time -v` and prints the
maximum resident set size (of the command and the worker it waits for) and the wall time as
JSON. A benchmark, not a test: the figure depends on the machine and its load.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path


def blank_pdf(path: Path, pages: int) -> Path:
    """A scanned-looking PDF: A4 pages with no text layer (each is rendered and OCR'd)."""
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument.new()
    for _ in range(pages):
        pdf.new_page(595, 842)
    pdf.save(str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--nianbao", default=".venv/bin/nianbao", help="the nianbao command to measure")
    ap.add_argument("--work", help="folder for the PDF and the output (default: a temp folder)")
    args = ap.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-page-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    pdf = blank_pdf(work / f"blank-{args.pages}.pdf", args.pages)
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v", args.nianbao, "extract", str(pdf), "-o", str(work / "out"),
                        "--no-model", "-q"], capture_output=True, text=True)
    wall = time.monotonic() - t0
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr)
    print(json.dumps({"pages": args.pages, "exit": r.returncode, "max_rss_mb": int(m.group(1)) // 1024 if m else None,
                      "seconds": round(wall, 1), "nianbao": args.nianbao}))


if __name__ == "__main__":
    main()

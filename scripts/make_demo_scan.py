"""Make the bundled scanned example, examples/demo-scan-2022.pdf, with the project's own
synthetic generator (`nianbao synth`): one 2021-format report of an invented county office
(云溪县, as in the text example; every figure invented too) in the `kai_titlepage` house style,
printed with one source error so its review page shows a flag, then rendered and scanned as a
150 dpi grey office scan with a slight skew (JPEG quality 60, under 500 KB). The bytes depend only on
the seed below: `python scripts/make_demo_scan.py` rewrites the same file.
"""
from __future__ import annotations

import random
import shutil
import sys
import tempfile
from pathlib import Path
from unittest import mock

from nianbao.training.synth import agencies, content, scans
from nianbao.training.synth.generate import Task, make

SEED = 2022
DPI, QUALITY = 150, 60  # an office scanner's grey default; the file stays under 500 KB
TARGET = Path(__file__).resolve().parents[1] / "examples" / "demo-scan-2022.pdf"
AGENCY = agencies.Agency(name="云溪县人民政府办公室", level="county_office", province="云溪省", city="云溪市",
                         county="云溪县", website="云溪县人民政府门户网站", short="我办")


def _office_scan(name: str, rng: random.Random) -> dict:
    p = dict(REAL_PARAMS("light_scan", rng))
    p.update(dpi=DPI, quality=QUALITY)
    return p


REAL_PARAMS = scans._params


def build(target: Path = TARGET, gold: Path | None = None) -> Path:
    """Write the scan to `target` (and its gold JSON to `gold`, for tests)."""
    with tempfile.TemporaryDirectory(prefix="nianbao-demo-") as tmp, \
            mock.patch.object(content, "pick_agency", lambda rng: AGENCY), \
            mock.patch.object(scans, "_params", _office_scan):
        task = Task(index=0, n=1, seed=SEED, doc_id="demo-scan-2022", fmt="2021", style="kai_titlepage",
                    degradation="light_scan", split="test", kinds=("pdf", "scan"), error_rate=1.0, out=tmp)
        make(task)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(tmp) / "docs" / task.doc_id / "scan.pdf", target)
        if gold:
            shutil.copyfile(Path(tmp) / "gold" / f"{task.doc_id}.gold.json", gold)
    return target


if __name__ == "__main__":
    out = build(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")

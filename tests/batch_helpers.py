"""Test doubles and input builders for the batch tests.

`fake_extract` stands in for the pipeline where a test is about the batch machinery (timeouts,
memory, crashes, resume) rather than extraction: it reads the file like the real ingest and
returns a Document shaped like a real result, and misbehaves on request (HANG, BLOAT, CRASH).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

from nianbao import schema
from nianbao.document import Cell, Document, Flag, Source
from nianbao.ingest import sha256_of

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = sorted((SHARED / "seeds").glob("*.txt"))


def fake_extract(path) -> Document:
    p = Path(path)
    doc = Document(source=Source(path=str(p), kind="text", pages=1))
    try:
        data = p.read_bytes()
    except OSError as e:
        doc.error("ingest", f"no such file: {e}", "missing")  # the code is what the batch counts
        return doc
    doc.source.sha256 = sha256_of(p)
    if b"HANG" in data:
        time.sleep(3600)
    if b"BLOAT" in data:
        hog = []
        for _ in range(200):  # up to 10 GiB, 50 MiB at a time, each page touched
            hog.append(bytearray(b"x" * (50 << 20)))
    if b"CRASH" in data:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or a native crash would
    if b"SLOW" in data:
        time.sleep(0.15)
    if b"RAISE" in data:
        raise RuntimeError("extractor bug on this file")
    if not data.strip():
        doc.error("ingest", "empty input: the file has no text", "empty")
        return doc
    digest = hashlib.sha256(data).digest()
    doc.format, doc.year, doc.agency = "2021", 2023, "测试县人民政府办公室"
    for i, key in enumerate(schema.field_keys("2021")):
        v = digest[i % len(digest)]
        doc.fields[key] = Cell(value=v, text=str(v), confidence=0.5 + (v % 50) / 100, line=i + 1)
    if b"PID" in data:
        doc.warnings.append(f"read by process {os.getpid()}")
    if b"FLAG" in data:
        keys = ["requests.result.total.natural_person", "requests.new_received.natural_person"]
        doc.flags.append(Flag(identity="requests.column_sum", keys=keys, printed=1, expected=2,
                              message="办理结果各项之和为 2，总计栏为 1", suggested={keys[0]: 2}))
    return doc


def seed_copies(folder: Path, n: int, marker: str = "") -> list[Path]:
    """n distinct text inputs made from the seed reports (a line appended keeps contents apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        src = SEEDS[i % len(SEEDS)]
        dst = folder / f"{i:03d}_{src.name}"
        shutil.copyfile(src, dst)
        with open(dst, "a", encoding="utf-8") as f:
            f.write(f"\n副本 {i} {marker}\n")
        out.append(dst)
    return out

"""Finding a batch's input files, hashing them, and naming their outputs.

File names from Chinese government sites arrive in GBK as often as in UTF-8; on Linux such a
name is a str with surrogate escapes, which json and SQLite refuse. Everything shown to a
person or written into a report goes through `display_name`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..ingest import INPUT_SUFFIXES, sha256_of
from nianbao.output import printable_path as display_name



@dataclass
class InputFile:
    path: Path
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None  # None: the file could not be read
    error: str | None = None

    @property
    def display(self) -> str:
        return display_name(str(self.path))

    @property
    def path_key(self) -> bytes:
        return os.fsencode(self.path)


def clean_text(value):
    """Replace lone surrogates anywhere in a JSON-like value so it can be encoded as UTF-8."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return display_name(value)
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def output_name(f: InputFile) -> str:
    """`<stem>.<sha256[:12]>.json`: unique per content, stable across reruns, safe on any disk."""
    stem = _UNSAFE.sub("_", display_name(f.path.stem)).strip("._")[:80] or "input"
    tag = (f.sha256 or "unreadable")[:12]
    return f"{stem}.{tag}.json"


def discover(source: str | Path) -> list[Path]:
    """Input files under a directory (report-like suffixes, recursively), or listed one per line
    in a text file (blank lines and lines starting with # are skipped; relative paths are taken
    from the list file's folder)."""
    source = Path(source)
    if source.is_dir():
        out = []
        for root, dirs, files in os.walk(source):
            dirs.sort()
            for name in sorted(files):
                p = Path(root) / name
                if p.suffix.lower() in INPUT_SUFFIXES and not name.startswith("."):
                    out.append(p)
        return out
    if source.is_file():
        out = []
        for line in source.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                p = Path(line)
                out.append(p if p.is_absolute() else source.parent / p)
        return out
    raise FileNotFoundError(f"no such input folder or list file: {source}")


def stat_and_hash(path: Path, cached: dict[bytes, tuple[int, int, str]] | None = None) -> InputFile:
    """Size, mtime and content sha256, reusing a cached hash when size and mtime are unchanged."""
    f = InputFile(path=path)
    try:
        st = path.stat()
        if not path.is_file():
            f.error = "not a regular file"
            return f
        f.size, f.mtime_ns = st.st_size, st.st_mtime_ns
        hit = (cached or {}).get(f.path_key)
        if hit and hit[0] == f.size and hit[1] == f.mtime_ns:
            f.sha256 = hit[2]
        else:
            f.sha256 = sha256_of(path)
    except OSError as e:
        f.error = f"cannot read: {e.strerror or e}"
    return f

"""Finding a batch's input files, hashing them, and naming their outputs.

File names from Chinese government sites arrive in GBK as often as in UTF-8; on Linux such a
name is a str with surrogate escapes, which json and SQLite refuse. Everything shown to a
person or written into a report goes through `display_name`.
"""
from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..ingest import sha256_of, sniff_kind
from ..names import fit_name
from ..errors import UsageError
from ..output import printable_path as display_name
from ..output import shown
from ..walk import Skipped, walk


@dataclass
class InputFile:
    path: Path
    size: int = 0
    mtime_ns: int = 0
    sha256: str | None = None  # None: the file could not be read
    error: str | None = None
    reason: str | None = None  # why it could not be read: missing, unreadable, not_regular

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
    stem = _UNSAFE.sub("_", display_name(f.path.stem)).strip("._") or "input"
    tag = (f.sha256 or "unreadable")[:12]
    return fit_name(stem, f".{tag}.json")


def discover(source: str | Path, output=None) -> tuple[list[Path], list[Skipped]]:
    """Input files under a directory (input suffixes, recursively, links followed: see
    nianbao.walk), or listed one per line in a text file (blank lines and lines starting with #
    are skipped; relative paths are taken from the list file's folder); and the records of what
    the walk could not search. The `output` folder is never walked."""
    source = Path(source)
    if source.is_dir():
        return walk(source, output=output)
    if source.is_file():
        out = []
        for line in source.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                p = Path(line)
                out.append(p if p.is_absolute() else source.parent / p)
        return out, []
    raise UsageError(f"no such input folder or list file: {shown(source)}")


def stat_and_hash(path: Path, cached: dict[bytes, tuple[int, int, str]] | None = None) -> InputFile:
    """Size, mtime and content sha256, reusing a cached hash when size and mtime are unchanged."""
    f = InputFile(path=path)
    try:
        st = path.stat()
        if not path.is_file():
            f.error, f.reason = "not a regular file", "not_regular"
            return f
        f.size, f.mtime_ns = st.st_size, st.st_mtime_ns
        hit = (cached or {}).get(f.path_key)
        if hit and hit[0] == f.size and hit[1] == f.mtime_ns:
            f.sha256 = hit[2]
        else:
            f.sha256 = sha256_of(path)
    except OSError as e:
        f.error = f"cannot read: {e.strerror or e}"
        f.reason = "missing" if e.errno == errno.ENOENT else "unreadable"
    return f


SUFFIX_KINDS = {".pdf": "pdf", ".txt": "text", ".text": "text"}


def name_fits_content(f: InputFile) -> bool:
    """Whether the file's suffix agrees with what its first bytes are (a report saved as .txt
    and as .pdf is read from the copy whose name its reader accepts)."""
    try:
        with open(f.path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    expected = SUFFIX_KINDS.get(f.path.suffix.lower(), "image")
    return sniff_kind(head, f.path.suffix.lower()) == expected

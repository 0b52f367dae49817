"""What `nianbao extract` reads and where each output goes.

Outputs mirror each input's path below the argument that found it: a folder argument's files
keep their sub-folders (`in/a/r.pdf` → `OUT/a/r.json`), a glob's matches keep theirs below the
pattern's fixed part, a file named directly lands at the top. Names therefore depend only on
the inputs, never on their order. Two inputs that would still share a name keep their suffix
(`r.pdf.json`, `r.txt.json`), and failing that get a short hash of their path. A glob that
matches nothing is an error, not an output named after the pattern.
"""
from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from .names import fit_name
from .walk import Skipped, skipped, walk


@dataclass
class Target:
    path: Path
    rel: PurePath  # output path below OUT_DIR, without the ".json"
    pages: list[Path] | None = None  # page images of one report (extract --pages)

    @property
    def source(self) -> Path | list[Path]:
        """What the pipeline reads: the file, or the report's page images."""
        return self.pages if self.pages is not None else self.path

    def output(self, page_range: tuple[int, int] | None = None, several: bool = False) -> PurePath:
        """The output file: `<rel>.json`, or `<rel>.p<a>-<b>.json` for one of several reports."""
        tail = f".p{page_range[0]}-{page_range[1]}.json" if several and page_range else ".json"
        return self.rel.parent / fit_name(self.rel.name, tail)


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    fixed = []
    for p in parts:
        if glob.has_magic(p):
            break
        fixed.append(p)
    return Path(*fixed) if fixed else Path(".")


def _stat_dir(p: Path) -> bool | OSError:
    try:
        return p.is_dir()
    except OSError as e:  # e.g. a file inside a folder we may not enter
        return e


def expand(paths: list[str]) -> tuple[list[Target], list[Skipped]]:
    """Files named, files under folders (input suffixes, recursively), glob matches; the records
    of folders that could not be searched and globs that matched nothing."""
    found: list[tuple[Path, PurePath]] = []
    notes: list[Skipped] = []
    for raw in paths:
        p = Path(raw)
        is_dir = _stat_dir(p)
        if is_dir is True:
            files, skips = walk(p)
            notes += skips
            found += [(f, f.relative_to(p).with_suffix("")) for f in files]
        elif isinstance(is_dir, OSError) or os.path.lexists(p) or not glob.has_magic(raw):
            # a file, or a path that cannot be read or does not exist: it gets its own error record
            found.append((p, PurePath(p.stem or "input")))
        else:
            root = _glob_root(raw)
            matches = [Path(m) for m in sorted(glob.glob(raw, recursive=True))]
            files = [m for m in matches if m.is_file()]
            if not files:
                notes.append(skipped(raw, "no_match", "no file matches this pattern"))
            found += [(m, m.relative_to(root).with_suffix("") if m.is_relative_to(root) else PurePath(m.stem))
                      for m in files]
    targets, seen = [], set()
    for path, rel in found:
        key = os.path.abspath(path)
        try:
            key = str(path.resolve())
        except OSError:
            pass
        if key not in seen:
            seen.add(key)
            targets.append(Target(path, rel))
    _separate(targets)
    return targets, notes


def _path_tag(t: Target) -> str:
    return hashlib.sha1(os.fsencode(os.path.abspath(t.path))).hexdigest()[:8]


def _separate(targets: list[Target]) -> None:
    """Give inputs that would share an output name names of their own, independent of order:
    `r.pdf.json` / `r.txt.json` when their suffixes differ, else `r.<hash of the path>.json`."""
    for _ in range(3):
        groups: dict[PurePath, list[Target]] = {}
        for t in targets:
            groups.setdefault(t.rel, []).append(t)
        clashes = [g for g in groups.values() if len(g) > 1]
        if not clashes:
            return
        for g in clashes:
            by_suffix = len({t.path.suffix.lower() for t in g}) == len(g)
            for t in g:
                t.rel = t.rel.parent / (t.rel.name + (t.path.suffix if by_suffix else "." + _path_tag(t)))

"""What `nianbao extract` reads and where each output goes.

Outputs mirror each input's path below the argument that found it: a folder argument's files
keep their sub-folders (`in/a/r.pdf` → `OUT/a/r.json`), a glob's matches keep theirs below the
pattern's fixed part (a match that a `..` in the pattern takes out of that part lands at
the top, by its name), a file named directly lands at the top. Names therefore depend only on
the inputs, never on their order. Two inputs that would still share a name keep their suffix
(`r.pdf.json`, `r.txt.json`), and failing that get a short hash of their path; each such
rename is recorded (`renamed`) for the run's summary. A glob that matches nothing is an error,
not an output named after the pattern. Where the output is finally written is decided, and
proven inside the output folder, by `nianbao.outpaths`; nothing under the output folder is
read as an input.
"""
from __future__ import annotations

import errno
import fnmatch
import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path, PurePath

from .names import fit_name
from .walk import Skipped, avoiding, skipped, walk


@dataclass
class Target:
    path: Path
    rel: PurePath  # output path below OUT_DIR, without the ".json"
    pages: list[Path] | None = None  # page images of one report (extract --pages)
    wanted: PurePath | None = None  # the name it would have had, when another input had it too

    @property
    def source(self) -> Path | list[Path]:
        """What the pipeline reads: the file, or the report's page images."""
        return self.pages if self.pages is not None else self.path

    def output(self, page_range: tuple[int, int] | None = None, several: bool = False) -> PurePath:
        """The output file: `<rel>.json`, or `<rel>.p<a>-<b>.json` for one of several reports."""
        tail = f".p{page_range[0]}-{page_range[1]}.json" if several and page_range else ".json"
        return self.rel.parent / fit_name(self.rel.name, tail)


def _resolved(p: Path) -> str:
    try:
        return str(p.resolve())
    except (OSError, RuntimeError):  # a link loop (RuntimeError before Python 3.13)
        return os.path.abspath(p)


def _below(path: Path, root: Path) -> PurePath | None:
    """`path` relative to `root` with `..` worked out first, or None when it is not below it
    (`in/*/../../x/r.txt` is not below `in`)."""
    norm, base = os.path.normpath(path), os.path.normpath(root)
    rel = os.path.relpath(norm, base)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return None
    return PurePath(rel)


def _glob_root(pattern: str) -> Path:
    parts = Path(pattern).parts
    fixed = []
    for p in parts:
        if glob.has_magic(p):
            break
        fixed.append(p)
    return Path(*fixed) if fixed else Path(".")


class _Any:
    def __contains__(self, _suffix) -> bool:
        return True


def _matches(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether path parts match pattern parts, `**` standing for any number of folders."""
    if not pattern:
        return not parts
    if pattern[0] == "**":
        return any(_matches(pattern[1:], parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and fnmatch.fnmatchcase(parts[0], pattern[0]) and _matches(pattern[1:], parts[1:])


def _recursive_glob(pattern: str, root: Path, output) -> tuple[list[Path], list[Skipped]]:
    """Matches of a pattern with `**`, found by the folder walk rather than glob.glob (which
    follows a link to an ancestor into itself without end): the walk stays below the pattern's
    fixed part and records the links it does not follow."""
    rest = Path(pattern).parts[len(root.parts):]
    if not root.is_dir():
        return [], []
    files, notes = walk(root, suffixes=_Any(), output=output)
    return [f for f in files if _matches(rest, f.relative_to(root).parts)], [n for n in notes if n.failing]


def _stat_dir(p: Path) -> bool | OSError:
    try:
        return p.is_dir()
    except OSError as e:  # e.g. a file inside a folder we may not enter
        return e


def expand(paths: list[str], output=None) -> tuple[list[Target], list[Skipped]]:
    """Files named, files under folders (input suffixes, recursively), glob matches; the records
    of folders that could not be searched and globs that matched nothing. Nothing in the
    `output` folder is found by a walk or a glob (nianbao.walk.avoiding)."""
    found: list[tuple[Path, PurePath]] = []
    notes: list[Skipped] = []
    roots = [Path(raw) for raw in paths if _stat_dir(Path(raw)) is True]
    for raw in paths:
        p = Path(raw)
        is_dir = _stat_dir(p)
        if is_dir is True:
            files, skips = walk(p, roots=roots, output=output)
            notes += skips
            found += [(f, f.relative_to(p).with_suffix("")) for f in files]
        elif os.path.islink(p) and not os.path.exists(p):  # a link to nothing, or to itself
            try:
                os.stat(p)
                why = "symbolic link leads nowhere"
            except OSError as e:
                why = f"symbolic link leads nowhere: {e.strerror or e}"
                if e.errno == errno.ELOOP:
                    notes.append(skipped(p, "link_loop", f"symbolic link loop: {e.strerror}; not followed"))
                    continue
            notes.append(skipped(p, "broken_link", why))
        elif isinstance(is_dir, OSError) or os.path.lexists(p) or not glob.has_magic(raw):
            # a file, or a path that cannot be read or does not exist: it gets its own error record
            found.append((p, PurePath(p.stem or "input")))
        else:
            root = _glob_root(raw)
            if "**" in Path(raw).parts:
                matches, skips = _recursive_glob(raw, root, output)
                notes += skips
            else:
                matches = [Path(m) for m in sorted(glob.glob(raw))]
            avoid = avoiding(output, root)
            files = [m for m in matches if m.is_file() and not avoid(m)]
            if not files:
                notes.append(skipped(raw, "no_match", "no file matches this pattern"))
            for m in files:
                below = _below(m, root)
                found.append((m, below.with_suffix("") if below is not None else PurePath(m.stem or "input")))
    targets, seen = [], set()
    for path, rel in found:
        key = _resolved(path)
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
                t.wanted = t.wanted or t.rel
                t.rel = t.rel.parent / (t.rel.name + (t.path.suffix if by_suffix else "." + _path_tag(t)))
    # still together after three rounds (names cut to fit that keep colliding): the output
    # folder's own check (nianbao.outpaths) keeps them apart when they are written
